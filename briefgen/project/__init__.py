"""A project folder: its settings (`briefgen.toml`), which sheets a run covers, `init` and
`new`'s scaffold, and how its workflow installs briefgen (`install`, checked by `doctor`).
Beside the stages; the pipeline and the CLI read it.
"""

"""`briefgen init --shards N`: the scheduled workflow as a CI matrix of N shard builds and
one merge.

Why derived from `init.WORKFLOW`: the sharded workflow must install briefgen exactly as
the plain one does (briefgen.toml's `install`, read when it runs), so its set-up steps are
that workflow's own, cut out of it, not a second copy to keep in step. Each shard job
uploads its part as an artifact (hidden files included: the part's manifest and record
are dotfiles); the merge job downloads them all into part-1/ … part-N/ and publishes.
"""

from __future__ import annotations

MOST = 64  # a GitHub matrix holds at most 256 jobs; more runners than this rarely pay

_HEAD = """\
# Build the briefings every hour and on each push, as {n} shard jobs that run at once
# (`briefgen build --shard I/{n}`) and one job that merges their parts (`briefgen merge`),
# then publish them with GitHub Pages (Settings → Pages → Source: GitHub Actions).
# A failed shard or merge uploads no site, so the live site stays as it was.
"""

_SHARD = """\
  shard:
    name: shard ${{{{matrix.shard}}}} of {n}
    runs-on: ubuntu-latest
    strategy: {{matrix: {{shard: [{shards}]}}}}
{env}    steps:
{setup}      - name: Build the shard
        run: >-
          .venv/bin/briefgen build --strict
          --shard ${{{{matrix.shard}}}}/{n} -o part-${{{{matrix.shard}}}}
      - name: Upload the part
        uses: actions/upload-artifact@v4
        with:
          name: part-${{{{matrix.shard}}}}
          path: part-${{{{matrix.shard}}}}
          include-hidden-files: true  # the part's manifest and record are dotfiles
          retention-days: 1
  build:
    needs: shard
    runs-on: ubuntu-latest
{env}    steps:
{setup}      - name: Download the parts
        uses: actions/download-artifact@v4
        with: {{pattern: part-*}}
      - name: Merge the parts into the site
        run: .venv/bin/briefgen merge --strict part-* -o out
"""


def sharded(workflow: str, shards: int) -> str:
    """WORKFLOW (init's plain one) as SHARDS shard jobs plus the merge job, with the same
    trigger, environment, set-up steps, upload and deploy."""
    head, jobs = workflow.split("jobs:\n", 1)
    trigger = head[head.index("on:") :]
    job, rest = jobs.split("    steps:\n", 1)
    env = job[job.index("    env:") :]
    setup, after = rest.split("      - name: Build the site\n", 1)
    upload = after[after.index("      - name: Upload the site") :]
    body = _SHARD.format(
        n=shards, shards=", ".join(str(i) for i in range(1, shards + 1)), env=env, setup=setup
    )
    return _HEAD.format(n=shards) + trigger + "jobs:\n" + body + upload

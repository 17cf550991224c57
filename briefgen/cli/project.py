"""`briefgen init`, which starts a project folder (library: project/init.py), and
`briefgen doctor`, which says whether this machine and project can build (render/doctor.py,
project/doctor.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefgen.cli.options import reporting

if TYPE_CHECKING:
    from briefgen.render.doctor import Finding


@click.command(short_help="Start a project folder: briefgen.toml, seeds/, CI and hooks.")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--example", is_flag=True, help="Copy the bundled example briefings into seeds/.")
@click.option(
    "--force",
    is_flag=True,
    help="Use a folder that is not empty; files already there are kept, never replaced.",
)
@click.option(
    "--install",
    metavar="SPEC",
    help="How the workflow installs briefgen, recorded in briefgen.toml: briefgen==VERSION, "
    "a path or https:// URL of a briefgen wheel, or a git+https:// URL. "
    "[default: this version from the package index]",
)
@click.option(
    "--shards",
    type=int,
    metavar="N",
    help="Write the workflow as N shard builds that run at once plus one merge "
    "(`build --shard I/N`, `merge`), for sites too large for one runner.",
)
def init(
    folder: Path, example: bool, force: bool, install: str | None, shards: int | None
) -> None:
    """Create FOLDER with briefgen.toml, seeds/, .gitignore, a GitHub Pages workflow and
    a pre-commit config. Commands run anywhere inside it find it by its briefgen.toml.

    The workflow installs briefgen as briefgen.toml's install says (--install; a wheel
    path given here is taken from the working folder and recorded relative to FOLDER).
    `briefgen doctor` in FOLDER says whether it can be had.

    \b
    Examples:
        briefgen init briefs --example && cd briefs && briefgen build
        briefgen init briefs --install git+https://github.com/you/briefgen@v1.2.0
        briefgen init briefs --shards 4     # a CI matrix of 4 shard builds and a merge
    """
    from briefgen.project.init import init as make_project

    with reporting():
        made = make_project(folder, example=example, force=force, install=install, shards=shards)
    for path in made.written:
        click.echo(f"created {path}")
    for path in made.kept:
        click.echo(f"kept    {path} (already there)")
    if install and folder / "briefgen.toml" in made.kept:
        click.echo(f"note: --install changed nothing: {folder / 'briefgen.toml'} was kept; "
                   "set its install line yourself", err=True)
    click.echo(
        f"next: cd {folder} && briefgen new SLUG [--source FILE-OR-URL], "
        "then briefgen check and briefgen build",
        err=True,
    )


@click.command(short_help="Report WeasyPrint, Pango, fonts, and the project's install spec.")
@click.option(
    "--offline",
    is_flag=True,
    envvar="BRIEFGEN_OFFLINE",
    help="Do not ask the package index whether briefgen.toml's install spec is there.",
)
def doctor(offline: bool) -> None:
    """Report what the PDF stage runs with (WeasyPrint, Pango, HarfBuzz, fonts) and fixes;
    in a project, whether its workflow can install briefgen as briefgen.toml's install says
    (a requirement is asked of the package index, for at most 30 s).

    Exits 1 when something needed is missing; a line marked --- was not checked.

    \b
    Examples:
        briefgen doctor
        briefgen doctor --offline     # no network: the index is not asked
    """
    from briefgen.project.doctor import diagnose_project
    from briefgen.render.doctor import diagnose

    findings = diagnose()
    for f in findings:
        _show(f)
    with reporting():  # a bad briefgen.toml: its diagnostics, exit 2
        findings.append(diagnose_project(Path.cwd(), offline=offline))
    _show(findings[-1])
    if not all(f.ok for f in findings):
        raise SystemExit(1)


def _show(f: Finding) -> None:
    mark = "---" if f.skipped else "ok " if f.ok else "BAD"
    click.echo(f"{mark}  {f.name:<20} {f.detail}")
    if not f.ok and f.fix:
        click.echo(f"     fix: {f.fix}")

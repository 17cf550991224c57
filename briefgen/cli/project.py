"""`briefgen init`: the command that starts a project folder (library: project/init.py)."""

from __future__ import annotations

from pathlib import Path

import click

from briefgen.cli.options import reporting


@click.command(short_help="Start a project folder: briefgen.toml, seeds/, CI and hooks.")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--example", is_flag=True, help="Copy the bundled example briefings into seeds/.")
@click.option(
    "--force",
    is_flag=True,
    help="Use a folder that is not empty; files already there are kept, never replaced.",
)
def init(folder: Path, example: bool, force: bool) -> None:
    """Create FOLDER with briefgen.toml, seeds/, .gitignore, a GitHub Pages workflow and
    a pre-commit config. Commands run anywhere inside it find it by its briefgen.toml.

    \b
    Example:
        briefgen init briefs --example && cd briefs && briefgen build
    """
    from briefgen.project.init import init as make_project

    with reporting():
        made = make_project(folder, example=example, force=force)
    for path in made.written:
        click.echo(f"created {path}")
    for path in made.kept:
        click.echo(f"kept    {path} (already there)")
    click.echo(
        f"next: cd {folder} && briefgen new SLUG --source ARTICLE.txt, "
        "then briefgen check and briefgen build",
        err=True,
    )

"""Past one process: `build --shard/--executor/--scheduler` and `merge` (library:
pipeline/shards.py, pipeline/cluster.py, publish/parts.py).

Why a module of its own: the flags a sharded or distributed build adds, and the command
that merges the parts, live together, so `build`'s own command stays what it was.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from briefgen.cli.options import (
    out_option,
    paper_option,
    parse_formats,
    project,
    reporting,
    strict_option,
)

F = TypeVar("F", bound=Callable[..., object])


def scale_options(command: F) -> F:
    """`build`'s --shard, --executor and --scheduler."""
    for option in reversed(
        [
            click.option(
                "--shard",
                metavar="I/N",
                help="Build only shard I of N (by a hash of each sheet's path) into a part "
                "folder; `briefgen merge` makes the site of all N parts.",
            ),
            click.option(
                "--executor",
                type=click.Choice(["processes", "dask"]),
                default="processes",
                show_default=True,
                help="Who builds the briefings: worker processes here, or Dask workers "
                "(needs briefgen[dask]).",
            ),
            click.option(
                "--scheduler",
                metavar="ADDRESS",
                help="The Dask scheduler (tcp://HOST:8786) for --executor dask. "
                "[default: a LocalCluster of --jobs workers]",
            ),
        ]
    ):
        command = option(command)
    return command


def check_scheduler(executor: str, scheduler: str | None) -> None:
    """--scheduler means nothing without --executor dask: a usage error, not ignored."""
    if scheduler and executor != "dask":
        msg = "--scheduler needs --executor dask"
        raise click.BadParameter(msg, param_hint="--scheduler")


@click.command(short_help="Merge the parts of a sharded build into the site.")
@click.argument(
    "parts", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path)
)
@out_option("The site folder briefgen owns and replaces atomically.")
@click.option(
    "--format",
    "formats",
    metavar="LIST",
    help="The formats the parts were built with (as `build --format`). "
    "[default: briefgen.toml's formats, all five]",
)
@paper_option
@click.option(
    "--base-url",
    envvar="BRIEFGEN_BASE_URL",
    metavar="URL",
    help="Public URL of the site, as the parts were built with. [default: briefgen.toml's]",
)
@click.option("--wait", is_flag=True, help="Wait for a running build instead of exiting 4.")
@click.option("--search", is_flag=True, help="Add full-text search, as the parts were built.")
@strict_option
def merge(
    parts: tuple[Path, ...],
    out: Path | None,
    formats: str | None,
    paper: str | None,
    base_url: str | None,
    wait: bool,
    search: bool,
    strict: bool | None,
) -> None:
    """Merge the part folders of `briefgen build --shard I/N` into the site OUT.

    Refused (exit 2, nothing published) unless PARTS are every shard once, built with the
    same options from the project's sheets as they are now. The shared pages (index, feed,
    sitemap, search index, 404) are written once; the site is swapped in atomically and is
    byte-identical to what `briefgen build` makes.

    \b
    Example (a CI matrix of 2 runners, then one more):
        briefgen build --shard 1/2 -o part-1     # on runner 1
        briefgen build --shard 2/2 -o part-2     # on runner 2
        briefgen merge part-1 part-2 -o out
    """
    from briefgen import pipeline
    from briefgen.pipeline import shards

    chosen = parse_formats(formats) if formats is not None else None
    signal.signal(signal.SIGTERM, _terminate)
    with reporting():
        given = project(
            output=out, paper=paper, base_url=base_url, strict=strict, formats=chosen
        )
        options = pipeline.BuildOptions.from_settings(given, jobs=1, wait=wait, search=search)
        sheets = pipeline.resolve_sheets((), given.root)
        merged = shards.merge(parts, sheets, given.output, options)
    click.echo(
        f"merged {merged.parts} part(s): {merged.briefings} briefing(s); "
        f"published to {merged.out}/",
        err=True,
    )


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)

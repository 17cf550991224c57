"""`briefgen serve`: the live preview's command (library: preview/).

Why apart from commands.py: the preview runs until stopped and turns `kill` into the
Ctrl-C it handles; the build commands publish once and exit.
"""

from __future__ import annotations

import signal
from pathlib import Path

import click

from briefgen.cli.options import (
    build_date,
    out_option,
    paper_option,
    print_diagnostics,
    project,
    reporting,
)


@click.command(short_help="Preview on localhost, rebuilding when you save.")
@out_option("The site folder to build and serve.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@paper_option
def serve(out: Path | None, host: str, port: int, paper: str | None) -> None:
    """Preview: serve OUT on localhost, show what you save in open pages at once.

    Watches seeds/ and templates/. On a save the changed briefing's page is re-checked
    and shown first (open pages reload by themselves), then the PDF follows. A broken
    fact sheet does not stop the server: pages show the problems in a banner and the
    last good version stays up.

    \b
    Example:
        briefgen serve --port 8080    # then open http://127.0.0.1:8080/
    """
    from briefgen import pipeline
    from briefgen.preview import watch as preview

    with reporting():
        found = project(output=out, paper=paper)
    options = pipeline.BuildOptions.from_settings(
        found, keep_going=True, wait=True, today=build_date(None)
    )
    signal.signal(signal.SIGTERM, _stop)  # `kill` stops the preview as Ctrl-C does
    with reporting():
        try:
            preview.run(
                found.output,
                options,
                seeds=found.root / "seeds",
                templates=found.root / "templates",
                host=host,
                port=port,
                report=lambda line: click.echo(line, err=True),
                report_diagnostics=print_diagnostics,
            )
        except KeyboardInterrupt:
            click.echo("stopped", err=True)


def _stop(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt

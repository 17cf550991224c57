"""The command line: parse options, call one library function, print the result.

The group and the entry point; the commands are in commands.py (the pipeline), project.py
(`init`), sources.py and authoring.py, what they share in options.py. Diagnostics go to
stderr, results to stdout. Only BriefError is caught; anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from briefgen import __version__
from briefgen.cli import authoring, commands, terminal
from briefgen.cli.project import init
from briefgen.cli.sources import sources
from briefgen.errors import EXIT_PIPE


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="briefgen")
def cli() -> None:
    """Turn source-checked YAML fact sheets into one-page briefings.

    \b
    Quick start:
        briefgen new my-brief --source article.txt   # scaffold seeds/my-brief/
        briefgen check                               # every seeds/*/facts.yaml
        briefgen build                               # out/<slug>/<slug>.{md,html,pdf}

    Exit codes: 0 ok, 1 content errors, 2 usage errors, 3 I/O errors,
    4 another build is running, 141 output pipe closed early (after success).
    """


cli.add_command(commands.check)
cli.add_command(commands.schema)
cli.add_command(commands.new)
cli.add_command(commands.build)
cli.add_command(commands.serve)
cli.add_command(commands.doctor)
cli.add_command(init)
cli.add_command(sources)
cli.add_command(authoring.cite)
cli.add_command(authoring.words)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point for the `briefgen` script.

    A reader that goes away (`briefgen check --format json | head -1`) is no error: the
    rest of the output is dropped, the command finishes, and the exit status is its own
    when it failed, else EXIT_PIPE (141, as if killed by SIGPIPE), never a traceback.
    """
    pipe_closed = terminal.guard_pipes()
    try:
        code = cli.main(args=argv, prog_name="briefgen", standalone_mode=False)
    except SystemExit as done:
        code = done.code
    except click.exceptions.Abort:  # Ctrl-C: click would exit 1; the convention is 130
        click.echo("interrupted", err=True)
        code = 130
    except click.ClickException as error:
        error.show()
        code = error.exit_code
    code = code if isinstance(code, int) else 0
    sys.exit(EXIT_PIPE if code == 0 and pipe_closed() else code)

"""The command line: parse options, call one library function, print the result.

The group and the entry point; the commands are in commands.py (the pipeline), project.py
(`init`, `doctor`), preview.py (`serve`), scale.py (`merge`), sources.py and authoring.py,
what they share in options.py. Diagnostics go to stderr, results to stdout. Only
BriefError is caught; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

import click

from briefgen import __version__
from briefgen.cli import authoring, commands, terminal
from briefgen.cli.preview import serve
from briefgen.cli.project import doctor, init
from briefgen.cli.scale import merge
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
cli.add_command(merge)
cli.add_command(serve)
cli.add_command(doctor)
cli.add_command(init)
cli.add_command(sources)
cli.add_command(authoring.cite)
cli.add_command(authoring.words)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point for the `briefgen` script.

    A reader that goes away (`briefgen check --format json | head -1`) is no error: the
    rest of the output is dropped, the command finishes, and the exit status is its own
    when it failed, else EXIT_PIPE (141, as if killed by SIGPIPE), never a traceback.
    Ctrl-C exits 130 with one word, never a traceback, whenever it comes (`interrupted`).
    """
    pipe_closed = terminal.guard_pipes()
    try:
        code = cli.main(args=argv, prog_name="briefgen", standalone_mode=False)
    except SystemExit as done:
        code = done.code
    except (click.exceptions.Abort, KeyboardInterrupt):  # click would exit 1; the rule is 130
        interrupted()
    except click.ClickException as error:
        error.show()
        code = error.exit_code
    except Exception as error:
        if not was_interrupted(error):
            raise  # a bug: its traceback is the report
        interrupted()
    code = code if isinstance(code, int) else 0
    # The work is done and its outcome decided: a Ctrl-C while Python shuts down must not
    # print a traceback from an exit handler, nor turn a published build into a 130.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(EXIT_PIPE if code == 0 and pipe_closed() else code)


def was_interrupted(error: BaseException) -> bool:
    """True when ERROR is a Ctrl-C or was raised because of one: Python 3.11 turns a
    KeyboardInterrupt inside `__set_name__` (a dataclass field while a module imports) into
    a RuntimeError caused by it."""
    seen: BaseException | None = error
    while seen is not None and not isinstance(seen, KeyboardInterrupt):
        seen = seen.__cause__ or seen.__context__
    return seen is not None


def interrupted() -> NoReturn:
    """Ctrl-C: say so once and exit 130; a second Ctrl-C meanwhile is ignored.

    The empty `exec` is a CPython workaround: when the interrupt landed in code run from a
    string (dataclasses and namedtuple build methods that way while a module is imported),
    CPython remembers it as unhandled, and `python -m briefgen` then kills itself with
    SIGINT at exit instead of exiting 130. Evaluating a string clears that mark.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, ValueError):
        click.echo("interrupted", err=True)
    exec("", {})  # clears CPython's "unhandled KeyboardInterrupt" mark
    sys.exit(130)


"""What the commands share: their options, the project's settings, and the one way to report.

Why one `print_diagnostics`: every command and the preview show problems the same way
(`terminal.diagnostics_text`: escaped, in the format asked for, on the stream that format
belongs to), so a fix to how diagnostics look is made once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click
from click.core import ParameterSource

from briefgen.cli import terminal
from briefgen.errors import BriefError, Diagnostic
from briefgen.schema.vocabulary import FORMATS, PAPERS

if TYPE_CHECKING:
    from briefgen.project.settings import Settings

# What click's option decorators wrap: a command function, whatever it returns (every
# return type is a subtype of object, so no escape from type checking is needed).
F = TypeVar("F", bound=Callable[..., object])

# A flag as click hands it over: None when not given (the settings decide then).


def print_diagnostics(found: Sequence[Diagnostic], fmt: str = "text") -> None:
    """FOUND to stderr (JSON, a result, to stdout): the only place diagnostics are printed."""
    if found or fmt == "json":
        click.echo(terminal.diagnostics_text(found, fmt), err=fmt != "json")


@contextmanager
def reporting(fmt: str = "text") -> Iterator[None]:
    """Print a BriefError's diagnostics (in FMT, as `check --format` asks) and exit with its
    code: a scheduled job parsing JSON gets JSON even when no sheet could be read."""
    try:
        yield
    except BriefError as error:
        print_diagnostics(error.diagnostics, fmt)
        raise SystemExit(error.exit_code) from None


def project(
    *,
    output: Path | None = None,
    paper: str | None = None,
    base_url: str | None = None,
    strict: bool | None = None,
    jobs: int | None = None,
    formats: tuple[str, ...] | None = None,
) -> Settings:
    """The settings of the project the working folder is in, the flags given over them,
    checked as the file is: a bad value is refused at the flag or variable it came from."""
    from briefgen.project import settings

    found = settings.discover(Path.cwd())
    return settings.resolve(
        found,
        output=output,
        paper=paper,
        base_url=base_url,
        strict=strict,
        jobs=jobs,
        formats=formats,
        origins=_origins(),
    )


def _origins() -> dict[str, str]:
    """Settings key → where the running command's value for it came from: its long flag
    (`--base-url`), or its environment variable when click read it there."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return {}
    found = {}
    for param in ctx.command.params:
        if not isinstance(param, click.Option) or not param.name:
            continue
        key = {"out": "output"}.get(param.name, param.name)
        source = ctx.get_parameter_source(param.name)
        if source is ParameterSource.ENVIRONMENT and isinstance(param.envvar, str):
            found[key] = param.envvar
        else:
            found[key] = max(param.opts, key=len)
    return found


def parse_formats(text: str) -> tuple[str, ...]:
    """`build --format md,html`: the formats named, or a usage error (exit 2)."""
    chosen = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        msg = f"unknown format {', '.join(unknown) or '(none)'}; use {', '.join(FORMATS)}"
        raise click.BadParameter(msg, param_hint="--format")
    return chosen


class DeferredBool(click.types.BoolParamType):
    """An on/off flag's type that hands text it cannot read (BRIEFGEN_STRICT=maybe) on as
    it is: the settings check refuses it with the file's sentence, naming the variable."""

    def convert(  # type: ignore[override]  # the text goes on to the settings check
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> bool | object:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            return value


strict_option = click.option(
    "--strict/--no-strict",
    default=None,
    envvar="BRIEFGEN_STRICT",
    type=DeferredBool(),
    help="Treat warnings as errors (use it in scheduled builds). [default: briefgen.toml, off]",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="How to print diagnostics: for people, tools or GitHub CI.",
)
today_option = click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="The build date review_by and valid_until are compared with, and new editions "
    "are dated by. [default: today's date]",
)


def build_date(given: str | None) -> str:
    """--today as checked (BG230), or the clock's date: the one place the clock is read."""
    from briefgen.project.today import build_date as checked

    return checked(given) if given is not None else date.today().isoformat()


paper_option = click.option(
    "--paper",
    type=click.Choice(PAPERS),
    help="Paper for sheets that do not set render.paper themselves. "
    "[default: briefgen.toml, A4]",
)


def out_option(help_text: str) -> Callable[[F], F]:
    """The -o/--out option, with a help text for the command."""
    return click.option(
        "-o",
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        help=f"{help_text} [default: briefgen.toml's output, out]",
    )


# No exists=True: click would call an unreadable sheet "does not exist"; discover.py tells
# a missing sheet (exit 2) from one that cannot be read (exit 3).
sheets_argument = click.argument(
    "sheets", nargs=-1, type=click.Path(readable=False, path_type=Path)
)


def _today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date:
    """VALUE as a date; none given is today (read here, in the CLI, and nowhere below)."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        msg = f"'{value}' is not a date YYYY-MM-DD"
        raise click.BadParameter(msg) from None


accessed_option = click.option(
    "--today",
    metavar="YYYY-MM-DD",
    callback=_today,
    help="The retrieval date to record as `accessed` (default: today).",
)

"""The command line: parse options, call one library function, print the result.

Diagnostics go to stderr, results to stdout. Only BriefError is caught; anything else is
a bug and keeps its traceback.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from briefgen import __version__
from briefgen.cli import authoring as cli_authoring
from briefgen.cli import terminal
from briefgen.cli.project import init
from briefgen.cli.sources import sources
from briefgen.errors import EXIT_PIPE, BriefError, Diagnostic

if TYPE_CHECKING:
    from briefgen.project.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def reporting(fmt: str = "text") -> Iterator[None]:
    """Print a BriefError's diagnostics (in FMT, as `check --format` asks) and exit with its
    code: a scheduled job parsing JSON gets JSON even when no sheet could be read."""
    try:
        yield
    except BriefError as error:
        _print_diagnostics(error.diagnostics, fmt)
        raise SystemExit(error.exit_code) from None


def _print_diagnostics(found: Sequence[Diagnostic], fmt: str = "text") -> None:
    """Diagnostics to stderr (JSON, a result, to stdout); every format escapes sheet text."""
    if found or fmt == "json":
        click.echo(terminal.diagnostics_text(found, fmt), err=fmt != "json")


strict_option = click.option(
    "--strict/--no-strict",
    default=None,
    envvar="BRIEFGEN_STRICT",
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
paper_option = click.option(
    "--paper",
    type=click.Choice(["A4", "Letter"]),
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


def project(**flags: Any) -> Settings:
    """The settings of the project the working folder is in, the given FLAGS over them."""
    from briefgen.project import settings

    return settings.resolve(settings.discover(Path.cwd()), **flags)


# No exists=True: click would call an unreadable sheet "does not exist"; discover.py tells
# a missing sheet (exit 2) from one that cannot be read (exit 3).
sheets_argument = click.argument(
    "sheets", nargs=-1, type=click.Path(readable=False, path_type=Path)
)


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


@cli.command(short_help="Check fact sheets: YAML, schema, quotes against sources.")
@sheets_argument
@strict_option
@format_option
def check(sheets: tuple[Path, ...], strict: bool | None, fmt: str) -> None:
    """Check fact sheets: YAML, schema, references, budgets and quotes against sources.

    Every problem of every sheet is reported at once as file:line:col.

    \b
    Examples:
        briefgen check
        briefgen check seeds/helsinki-summit-2018/facts.yaml --strict
        briefgen check --format json > report.json
    """
    from briefgen import pipeline
    from briefgen.pipeline import workers

    with reporting(fmt):
        chosen = project(strict=strict)
        report = pipeline.check_sheets(
            pipeline.resolve_sheets(sheets, chosen.root),
            strict=chosen.strict,
            jobs=chosen.jobs or workers.default_jobs(),
        )
    _print_diagnostics(report.diagnostics, fmt)
    if fmt == "text":
        click.echo(terminal.summary(report.diagnostics, len(report.sheets)), err=True)
    if report.exit_code:
        raise SystemExit(report.exit_code)


@cli.command(short_help="Print the fact-sheet JSON Schema.")
def schema() -> None:
    """Print the fact-sheet JSON Schema (what schema/fact-sheet.schema.json holds).

    \b
    Example:
        briefgen schema > schema/fact-sheet.schema.json
    """
    from briefgen.schema.jsonschema import schema_text

    click.echo(schema_text(), nl=False)


@cli.command(short_help="Scaffold seeds/SLUG/ with sources copied and hashed.")
@click.argument("slug")
@click.option(
    "--source",
    "sources",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A source text to store with the sheet (repeat for several).",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder that holds seeds/. [default: the project's (briefgen.toml), or .]",
)
@click.option(
    "--kind",
    type=click.Choice(["event", "issue", "country", "organization"]),
    default="event",
    show_default=True,
    help="What the brief is about: an event (dates, place), an issue (a policy question "
    "or dispute: no place or date), a country or an organization (a profile as of a date).",
)
def new(slug: str, sources: tuple[Path, ...], root: Path | None, kind: str) -> None:
    """Scaffold seeds/SLUG/facts.yaml with its sources copied and hashed.

    \b
    Examples:
        briefgen new geneva-talks-2025 --source notes/article1.txt --source a2.txt
        briefgen new maternity-pay --kind issue --source bbc1.txt --source bbc2.txt
    """
    from briefgen.project.scaffold import next_steps, scaffold

    with reporting():
        sheet = scaffold(slug, list(sources), root=root or project().root, kind=kind)
    click.echo(sheet)
    click.echo(terminal.steps_text(next_steps(sheet)), err=True)


@cli.command(short_help="Build briefings (MD, HTML, one-page PDF) and the site.")
@sheets_argument
@out_option("The site folder briefgen owns and replaces atomically.")
@click.option(
    "--format",
    "formats",
    default="md,html,pdf",
    show_default=True,
    help="Comma-separated formats to write: md, html, pdf.",
)
@paper_option
@click.option(
    "--base-url",
    envvar="BRIEFGEN_BASE_URL",
    metavar="URL",
    help="Public URL of the site; enables canonical links, feed self link, sitemap. "
    "[default: briefgen.toml's base_url]",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes for PDFs. [default: briefgen.toml's jobs, all cores]",
)
@click.option("--force", is_flag=True, help="Rebuild every briefing, even unchanged ones.")
@click.option(
    "--keep-going",
    is_flag=True,
    help="Publish the briefings that built; keep the last good version of failed ones.",
)
@click.option("--wait", is_flag=True, help="Wait for a running build instead of exiting 4.")
@click.option(
    "--search", is_flag=True, help="Add full-text search (Pagefind; needs briefgen[search])."
)
@strict_option
def build(
    sheets: tuple[Path, ...],
    out: Path | None,
    formats: str,
    paper: str | None,
    base_url: str | None,
    jobs: int | None,
    force: bool,
    keep_going: bool,
    wait: bool,
    search: bool,
    strict: bool | None,
) -> None:
    """Check fact sheets and publish their one-page briefings as a static site.

    Writes OUT/<slug>/<slug>.md, .html, .pdf and sources.html, plus index.html, feed.xml
    and (with --base-url) sitemap.xml. Only briefings whose inputs changed are rebuilt; the
    new site replaces the old one in one step, only if every briefing built. Each PDF must
    fit one page: the layout is tightened in small reported steps, never below 9 pt.

    \b
    Examples:
        briefgen build                         # every seeds/*/facts.yaml → out/
        briefgen build seeds/helsinki-summit-2018 --paper Letter
        briefgen build --strict --base-url https://example.org/briefs/   # scheduled job
        briefgen build --search                # plus a Pagefind search index
    """
    from briefgen import pipeline

    chosen = _formats(formats)
    signal.signal(signal.SIGTERM, _terminate)  # clean up the staging folder on `kill`
    with reporting():
        given = project(output=out, paper=paper, base_url=base_url, jobs=jobs, strict=strict)
        options = pipeline.BuildOptions.from_settings(
            given,
            formats=chosen,
            force=force,
            keep_going=keep_going,
            wait=wait,
            search=search,
        )
        chosen_sheets = pipeline.resolve_sheets(sheets, given.root)
        report = pipeline.build(chosen_sheets, given.output, options, on_built=_report_built)
    for _, found in report.failed:
        _print_diagnostics(found)
    if report.published:  # what changed since the published version, once it is published
        for built in report.built:
            if changed := terminal.change_line(built):
                click.echo(changed, err=True)
    click.echo(terminal.build_summary(report), err=True)
    if report.failed:
        raise SystemExit(1)


@cli.command(short_help="Preview on localhost, rebuilding when you save.")
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
    options = pipeline.BuildOptions.from_settings(found, keep_going=True, wait=True)
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
            )
        except KeyboardInterrupt:
            click.echo("stopped", err=True)


@cli.command(short_help="Report WeasyPrint, Pango, HarfBuzz and fonts.")
def doctor() -> None:
    """Report what the PDF stage runs with (WeasyPrint, Pango, HarfBuzz, fonts) and fixes.

    Exits 1 when something needed for fast, reproducible PDFs is missing.

    \b
    Example:
        briefgen doctor
    """
    from briefgen.render.doctor import diagnose

    findings = diagnose()
    for f in findings:
        click.echo(f"{'ok ' if f.ok else 'BAD'}  {f.name:<20} {f.detail}")
        if not f.ok and f.fix:
            click.echo(f"     fix: {f.fix}")
    if not all(f.ok for f in findings):
        raise SystemExit(1)


def _report_built(built: Any) -> None:
    _print_diagnostics(built.warnings)
    click.echo(terminal.built_line(built))


def _stop(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = [f for f in chosen if f not in ("md", "html", "pdf")]
    if unknown or not chosen:
        msg = f"unknown format {', '.join(unknown) or '(none)'}; use md, html and/or pdf"
        raise click.BadParameter(msg, param_hint="--format")
    return chosen


cli.add_command(init)
cli.add_command(sources)
cli.add_command(cli_authoring.cite)
cli.add_command(cli_authoring.words)


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

"""The commands that run the pipeline: check, schema, new, build, serve, doctor.

Each parses its options, calls one library function and prints what it returns; heavy
modules are imported inside the command, so `briefgen --help` loads none of them.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefgen.cli import terminal
from briefgen.cli.options import (
    format_option,
    out_option,
    paper_option,
    parse_formats,
    print_diagnostics,
    project,
    reporting,
    sheets_argument,
    strict_option,
)

if TYPE_CHECKING:
    from briefgen.pipeline.editions import Edition
    from briefgen.pipeline.making import Built
    from briefgen.render.doctor import Finding


@click.command(short_help="Check fact sheets: YAML, schema, quotes against sources.")
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
        jobs = workers.decide_jobs(chosen.jobs)
        note(jobs.note)
        report = pipeline.check_sheets(  # a sheet that cannot be read is reported with the rest
            pipeline.resolve_sheets(sheets, chosen.root, keep_unreadable=True),
            strict=chosen.strict,
            jobs=jobs.jobs,
            scheme=chosen.scheme,
        )
    print_diagnostics(report.diagnostics, fmt)
    if fmt == "text":
        click.echo(terminal.summary(report.diagnostics, len(report.sheets)), err=True)
    if report.exit_code:
        raise SystemExit(report.exit_code)


@click.command(short_help="Print the fact-sheet JSON Schema.")
def schema() -> None:
    """Print the fact-sheet JSON Schema (what schema/fact-sheet.schema.json holds).

    \b
    Example:
        briefgen schema > schema/fact-sheet.schema.json
    """
    from briefgen.schema.jsonschema import schema_text

    click.echo(schema_text(), nl=False)


@click.command(short_help="Scaffold seeds/SLUG/ with sources copied and hashed.")
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


@click.command(short_help="Build briefings (MD, HTML, one-page PDF) and the site.")
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
@click.option(
    "--max-marking",
    metavar="LEVEL",
    help="Write only the edition holding nothing marked above LEVEL (e.g. TLP:GREEN).",
)
@click.option(
    "--audience",
    metavar="NAME",
    help="Write only the edition of briefgen.toml's audience NAME, into its own folder.",
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
    max_marking: str | None,
    audience: str | None,
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
        briefgen build --max-marking TLP:GREEN -o out-green   # an edition for TLP:GREEN

    Without --max-marking or --audience, every audience briefgen.toml names is built
    too, each into its own folder.
    """
    from briefgen import pipeline
    from briefgen.pipeline import workers

    chosen = parse_formats(formats)
    signal.signal(signal.SIGTERM, _terminate)  # clean up the staging folder on `kill`
    with reporting():
        given = project(output=out, paper=paper, base_url=base_url, jobs=jobs, strict=strict)
        decided = workers.decide_jobs(given.jobs, per_worker=workers.BUILD_WORKER_BYTES)
        note(decided.note)
        options = pipeline.BuildOptions.from_settings(
            given,
            jobs=decided.jobs,
            formats=chosen,
            force=force,
            keep_going=keep_going,
            wait=wait,
            search=search,
            max_marking=max_marking,
        )
        chosen_sheets = pipeline.resolve_sheets(sheets, given.root)
        sites = pipeline.editions(
            given.output, given.root, given.audiences, max_marking=max_marking,
            audience=audience, out_given=out is not None,
        )
        reports = list(pipeline.build_editions(
            chosen_sheets, sites, options, on_built=_report_built, on_edition=_report_edition
        ))
    failed = False
    for _, report in reports:
        for _, found in report.failed:
            print_diagnostics(found)
        if report.published:  # what changed since the published version, once it is published
            for built in report.built:
                if changed := terminal.change_line(built):
                    click.echo(changed, err=True)
        click.echo(terminal.build_summary(report), err=True)
        failed = failed or bool(report.failed)
    if failed:
        raise SystemExit(1)


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
                report_diagnostics=print_diagnostics,
            )
        except KeyboardInterrupt:
            click.echo("stopped", err=True)


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


def note(text: str) -> None:
    """A note about how the run goes (fewer workers than asked), on stderr, if there is one."""
    if text:
        click.echo(f"note: {text}", err=True)


def _report_edition(edition: Edition) -> None:
    if edition.max_marking:
        name = f"audience {edition.name}" if edition.name else "edition"
        click.echo(f"{name}: nothing above {edition.max_marking} → {edition.out}/", err=True)


def _report_built(built: Built) -> None:
    """One briefing done: its warnings, then its line (as it finishes, not at the end)."""
    print_diagnostics(built.warnings)
    click.echo(terminal.built_line(built))


def _stop(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)

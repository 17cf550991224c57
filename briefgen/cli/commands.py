"""The commands that run the pipeline: check, schema, new, build.

Each parses its options, calls one library function and prints what it returns; heavy
modules are imported inside the command, so `briefgen --help` loads none of them.
"""

from __future__ import annotations

import functools
import signal
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefgen.cli import terminal
from briefgen.cli.options import (
    accessed_option,
    build_date,
    format_option,
    out_option,
    paper_option,
    parse_formats,
    print_diagnostics,
    project,
    reporting,
    sheets_argument,
    strict_option,
    today_option,
)
from briefgen.cli.scale import check_scheduler, scale_options

if TYPE_CHECKING:
    from briefgen.pipeline.audiences import AudienceSite
    from briefgen.pipeline.making import Built


@click.command(short_help="Check fact sheets: YAML, schema, quotes against sources.")
@sheets_argument
@strict_option
@format_option
@today_option
def check(sheets: tuple[Path, ...], strict: bool | None, fmt: str, today: str | None) -> None:
    """Check fact sheets: YAML, schema, references, budgets and quotes against sources.

    Every problem of every sheet is reported at once as file:line:col.

    \b
    Examples:
        briefgen check
        briefgen check seeds/helsinki-summit-2018/facts.yaml --strict
        briefgen check --format json > report.json
        briefgen check --today 2026-12-31      # which review_by dates will have passed
    """
    from briefgen import pipeline
    from briefgen.pipeline import workers

    with reporting(fmt):
        chosen = project(strict=strict)
        day = build_date(today)
        jobs = workers.decide_jobs(chosen.jobs)
        note(jobs.note)
        report = pipeline.check_sheets(  # a sheet that cannot be read is reported with the rest
            pipeline.resolve_sheets(sheets, chosen.root, keep_unreadable=True),
            strict=chosen.strict,
            jobs=jobs.jobs,
            today=day,
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


@click.command(short_help="Start seeds/SLUG/: a sheet to fill, with sources stored or none yet.")
@click.argument("slug")
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="FILE|URL",
    help="A document to store as a source, as `briefgen sources add` stores it: a text "
    "file, a saved web page (.html), a PDF or an http(s) URL (repeat for several).",
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
@accessed_option
def new(slug: str, sources: tuple[str, ...], root: Path | None, kind: str, today: date) -> None:
    """Start seeds/SLUG/facts.yaml, a sheet of TODOs to fill, and store each --source
    as a source: its text under sources/, the original under sources/original/, and an
    entry (title, publisher, date, `accessed`, type, sha256) exactly as `briefgen sources
    add` makes it. Without --source the sheet has `sources: []`; add them later.

    \b
    Examples:
        briefgen new geneva-talks-2025                                # no source yet
        briefgen new geneva-talks-2025 --source notes/article1.txt    # a text file
        briefgen new geneva-talks-2025 --source saved/page.html       # a saved web page
        briefgen new geneva-talks-2025 --source report.pdf            # a PDF
        briefgen new geneva-talks-2025 --source https://example.org/news/talks.html
        briefgen new maternity-pay --kind issue --source bbc1.txt --source bbc2.txt
    """
    import urllib.request

    from briefgen.authoring.starting import new_brief
    from briefgen.project.scaffold import next_steps

    with reporting():
        where = root or project().root
        sheet = new_brief(
            slug,
            list(sources),
            root=where,
            kind=kind,
            today=today,
            proxies=urllib.request.getproxies(),
        )
    click.echo(sheet)
    click.echo(terminal.steps_text(next_steps(sheet, sourced=bool(sources))), err=True)


@click.command(short_help="Build briefings (one-page PDF, HTML, Word, text, MD) and the site.")
@sheets_argument
@out_option("The site folder briefgen owns and replaces atomically.")
@click.option(
    "--format",
    "formats",
    metavar="LIST",
    help="Comma-separated formats to write: md, html, pdf, docx (Word), txt (plain text). "
    "[default: briefgen.toml's formats, all five]",
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
@scale_options
@today_option
def build(
    sheets: tuple[Path, ...],
    out: Path | None,
    formats: str | None,
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
    shard: str | None,
    executor: str,
    scheduler: str | None,
    today: str | None,
) -> None:
    """Check fact sheets and publish their one-page briefings as a static site.

    Writes OUT/<slug>/<slug>.md, .html, .pdf, .docx (Word), .txt (plain text) and
    sources.html, plus index.html, feed.xml and (with --base-url) sitemap.xml. Only
    briefings whose inputs changed are rebuilt; the new site replaces the old one in one
    step, only if every briefing built. Each PDF must fit one page: the layout is tightened
    in small reported steps, never below 9 pt.

    \b
    Examples:
        briefgen build                         # every seeds/*/facts.yaml → out/
        briefgen build seeds/helsinki-summit-2018 --paper Letter
        briefgen build --strict --base-url https://example.org/briefs/   # scheduled job
        briefgen build --search                # plus a Pagefind search index
        briefgen build --format pdf,docx       # only the PDF and the Word document
        briefgen build --shard 2/4 -o part-2   # one part of four, see `briefgen merge`
        briefgen build --max-marking TLP:GREEN -o out-green   # an edition for TLP:GREEN

    Without --max-marking or --audience, every audience briefgen.toml names is built
    too, each into its own folder.
    """
    from briefgen import pipeline
    from briefgen.pipeline import shards, workers

    chosen = parse_formats(formats) if formats is not None else None
    check_scheduler(executor, scheduler)
    signal.signal(signal.SIGTERM, _terminate)  # clean up the staging folder on `kill`
    with reporting():
        given = project(
            output=out, paper=paper, base_url=base_url, jobs=jobs, strict=strict, formats=chosen
        )
        decided = workers.decide_jobs(given.jobs, per_worker=workers.BUILD_WORKER_BYTES)
        note(decided.note)
        options = pipeline.BuildOptions.from_settings(
            given,
            jobs=decided.jobs,
            force=force,
            keep_going=keep_going,
            wait=wait,
            search=search,
            today=build_date(today),
            max_marking=max_marking,
        )
        chosen_sheets = pipeline.resolve_sheets(sheets, given.root)
        sites = pipeline.audience_sites(
            given.output, given.root, given.audiences, max_marking=max_marking,
            audience=audience, out_given=out is not None, shard=shard is not None,
        )
        one_site = functools.partial(
            shards.build_scaled, shard=shard, executor=executor, scheduler=scheduler
        )
        reports = list(pipeline.build_audiences(
            chosen_sheets, sites, options, on_built=_report_built, on_site=_report_site,
            build=one_site,
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


def note(text: str) -> None:
    """A note about how the run goes (fewer workers than asked), on stderr, if there is one."""
    if text:
        click.echo(f"note: {text}", err=True)


def _report_site(edition: AudienceSite) -> None:
    if edition.max_marking:
        name = f"audience {edition.name}" if edition.name else "edition"
        click.echo(f"{name}: nothing above {edition.max_marking} → {edition.out}/", err=True)


def _report_built(built: Built) -> None:
    """One briefing done: its warnings, then its line (as it finishes, not at the end)."""
    print_diagnostics(built.warnings)
    click.echo(terminal.built_line(built))


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)

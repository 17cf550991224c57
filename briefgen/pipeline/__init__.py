"""The stage order, and the only module that knows it: load → validate → rules,
provenance and chronology → render → pdf → site → publish.

Each function takes values (paths, options, "today") and returns values; the CLI prints.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.assets import template_dirs
from briefgen.errors import (
    BriefError,
    Diagnostic,
    Location,
    errors_in,
    sort_diagnostics,
)
from briefgen.project.discover import find_sheets as find_sheets
from briefgen.project.discover import resolve_sheets as resolve_sheets

if TYPE_CHECKING:  # the models cost ~0.3 s to import: only `check` and `make` need them
    from briefgen.publish import manifest
    from briefgen.schema.model import Brief
    from briefgen.sheet.load import Path_, SourceMap
    from briefgen.verify.provenance import Evidence
    from briefgen.verify.sources import StoredText


@dataclass(frozen=True)
class Checked:
    """A fact sheet that passed `check`, with the warnings it still has.

    EVIDENCE says where each quote and excerpt was found: the pages link and highlight
    from it instead of searching the sources again.
    """

    sheet: Path
    brief: Brief
    where: SourceMap
    stored: dict[str, StoredText]
    evidence: Evidence
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class CheckReport:
    """The outcome of checking several sheets: every diagnostic, in file order."""

    sheets: tuple[Path, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default_factory=tuple)
    strict: bool = False
    exit_code: int = 0  # 0, 1 for content errors, 3 when a sheet could not be read

    @property
    def failed(self) -> bool:
        """True when an error (or, under --strict, a warning) was found."""
        return bool(errors_in(self.diagnostics, strict=self.strict))


def check(sheet: Path, *, strict: bool = False) -> Checked:
    """Load, validate and verify one sheet; raise BriefError (all findings) if it fails.

    Schema errors do not stop the later stages: they run on the parts that validated.
    """
    from briefgen.schema.validate import salvage, validate
    from briefgen.sheet.load import read_sheet
    from briefgen.verify import chronology, mentions, provenance, rules
    from briefgen.verify import sources as sourcefiles

    data, where = read_sheet(sheet, recover=True)  # a duplicate key still shows schema errors
    schema: tuple[Diagnostic, ...] = ()
    unchecked: frozenset[str] = frozenset()
    failed: frozenset[Path_] = frozenset()
    try:
        brief = validate(data, where)
    except BriefError as error:  # rules and provenance still run on what validated
        part = salvage(data)
        if part is None:
            raise BriefError(*sort_diagnostics([*where.problems, *error.diagnostics])) from None
        schema, brief, unchecked, failed = (
            error.diagnostics,
            part.brief,
            part.unchecked,
            part.failed,
        )
    stored = sourcefiles.read_sources(brief, sheet.parent)
    verified = provenance.verify(brief, where, stored, unchecked, failed)
    found = sort_diagnostics(
        [
            *where.problems,
            *schema,
            *rules.check(brief, where, unchecked, partial=bool(schema)),
            *rules.placeholders(data, where),
            *verified.diagnostics,
            *chronology.check(brief, where),
            *mentions.check(brief, where, unchecked),
        ]
    )
    if errors_in(found, strict=strict):
        raise BriefError(*found)
    return Checked(sheet, brief, where, stored, verified.evidence, tuple(found))


def check_sheets(sheets: Iterable[Path], *, strict: bool = False, jobs: int = 1) -> CheckReport:
    """Check every sheet and collect all diagnostics instead of stopping at the first.

    With JOBS > 1, many sheets are checked in worker processes; the report is the same.
    """
    from briefgen.pipeline import workers

    paths = tuple(sheets)
    found: list[Diagnostic] = []
    codes = {0}
    outcomes = workers.run(
        _check_task,
        list(paths),
        jobs=jobs,
        options={"strict": strict},
        preload=workers.CHECK_MODULES,
        minimum=100,
    )
    for _, (code, diagnostics) in outcomes:
        found += diagnostics
        codes.add(code)
    if errors_in(found, strict=strict):
        codes.add(1)
    return CheckReport(paths, tuple(found), strict, max(codes))


def _check_task(sheet: Path, *, strict: bool) -> tuple[int, tuple[Diagnostic, ...]]:
    """One sheet's (exit code, diagnostics); never raises, so workers can return it."""
    try:
        return 0, check(sheet, strict=strict).warnings
    except BriefError as error:
        return error.exit_code, error.diagnostics


FORMATS = ("md", "html", "pdf")


@dataclass(frozen=True)
class Built:
    """One briefing rendered in memory: file name → bytes, and how the page was fitted."""

    sheet: Path
    slug: str
    files: dict[str, bytes]
    entry: dict[str, Any]
    fill: float | None = None
    step: str | None = None
    layouts: int = 0
    warnings: tuple[Diagnostic, ...] = ()
    sections: dict[str, dict[str, str]] | None = None  # item digests (changes.digests)
    change: Any = None  # changes.Change against the published version, set when staged


@dataclass(frozen=True)
class BuildReport:
    """What a build made, kept, failed and healed; nothing of a failed sheet is written."""

    out: Path
    built: tuple[Built, ...] = ()
    kept: tuple[str, ...] = ()
    failed: tuple[tuple[Path, tuple[Diagnostic, ...]], ...] = ()
    up_to_date: bool = False
    published: bool = False
    healed: tuple[str, ...] = ()  # published files found missing or changed, now restored
    unhealed: tuple[str, ...] = ()  # damaged files of briefings that failed (--keep-going)


@dataclass(frozen=True)
class BuildOptions:
    """How to build: what goes into every briefing (the first five) and how the run goes."""

    formats: tuple[str, ...] = FORMATS
    paper: str = "A4"
    strict: bool = False
    project: Path | None = None
    base_url: str | None = None
    force: bool = False
    keep_going: bool = False
    wait: bool = False
    jobs: int = 1
    organisation: str = ""  # briefgen.toml: shown on every page and in the feed
    marking: str | None = None  # briefgen.toml: classification of sheets that set none
    audience: str | None = None  # briefgen.toml: audience of sheets that set none
    search: bool = False  # index the staged site with Pagefind (briefgen[search])

    def settings(self) -> dict[str, object]:
        """The options that change the output (the settings key hashes them)."""
        return {
            "formats": self.formats,
            "paper": self.paper,
            "strict": self.strict,
            "base_url": self.base_url,
            "organisation": self.organisation,
            "marking": self.marking,
            "audience": self.audience,
            "search": self.search,
        }


def make(
    sheet: Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    paper: str = "A4",
    strict: bool = False,
    project: Path | None = None,
    base_url: str | None = None,
) -> Built:
    """Check SHEET and render its briefing files in memory; BriefError if anything fails."""
    return _make(sheet, options=BuildOptions(formats, paper, strict, project, base_url))


def make_pages(sheet: Path, options: BuildOptions) -> Built:
    """The Markdown and HTML `build` publishes for SHEET, byte for byte, without the PDF:
    what `serve` shows while the PDF is being made."""
    return _make(sheet, options=options, pdf=False)


def _make(sheet: Path, *, options: BuildOptions, pdf: bool = True) -> Built:
    """`make` with one options record: what workers run for `build`."""
    from briefgen.render.pages import render_html, render_markdown
    from briefgen.site import changes
    from briefgen.site import pages as site

    formats, project, base_url = options.formats, options.project, options.base_url
    checked = check(sheet, strict=options.strict)
    brief, slug = _with_defaults(checked.brief, options), checked.brief.briefing.id
    organisation = options.organisation
    files: dict[str, bytes] = {}
    if "md" in formats:
        files[f"{slug}.md"] = render_markdown(
            brief, project=project, organisation=organisation,
            evidence=checked.evidence, link=site.paragraph_link,
        ).encode()
    if "html" in formats:
        files[f"{slug}.html"] = render_html(
            brief,
            project=project,
            organisation=organisation,
            paper=options.paper,
            evidence=checked.evidence,
            link=site.paragraph_link,
            nav=site.page_nav(slug, formats),
            canonical=f"{base_url.rstrip('/')}/{slug}/{slug}.html" if base_url else "",
        ).encode()
        files["sources.html"] = site.sources_page(
            brief, checked.stored, checked.evidence, base_url=base_url, project=project
        )
    fitted: tuple[float | None, str | None, int] = (None, None, 0)
    warnings = checked.warnings
    if "pdf" in formats and pdf:
        html = render_html(
            brief, project=project, paper=options.paper, evidence=checked.evidence,
            organisation=organisation,
        )
        result = _pdf_renderer(project).one_page(html, name=str(sheet), advice=_advice(brief))
        files[f"{slug}.pdf"] = result.data
        fitted = (result.fill, result.step.name, result.layouts)
        warnings += tuple(
            Diagnostic(Location(str(sheet)), "BG320", f"PDF renderer: {w}", severity="warning")
            for w in result.warnings
        )
        if errors_in(warnings, strict=options.strict):
            raise BriefError(*warnings)
    entry = site.entry(brief, {name: len(data) for name, data in files.items()}).as_dict()
    sections = changes.digests(brief)
    return Built(sheet, slug, files, entry, *fitted, warnings=warnings, sections=sections)


def _with_defaults(brief: Brief, options: BuildOptions) -> Brief:
    """BRIEF with the project's default marking and audience where the sheet sets none:
    the sheet always wins over briefgen.toml."""
    b = brief.briefing
    update: dict[str, object] = {}
    if options.marking and "classification" not in b.handling.model_fields_set:
        update["handling"] = b.handling.model_copy(update={"classification": options.marking})
    if options.audience and b.audience is None:
        update["audience"] = options.audience
    if not update:
        return brief
    return brief.model_copy(update={"briefing": b.model_copy(update=update)})


def build(
    sheets: Iterable[Path],
    out: Path,
    options: BuildOptions = BuildOptions(),
    *,
    on_built: Callable[[Built], None] | None = None,
) -> BuildReport:
    """Build every sheet into the static site OUT: incremental, atomic, one build at a time.

    ON_BUILT is called as each briefing finishes (the CLI prints its line then).
    """
    from briefgen.publish import manifest
    from briefgen.publish import stage as publish

    paths = list(sheets)
    with publish.locked(out, wait=options.wait, sheets=paths):
        publish.clean_leftovers(out)  # of killed runs, even when nothing else is to be done
        settings = manifest.settings_key(
            template_dirs=template_dirs(options.project), **options.settings()
        )
        plan = manifest.plan(
            out, paths, settings=settings, project=options.project, force=options.force
        )
        if plan.up_to_date:
            return BuildReport(out, kept=plan.unchanged, up_to_date=True)
        return _publish(out, plan, options, on_built)


def _publish(
    out: Path,
    plan: manifest.Plan,
    options: BuildOptions,
    on_built: Callable[[Built], None] | None,
) -> BuildReport:
    """Render the planned sheets into a staging folder and swap it in if all went well."""
    from briefgen.pipeline import workers
    from briefgen.publish import manifest
    from briefgen.publish import stage as publish

    old, names, project = plan.old, plan.names, options.project
    with publish.staged(out) as stage:
        taken = {r.slug: s for s, r in plan.keep.items()}
        taken |= {r.slug: (project or Path()) / n for n, r in plan.carry.items()}
        outcomes = workers.run(
            _make, list(plan.rebuild), jobs=options.jobs, options={"options": options}
        )
        before = {s: old.briefings.get(names[s]) for s in plan.rebuild}
        built, failed = _render_into(stage, outcomes, taken, on_built, before)
        report = BuildReport(out, tuple(built), plan.unchanged, tuple(failed), healed=plan.damaged)
        if failed and not options.keep_going:  # leaving the block throws the staging away
            return report
        records = {names[s]: r for s, r in plan.keep.items()} | plan.carry
        last_good = {names[s]: r for s, _ in failed if (r := old.briefings.get(names[s]))}
        records |= last_good
        unhealed = []  # a failed briefing's damaged file cannot be rebuilt: never re-publish it
        for name, record in records.items():
            for rel in record.files:
                if name in last_good and rel in plan.damaged:
                    unhealed.append(rel)
                else:
                    stage.keep(rel, old.files.get(rel, ""))
        healed = tuple(rel for rel in plan.damaged if rel not in unhealed)
        report = dataclasses.replace(report, healed=healed, unhealed=tuple(unhealed))
        records |= {
            names[b.sheet]: manifest.Record(
                plan.keys[b.sheet], b.slug, b.entry, plan.inputs[b.sheet], b.sections, b.fill
            )
            for b in built
        }
        _write_site(stage, records, options)
        if options.search:
            from briefgen.site import search

            for rel, data in search.index(stage.path).items():
                stage.write(rel, data)
        files = dict(stage.published)
        stage.write(manifest.NAME, manifest.dumps(manifest.Manifest(plan.settings, records, files)))
        stage.commit()
    return dataclasses.replace(report, published=True)


def _render_into(
    stage: Any,
    outcomes: Iterable[tuple[Path, Any]],
    slugs: dict[str, Path],
    on_built: Callable[[Built], None] | None,
    before: dict[Path, manifest.Record | None],
) -> tuple[list[Built], list[Any]]:
    """Write each built briefing into the stage as it arrives, with what changed since
    its published version (BEFORE); collect the failures."""
    from briefgen.pipeline.workers import failed as is_failure
    from briefgen.site.changes import Change, compare

    built: list[Built] = []
    failed: list[tuple[Path, tuple[Diagnostic, ...]]] = []
    for sheet, result in outcomes:
        if is_failure(result):
            failed.append((sheet, result))
            continue
        if result.slug in slugs:
            failed.append(
                (
                    sheet,
                    (
                        Diagnostic(
                            Location(str(sheet)),
                            "BG606",
                            f"briefing id '{result.slug}' is also used by {slugs[result.slug]}",
                            "ids name output folders; make them unique",
                        ),
                    ),
                )
            )
            continue
        slugs[result.slug] = sheet
        for name, data in result.files.items():
            stage.write(f"{result.slug}/{name}", data)
        was = before.get(sheet)
        change = (
            Change(new=True)
            if was is None
            else compare(was.sections, was.fill, result.sections or {}, result.fill)
        )
        done = dataclasses.replace(result, files={}, change=change)  # the bytes are staged
        built.append(done)
        if on_built is not None:
            on_built(done)
    return built, failed


def _write_site(stage: Any, records: dict[str, manifest.Record], options: BuildOptions) -> None:
    from briefgen.site import pages as site

    entries = [site.Entry(**r.entry) for r in records.values()]
    pages = site.plan(
        entries,
        base_url=options.base_url,
        project=options.project,
        organisation=options.organisation,
        search=options.search,
    )
    for name, data in pages.items():
        stage.write(name, data)


def _pdf_renderer(project: Path | None) -> Any:
    from briefgen.assets import builtin_templates
    from briefgen.render import pdf
    from briefgen.render.pages import read_template

    own = project / "templates" if project is not None else None
    roots = [builtin_templates()]
    if own is not None and own.is_dir():
        roots.insert(0 if (own / "fonts.css").is_file() else 1, own)
    return pdf.renderer(tuple(roots), read_template("fonts.css", project=project))


def _advice(brief: Brief) -> str:
    """What to cut when the page overflows: the sections over budget, or the longest lists."""
    from briefgen.verify import budgets

    over = budgets.over_budget(brief)
    words = sum(budgets.section_words(brief).values())
    if over:
        return f"the body has {words} words; over budget: {', '.join(over)}"
    return f"the body has {words} words, within budget; shorten or drop items in the longest lists"

"""The stage order, and the only module that knows it: load → validate → rules,
provenance and chronology → render → pdf → site → publish.

Each function takes values (paths, options, "today") and returns values; the CLI prints.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.assets import template_dirs
from briefgen.errors import (
    EXIT_USAGE,
    BriefError,
    Diagnostic,
    Location,
    errors_in,
    sort_diagnostics,
)

if TYPE_CHECKING:  # the models cost ~0.3 s to import: only `check` and `make` need them
    from briefgen.load import SourceMap
    from briefgen.model import Brief
    from briefgen.provenance import Evidence
    from briefgen.sourcefiles import StoredText


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


def find_sheets(root: Path) -> list[Path]:
    """The default sheets: every seeds/*/facts.yaml below ROOT, sorted."""
    return sorted((root / "seeds").glob("*/facts.yaml"))


def resolve_sheets(sheets: Iterable[Path], root: Path) -> list[Path]:
    """SHEETS as given (folders mean their facts.yaml), or the defaults; usage error if none."""
    chosen = [s / "facts.yaml" if s.is_dir() else s for s in sheets] or find_sheets(root)
    if not chosen:
        raise BriefError(
            Diagnostic(
                Location(str(root / "seeds")),
                "BG001",
                "no fact sheets found (looked for seeds/*/facts.yaml)",
                "name a sheet, or create one with `briefgen new SLUG`",
            ),
            exit_code=EXIT_USAGE,
        )
    return chosen


def check(sheet: Path, *, strict: bool = False) -> Checked:
    """Load, validate and verify one sheet; raise BriefError (all findings) if it fails.

    Schema errors do not stop the later stages: they run on the parts that validated.
    """
    from briefgen import chronology, mentions, provenance, rules, sourcefiles
    from briefgen.load import read_sheet
    from briefgen.validate import salvage, validate

    data, where = read_sheet(sheet, recover=True)  # a duplicate key still shows schema errors
    schema: tuple[Diagnostic, ...] = ()
    unchecked: frozenset[str] = frozenset()
    try:
        brief = validate(data, where)
    except BriefError as error:  # rules and provenance still run on what validated
        part = salvage(data)
        if part is None:
            raise BriefError(*sort_diagnostics([*where.problems, *error.diagnostics])) from None
        schema, brief, unchecked = error.diagnostics, part.brief, part.unchecked
    stored = sourcefiles.read_sources(brief, sheet.parent)
    verified = provenance.verify(brief, where, stored, unchecked)
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
    from briefgen import workers

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


@dataclass(frozen=True)
class BuildReport:
    """What a build made, kept and failed; nothing of a failed sheet is written."""

    out: Path
    built: tuple[Built, ...] = ()
    kept: tuple[str, ...] = ()
    failed: tuple[tuple[Path, tuple[Diagnostic, ...]], ...] = ()
    up_to_date: bool = False
    published: bool = False


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
    from briefgen import site
    from briefgen.render import render_html, render_markdown

    checked = check(sheet, strict=strict)
    brief, slug = checked.brief, checked.brief.briefing.id
    files: dict[str, bytes] = {}
    if "md" in formats:
        files[f"{slug}.md"] = render_markdown(brief, project=project).encode()
    if "html" in formats:
        files[f"{slug}.html"] = render_html(
            brief,
            project=project,
            paper=paper,
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
    if "pdf" in formats:
        html = render_html(brief, project=project, paper=paper)
        result = _pdf_renderer(project).one_page(html, name=str(sheet), advice=_advice(brief))
        files[f"{slug}.pdf"] = result.data
        fitted = (result.fill, result.step.name, result.layouts)
        warnings += tuple(
            Diagnostic(Location(str(sheet)), "BG320", f"PDF renderer: {w}", severity="warning")
            for w in result.warnings
        )
        if errors_in(warnings, strict=strict):
            raise BriefError(*warnings)
    entry = site.entry(brief, {name: len(data) for name, data in files.items()}).as_dict()
    return Built(sheet, slug, files, entry, *fitted, warnings=warnings)


def build(
    sheets: Iterable[Path],
    out: Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    paper: str = "A4",
    strict: bool = False,
    project: Path | None = None,
    base_url: str | None = None,
    force: bool = False,
    keep_going: bool = False,
    wait: bool = False,
    jobs: int = 1,
    on_built: Callable[[Built], None] | None = None,
) -> BuildReport:
    """Build every sheet into the static site OUT: incremental, atomic, one build at a time.

    ON_BUILT is called as each briefing finishes (the CLI prints its line then).
    """
    from briefgen import manifest, publish, workers

    paths = list(sheets)
    names = {sheet: _relative(sheet, project).as_posix() for sheet in paths}
    options = {
        "formats": formats,
        "paper": paper,
        "strict": strict,
        "project": project,
        "base_url": base_url,
    }
    with publish.locked(out, wait=wait):
        publish.clean_leftovers(out)  # of killed runs, even when nothing else is to be done
        settings = manifest.settings_key(
            template_dirs=template_dirs(project),
            **{k: v for k, v in options.items() if k != "project"},
        )
        keys = {sheet: manifest.sheet_key(sheet, settings) for sheet in paths}
        old = publish.read_manifest(out)
        plan = manifest.plan(old, keys, names, out, force=force or old.get("settings") != settings)
        if plan.up_to_date:
            return BuildReport(
                out, kept=tuple(r["slug"] for r in plan.keep.values()), up_to_date=True
            )
        with publish.staged(out) as stage:
            taken = {r["slug"]: s for s, r in plan.keep.items()}
            outcomes = workers.run(make, list(plan.rebuild), jobs=jobs, options=options)
            built, failed = _render_into(stage, outcomes, taken, on_built)
            if failed and not keep_going:  # leaving the block throws the staging folder away
                unchanged = tuple(r["slug"] for _, r in sorted(plan.keep.items()))
                return BuildReport(out, tuple(built), unchanged, tuple(failed), published=False)
            records = {names[s]: r for s, r in plan.keep.items()}
            records |= {names[s]: r for s, _ in failed if (r := _old_record(old, names[s]))}
            for record in records.values():
                for name in record["entry"]["files"]:
                    stage.keep(f"{record['slug']}/{name}")
            records |= {
                names[b.sheet]: {"key": keys[b.sheet], "slug": b.slug, "entry": b.entry}
                for b in built
            }
            _write_site(stage, records, settings, base_url=base_url, project=project)
            stage.commit()
    kept = tuple(r["slug"] for s, r in sorted(plan.keep.items()))
    return BuildReport(out, tuple(built), kept, tuple(failed), published=True)


def _render_into(
    stage: Any,
    outcomes: Iterable[tuple[Path, Any]],
    slugs: dict[str, Path],
    on_built: Callable[[Built], None] | None,
) -> tuple[list[Built], list[Any]]:
    """Write each built briefing into the stage as it arrives; collect the failures."""
    from briefgen.workers import failed as is_failure

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
        done = dataclasses.replace(result, files={})  # the bytes are staged; do not hold them
        built.append(done)
        if on_built is not None:
            on_built(done)
    return built, failed


def _relative(sheet: Path, project: Path | None) -> Path:
    """SHEET relative to the project folder, so no build path reaches the manifest."""
    base = (project or Path()).resolve()
    try:
        return sheet.resolve().relative_to(base)
    except ValueError:
        return Path(os.path.relpath(sheet.resolve(), base))


def _old_record(old: dict[str, Any], name: str) -> dict[str, Any] | None:
    record = old.get("briefings", {}).get(name)
    return record if isinstance(record, dict) else None


def _write_site(
    stage: Any,
    records: dict[str, dict[str, Any]],
    settings: str,
    *,
    base_url: str | None,
    project: Path | None,
) -> None:
    import json

    from briefgen import publish, site

    entries = [site.Entry(**r["entry"]) for r in records.values()]
    for name, data in site.plan(entries, base_url=base_url, project=project).items():
        stage.write(name, data)
    doc = {"briefgen": 1, "settings": settings, "briefings": dict(sorted(records.items()))}
    stage.write(publish.MANIFEST, (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode())


def _pdf_renderer(project: Path | None) -> Any:
    from briefgen import pdf
    from briefgen.assets import builtin_templates
    from briefgen.render import read_template

    own = project / "templates" if project is not None else None
    roots = [builtin_templates()]
    if own is not None and own.is_dir():
        roots.insert(0 if (own / "fonts.css").is_file() else 1, own)
    return pdf.renderer(tuple(roots), read_template("fonts.css", project=project))


def _advice(brief: Brief) -> str:
    """What to cut when the page overflows: the sections over budget, or the longest lists."""
    from briefgen import rules

    over = rules.over_budget(brief)
    words = sum(rules.section_words(brief).values())
    if over:
        return f"the body has {words} words; over budget: {', '.join(over)}"
    return f"the body has {words} words, within budget; shorten or drop items in the longest lists"

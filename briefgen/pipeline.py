"""The stage order, and the only module that knows it: load → validate → rules and
provenance → render → pdf → site → publish.

Each function takes values (paths, options, "today") and returns values; the CLI prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen import provenance, rules
from briefgen.errors import EXIT_USAGE, BriefError, Diagnostic, Location, errors_in, sort_diagnostics
from briefgen.load import SourceMap, read_sheet
from briefgen.model import Brief
from briefgen.validate import validate


@dataclass(frozen=True)
class Checked:
    """A fact sheet that passed `check`, with the warnings it still has."""

    sheet: Path
    brief: Brief
    where: SourceMap
    stored: dict[str, provenance.StoredText]
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class CheckReport:
    """The outcome of checking several sheets: every diagnostic, in file order."""

    sheets: tuple[Path, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default_factory=tuple)
    strict: bool = False

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
        raise BriefError(Diagnostic(Location(str(root / "seeds")), "BG001",
                                    "no fact sheets found (looked for seeds/*/facts.yaml)",
                                    "name a sheet, or create one with `briefgen new SLUG`"),
                         exit_code=EXIT_USAGE)
    return chosen


def check(sheet: Path, *, strict: bool = False) -> Checked:
    """Load, validate and verify one sheet; raise BriefError (all findings) if it fails."""
    data, where = read_sheet(sheet)
    brief = validate(data, where)
    stored = provenance.read_sources(brief, sheet.parent)
    found = sort_diagnostics([*rules.check(brief, where),
                              *provenance.verify(brief, where, stored)])
    if errors_in(found, strict=strict):
        raise BriefError(*found)
    return Checked(sheet, brief, where, stored, tuple(found))


def check_sheets(sheets: Iterable[Path], *, strict: bool = False) -> CheckReport:
    """Check every sheet and collect all diagnostics instead of stopping at the first."""
    paths = tuple(sheets)
    found: list[Diagnostic] = []
    for sheet in paths:
        try:
            found += check(sheet, strict=strict).warnings
        except BriefError as error:
            found += error.diagnostics
    return CheckReport(paths, tuple(found), strict)


FORMATS = ("md", "html", "pdf")


@dataclass(frozen=True)
class Built:
    """One briefing rendered in memory: file name → bytes, and how the page was fitted."""

    sheet: Path
    slug: str
    files: dict[str, bytes]
    fill: float | None = None
    step: str | None = None
    layouts: int = 0
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class BuildReport:
    """What a build made and what failed; nothing of a failed sheet is written."""

    out: Path
    built: tuple[Built, ...]
    failed: tuple[tuple[Path, tuple[Diagnostic, ...]], ...]
    written: tuple[Path, ...]


def make(sheet: Path, *, formats: tuple[str, ...] = FORMATS, paper: str = "A4",
         strict: bool = False, project: Path | None = None) -> Built:
    """Check SHEET and render the requested formats in memory; BriefError if anything fails."""
    from briefgen.render import render_html, render_markdown

    checked = check(sheet, strict=strict)
    brief, slug = checked.brief, checked.brief.briefing.id
    files: dict[str, bytes] = {}
    html = render_html(brief, project=project, paper=paper)
    if "md" in formats:
        files[f"{slug}.md"] = render_markdown(brief, project=project).encode()
    if "html" in formats:
        files[f"{slug}.html"] = html.encode()
    if "pdf" not in formats:
        return Built(sheet, slug, files, warnings=checked.warnings)
    result = _pdf_renderer(project).one_page(html, name=str(sheet), advice=_advice(brief))
    files[f"{slug}.pdf"] = result.data
    layout_warnings = tuple(Diagnostic(Location(str(sheet)), "BG320", f"PDF: {w}",
                                       severity="warning") for w in result.warnings)
    if errors_in(layout_warnings, strict=strict):
        raise BriefError(*checked.warnings, *layout_warnings)
    return Built(sheet, slug, files, result.fill, result.step.name, result.layouts,
                 checked.warnings + layout_warnings)


def build(sheets: Iterable[Path], out: Path, *, formats: tuple[str, ...] = FORMATS,
          paper: str = "A4", strict: bool = False, project: Path | None = None) -> BuildReport:
    """Make every sheet and write each briefing's files to OUT/<slug>/."""
    from briefgen import publish

    built: list[Built] = []
    failed: list[tuple[Path, tuple[Diagnostic, ...]]] = []
    for sheet in sheets:
        try:
            built.append(make(sheet, formats=formats, paper=paper, strict=strict, project=project))
        except BriefError as error:
            failed.append((sheet, error.diagnostics))
    files = {out / b.slug / name: data for b in built for name, data in b.files.items()}
    written = publish.write_files(files)
    return BuildReport(out, tuple(built), tuple(failed), tuple(written))


def _pdf_renderer(project: Path | None) -> Any:
    from briefgen import pdf
    from briefgen.render import builtin_templates, read_template

    own = project / "templates" if project is not None else None
    roots = [builtin_templates()]
    if own is not None and own.is_dir():
        roots.insert(0 if (own / "fonts.css").is_file() else 1, own)
    return pdf.renderer(tuple(roots), read_template("fonts.css", project=project))


def _advice(brief: Brief) -> str:
    """What to cut when the page overflows: the sections over budget, or the longest lists."""
    over = rules.over_budget(brief)
    words = sum(rules.section_words(brief).values())
    if over:
        return f"the body has {words} words; over budget: {', '.join(over)}"
    return f"the body has {words} words, within budget; shorten or drop items in the longest lists"

"""The stage order, and the only module that knows it: load → validate → rules and
provenance → render → pdf → site → publish.

Each function takes values (paths, options, "today") and returns values; the CLI prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

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

"""Stages 1–3 for one sheet or many: load → validate → rules, provenance, chronology.

`check` is the gate every other command goes through: what it returns (the Brief, the
stored texts and the evidence of where each quote was found) is all composition needs.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import BriefError, Diagnostic, errors_in, sort_diagnostics

if TYPE_CHECKING:  # the models cost ~0.3 s to import: only `check` itself needs them
    from briefgen.schema.markings import Scheme
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


def check(
    sheet: Path, *, strict: bool = False, today: str | None = None, scheme: Scheme | None = None
) -> Checked:
    """Load, validate and verify one sheet; raise BriefError (all findings) if it fails.

    TODAY is the build date review and validity dates are compared with (None: none).

    Schema errors do not stop the later stages: they run on the parts that validated.
    SCHEME is the project's handling levels (default: TLP 2.0).
    """
    from briefgen.schema.markings import TLP
    from briefgen.schema.validate import salvage, validate
    from briefgen.sheet.load import read_sheet
    from briefgen.verify import (
        chronology,
        freshness,
        glyphs,
        markings,
        mentions,
        provenance,
        rules,
    )
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
        rules.one_per_placeholder(
            [
                *where.problems,
                *schema,
                *rules.check(brief, where, unchecked, partial=bool(schema)),
                *rules.placeholders(data, where),
                *glyphs.check(data, where),
                *verified.diagnostics,
                *chronology.check(brief, where),
                *freshness.check(brief, where, today),
                *mentions.check(brief, where, unchecked),
                *markings.check(brief, where, scheme or TLP),
            ]
        )
    )
    if errors_in(found, strict=strict):
        raise BriefError(*found)
    return Checked(sheet, brief, where, stored, verified.evidence, tuple(found))


def check_sheets(
    sheets: Iterable[Path],
    *,
    strict: bool = False,
    jobs: int = 1,
    today: str | None = None,
    scheme: Scheme | None = None,
) -> CheckReport:
    """Check every sheet and collect all diagnostics instead of stopping at the first.

    With JOBS > 1, many sheets are checked in worker processes; the report is the same.
    """
    from briefgen.pipeline import workers

    paths = tuple(sheets)
    found: list[Diagnostic] = []
    codes = {0}
    outcomes = workers.run(
        functools.partial(_check_task, strict=strict, today=today, scheme=scheme),
        list(paths),
        jobs=jobs,
        preload=workers.CHECK_MODULES,
        minimum=100,
        fork=True,
    )
    with contextlib.closing(outcomes):  # on Ctrl-C the workers stop at once
        for outcome in outcomes:
            code, diagnostics = outcome.result or (0, outcome.diagnostics)
            found += diagnostics
            codes.add(code)
    if errors_in(found, strict=strict):
        codes.add(1)
    return CheckReport(paths, tuple(found), strict, max(codes))


def _check_task(
    sheet: Path, *, strict: bool, today: str | None, scheme: Scheme | None
) -> tuple[int, tuple[Diagnostic, ...]]:
    """One sheet's (exit code, diagnostics); never raises, so workers can return it."""
    try:
        return 0, check(sheet, strict=strict, today=today, scheme=scheme).warnings
    except BriefError as error:
        return error.exit_code, error.diagnostics

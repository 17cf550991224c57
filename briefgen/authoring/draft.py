"""A sheet being written: what of it validates, so authoring aids work on a draft too.

Why: `cite` and `words` are used while the sheet is still incomplete (no key facts yet,
a field misspelt); they need its sources and texts, not a verdict. A YAML error still
stops them (there is nothing to read), with the same diagnostics `check` gives.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import BriefError
from briefgen.schema.model import Brief
from briefgen.schema.validate import salvage, validate
from briefgen.sheet.load import SourceMap, read_sheet


def draft(sheet: Path) -> tuple[Brief, SourceMap]:
    """SHEET's brief (or, if it does not validate, the parts that do) and its positions."""
    data, where = read_sheet(sheet, recover=True)
    try:
        return validate(data, where), where
    except BriefError:
        part = salvage(data)
        if part is None:
            raise
        return part.brief, where

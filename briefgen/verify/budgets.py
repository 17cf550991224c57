"""Stage 3, budget warnings: fields and sections over their word budgets (the table is
schema/budgets.py's), each at its position; and what to cut when the PDF overflows.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from briefgen.errors import Diagnostic
from briefgen.schema.budgets import (
    BODY_LIMIT,
    counted,
    field_limits,
    section_budgets,
    section_words,
)
from briefgen.schema.model import Brief
from briefgen.schema.scalars import words
from briefgen.sheet.load import Path_, SourceMap, dotted


def over_budget(brief: Brief) -> list[str]:
    """Sections whose words exceed their budget, as 'key_facts (72/65 words)'."""
    counts = section_words(brief)
    return [
        f"{s} ({counts[s]}/{limit} words)"
        for s, (limit, _) in section_budgets(brief).items()
        if counts[s] > limit
    ]


def field_budgets(brief: Brief) -> list[tuple[Path_, int, int]]:
    """Every field with a word budget: (path, its words, its budget), in document order."""
    return [(path, words(text), limit) for path, text, limit in _strings(brief, ()) if limit]


def check(brief: Brief, where: SourceMap) -> Iterator[Diagnostic]:
    """Word and item budgets: per field and per section (warnings), the body (an error).

    A section that is one field (the bottom line's text) is reported once, as the field.
    """
    fields = list(_field_budgets(brief, where))
    yield from fields
    counts = section_words(brief)
    for section, (limit, most) in section_budgets(brief).items():
        value = getattr(brief, section, None)
        if counts[section] > limit and not _said(section, value, fields):
            yield _warn(
                where,
                (section,),
                "BG303",
                f"{section} has {counts[section]} words; its budget is {limit}",
                "cut words here: the page holds about 400 body words",
            )
        if isinstance(value, list) and len(value) > most:
            yield _warn(
                where,
                (section,),
                "BG309",
                f"{section} has {len(value)} items; at most {most} fit the page",
                "keep the most important ones",
            )
    total = sum(counts.values())
    if total > BODY_LIMIT:
        yield _error(
            where,
            (),
            "BG304",
            f"the body has {total} words; the limit is {BODY_LIMIT}",
            "sections over budget: " + (", ".join(over_budget(brief)) or "none"),
        )


def _said(section: str, value: object, fields: list[Diagnostic]) -> bool:
    """True when SECTION is a single item whose one counted field already warned."""
    if not isinstance(value, BaseModel):
        return False
    names = counted(type(value))
    return len(names) == 1 and any(d.message.startswith(f"{section}.{names[0]} ") for d in fields)


def _field_budgets(brief: Brief, where: SourceMap) -> Iterator[Diagnostic]:
    for path, value, limit in _strings(brief, ()):
        if limit is not None and words(value) > limit:
            yield _warn(
                where,
                path,
                "BG303",
                f"{dotted(path)} has {words(value)} words; its budget is {limit}",
                "shorten it",
            )


def _warn(where: SourceMap, path: Path_, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(where.at(path), code, message, hint, "warning")


def _error(where: SourceMap, path: Path_, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(where.at(path), code, message, hint, "error")


def _strings(value: object, path: Path_) -> Iterator[tuple[Path_, str, int | None]]:
    """Every text in the sheet: (path, text, its word budget or None), in document order."""
    if isinstance(value, BaseModel):
        limits = field_limits(type(value))
        for name in type(value).model_fields:
            field_value = getattr(value, name, None)
            if isinstance(field_value, str):
                yield (*path, name), field_value, limits.get(name)
            else:
                yield from _strings(field_value, (*path, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield (*path, i), item, None
            else:
                yield from _strings(item, (*path, i))



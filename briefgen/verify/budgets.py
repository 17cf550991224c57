"""Stage 3a's budgets: how many words each field and section may take on one page.

Why a module of its own: the budgets (briefing-format.md §2.2) are read by the rules, by
the PDF stage's overflow report and, field by field, from the models' Words(n) metadata;
one place counts words the same way for all of them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from pydantic import BaseModel

from briefgen.errors import Diagnostic
from briefgen.schema.model import Brief
from briefgen.schema.scalars import Words, words
from briefgen.sheet.load import Path_, SourceMap, dotted

BODY_LIMIT = 400
SECTION_BUDGETS = {  # words, items (briefing-format.md §2.2)
    "bottom_line": (50, 1),
    "key_facts": (65, 4),
    "agenda": (50, 5),
    "obstacles": (45, 5),
    "positions": (105, 6),
    "assessments": (55, 2),
    "watch": (30, 3),
}
_COUNTED = {
    "bottom_line": ("text",),
    "key_facts": ("text",),
    "agenda": ("topic", "detail"),
    "obstacles": ("issue", "detail"),
    "positions": ("summary", "quote"),
    "assessments": ("statement", "basis"),
    "watch": ("indicator",),
}


def section_words(brief: Brief) -> dict[str, int]:
    """Body words per section, as the budgets count them."""
    counts = {}
    for section, fields in _COUNTED.items():
        value = getattr(brief, section)
        items = value if isinstance(value, list) else [value]
        counts[section] = sum(words(getattr(i, f, None) or "") for i in items for f in fields)
    return counts


def over_budget(brief: Brief) -> list[str]:
    """Sections whose words exceed their budget, as 'key_facts (72/65 words)'."""
    counts = section_words(brief)
    return [
        f"{s} ({counts[s]}/{limit} words)"
        for s, (limit, _) in SECTION_BUDGETS.items()
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
    for section, (limit, most) in SECTION_BUDGETS.items():
        value = getattr(brief, section)
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


def field_budget_paths(model: type[BaseModel] = Brief, prefix: str = "") -> list[tuple[str, int]]:
    """Every budgeted field of the format as ('key_facts[].text', 18), in model order:
    what the README's table and the JSON Schema's descriptions say."""
    found = []
    limits = _limits(model)
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        if name in limits:
            found.append((path, limits[name]))
        for inner, many in _models_in(info.annotation):
            found += field_budget_paths(inner, f"{path}{'[]' * many}.")
    return list(dict.fromkeys(found))  # a field shared by union branches (the kinds) once


def budgets_by_model(model: type[BaseModel] = Brief) -> dict[str, dict[str, int]]:
    """The word budget of each field, by model name: what the JSON Schema's $defs show."""
    found = {model.__name__: _limits(model)} if _limits(model) else {}
    for info in model.model_fields.values():
        for inner, _ in _models_in(info.annotation):
            found |= budgets_by_model(inner)
    return found


def _models_in(annotation: object, many: bool = False) -> Iterator[tuple[type[BaseModel], bool]]:
    """The models an annotation holds (through lists, unions and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, many
        return
    many = many or getattr(annotation, "__origin__", None) is list
    for arg in getattr(annotation, "__args__", ()):
        yield from _models_in(arg, many)


def _said(section: str, value: object, fields: list[Diagnostic]) -> bool:
    """True when SECTION is a single item whose one counted field already warned."""
    return (
        not isinstance(value, list)
        and len(_COUNTED[section]) == 1
        and any(d.message.startswith(f"{section}.{_COUNTED[section][0]} ") for d in fields)
    )


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
        limits = _limits(type(value))
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


@functools.cache
def _limits(model: type[BaseModel]) -> dict[str, int]:
    """The Words(n) budget of each field of MODEL that has one."""
    found = {}
    for name, info in model.model_fields.items():
        limit = next((m.limit for m in info.metadata if isinstance(m, Words)), None)
        if limit is None:
            limit = _words_in(info.annotation)
        if limit is not None:
            found[name] = limit
    return found


def _words_in(annotation: object) -> int | None:
    """Find Words(n) inside `Annotated[...] | None` annotations."""
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, Words):
            return meta.limit
    for arg in getattr(annotation, "__args__", ()):
        if (found := _words_in(arg)) is not None:
            return found
    return None

"""The format's word budgets: how many words each field and section may take on one page.

Why beside the models: the JSON Schema prints each budget in its description, the rules
warn over them (verify/budgets.py) and `briefgen words` tabulates them; one table and
one way of counting serve all three. Field budgets are the models' Words(n) metadata.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from pydantic import BaseModel

from briefgen.schema.model import Brief
from briefgen.schema.scalars import Words, words

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
COUNTED = {
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
    for section, fields in COUNTED.items():
        value = getattr(brief, section)
        items = value if isinstance(value, list) else [value]
        counts[section] = sum(words(getattr(i, f, None) or "") for i in items for f in fields)
    return counts


def field_budget_paths(model: type[BaseModel] = Brief, prefix: str = "") -> list[tuple[str, int]]:
    """Every budgeted field of the format as ('key_facts[].text', 18), in model order:
    what the README's table and the JSON Schema's descriptions say."""
    found = []
    limits = field_limits(model)
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        if name in limits:
            found.append((path, limits[name]))
        for inner, many in _models_in(info.annotation):
            found += field_budget_paths(inner, f"{path}{'[]' * many}.")
    return list(dict.fromkeys(found))  # a field shared by union branches (the kinds) once


def budgets_by_model(model: type[BaseModel] = Brief) -> dict[str, dict[str, int]]:
    """The word budget of each field, by model name: what the JSON Schema's $defs show."""
    found = {model.__name__: field_limits(model)} if field_limits(model) else {}
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


@functools.cache
def field_limits(model: type[BaseModel]) -> dict[str, int]:
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

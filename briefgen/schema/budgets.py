"""The format's word budgets: how many words each field and section may take on one page.

Why beside the models: the JSON Schema prints each budget in its description, the rules
warn over them (verify/budgets.py) and `briefgen words` tabulates them; one table and
one way of counting serve all three. Field budgets are the models' Words(n) metadata;
section budgets are each kind's (kinds.TABLE); a section counts the words of its items'
budgeted fields and of those marked Counted.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from pydantic import BaseModel

from briefgen.schema.kinds import SHEETS, budgets
from briefgen.schema.model import Brief
from briefgen.schema.scalars import Counted, Words, words

BODY_LIMIT = 400


def section_budgets(brief: Brief | str) -> dict[str, tuple[int, int]]:
    """(words, items) of each section of BRIEF (or of the kind named), in sheet order."""
    kind = brief if isinstance(brief, str) else brief.KIND
    return {name: (s.words, s.items) for name, s in budgets(kind).items()}


SECTION_BUDGETS = section_budgets("event")  # an event brief's (briefing-format.md §2.2)


def items_of(brief: Brief, section: str) -> list[BaseModel]:
    """The items of SECTION: a list section's, or the one object (none if absent)."""
    value = getattr(brief, section, None)
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, BaseModel) else []


def section_words(brief: Brief) -> dict[str, int]:
    """Body words per section of BRIEF's kind, as the budgets count them."""
    counts = {}
    for section in budgets(brief.KIND):
        counts[section] = sum(
            _words(getattr(item, name, None))
            for item in items_of(brief, section)
            for name in counted(type(item))
        )
    return counts


def _words(value: object) -> int:
    if isinstance(value, list):
        return sum(_words(v) for v in value)
    return words(value) if isinstance(value, str) else 0


@functools.cache
def counted(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of MODEL whose words count toward its section: budgeted or Counted."""
    return tuple(
        name
        for name, info in model.model_fields.items()
        if name in field_limits(model) or _marked(info.annotation, info.metadata)
    )


def _marked(annotation: object, metadata: list[object]) -> bool:
    if any(isinstance(m, Counted) for m in metadata):
        return True
    if any(isinstance(m, Counted) for m in getattr(annotation, "__metadata__", ())):
        return True
    return any(_marked(a, []) for a in getattr(annotation, "__args__", ()))


def field_budget_paths(
    model: type[BaseModel] | None = None, prefix: str = ""
) -> list[tuple[str, int]]:
    """Every budgeted field of the format as ('key_facts[].text', 18), in model order
    (of every kind's sheet when MODEL is None): what the README's table and the JSON
    Schema's descriptions say."""
    if model is None:
        every = [p for sheet in SHEETS.values() for p in field_budget_paths(sheet)]
        return list(dict.fromkeys(every))
    found = []
    limits = field_limits(model)
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        if name in limits:
            found.append((path, limits[name]))
        for inner, many in _models_in(info.annotation):
            found += field_budget_paths(inner, f"{path}{'[]' * many}.")
    return list(dict.fromkeys(found))  # a field shared by union branches (the kinds) once


def budgets_by_model(model: type[BaseModel] | None = None) -> dict[str, dict[str, int]]:
    """The word budget of each field, by model name (of every kind's sheet when MODEL is
    None): what the JSON Schema's $defs show."""
    if model is None:
        return {k: v for sheet in SHEETS.values() for k, v in budgets_by_model(sheet).items()}
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

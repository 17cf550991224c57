"""Stage 2, validate: plain data + SourceMap → Brief, or every schema problem at once,
and of a sheet that failed, the parts that validate (so later stages still run on them).

Why a translation layer: pydantic's locations carry internal fragments (union members,
validator names) and its messages name Python types. Here each error's location becomes
a document path; `messages.py` turns it into a plain sentence with a position.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from briefgen.errors import BriefError, Diagnostic, sort_diagnostics
from briefgen.schema.kinds import KIND_ERROR, KINDS, OWNERS, parse, sheet_of
from briefgen.schema.messages import diagnose, kind
from briefgen.schema.model import Brief
from briefgen.schema.schemapath import field_model, model_in
from briefgen.sheet.load import Path_, SourceMap, dotted

Branch = tuple[str, Path_]  # (union member name, where in the document it was tried)


def validate(data: object, where: SourceMap) -> Brief:
    """Return the Brief (its kind's sheet, kinds.py), or raise one BriefError holding every
    schema diagnostic."""
    try:
        return parse(data)
    except ValidationError as error:
        found = _diagnose_all(error.errors(include_url=False), data, where)
        raise BriefError(*sort_diagnostics(found)) from None


def _diagnose_all(errors: list[ErrorDetails], data: object, where: SourceMap) -> list[Diagnostic]:
    kept: list[ErrorDetails] = []
    tried: set[Path_] = set()  # union values (cite entries) pydantic tried
    matched: set[Path_] = set()  # ... of which one branch fits what was written
    placed: list[tuple[ErrorDetails, Branch | None]] = []
    for e in errors:
        path, branch = _document_path(e["loc"], data)
        error = _kind_error(e, data) if e["type"] == KIND_ERROR else {**e, "loc": path}
        placed.append((error, branch))
    for e, branch in _without_misplaced_subject(placed):
        if branch is not None:
            tried.add(branch[1])
            if not _branch_matches(branch, data):
                continue
            matched.add(branch[1])
        kept.append(e)
    found = [diagnose(e, data, where) for e in kept]
    for path in sorted(tried - matched, key=str):
        found.append(
            Diagnostic(
                where.at(path),
                "BG202",
                f"{dotted(path)} must be a source id or a mapping "
                f"{{source, excerpt}}, got {kind(_value_at(data, path))}",
                'e.g. `- S1` or `- {source: S1, excerpt: "..."}`',
            )
        )
    return found


def _kind_error(e: ErrorDetails, data: object) -> ErrorDetails:
    """A kind that is none of KINDS fails the whole sheet: say it of `briefing.kind`."""
    briefing = data.get("briefing") if isinstance(data, dict) else None
    return {**e, "loc": ("briefing",), "input": briefing}


def _without_misplaced_subject(
    errors: list[tuple[ErrorDetails, Branch | None]],
) -> list[tuple[ErrorDetails, Branch | None]]:
    """`event:` in an issue brief is one mistake: report the misplaced key (BG211), not
    also the missing `issue:` it was meant to be, nor the sections of the kind the key
    names (they fit once `kind` is right). Locations are document paths here."""
    misplaced = {
        str(e["loc"][1])
        for e, _ in errors
        if e["type"] == "extra_forbidden" and len(e["loc"]) == 2 and e["loc"][1] in KINDS
        if e["loc"][:1] == ("briefing",)
    }
    return [
        (e, b)
        for e, b in errors
        if not (misplaced and (_missing_subject(e) or _owned_by(e, misplaced)))
    ]


def _owned_by(e: ErrorDetails, kinds: set[str]) -> bool:
    """A top-level section of one of KINDS, refused by the sheet of the kind declared."""
    loc = e["loc"]
    return e["type"] == "extra_forbidden" and len(loc) == 1 and bool(
        kinds & set(OWNERS.get(str(loc[0]), ()))
    )


def _missing_subject(e: ErrorDetails) -> bool:
    """pydantic's error for a briefing of kind K without its `K:` (loc: briefing, K)."""
    loc = e["loc"]
    return e["type"] == "missing" and len(loc) == 2 and loc[0] == "briefing" and loc[1] in KINDS


def _document_path(loc: tuple[int | str, ...], data: object) -> tuple[Path_, Branch | None]:
    """Drop pydantic's internal fragments from LOC; return the union branch taken, if any.
    The sheet's kind tag (`issue.briefing.…` → `briefing.…`) is dropped too."""
    path: list[str | int] = []
    branch: Branch | None = None
    node = data
    for i, part in enumerate(loc):
        if i == 0 and part in KINDS:
            continue
        if isinstance(part, int) and isinstance(node, list):
            path.append(part)
            node = node[part] if part < len(node) else None
        elif _is_fragment(str(part)) and not (isinstance(node, dict) and part in node):
            branch = branch or (str(part), tuple(path))
        else:
            path.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return tuple(path), branch


def _is_fragment(part: str) -> bool:
    return part in {"str", "constrained-str", "Excerpt", "int", "bool"} or "[" in part


def _branch_matches(branch: Branch, data: object) -> bool:
    """Keep only the union branch that fits the value written: a mapping or an id."""
    name, at = branch
    return isinstance(_value_at(data, at), dict) == (name == "Excerpt")


def _value_at(data: object, path: Path_) -> object:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


@dataclass(frozen=True)
class Salvage:
    """What validated of a sheet that did not: the rules and provenance still run on it.

    `brief` is built without validation (`model_construct`): a mapping that failed, at
    any depth, keeps the fields that validated on their own and list entries keep their
    index, so document paths stay right. A failed field is absent (its default if it has
    one): rules read scalars with `getattr(..., None)`; lists and mappings are always
    present. `unchecked` holds every text left out, so a reference to an id that failed
    is not also reported as unknown.
    """

    brief: Brief
    unchecked: frozenset[str]
    failed: frozenset[Path_] = frozenset()  # document paths of the values that failed


def salvage(data: object) -> Salvage | None:
    """The parts of DATA that validate on their own, or None when nothing is a mapping."""
    if not isinstance(data, dict):
        return None
    dropped: list[object] = []
    failed: list[Path_] = []
    sheet = sheet_of(data)
    brief = sheet.model_construct(**_fields(sheet, data, dropped, (), failed))
    return Salvage(brief, frozenset(_texts(dropped)), frozenset(failed))


_MISSING = object()


def _fields(
    model: type[BaseModel],
    raw: dict[str, object],
    dropped: list[object],
    path: Path_ = (),
    failed: list[Path_] | None = None,
) -> dict[str, Any]:
    """The fields of MODEL in RAW that validate; lists and mappings are always present.
    FAILED collects the paths of the values left out (a field present in RAW that failed)."""
    failed = [] if failed is None else failed
    dropped.extend(v for k, v in raw.items() if k not in model.model_fields)
    kept: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        found = (
            _salvaged(model, name, raw[name], dropped, (*path, name), failed)
            if name in raw
            else _MISSING
        )
        if found is _MISSING and name in raw:
            failed.append((*path, name))
        if found is _MISSING and info.is_required():
            inner = field_model(model, name)
            if typing.get_origin(info.annotation) is list:
                found = []
            elif inner is not None:
                found = inner.model_construct(**_fields(inner, {}, dropped, (*path, name), failed))
        if found is not _MISSING:
            kept[name] = found
    return kept


def _salvaged(
    model: type[BaseModel],
    name: str,
    value: object,
    dropped: list[object],
    path: Path_,
    failed: list[Path_],
) -> Any:
    """VALUE if field NAME of MODEL accepts it, else what of it validates, else _MISSING."""
    try:
        return _adapter(model, name).validate_python(value, strict=True)
    except ValidationError:
        pass
    annotation = model.model_fields[name].annotation
    inner = field_model(model, name)
    if typing.get_origin(annotation) is list:
        if isinstance(value, list):
            return _items(model, name, value, dropped, path, failed)
    elif inner is not None and isinstance(value, dict):
        failed.append(path)
        return inner.model_construct(**_fields(inner, value, dropped, path, failed))
    dropped.append(value)
    return _MISSING


def _items(
    model: type[BaseModel],
    name: str,
    value: list[object],
    dropped: list[object],
    path: Path_,
    failed: list[Path_],
) -> Any:
    """Every entry of list field NAME, a failed mapping as what of it validates, so that
    entry i is still item i; a list with any other failed entry is left out entirely."""
    item, inner = _item_adapter(model, name), model_in(model.model_fields[name].annotation)
    kept = []
    for entry in value:
        try:
            kept.append(item.validate_python(entry, strict=True))
        except ValidationError:
            if inner is None or not isinstance(entry, dict):
                dropped.append(value)
                return _MISSING
            at = (*path, len(kept))
            failed.append(at)
            kept.append(inner.model_construct(**_fields(inner, entry, dropped, at, failed)))
    return kept


@functools.cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """The field's type with its constraints; `Field()` because Annotated needs metadata."""
    info = model.model_fields[name]
    field: Any = Annotated[(info.annotation, *info.metadata, Field())]
    return TypeAdapter(field)


@functools.cache
def _item_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    (item,) = typing.get_args(model.model_fields[name].annotation)
    return TypeAdapter(item)


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)

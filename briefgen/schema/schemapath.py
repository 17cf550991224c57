"""Where a document path points in the schema: the model, its fields, a field's bounds.

Why apart from the messages: `validate` (salvaging what validated) and `messages` (hints
that name only fields that exist there) both walk the models by path.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from briefgen.schema.kinds import fields_in_order, sheet_of
from briefgen.schema.model import Brief
from briefgen.sheet.load import Path_


def fields_at(path: Path_, data: object = None) -> list[str]:
    """The field names allowed at PATH (of the briefing kind DATA declares), for hints."""
    model = model_at(path, data)
    if model is not None and issubclass(model, Brief):
        return fields_in_order(model)
    return list(model.model_fields) if model is not None else []


def model_at(path: Path_, data: object = None) -> type[BaseModel] | None:
    """The model that describes the mapping at PATH, if PATH is one; the briefing's kind
    is read from DATA (the whole sheet), an event's without it."""
    model: Any = sheet_of(data)
    for part in path:
        if isinstance(part, int):
            continue
        if (
            not (isinstance(model, type) and issubclass(model, BaseModel))
            or part not in model.model_fields
        ):
            return None
        model = field_model(model, part)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return model
    return None


def field_model(model: type[BaseModel], name: str) -> Any:
    """The model of field NAME of MODEL (a sheet's briefing is its kind's header)."""
    return model_in(model.model_fields[name].annotation)


def model_in(annotation: Any) -> Any:
    """The pydantic model inside list[...], X | None or Annotated[...], if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = model_in(arg)
            if found is not None:
                return found
    return None


def bounds(path: Path_) -> tuple[object, object]:
    """The (ge, le) bounds the model sets on the field at PATH, where it sets them."""
    model = model_at(path[:-1])
    info = model.model_fields.get(str(path[-1])) if model is not None and path else None
    found: dict[str, object] = {}
    todo: list[Any] = [info] if info is not None else []
    while todo:  # FieldInfo → its metadata and annotation → Annotated/Union arguments
        node = todo.pop()
        for bound in ("ge", "le"):
            if isinstance(getattr(node, bound, None), int):
                found[bound] = getattr(node, bound)
        todo += [*getattr(node, "metadata", ()), *getattr(node, "__metadata__", ())]
        todo += typing.get_args(node) if typing.get_origin(node) is not None else ()
        if isinstance(node, FieldInfo) and node.annotation is not None:
            todo.append(node.annotation)
    return found.get("ge"), found.get("le")

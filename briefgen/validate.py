"""Stage 2, validate: plain data + SourceMap → Brief, or every schema problem at once.

Why a translation layer: pydantic's locations carry internal fragments (union members,
validator names) and its messages name Python types. Here each error's location becomes
a document path; `messages.py` turns it into a plain sentence with a position.
"""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from briefgen.errors import BriefError, Diagnostic, sort_diagnostics
from briefgen.load import Path_, SourceMap, dotted
from briefgen.messages import diagnose, kind
from briefgen.model import Brief

Branch = tuple[str, Path_]  # (union member name, where in the document it was tried)


def validate(data: object, where: SourceMap) -> Brief:
    """Return the Brief, or raise one BriefError holding every schema diagnostic."""
    try:
        return Brief.model_validate(data)
    except ValidationError as error:
        found = _diagnose_all(error.errors(include_url=False), data, where)
        raise BriefError(*sort_diagnostics(found)) from None


def _diagnose_all(errors: list[ErrorDetails], data: object, where: SourceMap) -> list[Diagnostic]:
    kept: list[ErrorDetails] = []
    tried: set[Path_] = set()  # union values (cite entries) pydantic tried
    matched: set[Path_] = set()  # ... of which one branch fits what was written
    for e in errors:
        path, branch = _document_path(e["loc"], data)
        if branch is not None:
            tried.add(branch[1])
            if not _branch_matches(branch, data):
                continue
            matched.add(branch[1])
        kept.append({**e, "loc": path})
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


def _document_path(loc: tuple[int | str, ...], data: object) -> tuple[Path_, Branch | None]:
    """Drop pydantic's internal fragments from LOC; return the union branch taken, if any."""
    path: list[str | int] = []
    branch: Branch | None = None
    node = data
    for part in loc:
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

"""The fact-sheet JSON Schema, generated from the models (never written by hand).

Why the post-processing: editors' YAML tooling (yaml-language-server, check-jsonschema)
handles draft-07 best and ignores keywords next to `$ref` there, so the schema declares
draft-07 and wraps such `$ref`s in `allOf`. The briefing's kinds become `if`/`then`
branches: with pydantic's `oneOf`, a typo in any briefing is reported as "not valid under
any of the given schemas" plus every branch's complaints; `if kind is issue then
IssueBriefing` reports only the kind written, and editors complete that kind's fields.
The `discriminator` mapping stays, for tools that read it.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

from briefgen.schema.model import SCHEMA_VERSION, Brief

SCHEMA_ID = f"https://briefgen.invalid/schema/v{SCHEMA_VERSION}/fact-sheet.schema.json"


class _Draft07(GenerateJsonSchema):
    def generate(self, schema: Any, mode: Any = "validation") -> JsonSchemaValue:
        result = super().generate(schema, mode=mode)
        result = _wrap_refs(_kinds_as_conditions(result))
        return {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "$id": SCHEMA_ID,
            "title": "briefgen fact sheet",
            "description": "A curated fact sheet for a one-page briefing: seeds/<slug>/facts.yaml.",
            **{k: v for k, v in result.items() if k not in {"title", "description"}},
        }


def _kinds_as_conditions(node: Any) -> Any:
    """Each `oneOf` with a discriminator → a closed `kind` and one `if`/`then` per kind;
    without `kind` the first (default) member applies."""
    if isinstance(node, list):
        return [_kinds_as_conditions(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: _kinds_as_conditions(v) for k, v in node.items()}
    if "discriminator" not in node or "oneOf" not in node:
        return node
    key = node["discriminator"]["propertyName"]
    mapping: dict[str, str] = node["discriminator"]["mapping"]
    default = next(k for k, ref in mapping.items() if ref == node["oneOf"][0]["$ref"])
    node.pop("oneOf")
    node["type"] = "object"
    node["properties"] = {key: {"enum": list(mapping)}}
    node["allOf"] = [
        {
            "if": {
                "properties": {key: {"const": name}},
                **({} if name == default else {"required": [key]}),
            },
            "then": {"$ref": ref},
        }
        for name, ref in mapping.items()
    ]
    return node


def _wrap_refs(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: _wrap_refs(v) for k, v in node.items()}
        if "$ref" in node and len(node) > 1:
            ref = node.pop("$ref")
            node["allOf"] = [{"$ref": ref}]
        return node
    if isinstance(node, list):
        return [_wrap_refs(v) for v in node]
    return node


def schema() -> dict[str, Any]:
    """The JSON Schema of a fact sheet, as a dict; sections say their budgets."""
    from briefgen.schema.budgets import SECTION_BUDGETS, budgets_by_model

    result = Brief.model_json_schema(schema_generator=_Draft07)
    for model, limits in budgets_by_model().items():
        for name, limit in limits.items():
            _describe(result["$defs"][model]["properties"][name], f"≤ {limit} words.")
    for section, (limit, most) in SECTION_BUDGETS.items():
        budget = f"Section budget: ≤ {limit} words, at most {most} item(s) on the page."
        _describe(result["properties"][section], budget)
    return dict(_wrap_refs(result))


def _describe(node: dict[str, Any], budget: str) -> None:
    """Append BUDGET to NODE's description (to the text branch of an optional field)."""
    target = next((n for n in node.get("anyOf", []) if n.get("type") == "string"), node)
    before = target.get("description")
    target["description"] = f"{before} {budget}" if before else budget


def schema_text() -> str:
    """The schema as the committed file holds it: sorted keys, two-space indent, newline."""
    return json.dumps(schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"

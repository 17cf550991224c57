"""The fact-sheet JSON Schema, generated from the models (never written by hand).

Why the post-processing: editors' YAML tooling (yaml-language-server, check-jsonschema)
handles draft-07 best and ignores keywords next to `$ref` there, so the schema declares
draft-07 and wraps such `$ref`s in `allOf`. Each kind's sheet becomes an `if`/`then`
branch: with pydantic's `oneOf`, a typo in any sheet is reported as "not valid under any
of the given schemas" plus every branch's complaints; `if briefing.kind is issue then
IssueBrief` reports only the kind written, and editors complete that kind's sections.
Each section's description says its heading and budget on the page of its kind.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

from briefgen.schema.kinds import KINDS, SHEETS, TABLE, budgets, json_schema
from briefgen.schema.model import SCHEMA_VERSION

SCHEMA_ID = f"https://briefgen.invalid/schema/v{SCHEMA_VERSION}/fact-sheet.schema.json"


class _Draft07(GenerateJsonSchema):
    def generate(self, schema: Any, mode: Any = "validation") -> JsonSchemaValue:
        result = super().generate(schema, mode=mode)
        result = _wrap_refs(_sheets_as_conditions(result))
        return {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "$id": SCHEMA_ID,
            "title": "briefgen fact sheet",
            "description": "A curated fact sheet for a one-page briefing: seeds/<slug>/facts.yaml.",
            **{k: v for k, v in result.items() if k not in {"title", "description"}},
        }


def _sheets_as_conditions(node: dict[str, Any]) -> dict[str, Any]:
    """The `oneOf` of the kinds' sheets → a closed `briefing.kind` and one `if`/`then` per
    kind; without `kind` the event's sheet applies. Each sheet is closed on its own."""
    node = dict(node)
    node.pop("oneOf")
    default = KINDS[0]
    node["type"] = "object"
    node["properties"] = {
        "briefing": {"type": "object", "properties": {"kind": {"enum": list(KINDS)}}}
    }
    node["allOf"] = [
        {
            "if": {
                "properties": {
                    "briefing": {
                        "properties": {"kind": {"const": name}},
                        **({} if name == default else {"required": ["kind"]}),
                    }
                },
                **({} if name == default else {"required": ["briefing"]}),
            },
            "then": {"$ref": f"#/$defs/{sheet.__name__}"},
        }
        for name, sheet in SHEETS.items()
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
    from briefgen.schema.budgets import budgets_by_model

    result = json_schema(_Draft07)
    for model, limits in budgets_by_model().items():
        for name, limit in limits.items():
            _describe(result["$defs"][model]["properties"][name], f"≤ {limit} words.")
    for kind, row in TABLE.items():
        sheet = result["$defs"][row.sheet.__name__]
        for section, s in budgets(kind).items():
            budget = (
                f"Printed as '{s.heading}'. Section budget: ≤ {s.words} words, "
                f"at most {s.items} item(s) on the page."
            )
            _describe(sheet["properties"][section], budget)
    return dict(_wrap_refs(result))


def _describe(node: dict[str, Any], budget: str) -> None:
    """Append BUDGET to NODE's description (to the text branch of an optional field)."""
    target = next((n for n in node.get("anyOf", []) if n.get("type") == "string"), node)
    before = target.get("description")
    target["description"] = f"{before} {budget}" if before else budget


def schema_text() -> str:
    """The schema as the committed file holds it: sorted keys, two-space indent, newline."""
    return json.dumps(schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"

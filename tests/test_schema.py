"""The committed JSON Schema: not stale, usable by editors' tools, and as strict as `check`
wherever a JSON Schema can be.

check-jsonschema reads YAML with ruamel.yaml (YAML 1.2) and loads timestamps as strings,
so unquoted dates such as `start_date: 2018-07-16` reach the schema as text, as they do
in briefgen. What the schema cannot express (real calendar dates, cross-references,
quotes against sources, YAML 1.1 leftovers such as `02`) only `briefgen check` catches;
the tests at the end pin those differences so a change in either is noticed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import regress

from briefgen.schema.jsonschema import schema, schema_text
from briefgen.schema.kinds import TABLE

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "fact-sheet.schema.json"
EXAMPLE = ROOT / "seeds" / "helsinki-summit-2018" / "facts.yaml"
INVALID = ROOT / "tests" / "invalid"
# The [test] extra installs it next to this interpreter (.venv/bin), which need not be on PATH.
CHECK_JSONSCHEMA = (shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
                    or shutil.which("check-jsonschema"))
if CHECK_JSONSCHEMA is None and os.environ.get("CI"):
    raise RuntimeError("check-jsonschema (the [test] extra) is missing on CI")

needs_check_jsonschema = pytest.mark.skipif(CHECK_JSONSCHEMA is None,
                                            reason="check-jsonschema is not installed")


def test_committed_schema_is_not_stale() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "regenerate it: python -m briefgen schema > schema/fact-sheet.schema.json")


def test_briefgen_schema_prints_the_committed_file() -> None:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "briefgen", "schema"], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0
    assert result.stdout == SCHEMA.read_text(encoding="utf-8")


def test_schema_is_draft_07_and_closed() -> None:
    """The top level only picks the kind's sheet (issue 20: a sheet per kind); each sheet,
    like every other object, is closed."""
    doc = schema()
    assert doc["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert [branch["then"]["$ref"] for branch in doc["allOf"]] == [
        f"#/$defs/{kind.sheet.__name__}" for kind in TABLE.values()]
    assert all(d.get("additionalProperties") is False
               for d in doc["$defs"].values() if d.get("type") == "object")


def _patterns(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


@pytest.mark.parametrize("pattern", sorted(set(_patterns(schema()))))
def test_patterns_are_valid_ecma_262(pattern: str) -> None:
    """Editors' tools compile patterns as ECMA-262 with the u flag (check-jsonschema via
    regress), where escapes Python allows, such as `\\"`, are errors."""
    regress.Regex(pattern, flags="u")


def jsonschema_check(*sheets: Path) -> subprocess.CompletedProcess[str]:
    assert CHECK_JSONSCHEMA is not None
    result = subprocess.run([CHECK_JSONSCHEMA, "--schemafile", str(SCHEMA), *map(str, sheets)],
                            capture_output=True, text=True, check=False, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


@needs_check_jsonschema
def test_check_jsonschema_accepts_every_seed() -> None:
    result = jsonschema_check(*sorted(ROOT.glob("seeds/*/facts.yaml")))
    assert result.returncode == 0, result.stdout + result.stderr


@needs_check_jsonschema
def test_check_jsonschema_accepts_unquoted_dates_and_urls(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "    start_date: 2018-07-16\n" in text  # unquoted: ruamel would make it a date
    sheet = tmp_path / "facts.yaml"
    sheet.write_text(text.replace(
        "    file: sources/helsinki-summit-high-expectations.txt\n",
        "    url: https://example.org/a?b=c&d=%20\n"
        "    file: sources/helsinki-summit-high-expectations.txt\n"), encoding="utf-8")
    result = jsonschema_check(sheet)
    assert result.returncode == 0, result.stdout + result.stderr


# (case in tests/invalid, the JSON path check-jsonschema names)
REJECTED = [
    ("schema-unknown-field-typo", "$.briefing: Additional properties are not allowed ('titel'"),
    ("schema-unknown-field-in-list", "$.positions[1]: Additional properties are not allowed"),
    ("yaml-key-not-text", "$.briefing: Additional properties are not allowed ('1'"),
    ("schema-missing-schema-version", "$: 'schema_version' is a required property"),
    ("schema-missing-cite", "$.key_facts[1]: 'cite' is a required property"),
    ("schema-missing-speech", "$.positions[0]: 'speech' is a required property"),
    ("schema-bad-likelihood", "$.assessments[1].likelihood: 'probable' is not one of"),
    ("schema-bad-confidence", "$.assessments[0].confidence: 'medium' is not one of"),
    ("schema-number-for-text", "$.briefing.title: 2018 is not of type 'string'"),
    ("schema-yes-for-bool", "$.assessments[0].high_impact: 'yes' is not of type 'boolean'"),
    ("schema-empty-value", "$.briefing.event.name: None is not of type 'string'"),
    ("schema-cite-not-a-list", "$.agenda[0].cite: 'S1' is not of type 'array'"),
    ("schema-cite-entry-a-number", "$.watch[0].cite[0]"),
    ("schema-excerpt-missing", "$.key_facts[0].cite[1]"),
    ("schema-bad-id", "$.key_facts[2].id: '3F' does not match"),
    ("schema-date-not-iso", "$.key_facts[0].date"),
    ("schema-credibility-out-of-range", "$.key_facts[0].credibility"),
    ("schema-url-scheme", "$.sources[0].url"),
    ("schema-subject-of-another-kind",
     "$.briefing: Additional properties are not allowed ('event'"),
    ("schema-unknown-kind", "$.briefing.kind: 'summit' is not one of"),
]


@needs_check_jsonschema
def test_check_jsonschema_rejects_what_check_rejects_for_schema_reasons() -> None:
    sheets = [INVALID / case / "facts.yaml" for case, _ in REJECTED]
    result = jsonschema_check(*sheets)
    assert result.returncode == 1
    report = result.stdout
    assert "Schema validation errors were encountered." in report
    for sheet, (case, message) in zip(sheets, REJECTED, strict=True):
        assert f"{sheet}::{message}" in report, case


def test_the_same_cases_fail_briefgen_check_with_a_schema_code() -> None:
    """The other half of the comparison: each of those sheets fails `check` in stage 2
    (BG2xx) or, for a non-text key, in the loader (BG102)."""
    for case, _ in REJECTED:
        first = (INVALID / case / "expected.txt").read_text(encoding="utf-8").split()[2]
        assert first.startswith(("BG2", "BG102")), case


# What only `briefgen check` sees; if one of these starts failing, the schema got stricter
# (good: move the case to REJECTED) or check-jsonschema changed how it reads YAML.
ACCEPTED_BY_SCHEMA_ONLY = [
    "schema-impossible-day",  # 2018-02-30 matches the date pattern; the calendar is Python's
    "schema-impossible-month",
    "schema-octal-looking-number",  # ruamel (YAML 1.2 core) reads `02` as 2; briefgen as text
    "yaml-str-tag",  # tags, anchors and aliases are refused by briefgen's loader only
    "yaml-anchor-and-alias",
    "rule-unknown-actor",  # cross-references, wording and provenance are rules
    "source-quote-not-in-source",
]


@needs_check_jsonschema
def test_what_the_schema_cannot_see() -> None:
    result = jsonschema_check(*(INVALID / c / "facts.yaml" for c in ACCEPTED_BY_SCHEMA_ONLY))
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_round_trips_as_json() -> None:
    assert json.loads(schema_text()) == schema()

"""`briefgen words`: every budget at once, counted as `check` counts; budgets documented."""

from __future__ import annotations

import json
from pathlib import Path

from briefgen.authoring.draft import draft
from briefgen.authoring.words import budget_table
from briefgen.schema.budgets import budgets_by_model, field_budget_paths, section_words
from briefgen.schema.jsonschema import schema
from briefgen.schema.kinds import KINDS, budgets
from tests.cli_helpers import run

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
LONG = ("breakthrough on Ukraine or Syria is very unlikely.",
        "breakthrough on Ukraine or Syria is very unlikely. " + "More words here now. " * 4)



def lengthen(sheet: Path) -> None:
    text = sheet.read_text(encoding="utf-8")
    assert text.count(LONG[0]) == 1
    sheet.write_text(text.replace(*LONG), encoding="utf-8")


def test_the_example_table(example_copy: Path) -> None:
    done = run("words", str(example_copy.parent), cwd=example_copy.parent)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["field", "or", "section", "words", "budget"]
    assert lines[1].split() == ["briefing.title", "7", "12"]
    assert "key_facts total, 4 of at most 4 items" in done.stdout
    body = sum(section_words(draft(example_copy)[0]).values())
    assert lines[-1].split() == ["body", "total", str(body), "400"]
    assert "OVER" not in done.stdout


def test_over_budget_rows_are_marked_and_exit_0(example_copy: Path) -> None:
    lengthen(example_copy)
    done = run("words", str(example_copy), cwd=example_copy.parent)
    assert done.returncode == 0, done.stderr
    over = [line.split() for line in done.stdout.splitlines() if line.endswith("OVER")]
    assert over == [["bottom_line.text", "52", "50", "OVER"],
                    ["bottom_line", "total", "52", "50", "OVER"]]


def test_json_rows(example_copy: Path) -> None:
    lengthen(example_copy)
    done = run("words", str(example_copy), "--format", "json", cwd=example_copy.parent)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert list(rows[0]) == ["path", "kind", "words", "budget", "over", "items", "max_items"]
    by_path = {r["path"]: r for r in rows}
    assert by_path["bottom_line.text"] == {"path": "bottom_line.text", "kind": "field",
                                           "words": 52, "budget": 50, "over": True,
                                           "items": None, "max_items": None}
    assert by_path["key_facts"]["items"] == 4
    assert by_path["key_facts"]["max_items"] == 4
    assert rows[-1]["kind"] == "body"


def test_an_unreadable_sheet_is_exit_1(tmp_path: Path) -> None:
    (tmp_path / "facts.yaml").write_text("bottom_line: {text: 'open\n", encoding="utf-8")
    done = run("words", "facts.yaml", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "facts.yaml:1:" in done.stderr


def test_the_readme_table_is_the_code() -> None:
    start = README.index("<!-- budgets:")
    table = README[README.index("\n", start) + 1 : README.index("<!-- /budgets -->")]
    assert table == budget_table()
    assert "| `key_facts` | 65 / 4 | 65 / 4 | 65 / 4 | 65 / 4 | `key_facts[].text` ≤ 18 |" in table


def test_the_schema_shows_every_budget() -> None:
    doc = schema()
    assert doc["$defs"]["Fact"]["properties"]["text"]["description"].endswith("≤ 18 words.")
    assert doc["$defs"]["AgendaItem"]["properties"]["topic"]["description"] == "≤ 4 words."
    assert doc["$defs"]["EventBrief"]["properties"]["key_facts"]["description"] == (
        "Printed as 'Key facts'. Section budget: ≤ 65 words, at most 4 item(s) on the page.")
    assert doc["$defs"]["CountryBrief"]["properties"]["positions"]["description"] == (
        "Printed as 'Stated positions'. Section budget: ≤ 40 words, at most 2 item(s) on the "
        "page.")
    text = json.dumps(doc, ensure_ascii=False)
    # one description per budgeted field of each model (the four kinds each have a title)
    shown = text.count("≤") - text.count("Section budget: ≤")
    assert shown == sum(len(fields) for fields in budgets_by_model().values())
    assert shown >= len(field_budget_paths())
    assert text.count("Section budget: ≤") == sum(len(budgets(k)) for k in KINDS)


def test_a_missing_sheet_is_a_usage_error(tmp_path: Path) -> None:
    for command in (["words", "nowhere"], ["cite", "nowhere", "some", "words"]):
        done = run(*command, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert "nowhere: error BG003: no such file or folder" in done.stderr

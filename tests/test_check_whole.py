"""`check` tells the whole truth in one run: schema errors do not hide rule or provenance
findings elsewhere in the sheet, dates are checked against each other, and messages name
only what exists."""

from __future__ import annotations

import copy
import functools
import json
import operator
import re
import shutil
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from briefgen import pipeline
from briefgen.errors import BriefError
from briefgen.pipeline import check_sheets, make
from briefgen.schema.jsonschema import schema
from briefgen.schema.kinds import SHEETS
from briefgen.schema.messages import diagnose
from briefgen.schema.schemapath import model_in
from briefgen.sheet.load import SourceMap, read_sheet
from tests.test_check import EXAMPLE, edit, run
from tests.test_hostile import pdftotext

TYPO = ("    via: Sputnik\n", "    vai: Sputnik\n")  # positions[1]: BG204
MISQUOTE = ('    quote: "a fine relationship"', '    quote: "a wonderful relationship"')  # BG401
TODO = ('  subtitle: "One-page briefing from two press articles"', '  subtitle: "TODO"')  # BG315
BAD_DAY = ("    start_date: 2018-07-16\n", "    start_date: 2018-02-30\n")  # BG206


S2_PUBLISHED, S2_NOTE = "    published: ", "\n    date_note: \"Says"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "seeds" / "x")
    return tmp_path


def test_one_run_reports_a_typo_a_misquote_a_todo_and_an_impossible_date(project: Path) -> None:
    edit(project / "seeds" / "x" / "facts.yaml", TYPO, MISQUOTE, TODO, BAD_DAY)
    result = run("check", cwd=project)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if not line.startswith("    hint")]
    assert lines == [
        "seeds/x/facts.yaml:9:13: error BG315: briefing.subtitle still holds a TODO placeholder",
        "seeds/x/facts.yaml:13:17: error BG206: briefing.event.start_date is not a real date:"
        " day 30 does not exist in 2018-02",
        "seeds/x/facts.yaml:141:5: error BG204: unknown field 'vai' in positions[1]",
        "seeds/x/facts.yaml:147:12: error BG401: quote not found in S1, S2",
        "checked 1 sheet: 4 error(s), 0 warning(s)",
    ]


def test_a_broken_item_is_still_checked_where_it_validated(project: Path) -> None:
    """An actor or source with a bad field keeps its id: references to it are not unknown,
    the source is not "never cited", and excerpts are still checked against it."""
    sheet = project / "seeds" / "x" / "facts.yaml"
    edit(sheet,
         ("  - {id: lavrov, name: Sergey Lavrov,", "  - {id: lavrov, nam: Sergey Lavrov,"),
         (f"{S2_PUBLISHED}unknown{S2_NOTE}", f"{S2_PUBLISHED}soon{S2_NOTE}"),
         ('excerpt: "experts say that the summit', 'excerpt: "experts deny that the summit'))
    found = check_sheets([sheet], strict=True).diagnostics
    assert [(d.code, d.message) for d in found] == [
        ("BG201", "missing required field 'name' in actors[2]"),
        ("BG204", "unknown field 'nam' in actors[2]"),
        ("BG205", "sources[1].published must be a date YYYY-MM-DD, YYYY-MM or YYYY, or 'unknown',"
                  " got 'soon'"),
        ("BG402", "excerpt not found in S2"),
    ]


def test_a_cite_list_with_a_bad_entry_hides_no_other_finding(project: Path) -> None:
    sheet = project / "seeds" / "x" / "facts.yaml"
    syria = '{source: S1, excerpt: "the Syrian issue is likely to be touched on"}'
    edit(sheet, (f"    cite: [{syria}]", f"    cite: [{syria}, 42]"), MISQUOTE)
    found = check_sheets([sheet], strict=True).diagnostics
    assert [d.code for d in found] == ["BG202", "BG401"]


def test_cites_of_a_source_list_that_failed_are_neither_unknown_nor_unchecked(
        project: Path) -> None:
    sheet = project / "seeds" / "x" / "facts.yaml"
    edit(sheet, ("sources:\n", "sources:\n  - 42\n"))
    found = check_sheets([sheet], strict=True).diagnostics
    assert [(d.code, d.message) for d in found] == [
        ("BG202", "sources[0] must be a mapping, got the number 42")]


def test_a_source_cited_only_from_a_cite_list_that_failed_is_not_uncited(project: Path) -> None:
    sheet = project / "seeds" / "x" / "facts.yaml"
    edit(sheet,
         ("sources:\n", "sources:\n  - {id: S3, title: T, publisher: P, published: unknown,"
                         " url: 'https://example.com/', sha256: null}\n"),
         ("    - {source: S1, excerpt: \"Russia-US relations fall to the lowest level since the"
          " Cold War\"}\n  judgment: J1\n",
          "    - {source: S1, excerpt: \"Russia-US relations fall to the lowest level since the"
          " Cold War\"}\n    - S3\n    - 42\n  judgment: J1\n"))
    found = check_sheets([sheet], strict=True).diagnostics
    assert [(d.code, d.message) for d in found] == [
        ("BG202", "bottom_line.cite[3] must be text, got the number 42")]


def test_a_fresh_scaffold_shows_its_todos_beside_its_date_errors(tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text("Talks in Geneva\n\nThe two delegations met on Monday.\n", encoding="utf-8")
    assert run("new", "geneva", "--source", str(source), cwd=tmp_path).returncode == 0
    result = run("check", cwd=tmp_path)
    assert "error BG315: briefing.title still holds a TODO placeholder" in result.stderr
    # one finding per TODO (issue 20): the placeholder, with what the date must look like
    assert ("error BG315: briefing.event.start_date still holds a TODO placeholder\n"
            "    hint: replace it with content from the sources (e.g. 2018-07-16, 2018-07 or "
            "2018; put uncertainty in the date_note)") in result.stderr
    assert "BG205" not in result.stderr


def test_references_into_a_list_that_failed_are_not_unknown(project: Path) -> None:
    sheet = project / "seeds" / "x" / "facts.yaml"
    edit(sheet, ("actors:\n", "actors:\n  - 42\n"))
    found = check_sheets([sheet], strict=True).diagnostics
    assert [(d.code, d.message) for d in found] == [
        ("BG202", "actors[0] must be a mapping, got the number 42")]


def _mutations(data: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every mapping key of DATA as (path, key), depth first."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key)
            yield from _mutations(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _mutations(value, (*path, i))


PYTHON_TEXT = re.compile(r"Input should|Value error|invalid literal|\[type=|has no attribute"
                         r"|Traceback|Error\b|errors\.pydantic")


def test_an_unexpected_schema_error_shows_no_library_text() -> None:
    error = {"type": "int_parsing", "loc": ("key_facts", 0, "credibility"), "input": "x",
             "msg": "Input should be a valid integer, unable to parse string as an integer"}
    found = diagnose(error, {}, SourceMap("facts.yaml"))  # type: ignore[arg-type]
    assert found.code == "BG200"
    assert not PYTHON_TEXT.search(f"{found.message} {found.hint}"), str(found)


def test_any_field_missing_or_mistyped_gives_diagnostics_not_a_traceback(tmp_path: Path) -> None:
    """The rules and provenance run on salvaged sheets, where any field may be absent."""
    shutil.copytree(EXAMPLE, tmp_path / "x")
    sheet = tmp_path / "x" / "facts.yaml"
    data, _ = read_sheet(EXAMPLE / "facts.yaml")
    for path in _mutations(data):
        for change in ("delete", 42, [], {}):
            broken = copy.deepcopy(data)
            parent = functools.reduce(operator.getitem, path[:-1], broken)
            if change == "delete":
                del parent[path[-1]]
            else:
                parent[path[-1]] = change
            sheet.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
            found = check_sheets([sheet], strict=True).diagnostics  # only BriefError is caught
            for d in found:
                assert not PYTHON_TEXT.search(f"{d.message} {d.hint}"), (path, change, str(d))


# --- dates ---------------------------------------------------------------------------------

START = "    start_date: 2018-07-16\n"
PREPARED = "    date: 2026-11-23\n    as_of: 2018-07\n"


@pytest.mark.parametrize(("pairs", "expected"), [
    ([(START, START + "    end_date: 2018-07-15\n")],
     "facts.yaml:14:15: error BG316: briefing.event.end_date 2018-07-15 is before its start_date"
     " 2018-07-16\n    hint: swap them, or correct the month or day"),
    ([(PREPARED, "    date: 2018-07-10\n    as_of: 2018-07-12\n")],
     "facts.yaml:18:12: error BG317: briefing.prepared.as_of 2018-07-12 is after the day the"
     " brief was prepared, 2018-07-10\n    hint: the information cut-off is at most prepared.date"),
    ([(f"{S2_PUBLISHED}unknown{S2_NOTE}", f"{S2_PUBLISHED}2018-08-01{S2_NOTE}")],
     "facts.yaml:48:16: error BG408: source S2 was published (2018-08-01) after the as-of date"
     " 2018-07\n    hint: move prepared.as_of, or drop the source and the facts taken from it"),
], ids=["end-before-start", "as-of-after-prepared", "published-after-as-of"])
def test_dates_out_of_order_are_positioned_errors(
        example_copy: Path, pairs: list[tuple[str, str]], expected: str) -> None:
    edit(example_copy, *pairs)
    report = check_sheets([example_copy])
    assert report.failed
    assert [str(d).replace(str(example_copy), "facts.yaml") for d in report.diagnostics] == [
        expected]


@pytest.mark.parametrize("pairs", [
    [(START, START + "    end_date: 2018-07\n")],  # partial dates compare as far as both go
    [(PREPARED, "    date: 2018-07-16\n    as_of: 2018\n")],
    [(f"{S2_PUBLISHED}unknown{S2_NOTE}", f"{S2_PUBLISHED}2018-07-20{S2_NOTE}")],
    [(START, "    start_date: 2018\n"), (PREPARED, "    date: 2026\n    as_of: 2018\n")],
], ids=["end-in-start-month", "as-of-a-year", "published-in-as-of-month", "unquoted-years"])
def test_dates_in_order_or_undecidable_pass(example_copy: Path,
                                            pairs: list[tuple[str, str]]) -> None:
    edit(example_copy, *pairs)
    report = check_sheets([example_copy], strict=True)
    assert [str(d) for d in report.diagnostics] == []


@pytest.mark.parametrize("written", ['"2005-02-04T10:00"', '"2005xyz"', '"2005-02-04 "',
                                     "2005-02-04T10:00", '"2005-2-4"', "20050", "-2005"])
def test_only_the_documented_date_forms_are_dates(example_copy: Path, written: str) -> None:
    edit(example_copy, (f"{S2_PUBLISHED}unknown{S2_NOTE}", f"{S2_PUBLISHED}{written}{S2_NOTE}"))
    (found,) = check_sheets([example_copy]).diagnostics
    assert found.code in {"BG205", "BG202"}, found
    assert found.where.line == 48
    assert "invalid literal" not in found.message
    assert "month" not in found.hint


def test_the_exported_schema_anchors_its_date_patterns() -> None:
    text = json.dumps(schema())
    patterns = {p for p in re.findall(r'"pattern": "([^"]*)"', text) if "[0-9]{4}" in p}
    assert len(patterns) == 2
    for pattern in patterns:
        regex = re.compile(pattern.replace("\\\\", "\\"))
        assert regex.search("2018-07-16")
        assert regex.search("2018")
        for bad in ("2005-02-04T10:00", "2005xyz", "20181", "unknownx", "x2018"):
            assert not regex.search(bad), (pattern, bad)
    year = '{"maximum": 9999, "minimum": 1000, "type": "integer"}'
    assert year in json.dumps(schema(), sort_keys=True)


def test_an_event_date_note_is_printed_in_every_format(example_copy: Path,
                                                      tmp_path: Path) -> None:
    note = '    date_note: "Day inferred from S2\'s \\"next Monday\\""\n'
    edit(example_copy, (START, START + note))
    built = make(example_copy)
    md = built.files["helsinki-summit-2018.md"].decode()
    html = built.files["helsinki-summit-2018.html"].decode()
    # printed with typographic quotes (issue 20), in every format
    assert "16 July 2018 (Day inferred from S2’s “next Monday”)" in md
    assert "16 July 2018 (Day inferred from S2’s “next Monday”)" in html
    pdf = " ".join(pdftotext(built.files["helsinki-summit-2018.pdf"], tmp_path).split())
    assert "16 July 2018 (Day inferred from S2’s “next Monday”)" in pdf


# --- messages ------------------------------------------------------------------------------


def _model_fields(model: type[BaseModel], path: tuple[str | int, ...] = ()
                  ) -> Iterator[tuple[tuple[str | int, ...], type[BaseModel], str, Any]]:
    """(path, model, field name, FieldInfo) of every field of the schema, list items as [0]."""
    for name, info in model.model_fields.items():
        yield (*path, name), model, name, info
        inner = model_in(info.annotation)
        if inner is not None:
            many = typing.get_origin(info.annotation) is list
            yield from _model_fields(inner, (*path, name, 0) if many else (*path, name))


def _pattern_of(info: Any) -> str | None:
    todo, found = [info], None
    while todo:
        node = todo.pop()
        found = found or getattr(node, "pattern", None)
        todo += [*getattr(node, "metadata", ()), *typing.get_args(node)]
        todo += [node.annotation] if isinstance(node, FieldInfo) and node.annotation else []
    return found


FIELDS = [f for sheet in SHEETS.values() for f in _model_fields(sheet)]
ALL_NAMES = {name for _, _, name, _ in FIELDS}


def test_every_field_a_hint_names_exists_where_the_hint_points() -> None:
    where = SourceMap("facts.yaml")
    checked = 0
    for path, model, name, info in FIELDS:
        errors: list[dict[str, Any]] = [
            {"type": "missing", "loc": path, "msg": "", "input": None},
            {"type": "extra_forbidden", "loc": (*path[:-1], name + "x"), "msg": "", "input": 1},
            {"type": "string_type", "loc": path, "msg": "", "input": 1},
            {"type": "value_error", "loc": path, "msg": "", "input": "x",
             "ctx": {"error": "wrong"}},
        ]
        if (pattern := _pattern_of(info)) is not None:
            errors.append({"type": "string_pattern_mismatch", "loc": path, "msg": "",
                           "input": "x", "ctx": {"pattern": pattern}})
        for error in errors:
            hint = diagnose(error, {}, where).hint  # type: ignore[arg-type]
            named = {*re.findall(r"\b[a-z]+_[a-z_]+\b", hint), *re.findall(r"[`'](\w+)", hint)}
            named -= {"unknown"}  # "write 'unknown'": the value, not the sheet's `unknown:`
            for field in named & ALL_NAMES:
                checked += 1
                assert field in model.model_fields, (path, hint)
    assert checked > 20


def test_a_source_published_after_the_brief_was_prepared_is_an_error_without_as_of(
        example_copy: Path) -> None:
    text = example_copy.read_text(encoding="utf-8")
    text = re.sub(r"\n  *as_of: [^\n]*", "", text, count=1)
    text = text.replace('published: unknown', 'published: "2030-01-01"', 1)
    example_copy.write_text(text, encoding="utf-8")
    with pytest.raises(BriefError) as caught:
        pipeline.check(example_copy)
    codes = [d.code for d in caught.value.diagnostics]
    assert codes == ["BG408"], caught.value.diagnostics
    assert "after the day the brief was prepared" in caught.value.diagnostics[0].message


def test_a_choice_error_names_a_non_text_value_plainly(example_copy: Path) -> None:
    text = example_copy.read_text(encoding="utf-8")
    text = text.replace("\n  handling:\n", "\n  handling:\n    tlp: true\n", 1)
    assert "tlp: true" in text
    example_copy.write_text(text, encoding="utf-8")
    with pytest.raises(BriefError) as caught:
        pipeline.check(example_copy)
    [found] = [d for d in caught.value.diagnostics if d.code == "BG203"]
    assert found.message.endswith("got true"), found.message


@pytest.mark.parametrize(("old", "new"), [
    ("    file: sources/helsinki-summit-can-disagreements-be-resolved.txt",
     "    file: 5"),
    ('      - {source: S1, excerpt: "the meeting could open “a fine relationship”"}',
     '      - {excerpt: "the meeting could open “a fine relationship”"}'),
], ids=["a-source-file-failed", "a-cite-entry-without-source"])
def test_a_failed_part_of_the_cite_chain_gives_no_false_provenance_finding(
        example_copy: Path, old: str, new: str) -> None:
    """The quote of P3 is in S1: when S1's file or P3's cite entry fails the schema, the
    quote cannot be checked, so neither 'not found in S2' nor 'cannot be checked' is said."""
    text = example_copy.read_text(encoding="utf-8")
    assert old in text
    example_copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BriefError) as caught:
        pipeline.check(example_copy)
    codes = {d.code for d in caught.value.diagnostics}
    assert codes & {"BG401", "BG402", "BG409"} == set(), caught.value.diagnostics
    assert codes & {"BG202", "BG201", "BG200", "BG209"}, caught.value.diagnostics

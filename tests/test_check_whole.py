"""`check` tells the whole truth in one run: schema errors do not hide rule or provenance
findings elsewhere in the sheet, dates are checked against each other, and messages name
only what exists."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen.pipeline import check_sheets
from tests.test_check import EXAMPLE, edit, run

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
        "seeds/x/facts.yaml:140:5: error BG204: unknown field 'vai' in positions[1]",
        "seeds/x/facts.yaml:146:12: error BG401: quote not found in S1, S2",
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


def test_a_fresh_scaffold_shows_its_todos_beside_its_date_errors(tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text("Talks in Geneva\n\nThe two delegations met on Monday.\n", encoding="utf-8")
    assert run("new", "geneva", "--source", str(source), cwd=tmp_path).returncode == 0
    result = run("check", cwd=tmp_path)
    assert "error BG205: briefing.event.start_date must be a date" in result.stderr
    assert "error BG315: briefing.title still holds a TODO placeholder" in result.stderr
    assert "error BG315: briefing.event.start_date still holds a TODO placeholder" in result.stderr


def test_references_into_a_list_that_failed_are_not_unknown(project: Path) -> None:
    sheet = project / "seeds" / "x" / "facts.yaml"
    edit(sheet, ("actors:\n", "actors:\n  - 42\n"))
    found = check_sheets([sheet], strict=True).diagnostics
    assert [(d.code, d.message) for d in found] == [
        ("BG202", "actors[0] must be a mapping, got the number 42")]

"""Sections per kind (issue 20): an event brief, an issue brief, a country profile and an
organisation profile each have sections of their own, around the shared ones.

Each kind's sections come from one table (kinds.TABLE): its sheet model, its budgets (the
body's 400 words on every kind), its page order and headings, its scaffold, its JSON Schema
branch. A section of another kind is one clear error (BG212); a section the sources are
silent on is stated `unknown` and printed so. A bundled example of each kind checks
--strict and prints one page on A4 and Letter, as designed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import pypdf
import pytest
import yaml

from briefgen import pipeline
from briefgen.compose.compose import compose
from briefgen.errors import BriefError
from briefgen.pipeline.options import BuildOptions
from briefgen.render.pages import render_html, render_markdown
from briefgen.schema.budgets import BODY_LIMIT, section_budgets
from briefgen.schema.kinds import AFTER, BEFORE, KINDS, TABLE
from briefgen.schema.model import Brief
from tests.conftest import ROOT
from tests.test_render import md_plain, norm, parse_html, pdf_text

EXAMPLES = {
    "event": "helsinki-summit-2018",
    "issue": "russia-us-relations-2018",
    "country": "russia-profile-2018",
    "organization": "nato-profile-2018",
}
SHARED = {*BEFORE, *AFTER, *Brief.model_fields} - {"positions"}
UNKNOWN = "Unknown: the sources do not say."


def _own(kind: str) -> set[str]:
    return set(TABLE[kind].sections)


def _foreign(kind: str) -> set[str]:
    return {s for k in KINDS for s in TABLE[k].sections} - _own(kind)


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def _copy(tmp: Path, kind: str) -> Path:
    folder = tmp / "seeds" / EXAMPLES[kind]
    shutil.copytree(ROOT / "seeds" / EXAMPLES[kind], folder)
    return folder / "facts.yaml"


def _errors(sheet: Path) -> list[tuple[int | None, str, str, str]]:
    with pytest.raises(BriefError) as caught:
        pipeline.check(sheet)
    return [(d.where.line, d.code, d.message, d.hint) for d in caught.value.diagnostics
            if d.severity == "error"]


# --- the table ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_shares_the_body_limit_between_its_sections(kind: str) -> None:
    budgets = section_budgets(kind)
    assert list(budgets)[:2] == ["bottom_line", "key_facts"]
    assert list(budgets)[-2:] == ["assessments", "watch"]
    assert sum(words for words, _ in budgets.values()) == BODY_LIMIT


@pytest.mark.parametrize("kind", KINDS)
def test_the_table_names_exactly_the_sheets_own_sections(kind: str) -> None:
    """The row's sections are the sheet model's fields beyond the shared ones, and the
    sections its `unknown` may name."""
    sheet = TABLE[kind].sheet
    assert set(sheet.model_fields) - SHARED - {"unknown"} == _own(kind)
    (item,) = typing.get_args(sheet.model_fields["unknown"].annotation)
    assert set(typing.get_args(item)) == _own(kind)
    assert TABLE[kind].header.model_fields["kind"].annotation == typing.Literal[kind]


# --- scaffold ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_new_scaffolds_the_kinds_own_sections_and_none_of_another(kind: str,
                                                                   tmp_path: Path) -> None:
    source = ROOT / "seeds" / EXAMPLES[kind] / "sources" / "helsinki-summit-high-expectations.txt"
    done = _cli("new", "draft", "--kind", kind, "--source", str(source), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = yaml.safe_load((tmp_path / "seeds" / "draft" / "facts.yaml").read_text("utf-8"))
    keys = set(data)
    assert not keys & _foreign(kind), keys & _foreign(kind)
    assert _own(kind) - {"positions"} <= keys
    assert keys - _own(kind) <= SHARED | {"unknown"}
    check = _cli("check", str(tmp_path / "seeds" / "draft"), cwd=tmp_path)
    codes = set(re.findall(r"error (BG\d+)", check.stderr))
    assert "BG315" in codes
    assert not codes & {"BG201", "BG204", "BG211", "BG212"}, check.stderr


# --- another kind's section, a silent one -----------------------------------------------------

def test_an_event_section_in_an_issue_brief_is_one_clear_message(tmp_path: Path) -> None:
    sheet = _copy(tmp_path, "issue")
    text = sheet.read_text(encoding="utf-8")
    old = ("obstacles:\n  - id: O9\n    issue: \"Ukraine\"\n    cite: [S2]\n"
           "  - id: O8\n    issue: \"Syria\"\n    cite: [S2]\n\n")
    sheet.write_text(text.replace("positions:\n", old + "positions:\n", 1), encoding="utf-8")
    line = text[: text.index("positions:\n")].count("\n") + 1
    assert _errors(sheet) == [(
        line, "BG212",
        "'obstacles' is a section of event briefs; an issue brief has question, positions, "
        "options",
        "move its items to one of those (or to key_facts), or set `kind: event`")]


def test_an_agenda_in_a_country_profile_names_the_country_sections(tmp_path: Path) -> None:
    sheet = _copy(tmp_path, "country")
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text + "agenda:\n  - {id: A1, topic: Sanctions, cite: [S2]}\n",
                     encoding="utf-8")
    ((_, code, message, hint),) = _errors(sheet)
    assert code == "BG212"
    assert message == ("'agenda' is a section of event briefs; a country profile has "
                       "government, indicators, relations, positions")
    assert hint.endswith("or set `kind: event`")


def test_a_section_stated_unknown_must_be_empty(tmp_path: Path) -> None:
    sheet = _copy(tmp_path, "country")
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace("unknown: [indicators]", "unknown: [indicators, relations]"),
                     encoding="utf-8")
    ((_, code, message, hint),) = _errors(sheet)
    assert (code, message) == ("BG319", "relations is listed as unknown but has items")
    assert hint == "remove 'relations' from unknown, or remove its items"


# --- the bundled example of each kind ---------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_each_kinds_example_passes_strict_check(kind: str) -> None:
    done = _cli("check", "--strict", str(ROOT / "seeds" / EXAMPLES[kind]))
    assert done.returncode == 0, done.stderr
    assert "0 error(s), 0 warning(s)" in done.stderr + done.stdout


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_kinds_example_is_one_page_as_designed(kind: str, paper: str) -> None:
    slug = EXAMPLES[kind]
    built = pipeline.make(ROOT / "seeds" / slug / "facts.yaml",
                          BuildOptions(formats=("pdf",), paper=paper))
    assert len(pypdf.PdfReader(io.BytesIO(built.files[f"{slug}.pdf"])).pages) == 1
    assert built.step == "as designed"


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_prints_its_sections_in_its_order_in_every_format(kind: str,
                                                                     tmp_path: Path) -> None:
    """The headings, in page order: the judgments under the bottom line, then the key
    facts, the kind's own sections (those it has or states unknown), what to watch."""
    slug = EXAMPLES[kind]
    checked = pipeline.check(ROOT / "seeds" / slug / "facts.yaml")
    own = [s.heading for name, s in TABLE[kind].sections.items()
           if getattr(checked.brief, name, None) or name in checked.brief.unknown]
    expected = ["Key judgments", "Key facts", *own, "What to watch", "Sources"]
    page = compose(checked.brief, evidence=checked.evidence)
    html = parse_html(render_html(page.for_print()))
    assert [norm(h.text()) for h in html.iter() if h.tag == "h2"] == expected
    md = render_markdown(page)
    assert re.findall(r"^## (.+)$", md, re.MULTILINE) == expected
    built = pipeline.make(ROOT / "seeds" / slug / "facts.yaml", BuildOptions(formats=("pdf",)))
    text = norm(pdf_text(built.files[f"{slug}.pdf"], tmp_path))
    assert [h for h in expected if h in text] == expected
    places = [text.index(h) for h in expected]
    assert places == sorted(places), text


@pytest.mark.parametrize("kind", ["country", "organization"])
def test_a_profile_says_unknown_where_its_sources_are_silent(kind: str, tmp_path: Path) -> None:
    slug = EXAMPLES[kind]
    built = pipeline.make(ROOT / "seeds" / slug / "facts.yaml")
    silent = [TABLE[kind].sections[s].heading for s in pipeline.check(
        ROOT / "seeds" / slug / "facts.yaml").brief.unknown]
    assert silent
    body = parse_html(built.files[f"{slug}.html"].decode()).find("body")
    assert body is not None
    texts = {"md": md_plain(built.files[f"{slug}.md"].decode()), "html": norm(body.text()),
             "pdf": norm(pdf_text(built.files[f"{slug}.pdf"], tmp_path))}
    for fmt, text in texts.items():
        for heading in silent:
            assert f"{heading} {UNKNOWN}" in text, (fmt, heading)


def test_the_country_profile_names_its_leaders_and_relations(tmp_path: Path) -> None:
    """Office holders given as actor ids print as the actor's name; a relation's state is
    its lead-in."""
    page = compose(pipeline.check(ROOT / "seeds" / EXAMPLES["country"] / "facts.yaml").brief)
    text = md_plain(render_markdown(page))
    assert "President — Vladimir Putin [1]" in text
    assert "Ambassador to the US — Anatoly Antonov [2]" in text
    assert "United States — Strained: At their worst since the Cold War" in text

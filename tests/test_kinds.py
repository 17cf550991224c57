"""Briefing kinds (issue #11): event, issue, country and organisation briefs.

Each kind has its own required fields (schema), its own scaffold (`briefgen new --kind`),
its own header line on the page (Markdown, HTML and PDF alike) and on the site's index, and
nothing event-specific is printed for the others. The tester's case (a policy fight with
no place and no date) checks and builds to one page without inventing a venue; the second
bundled example, an issue brief, has golden files like the Helsinki one (update them with
`python -m pytest tests/test_kinds.py --update-golden` and read the diff).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from briefgen import pipeline
from briefgen.compose.compose import compose
from briefgen.errors import BriefError
from briefgen.pipeline.options import BuildOptions
from briefgen.render.pages import render_html, render_markdown
from briefgen.schema.jsonschema import schema
from briefgen.schema.kinds import KINDS, TABLE
from tests.conftest import ROOT
from tests.test_render import md_plain, norm, parse_html, pdf_text
from tests.test_schema import jsonschema_check, needs_check_jsonschema

ISSUE = ROOT / "seeds" / "russia-us-relations-2018"
SLUG = ISSUE.name
EXPECTED = Path(__file__).parent / "cases" / "russia-us-relations-2018" / "expected"
TESTER = Path(__file__).parent / "cases" / "issue-without-place"
EVENT_WORDS = re.compile(  # what an event brief prints and no other kind may
    r"\b(Event|venue|summit|meeting|visit|conference|negotiation|election)\b", re.IGNORECASE
)
# Each kind's subject, replacing the example's `issue:` block, and its header line.
SUBJECTS = {
    "event": (
        "  kind: event\n  event:\n    name: \"Talks\"\n    type: summit\n"
        "    start_date: 2018-07-16\n    location: {venue: Palace, city: Helsinki}\n",
        "Event: Talks · 16 July 2018 · Palace, Helsinki",
    ),
    "issue": (
        "  kind: issue\n  issue:\n    name: \"Sanctions\"\n    involved: [trump, Russia]\n"
        "    since: 2014\n",
        "Issue: Sanctions · Donald Trump, Russia · since 2014",
    ),
    "country": (
        "  kind: country\n  country: {name: Finland, code: FI, as_of: 2018-07-01}\n",
        "Country profile: Finland (FI)",
    ),
    "organization": (
        "  kind: organization\n  organization:\n    name: North Atlantic Treaty Organization\n"
        "    acronym: NATO\n    headquarters: Brussels\n    as_of: 2018-07\n",
        "Organisation profile: North Atlantic Treaty Organization (NATO) · Brussels",
    ),
}
# the date each variant's information is current to: the cut-off, or a profile's own as_of
AS_OF = {"event": "July 2018", "issue": "July 2018", "country": "1 July 2018",
         "organization": "July 2018"}
LABELS = {"event": "Event brief", "issue": "Issue brief", "country": "Country profile",
          "organization": "Organisation profile"}
_BLOCK = ('  kind: issue\n  issue:\n    name: "Russia–US relations"\n'
          "    involved: [United States, Russia]\n")
# The issue example's own sections (issue 20): a variant of another kind leaves them out and
# keeps what every kind has (and the positions, which every kind may state).
_OWN = re.compile(r"\n(question|options):\n(?:[ #].*\n|\n)*?(?=\S)")


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def _variant(tmp: Path, kind: str, slug: str | None = None) -> Path:
    """A copy of the issue example whose subject is of KIND; returns its facts.yaml."""
    slug = slug or f"kind-{kind}"
    folder = tmp / "seeds" / slug
    shutil.copytree(ISSUE, folder)
    sheet = folder / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    assert _BLOCK in text
    text = text.replace(_BLOCK, SUBJECTS[kind][0]).replace(f"id: {SLUG}", f"id: {slug}")
    sheet.write_text(_OWN.sub("\n", text), encoding="utf-8")
    return sheet


def _edited(tmp: Path, old: str, new: str) -> Path:
    folder = tmp / "seeds" / "edited"
    shutil.copytree(ISSUE, folder)
    sheet = folder / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    assert old in text
    sheet.write_text(text.replace(old, new, 1), encoding="utf-8")
    return sheet


def _errors(sheet: Path) -> list[tuple[int | None, str, str, str]]:
    with pytest.raises(BriefError) as caught:
        pipeline.check(sheet)
    return [(d.where.line, d.code, d.message, d.hint) for d in caught.value.diagnostics
            if d.severity == "error"]


# --- the second bundled example -----------------------------------------------------------

@pytest.fixture(scope="module")
def checked() -> pipeline.Checked:
    return pipeline.check(ISSUE / "facts.yaml")


def test_issue_example_markdown_golden(checked: pipeline.Checked,
                                       golden: Callable[[str, Path], None]) -> None:
    """The Markdown as the site publishes it: citations link to their paragraphs."""
    page = compose(checked.brief, evidence=checked.evidence)
    golden(render_markdown(page), EXPECTED / f"{SLUG}.md")


def test_issue_example_html_golden(checked: pipeline.Checked,
                                   golden: Callable[[str, Path], None]) -> None:
    golden(render_html(compose(checked.brief).for_print()), EXPECTED / f"{SLUG}.html")


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_issue_example_is_one_page_with_room_to_spare(paper: str, tmp_path: Path,
                                                      golden: Callable[[str, Path], None]
                                                      ) -> None:
    built = pipeline.make(ISSUE / "facts.yaml", BuildOptions(formats=("pdf",), paper=paper))
    data = built.files[f"{SLUG}.pdf"]
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    assert built.step == "as designed"  # no tightening needed: room to spare
    if paper == "A4":
        text = pdf_text(data, tmp_path, layout=True)
        lines = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
        golden(lines + "\n", EXPECTED / f"{SLUG}.pdf.txt")


def test_issue_example_passes_strict_check() -> None:
    result = _cli("check", "--strict", str(ISSUE))
    assert result.returncode == 0, result.stderr
    assert "0 error(s), 0 warning(s)" in result.stderr + result.stdout


@pytest.mark.parametrize("example", ["russia-us-relations-2018", "russia-profile-2018",
                                     "nato-profile-2018"])
def test_each_example_stores_the_same_sources_as_helsinki(example: str) -> None:
    helsinki = ROOT / "seeds" / "helsinki-summit-2018" / "sources"
    stored = sorted((ROOT / "seeds" / example / "sources").iterdir())
    assert [p.name for p in stored] == sorted(p.name for p in helsinki.iterdir())
    for path in stored:
        assert path.read_bytes() == (helsinki / path.name).read_bytes()


def test_a_sheet_without_kind_is_an_event() -> None:
    brief = pipeline.check(ROOT / "seeds" / "helsinki-summit-2018" / "facts.yaml").brief
    assert "kind:" not in (ROOT / "seeds" / "helsinki-summit-2018" / "facts.yaml").read_text()
    assert brief.briefing.kind == "event"
    view = compose(brief)
    assert (view.kind, view.kind_label) == ("event", "Event brief")
    assert view.meta[:3] == ("Event: Russia–US summit", "16 July 2018", "Helsinki, Finland")


# --- each kind: schema, page -----------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_prints_its_header_line_in_every_format(kind: str, tmp_path: Path) -> None:
    sheet = _variant(tmp_path, kind)
    built = pipeline.make(sheet)
    slug = f"kind-{kind}"
    html = built.files[f"{slug}.html"].decode()
    body = parse_html(html).find("body")
    assert body is not None
    texts = {"md": md_plain(built.files[f"{slug}.md"].decode()), "html": norm(body.text()),
             "pdf": norm(pdf_text(built.files[f"{slug}.pdf"], tmp_path))}
    header = SUBJECTS[kind][1]
    for fmt, text in texts.items():
        assert f"{header} · Prepared by briefgen example" in text, fmt
        assert f"Information as of {AS_OF[kind]} · prepared 23 November 2026" in text, fmt
    view = compose(pipeline.check(sheet).brief)
    assert (view.kind, view.kind_label) == (kind, LABELS[kind])
    if kind != "event":
        head = " · ".join(view.meta)
        assert not EVENT_WORDS.search(head), head
        assert "Helsinki" not in head


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_has_its_own_branch_in_the_json_schema(kind: str) -> None:
    """The top level picks each kind's sheet by briefing.kind; the sheet names its header
    (with the kind's subject key) and its own sections, none of another kind's."""
    doc = schema()
    assert doc["properties"]["briefing"]["properties"]["kind"]["enum"] == list(KINDS)
    branch = next(b for b in doc["allOf"] if b["if"]["properties"]["briefing"]["properties"]
                  ["kind"]["const"] == kind)
    sheet = branch["then"]["$ref"].rsplit("/", 1)[1]
    assert sheet == TABLE[kind].sheet.__name__
    assert ("required" in branch["if"]) == (kind != "event")  # no kind means event
    sheet_def = doc["$defs"][sheet]
    assert sheet_def["additionalProperties"] is False
    header = sheet_def["properties"]["briefing"]["$ref"].rsplit("/", 1)[1]
    defs = doc["$defs"][header]
    assert kind in defs["properties"]
    assert kind in defs["required"]
    others = set(KINDS) - {kind}
    assert not others & set(defs["properties"])
    own = set(TABLE[kind].sections)
    foreign = {s for k in KINDS if k != kind for s in TABLE[k].sections} - own
    assert own <= set(sheet_def["properties"])
    assert not foreign & set(sheet_def["properties"]), foreign & set(sheet_def["properties"])


@needs_check_jsonschema
def test_editors_schema_checks_each_kind_by_its_own_branch(tmp_path: Path) -> None:
    """check-jsonschema (what editors' YAML tooling does) accepts every kind and names
    only the written kind's problem: no complaint from the other kinds' branches."""
    sheets = [_variant(tmp_path, kind) for kind in KINDS]
    accepted = jsonschema_check(ISSUE / "facts.yaml", *sheets)
    assert accepted.returncode == 0, accepted.stdout
    bad = _variant(tmp_path, "issue", "bad-issue")
    bad.write_text(bad.read_text(encoding="utf-8").replace(
        "    since: 2014\n", "    since: 2014\n    start_date: 2018-07-16\n"), encoding="utf-8")
    rejected = jsonschema_check(bad)
    assert rejected.returncode == 1
    problems = [line for line in rejected.stdout.splitlines() if "::$" in line]
    assert problems == [f"  {bad}::$.briefing.issue: Additional properties are not allowed "
                        "('start_date' was unexpected)"]


# --- errors -------------------------------------------------------------------------------

def test_a_subject_of_another_kind_is_one_positioned_error(tmp_path: Path) -> None:
    sheet = _edited(tmp_path, _BLOCK, '  kind: issue\n  event:\n    name: "Summit"\n'
                    "    start_date: 2018-07-16\n    location: {city: Helsinki}\n")
    assert _errors(sheet) == [(12, "BG211",
                               "'event' describes a brief of kind event, but this briefing "
                               "is kind issue",
                               "put this brief's subject under `issue:`, or set `kind: event`")]


def test_an_issue_block_without_kind_names_both_ways_out(tmp_path: Path) -> None:
    sheet = _edited(tmp_path, "  kind: issue\n", "")
    ((line, code, message, hint),) = _errors(sheet)
    assert (line, code) == (11, "BG211")
    assert "this briefing is kind event" in message
    assert hint == "put this brief's subject under `event:`, or set `kind: issue`"


def test_an_unknown_kind_is_not_one_of_the_choices(tmp_path: Path) -> None:
    sheet = _edited(tmp_path, "kind: issue", "kind: isue")
    assert _errors(sheet) == [(11, "BG203",
                               "briefing.kind must be one of 'event', 'issue', 'country', "
                               "'organization', got 'isue'", "did you mean 'issue'?")]


def test_an_event_field_in_an_issue_gets_the_issue_fields(tmp_path: Path) -> None:
    sheet = _edited(tmp_path, "    involved: [United States, Russia]\n",
                    "    involved: [United States, Russia]\n    location: {city: Moscow}\n")
    assert _errors(sheet) == [(15, "BG204", "unknown field 'location' in briefing.issue",
                               "allowed here: name, involved, since")]


def test_a_field_error_inside_a_kind_has_the_document_path(tmp_path: Path) -> None:
    sheet = _edited(tmp_path, "    involved: [United States, Russia]\n",
                    "    involved: [United States, Russia]\n    since: 2014-13\n")
    ((line, code, message, _),) = _errors(sheet)
    assert (line, code) == (15, "BG206")
    assert message.startswith("briefing.issue.since is not a real date")


def test_a_profile_needs_its_as_of_date(tmp_path: Path) -> None:
    sheet = _variant(tmp_path, "country")
    text = sheet.read_text(encoding="utf-8").replace(", as_of: 2018-07-01", "")
    sheet.write_text(text, encoding="utf-8")
    assert _errors(sheet) == [(12, "BG201", "missing required field 'as_of' in briefing.country",
                               "add `as_of:` here; `briefgen schema` lists every field")]


def test_a_subject_date_after_the_brief_is_an_error(tmp_path: Path) -> None:
    sheet = _edited(tmp_path, "    involved: [United States, Russia]\n",
                    "    involved: [United States, Russia]\n    since: 2027\n")
    ((line, code, message, _),) = _errors(sheet)
    assert (line, code) == (15, "BG321")
    assert message == ("briefing.issue.since 2027 is after the day the brief was prepared, "
                       "2026-11-23")


def test_a_location_without_city_hints_at_an_issue(tmp_path: Path) -> None:
    sheet = _variant(tmp_path, "event")
    text = sheet.read_text(encoding="utf-8").replace("{venue: Palace, city: Helsinki}",
                                                     "{country: Finland}")
    sheet.write_text(text, encoding="utf-8")
    ((_, code, message, hint),) = _errors(sheet)
    assert (code, message) == ("BG209", "briefing.event.location: a location needs a 'city' "
                                        "or a 'venue'")
    assert "kind: issue" in hint


def test_an_involved_actor_counts_as_referenced(tmp_path: Path) -> None:
    sheet = _variant(tmp_path, "issue")  # involves [trump, Russia]; trump is in a position too
    text = sheet.read_text(encoding="utf-8")
    text = text.replace("  - id: P1\n    actor: trump\n", "  - id: P1\n    actor: lavrov\n")
    sheet.write_text(text, encoding="utf-8")
    result = _cli("check", "--strict", str(sheet.parent))
    assert result.returncode == 0, result.stderr
    sheet.write_text(text.replace("involved: [trump, Russia]", "involved: [Russia]"),
                     encoding="utf-8")
    result = _cli("check", "--strict", str(sheet.parent))
    assert "warning BG318: actor trump is never referenced" in result.stderr
    assert "hint: name it in a position, backers or involved, or remove it" in result.stderr


# --- scaffold ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_new_scaffolds_the_kind(kind: str, tmp_path: Path) -> None:
    source = ISSUE / "sources" / "helsinki-summit-high-expectations.txt"
    result = _cli("new", "draft", "--kind", kind, "--source", str(source), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "seeds" / "draft" / "facts.yaml").read_text(encoding="utf-8")
    assert f"\n  kind: {kind} " in text
    assert f"\n  {kind}:" in text
    assert not {f"\n  {other}:" for other in KINDS if other != kind} & set(
        re.findall(r"\n  [a-z]+:", text))
    assert not re.search(r"type: summit", text)  # the event type is a TODO, not a guess
    check = _cli("check", str(tmp_path / "seeds" / "draft"), cwd=tmp_path)
    assert check.returncode == 1
    codes = set(re.findall(r"error (BG\d+)", check.stderr))
    assert "BG315" in codes
    assert not codes & {"BG201", "BG204", "BG211"}, check.stderr  # the skeleton fits the kind


def test_new_without_kind_scaffolds_an_event_and_help_teaches_the_kinds(tmp_path: Path) -> None:
    source = ISSUE / "sources" / "helsinki-summit-high-expectations.txt"
    assert _cli("new", "draft", "--source", str(source), cwd=tmp_path).returncode == 0
    text = (tmp_path / "seeds" / "draft" / "facts.yaml").read_text(encoding="utf-8")
    assert "\n  kind: event " in text
    assert '    type: "TODO"' in text
    shown = " ".join(_cli("new", "--help").stdout.split())
    assert "--kind [event|issue|country|organization]" in shown
    assert "an issue (a policy question or dispute: no place or date)" in shown


# --- the site's index -------------------------------------------------------------------------

def test_the_index_shows_each_kind_header_line(tmp_path: Path) -> None:
    for kind in KINDS:
        _variant(tmp_path, kind)
    result = _cli("build", "--format", "md,html", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    index = parse_html((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))
    entries = {n.attrs["id"]: n for n in index.iter() if "entry" in n.classes()}
    # newest first: the event's start, a profile's as_of, an issue's information cut-off
    assert list(entries) == ["kind-event", "kind-country", "kind-issue", "kind-organization"]
    # the place the index filters by: the event's country (here none: its city), the
    # profile's country or seat
    places = {slug: e.attrs["data-country"] for slug, e in entries.items()}
    assert places == {"kind-event": "Helsinki", "kind-country": "Finland",
                      "kind-issue": "", "kind-organization": "Brussels"}
    for kind in KINDS:
        entry = entries[f"kind-{kind}"]
        assert f"kind-{kind}" in entry.classes()
        meta = next(n for n in entry.iter() if "meta" in n.classes())
        assert norm(meta.text()) == f"{SUBJECTS[kind][1]} · as of {AS_OF[kind]}"


# --- the tester's case --------------------------------------------------------------------------

def test_an_issue_without_place_or_date_builds_to_one_page(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(TESTER, seeds / TESTER.name)
    check = _cli("check", "--strict", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    build = _cli("build", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    folder = tmp_path / "out" / "maternity-pay-pledge"
    pdf = (folder / "maternity-pay-pledge.pdf").read_bytes()
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    body = parse_html((folder / "maternity-pay-pledge.html").read_text("utf-8")).find("body")
    assert body is not None
    texts = {"md": md_plain((folder / "maternity-pay-pledge.md").read_text("utf-8")),
             "html": norm(body.text()), "pdf": norm(pdf_text(pdf, tmp_path))}
    header = ("Issue: Maternity pay pledge · Labour Party, Conservative Party, Employer groups"
              " · To inform")
    for fmt, text in texts.items():
        assert header in text, fmt
        assert "Prepared 20 November 2026" in text, fmt
        assert "as of" not in text.lower(), fmt  # no cut-off: the prepared day alone
        assert not EVENT_WORDS.search(text), (fmt, EVENT_WORDS.findall(text))
    index = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert not EVENT_WORDS.search(norm(parse_html(index).text()).replace("newest first", ""))


@pytest.mark.parametrize("kind", sorted(TABLE))
def test_the_scaffold_of_every_kind_has_no_doubled_braces(kind: str) -> None:
    """A skeleton is a value handed to `str.format`, not its template: a `{{` written to
    escape a brace would reach the editor's sheet doubled."""
    skeleton = TABLE[kind].skeleton
    assert "{{" not in skeleton
    assert "}}" not in skeleton

"""Dates on facts and withdrawn sources: `check --today` reports them at their lines, the
page marks them, and the same sheet on the same day gives the same bytes."""

from __future__ import annotations

import copy
import io
import re
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.schema.kinds import parse
from briefgen.sheet.load import read_sheet
from briefgen.verify.freshness import RESTS, WITHDRAWN, flags
from tests.cli_helpers import run
from tests.conftest import ROOT

SLUG = "helsinki-summit-2018"
F4 = '    text: "A delegation of Republican senators visited Russia before the summit."\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "seeds" / SLUG, tmp_path / "seeds" / SLUG)
    sheet = tmp_path / "seeds" / SLUG / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    assert text.count(F4) == 1
    sheet.write_text(text.replace(F4, F4 + "    review_by: 2026-12-01\n"), encoding="utf-8")
    return tmp_path


def line_of(project: Path, needle: str) -> int:
    text = (project / "seeds" / SLUG / "facts.yaml").read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_a_passed_review_date_is_reported_at_its_line_and_marked(project: Path) -> None:
    after = run("check", "--today", "2026-12-07", cwd=project)
    assert after.returncode == 0
    line = line_of(project, "review_by: 2026-12-01")
    assert f"facts.yaml:{line}:16: warning BG350: key_facts F4 was due for review by " \
        "2026-12-01 (today is 2026-12-07)" in after.stderr
    assert run("check", "--strict", "--today", "2026-12-07", cwd=project).returncode == 1
    before = run("check", "--strict", "--today", "2026-12-01", cwd=project)
    assert before.returncode == 0
    assert "BG350" not in before.stderr
    pages = {}
    for today in ("2026-12-07", "2026-12-01", "2026-12-07"):
        out = f"out-{today}-{len(pages)}"
        built = run("build", "-j", "1", "--today", today, "-o", out, cwd=project)
        assert built.returncode == 0, built.stderr
        pages[out] = files(project / out)
    stale, fresh, again = pages.values()
    assert stale == again  # the same sheet and the same --today: the same bytes
    for name in (f"{SLUG}/{SLUG}.md", f"{SLUG}/{SLUG}.html", f"{SLUG}/{SLUG}.txt"):
        assert "Review due 2026-12-01" in " ".join(stale[name].decode().split())
        assert "Review due" not in fresh[name].decode()
    word = [docx.Document(io.BytesIO(p[f"{SLUG}/{SLUG}.docx"])) for p in (stale, fresh)]
    said = [" ".join(para.text for para in w.paragraphs) for w in word]
    assert "Review due 2026-12-01" in said[0]
    assert "Review due" not in said[1]


def test_the_day_a_review_date_passes_the_briefing_is_rebuilt(project: Path) -> None:
    assert run("build", "-j", "1", "--today", "2026-12-01", cwd=project).returncode == 0
    same_day = run("build", "-j", "1", "--today", "2026-12-01", cwd=project)
    assert "up to date" in same_day.stderr
    next_day = run("build", "-j", "1", "--today", "2026-12-02", cwd=project)
    assert "built 1" in next_day.stderr
    md = (project / "out" / SLUG / f"{SLUG}.md").read_text(encoding="utf-8")
    assert "Review due 2026-12-01" in md


@pytest.mark.parametrize("bad", ["2026-02-30", "soon"])
def test_a_malformed_review_date_is_an_error(project: Path, bad: str) -> None:
    sheet = project / "seeds" / SLUG / "facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("2026-12-01", bad),
                     encoding="utf-8")
    done = run("check", "--today", "2026-12-07", cwd=project)
    assert done.returncode == 1
    assert re.search(r"error BG20[56]: key_facts\[3\]\.review_by", done.stderr), done.stderr


def test_a_malformed_build_date_is_refused(project: Path) -> None:
    done = run("check", "--today", "07/12/2026", cwd=project)
    assert done.returncode == 2
    assert "--today: error BG230" in done.stderr


# --- withdrawn sources, on generated citation graphs ---------------------------------------

EXAMPLE, _ = read_sheet(ROOT / "seeds" / SLUG / "facts.yaml")
SOURCES = [f"S{n}" for n in range(1, 7)]


@st.composite
def graphs(draw: st.DrawFn) -> tuple[dict[str, Any], set[str]]:
    """The example with 6 sources, facts and judgments citing random sets of them, a
    random set withdrawn, and a bottom line stating a random judgment."""
    data = copy.deepcopy(EXAMPLE)
    assert isinstance(data, dict)
    base = data["sources"][0]
    data["sources"] = [
        {k: v for k, v in base.items() if k not in ("file", "sha256")}
        | {"id": s, "url": f"https://example.org/{s}"}
        for s in SOURCES
    ]
    cites = st.lists(st.sampled_from(SOURCES), min_size=1, max_size=3, unique=True)
    data["key_facts"] = [
        {"id": f"F{i}", "text": "A fact.", "cite": draw(cites)}
        for i in range(1, draw(st.integers(1, 6)) + 1)
    ]
    judgment = data["assessments"][0]
    data["assessments"] = [
        judgment | {"id": f"J{i}", "cite": draw(cites)}
        for i in range(1, draw(st.integers(1, 4)) + 1)
    ]
    data["bottom_line"] |= {"cite": draw(cites), "judgment": f"J{draw(st.integers(1, 4))}"}
    for section in ("agenda", "obstacles", "positions", "watch"):
        data.pop(section, None)
    gone = set(draw(st.lists(st.sampled_from(SOURCES), max_size=3, unique=True)))
    for source in data["sources"]:
        if source["id"] in gone:
            source |= {"status": "withdrawn",
                       "withdrawal": {"date": "2026-11-30", "reason": "Retracted."}}
    return data, gone


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_withdrawing_flags_exactly_the_items_and_judgments_citing_it(
    graph: tuple[dict[str, Any], set[str]],
) -> None:
    data, gone = graph
    brief = parse(data)
    found = flags(brief, None)
    expected = {
        (section, item["id"] if section != "bottom_line" else "bottom-line")
        for section in ("key_facts", "assessments", "bottom_line")
        for item in (data[section] if section != "bottom_line" else [data["bottom_line"]])
        if set(item["cite"]) & gone
    }
    assert {(f.path[0], f.item) for f in found if f.code == WITHDRAWN} == expected
    stated = data["bottom_line"]["judgment"]
    rests = any(j["id"] == stated and set(j["cite"]) & gone for j in data["assessments"])
    assert any(f.code == RESTS for f in found) == rests
    assert all(f.code in (WITHDRAWN, RESTS) for f in found)


def test_items_citing_a_withdrawn_source_are_marked_on_the_page(project: Path) -> None:
    from briefgen import pipeline
    from briefgen.pipeline.options import BuildOptions

    sheet = project / "seeds" / SLUG / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    pin = "    reliability: F\n  - id: S2\n"
    assert text.count(pin) == 1
    sheet.write_text(text.replace(pin, "    reliability: F\n    status: withdrawn\n"
                                  "    withdrawal: {date: 2026-11-30, reason: Retracted}\n"
                                  "  - id: S2\n"), encoding="utf-8")
    brief = parse(read_sheet(sheet)[0])
    citing = {f.item for f in flags(brief, None) if f.code == WITHDRAWN}
    built = pipeline.make(sheet, BuildOptions(formats=("md", "html")))
    md = built.files[f"{SLUG}.md"].decode()
    assert md.count("[Cites a withdrawn source\\]") == len(citing) > 0
    assert "**Withdrawn 30\u00a0November\u00a02026:** Retracted." in md
    assert "[States a judgment resting on a withdrawn source\\]" in md  # J1 cites S1
    html = built.files[f"{SLUG}.html"].decode()
    assert html.count('<strong class="item-flag">[Cites a withdrawn source]</strong>') == len(
        citing)


def test_a_source_past_its_valid_until_is_reported_at_its_line(project: Path) -> None:
    sheet = project / "seeds" / SLUG / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    pin = "    reliability: F\n  - id: S2\n"
    sheet.write_text(text.replace(pin, "    reliability: F\n    valid_until: 2026-06\n"
                                  "  - id: S2\n"), encoding="utf-8")
    line = line_of(project, "valid_until: 2026-06")
    june = run("check", "--today", "2026-06-30", cwd=project)
    assert "BG351" not in june.stderr  # a partial date passes once its whole month has
    july = run("check", "--today", "2026-07-01", cwd=project)
    assert f"facts.yaml:{line}:18: warning BG351: source S1 is valid only until 2026-06 " \
        "(today is 2026-07-01)" in july.stderr

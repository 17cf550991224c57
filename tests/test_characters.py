"""Characters that hide or move things: YAML-only line breaks, invisible format characters,
numbers too long to print, and Markdown images; each is refused or shown, the same way in
every format."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.pipeline import check_sheets
from briefgen.pipeline.options import BuildOptions
from briefgen.render.pages import plain
from tests.test_check import EXAMPLE, edit, run
from tests.test_hostile import Tags, pdftotext

SLUG = "helsinki-summit-2018"
TITLE = '  title: "Trump–Putin summit, Helsinki, 16 July 2018"'
SUBTITLE = '  subtitle: "One-page briefing from two press articles"'
FACT = 'text: "Trump and Putin are to meet in Helsinki, Finland, on 16 July."'
IMAGE = "![map](http://example.com/map.png)"


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_a_yaml_only_line_break_is_refused_where_editors_see_it(example_copy: Path,
                                                                 char: str) -> None:
    edit(example_copy,
         (TITLE, f"  title: Trump–Putin summit,{char}Helsinki"),  # line 8, plain scalar
         (SUBTITLE, f'  subtitle: "One-page{char}briefing"'),  # line 9, quoted
         ("    start_date: 2018-07-16\n", "    start_date: 2018-02-30\n"))
    found = check_sheets([example_copy]).diagnostics
    assert [(d.code, d.where.line, d.where.col) for d in found] == [
        ("BG108", 8, 29), ("BG108", 9, 22)]
    assert found[0].message == f"character U+{ord(char):04X} ({NAMES[char]}) is not allowed"


NAMES = {"\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


@pytest.mark.parametrize("written", ["1" * 4301, "-" + "9" * 5000, "1" * 5000 + ".5",
                                     "0x" + "f" * 5000])
@pytest.mark.parametrize("place", ["value", "key"])
def test_a_number_too_long_to_print_is_refused_not_a_traceback(tmp_path: Path, written: str,
                                                               place: str) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "seeds" / "x")
    line = f"    ? {written}\n    : x\n" if place == "key" else f"    by: {written}\n"
    edit(tmp_path / "seeds" / "x" / "facts.yaml", ('    by: "briefgen example"\n', line))
    result = run("check", cwd=tmp_path)  # fails on a traceback
    assert result.returncode == 1
    code = "BG102" if place == "key" else "BG109"
    col = 7 if place == "key" else 9
    assert f"seeds/x/facts.yaml:19:{col}: error {code}: " in result.stderr
    assert len(result.stderr) < 1000


INVISIBLE = "\u200b\u2060\ufeff\u00ad\u2061"
ESCAPED = "".join(f"\\u{ord(c):04x}" for c in INVISIBLE)  # as YAML escapes


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("chars")
    shutil.copytree(EXAMPLE, root / "seeds" / SLUG)
    edit(root / "seeds" / SLUG / "facts.yaml",
         (TITLE, '  title: "Trump' + ESCAPED + 'Putin summit ok\\u200dب ok\\u200cx"'),
         (FACT, f'text: "Maps {IMAGE} are images."'))
    report = pipeline.build([root / "seeds" / SLUG / "facts.yaml"], root / "out",
                            BuildOptions(project=root))
    assert report.published, report.failed
    return root / "out"


SHOWN = "Trump[U+200B][U+2060][U+FEFF][U+00AD][U+2061]Putin summit ok‍ب ok‌x"


def test_invisible_format_characters_are_shown_in_every_format(site: Path,
                                                               tmp_path: Path) -> None:
    html = (site / SLUG / f"{SLUG}.html").read_text(encoding="utf-8")
    md = (site / SLUG / f"{SLUG}.md").read_text(encoding="utf-8")
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    index = (site / "index.html").read_text(encoding="utf-8")
    for name, text in {"html": html, "md": md, "feed": feed, "index": index}.items():
        assert not set(INVISIBLE) & set(text), name
        assert SHOWN in text, name
    assert f"<title>{SHOWN}</title>" in html
    assert f"<h1>{SHOWN}</h1>" in html
    pdf = pdftotext((site / SLUG / f"{SLUG}.pdf").read_bytes(), tmp_path)
    assert "Trump[U+200B][U+2060][U+FEFF][U+00AD][U+2061]Putin" in "".join(pdf.split())


def test_a_markdown_image_is_text_in_every_format(site: Path, tmp_path: Path) -> None:
    html = (site / SLUG / f"{SLUG}.html").read_text(encoding="utf-8")
    md = (site / SLUG / f"{SLUG}.md").read_text(encoding="utf-8")
    page = Tags(html)
    assert f"Maps {IMAGE} are images." in page.text
    assert [a for t, a in page.tags if "http://example.com/map.png" in str(a.values())] == []
    assert "Maps !\\[map\\](http://example.com/map.png) are images." in md
    pdf = " ".join(pdftotext((site / SLUG / f"{SLUG}.pdf").read_bytes(), tmp_path).split())
    assert f"Maps {IMAGE} are images." in pdf


def test_every_invisible_format_character_is_shown_but_the_joiners() -> None:
    """The table in render.py covers this Python's Unicode (a newer one may add some)."""
    for code in range(0x110000):
        char = chr(code)
        shown = plain(char) != char
        category = unicodedata.category(char)
        if char in "\u200c\u200d":
            assert not shown
        elif category == "Cf":
            assert plain(char) == f"[U+{code:04X}]"
        else:
            assert not shown or category == "Cn", f"U+{code:04X}"

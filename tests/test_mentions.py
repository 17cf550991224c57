"""One numbering for the reader: `[S1]` in free text prints as the page's `[n]`, linked like
a citation, in every format; the page never shows a source id; the sources page lists the
sources in the page's order under the same numbers. (Unknown `[S3]` and a bare `S1` in
prose: tests/invalid/rule-unknown-mention and rule-bare-source-id.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.compose.compose import compose
from briefgen.render.pages import render_html, render_markdown
from briefgen.site import pages as site
from tests.test_render import md_plain, norm, parse_html, pdf_text

SLUG = "helsinki-summit-2018"
IDS = re.compile(r"\bS[12]\b")


def _edit(sheet: Path, old: str, new: str) -> None:
    text = sheet.read_text(encoding="utf-8")
    assert old in text
    sheet.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def mentioned(example_copy: Path) -> pipeline.Built:
    """The example with mentions in a gap (S1 is [2]), a basis and a bottom line."""
    _edit(example_copy, 'basis: "Two undated secondary reports;',
          'basis: "Two undated secondary reports [S2, S1];')
    _edit(example_copy, "Expect an easing of tensions", "Expect [S1] an easing of tensions")
    return pipeline.make(example_copy)


def test_a_mention_prints_the_readers_number_in_every_format(
        mentioned: pipeline.Built, tmp_path: Path) -> None:
    md = md_plain(mentioned.files[f"{SLUG}.md"].decode())
    page = parse_html(mentioned.files[f"{SLUG}.html"].decode())
    body = page.find("body")
    assert body is not None
    pdf = norm(pdf_text(mentioned.files[f"{SLUG}.pdf"], tmp_path))
    for fmt, text in {"md": md, "html": norm(body.text()), "pdf": pdf}.items():
        assert "The publisher of [2] is unknown" in text, fmt
        assert "Two undated secondary reports [1, 2]" in text, fmt
        assert "Expect [2] an easing" in text, fmt
        assert not IDS.findall(text), f"{fmt} shows a source id"


def test_a_mention_is_linked_like_a_citation(mentioned: pipeline.Built,
                                             example_copy: Path) -> None:
    page = parse_html(mentioned.files[f"{SLUG}.html"].decode())  # the site's page
    gaps = next(n for n in page.iter() if "gaps" in n.classes())
    (link,) = [n for n in gaps.iter() if n.tag == "a"]
    assert (link.attrs["href"], link.text(), link.classes()) == ("sources.html#S1", "2",
                                                               ["cite", "mention"])
    printed = compose(pipeline.check(example_copy).brief).for_print()
    alone = parse_html(render_html(printed))  # the PDF source
    gaps = next(n for n in alone.iter() if "gaps" in n.classes())
    (link,) = [n for n in gaps.iter() if n.tag == "a"]
    assert link.attrs["href"] == "#src-S1"
    entry = next(n for n in alone.iter() if n.attrs.get("id") == "src-S1")
    assert entry.attrs["value"] == link.text() == "2"
    assert not [n.attrs for n in alone.iter() if IDS.search(n.attrs.get("title") or "")]


def test_a_mention_in_an_attribute_or_the_feed_is_a_plain_number(
        mentioned: pipeline.Built, example_copy: Path) -> None:
    html = mentioned.files[f"{SLUG}.html"].decode()
    assert re.search(r'<meta name="description" content="[^"]*Expect \[2\] an easing', html)
    assert "Expect [2] an easing" in mentioned.entry.summary
    assert "[S1]" not in html + render_markdown(compose(pipeline.check(example_copy).brief))


def test_the_sources_page_uses_the_pages_order_and_numbers(mentioned: pipeline.Built) -> None:
    sources = parse_html(mentioned.files["sources.html"].decode())
    sections = [n for n in sources.iter() if "source" in n.classes()]
    assert [n.attrs["id"] for n in sections] == ["S2", "S1"]  # S2 is cited first: [1]
    headings = [norm(h.text()) for s in sections for h in s.iter() if h.tag == "h2"]
    assert headings == ["[1] Russia-US summit: can disagreements be resolved?",
                        "[2] Russia-US summit: High expectations and multiple challenges"]
    assert not IDS.findall(norm(sources.text()))


def test_brackets_that_name_no_source_are_left_alone(example_copy: Path) -> None:
    _edit(example_copy, "The publisher of [S1] is unknown",
          "The publisher of [S1] is unknown [sic] [see below]")
    checked = pipeline.check(example_copy, strict=True)
    markdown = render_markdown(compose(checked.brief))
    assert "is unknown [sic] [see below]" in markdown.replace("\\", "")


def test_the_entry_summary_is_plain(example_copy: Path) -> None:
    _edit(example_copy, "Expect an easing of tensions", "Expect [S2] an easing of tensions")
    checked = pipeline.check(example_copy)
    assert "Expect [1] an easing" in site.entry(compose(checked.brief), {}).summary


def test_a_mention_inside_a_link_title_stays_plain_text(example_copy: Path) -> None:
    _edit(example_copy, "The publisher of [S1] is unknown",
          "The publisher of [S1] is [unknown](https://example.org/a '[S1]')")
    page = parse_html(render_html(compose(pipeline.check(example_copy).brief).for_print()))
    gaps = next(n for n in page.iter() if "gaps" in n.classes())
    links = [(n.attrs.get("href"), n.attrs.get("title")) for n in gaps.iter() if n.tag == "a"]
    assert links == [("#src-S1", None), ("https://example.org/a", "[2]")]


def test_a_bare_id_in_a_source_title_is_the_publishers_words(example_copy: Path) -> None:
    _edit(example_copy, 'title: "Russia-US summit: can disagreements be resolved?"',
          'title: "S2 briefing: can disagreements be resolved?"')
    assert pipeline.check(example_copy, strict=True).warnings == ()

"""The PDF's two columns as two boxes (issue 21): the same page as WeasyPrint's balanced CSS
columns, without the balancing.

- each bundled example's PDF has the structure tree (tags, nesting, header scopes, reading
  order of marked content) of the same page laid out with `columns: 2`, on A4 and Letter:
  a section cut at the column break is two Sect elements in both, a table's header row is
  repeated in both (the visual references, tests/test_visual.py, check the look);
- a first split in the wrong place is moved where balancing puts it, in one more layout;
- the split page keeps every word in order, every id once; its golden copy is the page
  WeasyPrint lays out for the example (tests/cases/helsinki/expected/*.pdf.html).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf
import pytest
from weasyprint import HTML

from briefgen import pipeline
from briefgen.assets import builtin_templates
from briefgen.compose.compose import Edition, compose
from briefgen.render import balance, columns, pdf
from briefgen.render.pages import read_template, render_html
from briefgen.render.pdftags import finish
from tests.conftest import EXAMPLE

EXPECTED = Path(__file__).resolve().parent / "cases" / "helsinki" / "expected"
EXAMPLES = [EXAMPLE.name, "russia-us-relations-2018", "russia-profile-2018", "nato-profile-2018"]


def _page(slug: str, paper: str = "A4") -> str:
    """The HTML the PDF step is given for a bundled example (the unsplit `.flow`)."""
    checked = pipeline.check(EXAMPLE.parent / slug / "facts.yaml")
    page = compose(checked.brief, Edition(paper=paper), evidence=checked.evidence,
                   stored=checked.stored)
    return render_html(page.for_print())


def _renderer() -> pdf.Renderer:
    return pdf.renderer((builtin_templates(),), read_template("fonts.css"))


def _balanced_css_columns(html: str) -> bytes:
    """The page as it was laid out before issue 21: `columns: 2`, balanced by WeasyPrint."""
    renderer = _renderer()
    document = HTML(string=html, base_url=renderer.base_url, url_fetcher=renderer.fetcher)
    laid_out = document.render(
        stylesheets=[renderer.fonts, renderer._step_css(pdf.LADDER[0])],
        font_config=renderer.font_config, pdf_variant="pdf/ua-1", presentational_hints=False)
    return bytes(laid_out.write_pdf(pdf_variant="pdf/ua-1", finisher=finish))


def _tree(data: bytes) -> list[str]:
    """The structure tree, depth first: each element's type (and header scope), each
    marked-content reference in order."""
    found: list[str] = []

    def walk(node: pikepdf.Object, depth: int) -> None:
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                scope = kid.get("/A").get("/Scope") if kid.get("/A") is not None else None
                found.append(f"{'  ' * depth}{kid.S}{f' {scope}' if scope else ''}")
                walk(kid, depth + 1)
            elif isinstance(kid, int):
                found.append(f"{'  ' * depth}mcid")

    with pikepdf.open(io.BytesIO(data)) as document:
        walk(document.Root.StructTreeRoot, 0)
    return found


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("slug", EXAMPLES)
def test_the_pdf_has_the_tags_of_balanced_columns(slug: str, paper: str) -> None:
    html = _page(slug, paper)
    fitted = _renderer().one_page(html, name=slug)
    assert fitted.step.name == "as designed"
    expected = _tree(_balanced_css_columns(html))
    assert len(expected) > 300
    assert _tree(fitted.data) == expected


def test_a_first_split_in_the_wrong_place_is_balanced() -> None:
    html = _page("russia-us-relations-2018")  # its balanced split cuts a table
    renderer = _renderer()
    right = renderer.layout(html, pdf.LADDER[0])
    wrong = 3
    assert right.flow.at != wrong
    document, layouts, natural = renderer._balanced(html, pdf.LADDER[0], wrong)
    assert (document.flow.at, layouts) == (right.flow.at, 2)
    assert 0.5 < natural <= 1.0
    found = balance.balanced(document.flow, document)
    assert found is not None
    assert found[0] == right.flow.at


def _ids(root: ET.Element) -> list[str]:
    return [e.get("id", "") for e in root.iter() if e.get("id")]


def _words(element: ET.Element) -> Iterator[str]:
    """ELEMENT's words in order, its tables' header rows left out (a continuation repeats
    them)."""
    if element.tag != "thead":
        yield from (element.text or "").split()
        for child in element:
            yield from _words(child)
            yield from (child.tail or "").split()


def test_a_split_keeps_every_word_in_order_and_every_id_once() -> None:
    html = _page("russia-us-relations-2018")
    whole = columns.Flow(HTML(string=html).etree_element)
    assert whole.flow is not None
    words = [w for child in whole.children for w in _words(child)]
    for at in range(1, len(whole.units)):
        flow = columns.Flow(HTML(string=html).etree_element)
        flow.split(at)
        assert flow.flow is not None
        first, second = list(flow.flow)
        assert (first.get("class"), second.get("class")) == ("column", "column")
        assert [w for column in (first, second) for w in _words(column)] == words
        ids = _ids(flow.root)
        assert len(ids) == len(set(ids)) == len(_ids(whole.root))
        cut = flow.units[at]
        if not cut.starts_child:  # a section's continuation: a shell, its table's head again
            continued = next(iter(second))
            assert "continued" in continued.get("class", "").split()
            assert (continued.find("table/thead") is not None) == (cut.last.tag == "tr")


def test_the_page_weasyprint_lays_out_matches_golden(golden: Callable[[str, Path], None]) -> None:
    laid_out = _renderer().laid_out(_page(EXAMPLE.name))
    assert 'class="flow split"' in laid_out
    golden(laid_out, EXPECTED / f"{EXAMPLE.name}.pdf.html")


def test_the_least_taller_column_wins_and_then_the_fuller_first() -> None:
    assert balance._least([0, 5, 10, 15, 20], [5, 5, 5, 5], heights=True) == 2
    # equal heights either way: the first column takes the unit, as balancing fills it
    assert balance._least([0, 4, 6, 10], [10, 6, 4, 0], heights=False) == 2


@pytest.mark.parametrize("slug", EXAMPLES)
def test_the_height_the_ladder_plans_with_is_the_pages_height(slug: str) -> None:
    """The balanced height read off the units (what the ladder plans with, even for a page
    that overflows) is where the page laid out balanced ends."""
    step = pdf.LADDER[0]
    document, layouts, planned = _renderer()._balanced(_page(slug), step, None)
    assert layouts == 1
    assert planned == pytest.approx(pdf._natural_height(document, step), abs=0.005)

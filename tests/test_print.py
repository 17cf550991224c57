"""The printed page (issue #13): the example's PDF read by its structure (pikepdf) and by
where its words sit (pdftotext -bbox), not by a 'Tagged: yes'.

- every marked-content sequence on the page is reachable from the structure root (the
  handling marking included), and no structure element is orphaned or empty;
- the table's header cells carry /Scope; link annotations read "Source 1, paragraph 5";
- the masthead and the judgments sit in the page's top third, on A4 and Letter;
- curly quotes on the page, while the quote printed is the one verified;
- the accent colour still reads in greyscale.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from test_pdf import SHEET, SIZES, SLUG, need, run

from briefgen import pipeline
from briefgen.pipeline.options import BuildOptions
from briefgen.render.pages import read_template
from briefgen.verify.passages import fold

MARKING = "PUBLIC SOURCES // TLP:GREEN // Open-source press reporting; not independently verified"


@pytest.fixture(scope="module")
def made() -> dict[str, pipeline.Built]:
    return {paper: pipeline.make(SHEET, BuildOptions(paper=paper)) for paper in SIZES}


@pytest.fixture(scope="module")
def pdf(made: dict[str, pipeline.Built], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("print") / f"{SLUG}.pdf"
    path.write_bytes(made["A4"].files[f"{SLUG}.pdf"])
    return path


def _elements(node: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """Every structure element reachable from NODE (the root or an element), depth first."""
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            yield kid
            yield from _elements(kid)


def _mcids(element: pikepdf.Dictionary) -> set[int]:
    kids = element.get("/K")
    found = set()
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int):
            found.add(int(kid))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            found.add(int(kid.MCID))
    return found


def test_all_marked_content_is_in_the_structure_tree(pdf: Path) -> None:
    """The marking was text in @page margin boxes: marked content that WeasyPrint tags as a
    NonStruct element the root never reaches. Every MCID must now be reached, and every
    sequence without one be an /Artifact."""
    with pikepdf.open(pdf) as doc:
        reached = {m for e in _elements(doc.Root.StructTreeRoot) for m in _mcids(e)}
        on_page, loose = set(), []
        for operands, operator in pikepdf.parse_content_stream(doc.pages[0]):
            if str(operator) not in ("BDC", "BMC") or operands[0] == "/Artifact":
                continue
            properties = operands[1] if len(operands) > 1 else None
            if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                on_page.add(int(properties.MCID))
            else:
                loose.append(str(operands[0]))
        assert on_page, "no marked content: is the PDF still tagged?"
        assert not loose, f"marked content neither artifact nor in the tree: {loose}"
        assert on_page <= reached, f"marked content outside the tree: {on_page - reached}"
        tree = {e.objgen for e in _elements(doc.Root.StructTreeRoot)}
        stray = [str(o.S) for o in doc.objects if isinstance(o, pikepdf.Dictionary)
                 and o.get("/Type") == "/StructElem" and o.objgen not in tree]
        assert not stray, f"structure elements the root does not reach: {stray}"
    text = run(need("pdftotext"), "-enc", "UTF-8", str(pdf), "-")
    # top and bottom, both in the tree; the banner level is set larger, so pdftotext may
    # read the line in two pieces
    for piece in MARKING.split(" // ", 1):
        assert " ".join(text.split()).count(piece) == 2, piece


def test_no_structure_element_is_empty(pdf: Path) -> None:
    with pikepdf.open(pdf) as doc:
        empty = [str(e.S) for e in _elements(doc.Root.StructTreeRoot)
                 if len(e.K if isinstance(e.K, pikepdf.Array) else [e.K]) == 0]
    assert not empty, f"empty structure elements: {empty}"


def test_table_header_cells_have_scope(pdf: Path) -> None:
    with pikepdf.open(pdf) as doc:
        scopes = [str(e.A.get("/Scope")) for e in _elements(doc.Root.StructTreeRoot)
                  if e.S == "/TH"]
    # two column headers (Actor, Position), one row header per actor
    assert scopes == ["/Column", "/Column"] + ["/Row"] * 5


def test_links_are_described_for_a_reader(pdf: Path, made: dict[str, pipeline.Built]) -> None:
    """Each /Link annotation reads as the marker it sits on: 'Source 1, paragraph 5' for the
    printed `[1 ¶5]`, in the page's order; never an internal id such as `src-S1`."""
    with pikepdf.open(pdf) as doc:
        contents = [str(a.get("/Contents", "")) for a in doc.pages[0].Annots
                    if a.Subtype == "/Link"]
    page = made["A4"].files[f"{SLUG}.html"].decode()
    printed = re.findall(r'class="cite(?: mention)?"[^>]*>(\d+)(?: ¶(\d+))?(?:</a>|<span)', page)
    expected = [f"Source {n}, paragraph {p}" if p else f"Source {n}" for n, p in printed]
    assert len(contents) == len(expected) == 32
    assert contents == expected
    assert not [c for c in contents if "src-" in c]


@pytest.mark.parametrize("paper", list(SIZES))
def test_masthead_and_judgments_are_in_the_top_third(made: dict[str, pipeline.Built],
                                                     tmp_path: Path, paper: str) -> None:
    path = tmp_path / f"{paper}.pdf"
    path.write_bytes(made[paper].files[f"{SLUG}.pdf"])
    words = _words(run(need("pdftotext"), "-bbox", str(path), "-"))
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"',  # type: ignore[union-attr]
                             run("pdftotext", "-bbox", str(path), "-")).group(1))

    def top(word: str) -> float:
        return min(y for w, y in words if w == word)

    for word in ("BRIEFING", "November", "Bottom", "judgments", "J1.", "J2."):
        assert top(word) < height / 3, f"{word!r} is below the top third on {paper}"
    assert top("judgments") < top("facts")  # before the supporting facts
    assert made[paper].step == "as designed"
    assert made[paper].fill is not None
    assert made[paper].fill < 0.9  # one page with room to spare


def _words(bbox: str) -> list[tuple[str, float]]:
    return [(html.unescape(m.group(2)), float(m.group(1)))
            for m in re.finditer(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]*)</word>', bbox)]


def test_quotes_are_curly_and_the_printed_quote_is_the_verified_one(
        made: dict[str, pipeline.Built], pdf: Path) -> None:
    """The typographer curls quotes and apostrophes on the page; provenance compares the
    sheet's text with the stored source, so folding the printed quote gives it back."""
    printed_pdf = run(need("pdftotext"), "-enc", "UTF-8", str(pdf), "-")
    assert not re.findall(r"['\"]", printed_pdf), "a straight quote mark on the printed page"
    checked = pipeline.check(SHEET)
    page = made["A4"].files[f"{SLUG}.html"].decode()
    assert "Crimea’s annexation" in page
    assert "Crimea's" not in page
    quoted = [p.quote for p in checked.brief.positions if p.quote]
    printed = re.findall(r"— “([^”]*)”", page)
    assert quoted
    assert [fold(html.unescape(p)).text for p in printed] == [fold(q).text for q in quoted]
    # what the typographer changes, folding (the matcher's view) takes back
    assert fold("Crimea’s ‘next’ “fine” deal").text == fold("Crimea's 'next' \"fine\" deal").text


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_accent_reads_in_greyscale() -> None:
    accent = re.search(r"--accent:\s*(#[0-9a-fA-F]{6})", read_template("accent.css"))
    assert accent is not None
    contrast = 1.05 / (_luminance(accent.group(1)) + 0.05)
    assert contrast >= 4.5, f"accent {accent.group(1)} is too light to read in greyscale"

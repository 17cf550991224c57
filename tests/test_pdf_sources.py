"""PDF sources as a reader sees them (issue 18): paragraphs whole, in reading order, without
running headers, footers and page numbers, hyphenation undone, footnotes apart.

Every PDF is typeset by WeasyPrint from known paragraphs (tests/pdf_corpus.py), so what a
reader sees in it is known. Each test also checks that the PDF really has what makes the
rule matter (a word split at a line end, a header on every page), so a change of fonts or
typesetter cannot turn a test into one that passes for nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from pypdf import PdfReader

from briefgen.authoring.extract import extract
from briefgen.authoring.pdflayout import Run
from briefgen.authoring.pdfparagraphs import Words, _frame, joined
from briefgen.authoring.pdftext import _read, read_pdf
from briefgen.errors import BriefError
from tests.ingest_helpers import ROOT, run
from tests.pdf_corpus import (
    CHAPTERS,
    FOOTNOTES,
    HEADER,
    Document,
    prose,
)

NAMES = ("one-column", "two-columns", "furniture", "footnotes", "chapters")
TODAY = "2026-11-29"


def _typeset(call: str) -> list[Document]:
    """The documents CALL (an expression over tests.pdf_corpus) makes, typeset in a fresh
    process: WeasyPrint resolves the generic `serif` with fontconfig's current rules, which
    briefgen's renderer empties for its own process (render/fontset.py), so a corpus made
    after a briefing in this test process would be set in another font."""
    code = ("import pickle, sys; from tests.pdf_corpus import *; "
            f"sys.stdout.buffer.write(pickle.dumps({call}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          check=True, timeout=300)
    made: list[Document] = pickle.loads(done.stdout)
    return made


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {doc.name: doc for doc in _typeset("[*corpus(), single_page()]")}


@pytest.fixture(scope="module")
def stored(docs: dict[str, Document]) -> dict[str, list[str]]:
    """Each document's stored paragraphs, as `sources add` stores them."""
    return {name: extract(doc.pdf, "pdf", name=f"{name}.pdf").text.rstrip("\n").split("\n\n")
            for name, doc in docs.items()}


def _raw(doc: Document) -> str:
    """The PDF's text layer line by line, as a plain extractor gives it."""
    return extract_text(BytesIO(doc.pdf))


@pytest.mark.parametrize("name", NAMES)
def test_at_least_98_percent_of_the_paragraphs_are_stored_whole(
    name: str, docs: dict[str, Document], stored: dict[str, list[str]]
) -> None:
    doc = docs[name]
    whole = [p for p in doc.paragraphs if p in stored[name]]
    assert len(whole) / len(doc.paragraphs) >= 0.98, [
        p[:60] for p in doc.paragraphs if p not in whole]
    broken = [p for p in doc.paragraphs if p not in _raw(doc).replace("\n", " ")]
    assert len(broken) >= len(doc.paragraphs) / 2  # the PDF did wrap and hyphenate them


@pytest.mark.parametrize("name", NAMES)
def test_the_stored_text_is_what_a_reader_reads_in_order(
    name: str, docs: dict[str, Document], stored: dict[str, list[str]]
) -> None:
    """Heading, paragraphs in order (left column before right), footnotes after the
    paragraph that runs over their page's end; nothing else."""
    doc = docs[name]
    k = len(doc.paragraphs) if doc.notes_after < 0 else doc.notes_after
    assert stored[name] == [doc.heading, *doc.paragraphs[:k], *doc.footnotes,
                            *doc.paragraphs[k:]]


def test_two_columns_are_read_one_after_the_other(
    docs: dict[str, Document], stored: dict[str, list[str]]
) -> None:
    doc = docs["two-columns"]
    _, pages = _read(doc.pdf)
    middle = pages[0].width / 2
    left = [r for r in pages[0].runs if r.x1 < middle and r.size == 10]
    right = [r for r in pages[0].runs if r.x0 > middle and r.size == 10]
    assert len(left) > 40
    assert len(right) > 40
    assert any(a.top < b.bottom and b.top < a.bottom for a in left for b in right)
    # the left column's last line and the right column's first are read in turn
    last = max(left, key=lambda r: r.top).text
    first = min(right, key=lambda r: r.top).text
    text = " ".join(stored["two-columns"])
    assert text.index(last) < text.index(first)
    assert text.index(first) < text.index(max(right, key=lambda r: r.top).text)


def test_running_headers_footers_and_page_numbers_are_left_out(
    docs: dict[str, Document], stored: dict[str, list[str]]
) -> None:
    doc = docs["furniture"]
    raw = _raw(doc)
    pages = len(PdfReader(BytesIO(doc.pdf)).pages)
    assert pages >= 3
    assert raw.count(HEADER) == pages
    assert raw.count(f" of {pages}") == pages
    for paragraph in stored["furniture"]:
        assert HEADER not in paragraph
        assert "all rights" not in paragraph
        assert "reserved" not in paragraph
        assert not re.search(r"Page \d+ of \d+", paragraph)
        assert not re.fullmatch(r"\d+", paragraph)
    numbers = {int(n) for p in stored["furniture"] for n in re.findall(r"\b\d+\b", p)}
    said = {int(n) for p in doc.paragraphs for n in re.findall(r"\b\d+\b", p)}
    assert numbers == said  # no page number slipped into a paragraph


def test_a_chapter_header_on_a_few_pages_is_left_out_and_a_chapter_number_kept(
    docs: dict[str, Document], stored: dict[str, list[str]]
) -> None:
    doc = docs["chapters"]
    pages = [" ".join(page.split()) for page in _raw(doc).split("\f") if page.strip()]
    for name, number in zip(CHAPTERS, "12", strict=True):
        assert sum(page.startswith(name) for page in pages) in (2, 3), name  # a few only
        assert f"{number} {name}" in stored["chapters"]
        assert sum(name in p for p in stored["chapters"]) == 1  # the heading, once
    assert len(pages) >= 6


def test_a_lone_page_number_on_a_single_page_is_left_out(
    docs: dict[str, Document], stored: dict[str, list[str]]
) -> None:
    doc = docs["single-page"]
    assert "- 1 -" in _raw(doc)
    assert stored["single-page"] == [doc.heading, *doc.paragraphs]


def test_a_heading_is_its_own_paragraph_by_its_size_alone(
    docs: dict[str, Document], stored: dict[str, list[str]]
) -> None:
    """Set across the whole line with no space under it, only its size sets it apart."""
    doc = docs["single-page"]
    _, pages = _read(doc.pdf)
    heading = [r for r in pages[0].runs if r.size > 12]
    body = [r for r in pages[0].runs if r.size == 10]
    below = min(body, key=lambda r: r.top)
    assert max(r.x1 for r in heading) >= max(r.x1 for r in body) - 1  # as wide as the text
    assert below.top - max(r.bottom for r in heading) < 4  # no more space than between lines
    assert stored["single-page"][:2] == [doc.heading, doc.paragraphs[0]]


def test_list_items_wrapped_under_their_text_stay_whole(
    docs: dict[str, Document], stored: dict[str, list[str]]
) -> None:
    doc = docs["single-page"]
    _, pages = _read(doc.pdf)
    bullets = [r for r in pages[0].runs if r.text == "•"]
    left = min(r.x0 for r in pages[0].runs if r.size == 10)
    assert len(bullets) == 2
    assert all(b.x0 - left < 2 for b in bullets)  # at the text's edge: the rest hangs
    items = [p for p in doc.paragraphs if p.startswith("• ")]
    assert len(items) == 2
    ends = [r.x1 for r in pages[0].runs if r.size == 10]
    full = [r for r in pages[0].runs if r.text.endswith("reasons.")]
    assert full[0].x1 >= max(ends) - 1  # the first item ends at the right edge
    assert stored["single-page"][-2:] == items


def test_hyphenation_is_undone_and_compound_words_keep_their_hyphen(
    docs: dict[str, Document], stored: dict[str, list[str]]
) -> None:
    for name, mark in (("two-columns", "‐"), ("one-column", "-")):
        raw = _raw(docs[name])
        split = re.findall(rf"(\w+){mark}\n(\w+)", raw)
        assert len(split) >= 10, name  # words split by the typesetter
        assert re.search(r"\bhigh-\n+level\b", raw), name  # a compound split at its hyphen
        text = "\n".join(stored[name])
        assert "‐" not in text
        assert text.count("high-level") == sum(p.count("high-level") for p in prose())
        for head, tail in split:
            assert f"{head}{tail}" in text or f"{head}-{tail}" in text


def test_footnotes_are_kept_apart_and_their_calls_taken_out(
    docs: dict[str, Document], stored: dict[str, list[str]]
) -> None:
    doc = docs["footnotes"]
    raw = _raw(doc)
    assert "(DPRK),1 the" in raw
    assert "Helsinki.2 Ahead" in raw
    pages = [" ".join(page.split()) for page in raw.split("\f")]
    assert "Over the past" in pages[0]
    assert "border." in pages[1]
    assert "New START" in pages[0]
    assert "Political and military" in pages[1]
    paragraphs = stored["footnotes"]
    # the paragraph that runs over the page break, past the notes, comes whole before them
    assert paragraphs[3:6] == [doc.paragraphs[2], f"1. {FOOTNOTES[0]}", f"2. {FOOTNOTES[1]}"]
    assert paragraphs[6] == doc.paragraphs[3]
    assert "(DPRK), the international" in paragraphs[1]
    assert "Helsinki. Ahead" in paragraphs[2]


@pytest.mark.parametrize("name", [*NAMES, "single-page"])
def test_the_title_is_the_stated_one_else_the_first_heading(
    name: str, docs: dict[str, Document]
) -> None:
    doc = docs[name]
    assert extract(doc.pdf, "pdf", name="x.pdf").title == (doc.title or doc.heading)


def test_a_file_name_stated_as_title_gives_way_to_the_heading() -> None:
    doc = _typeset('[single_page(title="Microsoft Word - summit-notes-v3.docx")]')[0]
    assert read_pdf(doc.pdf).title == doc.heading


def test_the_same_pdf_gives_the_same_bytes_in_every_process(docs: dict[str, Document],
                                                            tmp_path: Path) -> None:
    for name in NAMES:
        (tmp_path / f"{name}.pdf").write_bytes(docs[name].pdf)
    script = ("import hashlib, pathlib, sys\n"
              "from briefgen.authoring.extract import extract\n"
              "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.pdf')):\n"
              "    got = extract(p.read_bytes(), 'pdf', name=p.name)\n"
              "    print(p.name, hashlib.sha256(got.text.encode()).hexdigest())\n")
    seen = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env,
                              capture_output=True, text=True, timeout=120, check=True)
        seen.append(done.stdout)
    here = ""
    for name in sorted(NAMES):
        text = extract(docs[name].pdf, "pdf", name=name).text
        assert text == extract(docs[name].pdf, "pdf", name=name).text
        here += f"{name}.pdf {hashlib.sha256(text.encode()).hexdigest()}\n"
    assert seen == [here, here]


SENTENCE = ("Russia’s Foreign Minister Sergey Lavrov recently announced that the Syrian issue "
            "is likely to be touched on during the aforementioned high-level meeting.")
QUOTE = "Sergey Lavrov recently announced"


def test_cite_finds_a_sentence_wrapped_in_the_pdf_and_check_verifies_its_quote(
    docs: dict[str, Document], example_copy: Path, tmp_path: Path
) -> None:
    doc = docs["two-columns"]
    raw = " ".join(_raw(doc).split())
    assert SENTENCE not in raw
    assert QUOTE not in raw
    pdf = tmp_path / "summit.pdf"
    pdf.write_bytes(doc.pdf)
    added = run("sources", "add", str(example_copy), str(pdf), "--today", TODAY, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("S3  sources/summit.txt")
    found = run("cite", str(example_copy), "Lavrov announced the Syrian issue is likely to be",
                "touched on during the high-level meeting", "--format", "json", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    mine = [hit for hit in json.loads(found.stdout)["passages"] if hit["source"] == "S3"]
    assert mine, found.stdout
    assert mine[0]["match"] in SENTENCE
    assert len(mine[0]["match"]) > 100
    assert mine[0]["match"] not in raw
    sheet = example_copy.read_text(encoding="utf-8")
    cites = sheet[sheet.index('    quote: "a fine relationship"'):]
    cites = cites[:cites.index("\n  - id: ")]
    sheet = sheet.replace(cites, (
        f'    quote: "{QUOTE}"\n'
        '    summary: "Lavrov said Syria would be discussed."\n'
        "    cite:\n"
        f'      - {{source: S3, excerpt: "{mine[0]["match"]}"}}'))
    example_copy.write_text(sheet, encoding="utf-8")
    checked = run("check", str(example_copy), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "BG401" not in checked.stderr
    assert "BG402" not in checked.stderr


def test_a_password_protected_pdf_is_refused_with_a_reason(docs: dict[str, Document],
                                                           tmp_path: Path) -> None:
    import pikepdf

    locked = tmp_path / "locked.pdf"
    with pikepdf.open(BytesIO(docs["footnotes"].pdf)) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(BriefError) as refused:
        extract(locked.read_bytes(), "pdf", name="locked.pdf")
    (said,) = refused.value.diagnostics
    assert (said.code, said.message) == (
        "BG828", "cannot read the PDF: it is protected by a password")


# --- the hyphen rules on their own (cases the typesetter above does not make) ---------------


def test_a_soft_hyphen_is_always_taken_out() -> None:
    words = Words.of(["the US-\u00ad", "Russia talks", "a re\u00ad", "solve"])
    assert joined(["talks on the US-\u00ad", "Russia summit"], words) == (
        "talks on the US-Russia summit")
    assert joined(["they want to re\u00ad", "solve it"], words) == "they want to resolve it"
    assert joined(["a word\u00adbreak inside"], words) == "a wordbreak inside"


@pytest.mark.parametrize(("lines", "other", "expected"), [
    (["the US-", "Russia summit"], [], "the US-Russia summit"),  # a capital: a compound
    (["in 2017-", "18 they met"], [], "in 2017-18 they met"),
    (["trying to re-", "solve issues"], [], "trying to resolve issues"),  # a split word
    (["a high-", "level meeting"], ["another high-level one"], "a high-level meeting"),
    (["a high-", "level meeting"], ["highlevel", "high-level", "highlevel"],
     "a highlevel meeting"),  # what the document writes more often wins
    (["Russia’s state-", "run news agency"], ["to re‐", "cently", "US-Russia"],
     "Russia’s state-run news agency"),  # "‐" marks its breaks, so "-" is the word's
    (["to re‐", "solve issues"], ["the US-Russia talks"], "to resolve issues"),
    (["to re‐", "solve issues"], ["a re‐sent", "letter"], "to resolve issues"),
    (["a dash —", "and more"], [], "a dash — and more"),
    (["Trump–", "Putin summit"], [], "Trump–Putin summit"),
])
def test_a_line_end_hyphen_is_undone_only_in_a_split_word(
    lines: list[str], other: list[str], expected: str
) -> None:
    assert joined(lines, Words.of([*lines, *other])) == expected


# --- justified or ragged, from line ends alone --------------------------------------------


def _lines_ending_at(ends: list[float]) -> list[Run]:
    return [Run("text", 90.0, 12.0 * k, x1, 12.0 * k + 10, 10.0) for k, x1 in enumerate(ends)]


def test_a_justified_column_is_known_among_many_short_lines() -> None:
    """Code and list lines never reach the edge; the long lines all end at one place."""
    short = [150.0 + 7 * k for k in range(30)]  # 30 lines of code or list items
    frame = _frame(90.0, _lines_ending_at([522.0] * 12 + [480.0, 350.0] + short))
    assert (frame.justified, frame.right) == (True, 522.0)


def test_a_ragged_column_is_not_taken_for_a_justified_one() -> None:
    """Ragged lines end all over the last em or three, a few of them at the same place."""
    ends = [522.0, 518.5, 520.0, 522.0, 509.0, 515.5, 522.0, 511.0, 517.0, 519.0, 505.0, 513.5]
    assert not _frame(90.0, _lines_ending_at(ends * 2)).justified

"""A PDF's text as a reader sees it: paragraphs in reading order, no page furniture.

Why pdfminer.six: a PDF holds glyphs at positions, not paragraphs, and rebuilding the
paragraphs needs the geometry and size of each piece of text. pdfminer.six's layout
analysis (LAParams) decodes the fonts, inserts the spaces between words, groups characters
into lines with their boxes, and keeps each character's font size and position, which is
what the reading-order rules in `pdflayout` work from (columns, running headers, footnote
calls, headings). pypdfium2's text page gives its own lines with the hyphen at a line end
rewritten to a control character (so "high-" and a hyphenation point look the same), and
character boxes only through one call per character. pdfminer is pure Python: a damaged
file raises one of its errors (refused as BG828), never crashes the process; it repairs
less than PDFium, so a file whose cross-reference offsets are wrong is refused where a
viewer may still open it (printing it to a new PDF mends that). It reads a dense page in
about 0.2 s (bench/pdftext.py). Deterministic: the same bytes give the same lines, sorted
by position, every time.
"""

from __future__ import annotations

import logging
import re
import statistics
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTChar, LTPage, LTTextLineHorizontal
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSException
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

from briefgen.authoring.pdflayout import Page, Run
from briefgen.authoring.pdfparagraphs import reading_text

# Lines break at a gap of one character's width: a column gutter (1 em or more) is never
# bridged; the wider gaps of justified words split a line, and pdflayout joins it again.
LAYOUT = LAParams(char_margin=1.0, line_overlap=0.5, word_margin=0.1, boxes_flow=None)
_MARKER = re.compile(r"[0-9]{1,3}|[*†‡§¶]{1,3}")  # what a footnote call may be
_LOCKED = "it is protected by a password"
_FILE_NAME = re.compile(r"(?i)^(microsoft \w+ - |untitled\b)|\.(docx?|pdf|odt|rtf|indd|tex)$")
# pdfminer's errors on damaged files, and what its parsers raise underneath them
_DAMAGED = (PDFException, PSException, ValueError, KeyError, IndexError, TypeError,
            AttributeError, AssertionError, zlib.error, RecursionError)

logging.getLogger("pdfminer").addHandler(logging.NullHandler())  # its warnings are not ours


class Unreadable(Exception):
    """pdfminer could not read the file; the message says what it found."""


@dataclass(frozen=True)
class PdfText:
    """The paragraphs of a PDF (one per line, a blank line between) and its stated info."""

    text: str
    title: str | None
    author: str | None


def read_pdf(body: bytes) -> PdfText:
    """BODY's text in reading order, its title (stated, else its first heading) and author.

    A stated title that is a file name ("Microsoft Word - draft.docx", "report.pdf") is
    what the writing program called the file, not the document's title: the heading wins.
    """
    info, pages = _read(body)
    text, heading = reading_text(pages)
    title = info.get("Title")
    if title and _FILE_NAME.search(title):
        title = None
    return PdfText(text, title or heading, info.get("Author"))


def _read(body: bytes) -> tuple[dict[str, str], list[Page]]:
    """BODY's stated info and its pages; pdfminer's errors (and only those) are Unreadable."""
    try:
        document = PDFDocument(PDFParser(BytesIO(body)))
        info = _info(document.info)
        pages = PDFPage.create_pages(document)
    except PDFPasswordIncorrect:
        raise Unreadable(_LOCKED) from None
    except _DAMAGED as error:
        raise Unreadable(str(error) or type(error).__name__) from None
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=LAParams(**vars(LAYOUT)))
    interpreter = PDFPageInterpreter(manager, device)
    found: list[Page] = []
    while True:
        try:
            page = next(pages, None)
            if page is None:
                return info, found
            interpreter.process_page(page)
            layout = device.get_result()
        except _DAMAGED as error:
            raise Unreadable(str(error) or type(error).__name__) from None
        found.append(_page(layout))


def _info(found: Iterable[object]) -> dict[str, str]:
    """The document information dictionary's text values, decoded (PDFDocEncoding, UTF-16)."""
    info: dict[str, str] = {}
    for entry in found:
        entry = resolve1(entry)
        if not isinstance(entry, dict):
            continue
        for key, value in entry.items():
            value = resolve1(value)
            if isinstance(value, bytes):
                value = decode_text(value)
            elif isinstance(value, PSLiteral):
                value = str(value.name)
            if isinstance(value, str) and value.strip() and str(key) not in info:
                info[str(key)] = value.strip()
    return info


def _page(layout: LTPage) -> Page:
    top = layout.y1
    runs = [_run(line, top) for line in _lines(layout)]
    return Page(layout.width, layout.height, tuple(r for r in runs if r is not None))


def _lines(item: object) -> Iterator[LTTextLineHorizontal]:
    if isinstance(item, LTTextLineHorizontal):
        yield item
    elif hasattr(item, "__iter__") and not isinstance(item, LTChar):
        for child in item:  # the page, its text boxes, figures
            yield from _lines(child)


def _run(line: LTTextLineHorizontal, top: float) -> Run | None:
    """One line of pdfminer's as a Run: text with single spaces, its box from the top,
    its body size, and the raised small markers in it (footnote calls)."""
    chars = [c for c in line if isinstance(c, LTChar)]
    if not chars:
        return None
    size = _most(round(c.size, 1) for c in chars)
    base = statistics.median(c.y0 for c in chars if round(c.size, 1) == size)
    text = ""
    calls: list[tuple[int, str]] = []
    lead = 0.0  # where the first word ends
    for item in line:
        piece = item.get_text()
        if isinstance(item, LTChar) and _raised(item, size, base) and _MARKER.fullmatch(piece):
            at, mark = calls[-1] if calls else (-1, "")
            if at + len(mark) == len(text) and _MARKER.fullmatch(mark + piece):
                calls[-1] = (at, mark + piece)
            else:
                calls.append((len(text), piece))
            text += piece
        elif not piece.strip():
            text += " " if text and not text.endswith(" ") else ""
        else:
            text += piece
        if isinstance(item, LTChar) and " " not in text.strip():
            lead = item.x1 - line.x0
    text = text.rstrip()
    if not text:
        return None
    return Run(text, line.x0, top - line.y1, line.x1, top - line.y0, size, tuple(calls), lead)


def _raised(char: LTChar, size: float, base: float) -> bool:
    """CHAR is set smaller than the line's text and above its baseline: a superscript."""
    return char.size < 0.95 * size and char.y0 - base > 0.2 * size


def _most(values: Iterable[float]) -> float:
    """The most common value; the larger one on a tie (deterministic)."""
    counts = Counter(values)
    return max(counts, key=lambda v: (counts[v], v))

"""Reading a 10-page PDF as `briefgen sources add` does: time, and how much is kept whole.

Two PDFs typeset by WeasyPrint from the example's source paragraphs (tests/pdf_corpus.py),
repeated until they reach a 10th page: A5 in one justified, hyphenated column with a running
header, a footer and page numbers; A4 in two justified columns (denser pages). Run with
`.venv/bin/python bench/pdftext.py`. It asserts nothing about time; it prints the median
wall time of five runs, split into pdfminer.six's parsing and layout and briefgen's
reading order and paragraphs.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from briefgen.authoring.extract import extract  # noqa: E402
from briefgen.authoring.pdfparagraphs import reading_text  # noqa: E402
from briefgen.authoring.pdftext import _read  # noqa: E402
from tests.pdf_corpus import Document, furniture, two_columns  # noqa: E402

PAGES = 10


def measure(name: str, make: Callable[[int], Document]) -> None:
    """Time extraction of MAKE's document with paragraphs added until it has PAGES pages."""
    count = 10
    while len(PdfReader(BytesIO((doc := make(count)).pdf)).pages) < PAGES:
        count += 2
    pages = len(PdfReader(BytesIO(doc.pdf)).pages)
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        got = extract(doc.pdf, "pdf", name="bench.pdf")
        runs.append(time.perf_counter() - start)
    start = time.perf_counter()
    _, read = _read(doc.pdf)
    parsed = time.perf_counter() - start
    start = time.perf_counter()
    reading_text(read)
    ordered = time.perf_counter() - start
    stored = got.text.rstrip("\n").split("\n\n")
    whole = sum(p in stored for p in doc.paragraphs)
    print(f"{name}: {pages} pages, {len(doc.pdf):,} bytes, {len(got.text):,} characters stored")
    print(f"  extract: median {statistics.median(runs):.3f} s of 5 (min {min(runs):.3f}, "
          f"max {max(runs):.3f})")
    print(f"  pdfminer.six parse + layout {parsed:.3f} s, reading order + paragraphs "
          f"{ordered:.3f} s")
    print(f"  paragraphs stored whole: {whole} of {len(doc.paragraphs)}")


if __name__ == "__main__":
    measure("A5, one column, header, footer, page numbers", furniture)
    measure("A4, two columns", two_columns)

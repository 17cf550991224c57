"""Reading order of a PDF's lines: furniture out, footnotes apart, columns in turn.

Why: a PDF page is lines at positions; a reader skips the running header, the footer and
the page number, reads a column to its foot before the next, and reads a footnote apart
from the sentence that calls it. The rules, on the geometry `pdftext` reads:

* Furniture: a line in the top or bottom three rows of a page whose text (digits counted
  as one) comes back at the same height on 40 % of the pages, at least two, or on three
  (alternate left and right headers), or on two if it is a page's first or last row (a
  chapter's own header) is a running header or footer; a lone page number ("7", "- 7 -",
  "vii", "Page 7 of 9") in those rows, a line height clear of the text above and below and
  4 em clear of any beside it, is one even on a page of its own.
* Footnotes: a raised, smaller number or mark in the text is a call; a block at the foot of
  the page that starts with a called mark ("1.", "2)", a raised "3", "*") starts the
  footnote area, and every numbered line under it must be called too. Footnotes are kept,
  each as its own paragraph, after the page's text (after the paragraph that runs on over
  the page break): they are part of what the document says and are cited as such. Their
  calls are taken out of the running text, so a quote across one reads as a reader reads it.
* Columns: an upright strip of white that the text on both sides of it faces on at least
  three rows, crossed by at most an eighth of the rows (a title over both columns), is a
  gutter; lines that cross it cut the page into bands, and a band is read column by column.
Pure.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import pairwise

ROWS_AT_EDGE = 3  # the rows of each page a running header or footer is looked for in
_FOLD_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"(?i)(?:page\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?"
)
_NOTE_START = re.compile(r"([0-9]{1,3}|[*†‡§¶]{1,3})[.)]\s|([*†‡§¶]{1,3})\s?")


@dataclass(frozen=True)
class Run:
    """Text on one line of a page, its box (points from the page's top left) and font size.

    CALLS are raised small markers in TEXT (offset, marker): footnote calls, if a footnote
    on the page has that mark. LEAD is the width of its first word.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    calls: tuple[tuple[int, str], ...] = ()
    lead: float = 0.0


@dataclass(frozen=True)
class Page:
    """The runs of one page, as pdftext read them."""

    width: float
    height: float
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class Segment:
    """Lines read one after the other: a column of a band, or a band with no columns.

    A footnote is a segment of its own (NOTE), kept for after its page's text.
    """

    page: int
    lines: tuple[Run, ...]
    note: bool = False


def segments(pages: list[Page]) -> list[Segment]:
    """Every page's lines in reading order, furniture left out, footnotes last on a page."""
    found: list[Segment] = []
    for number, (page, runs) in enumerate(zip(pages, without_furniture(pages), strict=True), 1):
        body, notes = _footnotes(runs, page.height)
        found += [Segment(number, lines) for lines in _columns(body)]
        found += [Segment(number, _lines(note), note=True) for note in notes]
    return found


# --- furniture ------------------------------------------------------------------------------


def without_furniture(pages: list[Page]) -> list[list[Run]]:
    """The runs of each page but running headers, footers and page numbers."""
    edges = [_edge_runs(page.runs) for page in pages]
    seen: dict[str, list[tuple[int, float]]] = defaultdict(list)  # text → (page, height)
    for number, (edge, _) in enumerate(edges):
        for run in edge:
            seen[_key(run)].append((number, run.top))
    need = min(max(2, 0.4 * len(pages)), 3)
    kept = []
    for page, (edge, outer) in zip(pages, edges, strict=True):
        repeated = {r for r in edge if len({n for n, top in seen[_key(r)]
                                            if abs(top - r.top) <= max(2.0, 0.3 * r.size)})
                    >= (2 if r in outer else need)}
        rest = [r for r in page.runs if r not in repeated]
        numbers = {r for r in edge if r in rest and _lone_number(r, rest)}
        kept.append([r for r in rest if r not in numbers])
    return kept


def _edge_runs(runs: tuple[Run, ...]) -> tuple[list[Run], set[Run]]:
    """The runs of a page's top and bottom rows, and those of its first and last row."""
    rows = rows_of(list(runs))
    edge = rows[:ROWS_AT_EDGE] + rows[ROWS_AT_EDGE:][-ROWS_AT_EDGE:]
    return [r for row in edge for r in row], {r for row in rows[:1] + rows[-1:] for r in row}


def _key(run: Run) -> str:
    return _FOLD_DIGITS.sub("#", " ".join(run.text.casefold().split()))


def _lone_number(run: Run, runs: list[Run]) -> bool:
    """RUN is a page number: its text says so, and the rest of the page's text is a line
    height above or below it, or 4 em away on its row (a numbered heading's number is not)."""
    return bool(_PAGE_NUMBER.fullmatch(run.text.strip())) and all(
        max(o.x0 - run.x1, run.x0 - o.x1) >= 4 * run.size if _overlap(o, run)
        else max(o.top - run.bottom, run.top - o.bottom) >= run.size
        for o in runs if o is not run)


# --- footnotes ------------------------------------------------------------------------------


def _footnotes(runs: list[Run], height: float) -> tuple[list[Run], list[list[Run]]]:
    """RUNS split into the page's text (calls taken out) and its footnotes, in order; the
    footnotes start in the lower half of the page (of HEIGHT)."""
    called: dict[str, float] = {}
    for run in runs:
        for at, mark in run.calls:
            if at > 0:
                called[mark] = min(called.get(mark, run.top), run.top)
    rows = rows_of(runs)
    for k, row in enumerate(rows):
        lead = _note_mark(row[0])
        if (lead in called and called[lead] < row[0].top and row[0].top > height / 2
                and _all_called(rows[k:], called)):
            notes: list[list[Run]] = []
            for area_row in rows[k:]:
                if _note_mark(area_row[0]) or not notes:
                    notes.append([])
                notes[-1] += area_row
            marks = {_note_mark(note[0]) for note in notes}
            body = [r for row in rows[:k] for r in row]
            return [_uncall(r, marks) for r in body], notes
    return runs, []


def _note_mark(run: Run) -> str | None:
    if run.calls and run.calls[0][0] == 0:
        return run.calls[0][1]
    match = _NOTE_START.match(run.text)
    return (match.group(1) or match.group(2)) if match else None


def _all_called(rows: list[list[Run]], called: dict[str, float]) -> bool:
    return all(mark in called for row in rows if (mark := _note_mark(row[0])) is not None)


def _uncall(run: Run, marks: set[str | None]) -> Run:
    """RUN without the footnote calls whose mark is in MARKS."""
    text, calls = run.text, []
    for at, mark in sorted(run.calls, reverse=True):
        if mark in marks and at > 0:
            text = text[:at] + text[at + len(mark):]
        else:
            calls.append((at, mark))
    return replace(run, text=" ".join(text.split()), calls=tuple(sorted(calls)))


# --- columns --------------------------------------------------------------------------------


def _columns(runs: list[Run]) -> list[tuple[Run, ...]]:
    """RUNS as lines, one tuple per column of each band, in reading order."""
    gutters = _gutters(runs)
    if not gutters:
        return [_lines(runs)] if runs else []
    crossing = sorted((r for r in runs if any(r.x0 < g0 and r.x1 > g1 for g0, g1 in gutters)),
                      key=lambda r: (r.top, r.x0, r.text))
    cuts = [(r.top + r.bottom) / 2 for r in crossing]
    bands: dict[int, list[Run]] = {}
    across = set(crossing)
    for run in runs:
        if run not in across:
            bands.setdefault(bisect_right(cuts, (run.top + run.bottom) / 2), []).append(run)
    found: list[tuple[Run, ...]] = []
    spanning: list[Run] = []
    for band in range(len(cuts) + 1):
        if band in bands:
            if spanning:
                found.append(_lines(spanning))
                spanning = []
            for column in range(len(gutters) + 1):
                mine = [r for r in bands[band] if _column(r, gutters) == column]
                if mine:
                    found.append(_lines(mine))
        if band < len(crossing):
            spanning.append(crossing[band])
    if spanning:
        found.append(_lines(spanning))
    return found


def _column(run: Run, gutters: list[tuple[float, float]]) -> int:
    return sum((g0 + g1) / 2 < run.x0 for g0, g1 in gutters)


def _gutters(runs: list[Run]) -> list[tuple[float, float]]:
    """The x-ranges, left to right, that no text but a few crossing lines covers."""
    rows = rows_of(runs)
    if len(rows) < 3:
        return []
    limit = len(rows) // 8
    events = sorted([(r.x0, 1) for r in runs] + [(r.x1, -1) for r in runs])
    low: list[tuple[float, float]] = []
    cover = 0
    for (x, step), (nxt, _) in pairwise(events):
        cover += step
        if nxt > x and cover <= limit:
            if low and low[-1][1] == x:
                low[-1] = (low[-1][0], nxt)
            else:
                low.append((x, nxt))
    size = _most(r.size for r in runs)
    return [(g0, g1) for g0, g1 in low if g1 - g0 >= 0.5 * size and _faced(rows, g0, g1)]


def _faced(rows: list[list[Run]], g0: float, g1: float) -> bool:
    """Text on both sides of the strip on three rows or more, and more than cross it."""
    both = sum(any(r.x1 <= g1 and r.x0 < g0 for r in row) and any(r.x0 >= g0 and r.x1 > g1
               for r in row) for row in rows)
    crossing = sum(any(r.x0 < g0 and r.x1 > g1 for r in row) for row in rows)
    return both >= 3 and crossing * 4 <= both


# --- rows and lines -------------------------------------------------------------------------


def rows_of(runs: list[Run]) -> list[list[Run]]:
    """RUNS grouped into rows (runs sharing most of their height), top to bottom, each
    left to right."""
    rows: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (r.top, r.x0, r.text)):
        if rows and any(_overlap(run, other) for other in rows[-1]):
            rows[-1].append(run)
        else:
            rows.append([run])
    return [sorted(row, key=lambda r: (r.x0, r.top, r.text)) for row in rows]


def _overlap(a: Run, b: Run) -> bool:
    shared = min(a.bottom, b.bottom) - max(a.top, b.top)
    return shared >= 0.5 * min(a.bottom - a.top, b.bottom - b.top)


def _lines(runs: list[Run]) -> tuple[Run, ...]:
    """RUNS as lines: the runs of each row joined with a space, left to right."""
    return tuple(_joined(row) for row in rows_of(runs))


def _joined(row: list[Run]) -> Run:
    if len(row) == 1:
        return row[0]
    text, calls = "", []
    for run in row:
        text += " " if text else ""
        calls += [(at + len(text), mark) for at, mark in run.calls]
        text += run.text
    size = _most(r.size for r in row for _ in r.text)
    return Run(text, min(r.x0 for r in row), min(r.top for r in row),
               max(r.x1 for r in row), max(r.bottom for r in row), size, tuple(calls),
               row[0].lead)


def _most(values: Iterable[float]) -> float:
    """The most common value; the larger one on a tie (deterministic)."""
    counts = Counter(values)
    return max(counts, key=lambda v: (counts[v], v))

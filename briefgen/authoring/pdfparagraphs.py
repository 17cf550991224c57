"""A PDF's lines in reading order → paragraphs, one a line, hyphenation undone.

Why: a quote is checked within one paragraph of the stored text, so a sentence that a PDF
wraps over lines, columns or pages must come back as the one paragraph it was. The rules:

* A column's lines make one paragraph until the font size changes, a line starts with a
  bullet (a list item), the space above a line is 0.4 em more than the document's usual
  space between lines of that size, a line is indented (unless it starts with a small
  letter or follows a list item's first line: a hanging indent continues), or the line
  before it ended early: short of the right edge in a justified column, or, in a ragged
  one, short enough that the next line's first word would have fitted on it.
* The first paragraph of a column or page continues the last one when the size is the
  same, it is not indented, and the line before the break ended as a wrapped line does
  (by the same test), or with a hyphen.
* A hyphen at a line end between letters (`-` or U+2010) is taken out when the next line
  starts with a small letter and: the document uses that hyphen character only at line
  ends (a typesetter's hyphenation mark, while its words are written with another); or,
  when it also writes words with it, the document has the joined word more often than the
  hyphenated one, or neither. It stays when the next line starts otherwise (`US-` /
  `Russia`, `2017-` / `18`), when another character is the document's hyphenation mark,
  or when the document writes the word with its hyphen more often (`high-` / `level`
  where "high-level" is in the text). A soft hyphen (U+00AD) is always taken out.
* The title, when the PDF states none, is page 1's first paragraph in its largest font,
  if that font is larger than the text's.
Pure.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise

from briefgen.authoring.pdflayout import Page, Run, Segment, segments

_WORD = re.compile(r"[^\W\d_]+(?:[-‐‑][^\W\d_]+)*")
_HYPHENS = "-‐"
_MID_HYPHEN = re.compile(r"(?<=[^\W\d_])([-‐])(?=[^\W\d_])")
_END_HYPHEN = re.compile(r"(?<=[^\W\d_])([-‐])$")
_BULLET = re.compile(r"[•◦▪‣]\s")  # a list item starts a paragraph of its own
# a list item's first line: the lines under it hang indented
_LIST_ITEM = re.compile(r"[•◦▪‣·*–—-]\s|\(?(?:[0-9]{1,3}|[a-z]|[ivx]{1,4})[.)]\s")


@dataclass(frozen=True)
class Frame:
    """A column's left and right edges, and whether its lines are justified."""

    left: float
    right: float
    justified: bool


def reading_text(pages: list[Page]) -> tuple[str, str | None]:
    """The paragraphs of PAGES (one a line, blank lines between) and page 1's heading."""
    found = segments(pages)
    gaps, frames = _gaps(found), _frames(found)
    paragraphs: list[list[Run]] = []
    notes: list[list[Run]] = []  # footnotes waiting for the paragraph at the page break
    before = Frame(0.0, 0.0, False)  # the frame of the last paragraph's last line
    for segment in found:
        if segment.note:
            notes.append(list(segment.lines))
            continue
        frame = frames[id(segment)]
        blocks = _blocks(segment.lines, frame, gaps)
        if paragraphs and _runs_on(paragraphs[-1][-1], before, blocks[0][0], frame):
            paragraphs[-1] += blocks.pop(0)
        if blocks:
            paragraphs += notes + blocks
            notes = []
        before = frame
    paragraphs += notes
    words = Words.of([line.text for lines in paragraphs for line in lines])
    texts = [joined([line.text for line in lines], words) for lines in paragraphs]
    heading = _heading(found, words)
    return "\n\n".join(t for t in texts if t), heading


# --- blocks and run-ons --------------------------------------------------------------------


def _blocks(lines: tuple[Run, ...], frame: Frame, gaps: dict[float, float]) -> list[list[Run]]:
    blocks = [[lines[0]]]
    for above, line in pairwise(lines):
        if _starts_paragraph(above, line, frame, gaps):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


def _starts_paragraph(above: Run, line: Run, frame: Frame, gaps: dict[float, float]) -> bool:
    if _new_size(above, line) or _BULLET.match(line.text):
        return True
    if line.top - above.bottom > gaps.get(above.size, 0.0) + 0.4 * above.size:
        return True
    if (_indented(line, frame) and not _indented(above, frame) and not line.text[0].islower()
            and not _LIST_ITEM.match(above.text)):
        return True
    return _ended(above, line, frame)


def _runs_on(last: Run, before: Frame, first: Run, frame: Frame) -> bool:
    """FIRST, the first line of a column in FRAME, continues the paragraph whose last line
    is LAST, in the frame BEFORE."""
    return not (_new_size(last, first) or _indented(first, frame) or _ended(last, first, before))


def _ended(line: Run, after: Run, frame: Frame) -> bool:
    """LINE ended before the edge (and not with a hyphen): its paragraph ends here, AFTER
    does not continue it."""
    if _END_HYPHEN.search(line.text) and after.text[:1].isalpha():
        return False
    if frame.justified:
        return line.x1 < frame.right - 0.5 * line.size
    return frame.right - line.x1 > after.lead + 0.4 * line.size


def _new_size(a: Run, b: Run) -> bool:
    return abs(a.size - b.size) > 0.1 * max(a.size, b.size)


def _indented(line: Run, frame: Frame) -> bool:
    return line.x0 > frame.left + 0.5 * line.size


def _gaps(found: list[Segment]) -> dict[float, float]:
    """By font size, the usual space between two lines of a paragraph (lower quartile)."""
    seen: dict[float, list[float]] = defaultdict(list)
    for segment in found:
        for a, b in pairwise(segment.lines):
            if not _new_size(a, b):
                seen[a.size].append(b.top - a.bottom)
    return {size: sorted(g)[len(g) // 4] for size, g in seen.items()}


def _frames(found: list[Segment]) -> dict[int, Frame]:
    """Each segment's frame: that of all the text columns with its left edge. The right
    edge is where justified lines end, else where the longest lines (but a tenth) end."""
    lefts = sorted({min(line.x0 for line in s.lines) for s in found if not s.note})
    groups: dict[float, list[Run]] = defaultdict(list)
    edge: dict[int, float] = {}
    for segment in (s for s in found if not s.note):
        left = min(line.x0 for line in segment.lines)
        edge[id(segment)] = next(x for x in lefts if x >= left - 3)
        groups[edge[id(segment)]] += segment.lines
    frames = {left: _frame(left, lines) for left, lines in groups.items()}
    return {key: frames.get(left, Frame(left, left, False)) for key, left in edge.items()}


def _frame(left: float, lines: list[Run]) -> Frame:
    """Justified when, of the lines that end within 3 em of where most lines end, 60 % end
    right there, and hardly any line (a tenth) runs past it: ragged lines end all over
    that stretch, and the short lines of lists and code never reach it."""
    ends = Counter(round(line.x1 * 2) / 2 for line in lines)
    right, most = max(ends.items(), key=lambda kv: (kv[1], kv[0]))
    near = sum(right - 3 * line.size <= line.x1 <= right + 0.5 for line in lines)
    past = sum(line.x1 > right + 1 for line in lines)
    if most >= 3 and most >= 0.6 * near and past <= 0.1 * len(lines):
        return Frame(left, right, True)
    ranked = sorted(line.x1 for line in lines)
    return Frame(left, ranked[(len(ranked) - 1) * 9 // 10], False)


def _heading(found: list[Segment], words: Words) -> str | None:
    """Page 1's first paragraph in its largest font, if larger than the body's."""
    first = [line for s in found if s.page == 1 and not s.note for line in s.lines]
    body = Counter(line.size for s in found for line in s.lines for _ in line.text)
    if not first or not body:
        return None
    largest = max(line.size for line in first)
    if largest <= 1.1 * max(body, key=lambda s: (body[s], s)):
        return None
    start = next(k for k, line in enumerate(first) if line.size == largest)
    lines = [first[start]]
    for line in first[start + 1:]:
        if line.size != largest or line.top - lines[-1].bottom > largest:
            break
        lines.append(line)
    return joined([line.text for line in lines], words)


# --- hyphens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """What a document's own lines say about its words and hyphens."""

    counts: Counter[str]  # words as written inside lines, casefolded, hyphens as "-"
    marks: frozenset[str]  # hyphen characters found only at line ends: hyphenation marks

    @classmethod
    def of(cls, lines: list[str]) -> Words:
        counts = Counter(w.casefold().replace("‐", "-").replace("‑", "-")
                         for line in lines for w in _WORD.findall(line))
        inside = Counter(c for line in lines for c in _MID_HYPHEN.findall(line))
        ends = Counter(c for line in lines for c in _END_HYPHEN.findall(line))
        return cls(counts, frozenset(c for c in _HYPHENS if ends[c] and not inside[c]))

    def unhyphenate(self, left: str, mark: str, right: str) -> bool:
        """LEFT + MARK at a line end, RIGHT on the next line: one word split in two?"""
        if not right[:1].islower():
            return False
        if mark in self.marks:
            return True
        if self.marks:
            return False
        head = left.casefold().replace("‐", "-")
        tail = right.casefold().replace("‐", "-")
        split, whole = self.counts[f"{head}-{tail}"], self.counts[head + tail]
        return whole >= split


def joined(lines: list[str], words: Words) -> str:
    """LINES of one paragraph as one line: hyphenation undone, a space elsewhere."""
    text = lines[0] if lines else ""
    for line in lines[1:]:
        text = _join(text, line, words)
    return " ".join(text.replace("\u00ad", "").split())


def _join(text: str, line: str, words: Words) -> str:
    if text.endswith("\u00ad"):
        return text[:-1] + line
    mark = text[-1:]
    if mark in _HYPHENS and text[-2:-1].isalnum() and line[:1].isalnum():
        left = _WORD.findall(text)
        right = _WORD.match(line)
        if left and right and text.endswith(left[-1] + mark) and words.unhyphenate(
                left[-1], mark, right.group()):
            return text[:-1] + line
        return text + line
    if mark in "—–/" and not text[-2:-1].isspace():
        return text + line
    return f"{text} {line}"

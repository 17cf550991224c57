"""Stage 3b's paragraph rule: where the paragraphs of a stored text are, as a reader sees them.

Why one rule: the sources page numbers paragraphs (¶5), a citation `[1 ¶5]` points at one,
verification refuses a passage that stitches two (BG401/BG402) and `cite` ranks them, all
from the spans `paragraphs()` returns (`fold` is given them: only a break between two of
them stops a passage). A line break is not always a paragraph break: web extractions
write one paragraph per line, e-mails, RFCs and text copied from PDFs are hard-wrapped
(lines broken near a fixed width, paragraphs between blank lines), and some corpora write
one sentence per line. The rule, in order:

1. Blank lines (and U+2029, the paragraph separator) cut the text into blocks. A block of
   one line is one paragraph.
2. Sentence per line: a block whose lines each hold one whole sentence (it ends with
   . ! ? or …, and no sentence ends inside it, `U.S.` and `Mr.` aside) is one paragraph,
   when the text has at least two such blocks (a title over one block of one-sentence
   lines is read as one paragraph per line, as a web extraction writes it).
3. Hard-wrapped: a block whose longest line is 30-120 characters (WRAP), most lines
   nearly as long (FULL), and which reads on across a line end at least once (a line not
   ending a sentence followed by one starting in lower case, or a line ending with a comma
   or with a word cut at its hyphen), is wrapped at that width. So is a block that never
   reads on (`… (Photo:` / `CNN)`) when another block of the text showed a width and this
   one fits it (OVERRUN). In a wrapped block a line break is a soft wrap, but after a
   short line that does not read on, and before a list item (`-`, `*`, `•`, `1.`, `2)`)
   that follows a colon, a short line or another item: those end a paragraph.
4. Any other block is one paragraph per line: lines of varied length, or too long to be
   wrapped (the bundled example's sources, a file with no blank lines at all).

Pure; linear in the text.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

Span = tuple[int, int]  # [start, end) in a text

WRAP = (30, 120)  # the widths a hard-wrapped block's longest line may have
FULL = 0.6  # a wrapped line is at least this share of the width; a shorter one ends a paragraph
OVERRUN = 1.1  # a block without evidence of its own fits a width its lines overrun by this

_TERMINAL = frozenset(".!?…。！？")
_CLOSERS = "\"'”’»)]}*_"
_OPENERS = "\"'“‘«([{*_"
_ITEM = re.compile(r"(?:[-*•‣◦]|\d{1,2}[.)])\s")  # a list item starts a paragraph
_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+[\"'“‘«(\[]*(?=\w)|[。！？](?=[^\"'”’»)\]」』])")
# a capital after one of these and a period does not start a sentence (Mr. Putin)
_ABBREVIATION = re.compile(
    r"mrs?|ms|dr|st|prof|gen|sen|rep|gov|pres|jr|sr|vs|etc|nos?|co|inc|ltd|corp|lt|col|capt|sgt"
    r"|cf|fig|vol|ed|al|approx|dept|est|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec",
    re.IGNORECASE,
)


class Line(NamedTuple):
    """A non-blank line: its text without the blanks around it, where, and how wide."""

    body: str
    start: int  # of the body in the text
    width: int  # the line without its line break and trailing blanks (indentation counts)

    @property
    def end(self) -> int:
        return self.start + len(self.body)


def paragraphs(text: str) -> tuple[Span, ...]:
    """The paragraphs of TEXT as the sources page numbers them: [start, end) spans of
    stored text, without the blanks around them, in order; see the module docstring."""
    blocks = _blocks(text)
    sentence = [len(b) > 1 and _sentence_per_line(b) for b in blocks]
    shown = [_shown_width(b) if len(b) > 1 else 0 for b in blocks]
    width = max(shown, default=0)  # the text's wrap width, if any block showed one
    found: list[Span] = []
    for block, per_sentence, own in zip(blocks, sentence, shown, strict=True):
        if per_sentence and sum(sentence) >= 2:
            soft = [True] * (len(block) - 1)
        elif w := own or (_fits(block, width) and width):
            soft = _wraps(block, w)
        else:
            soft = [False] * (len(block) - 1)
        start = block[0].start
        for (a, b), joined in zip(pairwise(block), soft, strict=True):
            if not joined:
                found.append((start, a.end))
                start = b.start
        found.append((start, block[-1].end))
    return tuple(found)


def _blocks(text: str) -> list[list[Line]]:
    """The runs of non-blank lines between blank lines (or after a U+2029)."""
    blocks: list[list[Line]] = [[]]
    offset = 0
    for line in text.splitlines(keepends=True):
        if body := line.strip():
            start = offset + len(line) - len(line.lstrip())
            blocks[-1].append(Line(body, start, len(line.rstrip())))
        if (not body or line.endswith("\u2029")) and blocks[-1]:
            blocks.append([])
        offset += len(line)
    return [b for b in blocks if b]


def _sentence_per_line(block: list[Line]) -> bool:
    """Every line ends a sentence, fewer than half hold a sentence end inside, none is a
    list item."""
    if any(not _ends_sentence(line.body) or _ITEM.match(line.body) for line in block):
        return False
    return 2 * sum(_holds_an_end(line.body) for line in block) < len(block)


def _shown_width(block: list[Line]) -> int:
    """The block's wrap width when it is hard-wrapped by its own evidence, else 0."""
    width = _width(block)
    if not WRAP[0] <= width <= WRAP[1]:
        return 0
    full = [_full(a, width) for a in block[:-1]]
    if 2 * sum(full) < len(full):
        return 0
    shown = any(f and _reads_on(a, b) for f, (a, b) in zip(full, pairwise(block), strict=True))
    return width if shown else 0


def _fits(block: list[Line], width: int) -> bool:
    """The block can be wrapped at WIDTH (give or take OVERRUN): no line is longer, and most
    lines are full or read on."""
    if not width or _width(block) > width * OVERRUN:
        return False
    wrapped = sum(_full(a, width) or _continues(a, b) for a, b in pairwise(block))
    return 2 * wrapped >= len(block) - 1


def _wraps(block: list[Line], width: int) -> list[bool]:
    """For each line break of a block wrapped at WIDTH: is it a soft wrap? Not after a short
    line that does not read on, nor before a list item that follows a colon, a short line
    or another item (a dash after a full line is a dash: `(VOVWORLD)` / `- Russian…`)."""
    soft: list[bool] = []
    item = bool(_ITEM.match(block[0].body))  # the paragraph being read is a list item
    for a, b in pairwise(block):
        full, starts_item = _full(a, width), bool(_ITEM.match(b.body))
        if starts_item and (item or not full or a.body.endswith(":")):
            soft.append(False)
        else:
            soft.append(full or _continues(a, b))
        if not soft[-1]:
            item = starts_item
    return soft


def _width(block: list[Line]) -> int:
    """The longest line of several words: a lone long word (a URL) may overrun a width."""
    return max((line.width for line in block if " " in line.body), default=block[0].width)


def _full(line: Line, width: int) -> bool:
    """LINE is as long as a line wrapped at WIDTH gets (a short one ends a paragraph)."""
    return line.width >= FULL * width


def _reads_on(a: Line, b: Line) -> bool:
    """The sentence goes on across the break: lower case after no sentence end, or a line
    ending with a comma or with a word cut at its hyphen (`well-` / `known`)."""
    last = a.body[-2:]
    return (
        _continues(a, b)
        or last.endswith(",")
        or (len(last) == 2 and last[1] in "-\u2010" and last[0].isalpha())
    )


def _continues(a: Line, b: Line) -> bool:
    """A does not end a sentence and B starts with a letter in lower case (or of a script
    without case, but those written without spaces)."""
    if _ends_sentence(a.body):
        return False
    first = b.body.lstrip(_OPENERS)[:1]
    return first.islower() or (
        first.isalpha() and not first.isupper() and not first.istitle() and first < "\u2e80"
    )


def _ends_sentence(body: str) -> bool:
    return body.rstrip(_CLOSERS)[-1:] in _TERMINAL


def _holds_an_end(body: str) -> bool:
    """A sentence ends inside BODY: . ! ? or … then a capital, but after an abbreviation
    or an initial (`Mr. Putin`, `U.S. President`); or 。！？ before more text."""
    for m in _END.finditer(body):
        if m.group()[0] in "。！？":
            return True
        if not body[m.end()].isupper():
            continue
        word = body[: m.start()].rsplit(maxsplit=1)[-1].lstrip(_OPENERS) if m.start() else ""
        if m.group()[0] != "." or not (
            len(word) <= 1 or "." in word or _ABBREVIATION.fullmatch(word)
        ):
            return True
    return False

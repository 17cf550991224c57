"""Stage 3b's text core: a cited passage is found as whole words, and exactly where.

Why: a raw substring search accepts "ssia relat" (the tail of one word and the head of
the next) as a verified quote. Here the passage and the source are folded the same way
(quote marks, dashes, whitespace, case, compatibility forms) while every folded
character remembers where in the stored text it came from, so a match is judged in the
stored text itself: it must start and end on word boundaries, and it may run across a
soft wrap of the source, but across a paragraph break (paragraphs.py's rule, as the
sources page numbers them) only where the passage breaks its line too. When a passage is
not found, the closest passage and a word-level difference tell the editor what to fix.
Pure.
"""

from __future__ import annotations

import difflib
import functools
import heapq
import re
import unicodedata
from array import array
from bisect import bisect_left
from dataclasses import dataclass

# re-exported: the spans, and the one paragraph rule that fold's SPANS come from
from briefgen.verify.paragraphs import Span as Span
from briefgen.verify.paragraphs import paragraphs as paragraphs

_QUOTES = str.maketrans(
    dict.fromkeys("“”„‟«»″", '"') | dict.fromkeys("‘’‚‛′`´", "'") | dict.fromkeys("‐‑‒–—―−", "-")
)
# Between two letters or digits these keep one word: Russia’s, US-Russia, U.S., 3.5, 1,000.
_JOINERS = frozenset("'’ʼ-‐‑.,")
# Scripts written without spaces: every character is a word boundary (no dictionary here).
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
# Printable ASCII but backtick, single spaces between: it folds by .lower(), length kept.
_SIMPLE = re.compile(r"[!-_a-~]+(?: [!-_a-~]+)*")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:['.,-][A-Za-z0-9]+)*")  # word_spans, ASCII text
_SPACE = re.compile(r"\s+")
_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # what str.splitlines splits on
_OPENERS, _CLOSERS = frozenset("“„‟«"), frozenset("”»")
_CUTS = {(True, False): "start", (False, True): "end", (True, True): "both"}
_KEPT_FORMAT = frozenset("\u200c\u200d")  # ZWNJ and ZWJ shape letters; other Cf are invisible
_COUNTING = array("I")  # 0, 1, 2, …, grown on demand: fold copies ASCII runs' positions


@dataclass(frozen=True)
class Folded:
    """A text folded for matching: folded character k came from text[starts[k]:ends[k]]."""

    text: str
    starts: array[int]
    ends: array[int]
    breaks: tuple[int, ...]  # folded indices of the spaces that stand for a paragraph break


@dataclass(frozen=True)
class Hit:
    """One occurrence of a passage: its span in the stored text, and what is wrong with it."""

    start: int
    end: int
    problem: str = ""  # "" (a whole-word match), "start", "end", "both" (cut words), "break"


def fold(text: str, spans: tuple[Span, ...] | None = None) -> Folded:
    """TEXT folded for matching, each folded character mapped back to its origin.

    With SPANS (a stored text's `paragraphs`), the blanks between two of them are its
    breaks; without (a passage), every run of blanks that holds a line break is one.
    """
    closes = None if spans is None else [end for _, end in spans[:-1]]
    out: list[str] = []
    starts: array[int] = array("I")
    ends: array[int] = array("I")
    breaks: list[int] = []
    size, p, n = 0, 0, len(text)
    while p < n:
        if m := _SIMPLE.match(text, p):
            e = m.end() - (m.end() < n and _mark(text[m.end()]))  # a last letter + its accent
            if e > p:
                out.append(text[p:e].lower())
                if e >= len(_COUNTING):  # a copy of its positions, not a loop over them
                    _COUNTING.extend(range(len(_COUNTING), 2 * e + 4096))
                starts.extend(_COUNTING[p:e])
                ends.extend(_COUNTING[p + 1 : e + 1])
                size, p = size + e - p, e
                continue
        if m := _SPACE.match(text, p):
            if size and m.end() < n:  # no space at either end
                if _BREAK.search(m.group()) if closes is None else _between(closes, p, m.end()):
                    breaks.append(size)
                out.append(" ")
                starts.append(p)
                ends.append(m.end())
                size += 1
            p = m.end()
            continue
        e = p + 1
        while e < n and _mark(text[e]):
            e += 1
        if _invisible(text[p]):  # a soft hyphen or zero-width space is not in what anyone reads
            p = e
            continue
        piece = _fold_cluster(text[p:e])
        out.append(piece)
        starts.extend([p] * len(piece))
        ends.extend([e] * len(piece))
        size, p = size + len(piece), e
    return Folded("".join(out), starts, ends, tuple(breaks))


def _between(closes: list[int], start: int, end: int) -> bool:
    """A paragraph (not the last) ends in the blanks text[start:end]: another follows."""
    i = bisect_left(closes, start)
    return i < len(closes) and closes[i] < end


def unwrapped(text: str) -> str:
    """TEXT (one paragraph) with each run of blanks that holds a line break (a soft wrap)
    written as one space: what an editor pastes, and `check` finds it as the source."""
    return _SPACE.sub(lambda m: " " if _BREAK.search(m.group()) else m.group(), text)


def normalise(text: str) -> str:
    """Fold what editors and web pages vary: quotes, dashes, whitespace, case, compat forms."""
    return fold(text).text


@functools.cache
def _fold_cluster(cluster: str) -> str:
    # fold quotes before NFKC too: it would split ″ into two primes and ´ into a space + accent
    text = unicodedata.normalize("NFKC", cluster.translate(_QUOTES)).translate(_QUOTES)
    return _SPACE.sub(" ", text).casefold()


def _mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


def _wordy(char: str) -> bool:
    return char.isalnum() or _mark(char)


def _invisible(char: str) -> bool:
    """Format characters (U+00AD, U+200B, U+2060, U+FEFF…) but the joiners ZWNJ and ZWJ."""
    return unicodedata.category(char) == "Cf" and char not in _KEPT_FORMAT


def inside(text: str, p: int) -> bool:
    """True when position P of TEXT falls inside a word (so a quote may not start or end there).

    Invisible format characters are looked through: `inter\u00adnational` is one word.
    """
    if p <= 0 or p >= len(text):
        return False
    i, j = p - 1, p
    while i > 0 and _invisible(text[i]):
        i -= 1
    while j < len(text) - 1 and _invisible(text[j]):
        j += 1
    x, y = text[i], text[j]
    if _wordy(x) and _wordy(y):
        return not (_UNSPACED.match(x) or _UNSPACED.match(y))
    if _wordy(x) and y in _JOINERS:
        return j + 1 < len(text) and _wordy(text[j + 1])
    if x in _JOINERS and _wordy(y):
        return i >= 1 and _wordy(text[i - 1])
    return False


def word_spans(text: str, lo: int = 0, hi: int | None = None) -> list[Span]:
    """The words of TEXT[lo:hi] as spans: letters and digits, kept whole across joiners."""
    hi = len(text) if hi is None else hi
    if text.isascii():  # the same words, found by a regular expression
        return [m.span() for m in _ASCII_WORD.finditer(text, lo, hi)]
    spans: list[Span] = []
    start = -1
    for p in range(lo, hi):
        if start < 0:
            if _wordy(text[p]):
                start = p
        elif not inside(text, p):
            spans.append((start, p))
            start = p if _wordy(text[p]) else -1
    if start >= 0:
        spans.append((start, hi))
    return spans


def find(passage: Folded, text: str, source: Folded) -> Hit | None:
    """The first whole-word occurrence of PASSAGE in TEXT, else its first flawed one."""
    flawed = None
    k = source.text.find(passage.text) if passage.text else -1
    while k >= 0:
        end = k + len(passage.text)
        hit = Hit(source.starts[k], source.ends[end - 1])
        # a match may not begin or end inside the letters one character folds to (ß → ss)
        cut = (
            inside(text, hit.start) or (k > 0 and source.starts[k - 1] == source.starts[k]),
            inside(text, hit.end)
            or (end < len(source.text) and source.starts[end] == source.starts[end - 1]),
        )
        crossed = source.breaks[bisect_left(source.breaks, k) : bisect_left(source.breaks, end)]
        if any(cut):
            hit = Hit(hit.start, hit.end, _CUTS[cut])
        elif not {b - k for b in crossed} <= set(passage.breaks):
            hit = Hit(hit.start, hit.end, "break")
        if not hit.problem:
            return hit
        flawed = flawed or hit
        k = source.text.find(passage.text, k + 1)
    return flawed


def whole_words(text: str, start: int, end: int) -> str:
    """TEXT[start:end] widened to the whole words it cuts into, on one line."""
    while inside(text, start):
        start -= 1
    while inside(text, end):
        end += 1
    return " ".join(text[start:end].split())


@dataclass(frozen=True)
class Near:
    """The passage of a source most like a passage that was not found."""

    start: int
    end: int
    ratio: float
    shown: str  # whole words, with any quotation it opens or closes kept whole
    difference: str  # word level: 'lacks "a", adds "b"' (what is missing, what is extra)


def closest(passage: str, text: str, within: tuple[Span, ...]) -> Near:
    """The window of words, inside one paragraph of WITHIN, most like PASSAGE."""
    needle = normalise(passage)
    size = max(1, len(word_spans(passage)))
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)

    def ratio(spans: list[Span], a: int, b: int) -> float:
        matcher.set_seq1(normalise(text[spans[a][0] : spans[b - 1][1]]))
        return matcher.ratio()

    best: tuple[float, list[Span], int, int] = (0.0, [], 0, 0)
    for spans, k in _windows(passage, text, within, size):
        b = min(len(spans), k + size)
        matcher.set_seq1(normalise(text[spans[k][0] : spans[b - 1][1]]))
        if (
            matcher.real_quick_ratio() > best[0]
            and matcher.quick_ratio() > best[0]
            and (r := matcher.ratio()) > best[0]
        ):
            best = (r, spans, k, b)
    r, spans, a, b = best
    if not spans:
        return Near(0, 0, 0.0, "", "")
    tries = [(a + da, b + db) for da in range(-2, 3) for db in range(-2, 3)]
    for a2, b2 in tries:  # the passage may lack or add a word at either end
        if 0 <= a2 < b2 <= len(spans) and (r2 := ratio(spans, a2, b2)) > r:
            r, a, b = r2, a2, b2
    start, end = spans[a][0], spans[b - 1][1]
    return Near(
        start, end, r, _shown(text, start, end, within), _difference(passage, text, start, end)
    )


MAX_WINDOWS = 2000  # compared letter by letter; past it, the windows sharing most words


def _windows(
    passage: str, text: str, within: tuple[Span, ...], size: int
) -> list[tuple[list[Span], int]]:
    """The windows of SIZE words worth comparing with PASSAGE: all of them in a source of
    ordinary length; in a long one (a 2 MiB source has ~300,000) the MAX_WINDOWS that share
    the most words with it, so a passage from elsewhere costs seconds, not minutes."""
    found = []
    for lo, hi in within:
        spans = word_spans(text, lo, hi)
        found += [(spans, k) for k in range(max(0, len(spans) - size) + 1 if spans else 0)]
    if len(found) <= MAX_WINDOWS:
        return found
    wanted = set(normalise(passage).split())
    score: dict[int, list[int]] = {}  # id(spans) → words of the passage among the first k
    for spans in {id(s): s for s, _ in found}.values():
        hits = [0]
        for start, end in spans:
            hits.append(hits[-1] + (normalise(text[start:end]) in wanted))
        score[id(spans)] = hits
    top = heapq.nlargest(
        MAX_WINDOWS,
        range(len(found)),
        key=lambda i: _shared(score[id(found[i][0])], found[i][1], size),
    )
    return [found[i] for i in sorted(top)]  # in text order: ties keep the first window


def _shared(hits: list[int], k: int, size: int) -> int:
    return hits[min(len(hits) - 1, k + size)] - hits[k]


def _shown(text: str, start: int, end: int, within: tuple[Span, ...]) -> str:
    """TEXT[start:end] with its attached punctuation, quotations never cut in half."""
    lo, hi = next((p for p in within if p[0] <= start < p[1]), (0, len(text)))

    def attached(p: int) -> bool:
        return not text[p].isspace() and not _wordy(text[p])

    while start > lo and attached(start - 1):
        start -= 1
    while end < hi and attached(end):
        end += 1
    shown = text[start:end]
    opened = sum(c in _OPENERS for c in shown) - sum(c in _CLOSERS for c in shown)
    if opened > 0 or (opened == 0 and shown.count('"') % 2):  # a quotation opens in it
        closer = _CLOSERS if opened > 0 else {'"'}
        after = next((p for p in range(end, hi) if text[p] in closer), None)
        if after is not None:
            end = after + 1
            while end < hi and attached(end):
                end += 1
    elif opened < 0:  # a quotation closes in it
        before = next((p for p in range(start - 1, lo - 1, -1) if text[p] in _OPENERS), None)
        start = start if before is None else before
    return " ".join(text[start:end].split())


def _difference(passage: str, text: str, start: int, end: int) -> str:
    mine = [passage[a:b] for a, b in word_spans(passage)]
    theirs = [text[a:b] for a, b in word_spans(text, start, end)]
    matcher = difflib.SequenceMatcher(
        None, [normalise(w) for w in mine], [normalise(w) for w in theirs], autojunk=False
    )
    missing, extra = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("insert", "replace"):
            missing.append(f'"{" ".join(theirs[j1:j2])}"')
        if tag in ("delete", "replace"):
            extra.append(f'"{" ".join(mine[i1:i2])}"')
    parts = [f"{verb} {', '.join(words)}" for verb, words in (("lacks", missing), ("adds", extra))]
    return ", ".join(p for p, words in zip(parts, (missing, extra), strict=True) if words) or (
        "differs only in punctuation"
    )

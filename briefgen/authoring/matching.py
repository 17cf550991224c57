"""Which words of a stored passage stand for the words an editor searched, and where.

Why apart from cite.py: the word-level part of the search (fold each word, match it
exactly, as a part of a joined word such as U.S.-Russia, or within a typo, then find the
shortest run of words holding the most of them) is the part with its own bounds: a long
paragraph is read only around the densest stretch of searched words. Pure.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from briefgen.verify.passages import Span, normalise, word_spans

REGION = 2400  # characters of a long paragraph read, around where the words are
_FUZZY = 85  # rapidfuzz ratio from which a word of 4+ letters counts as the word searched
_PARTS = re.compile(r"[.'’ʼ,\-‐‑]")  # U.S.-Russia also holds "Russia"


@dataclass(frozen=True)
class Query:
    """The searched words: as typed (to name the missing ones), folded, and their weight."""

    typed: tuple[str, ...]
    folded: tuple[str, ...]
    needle: str  # the whole phrase, folded
    seen: dict[str, dict[int, float]] = field(default_factory=dict, compare=False)  # by `hits`

    @property
    def weight(self) -> float:
        """All the words' weight: a word weighs its length (`the` less than `Qatar`)."""
        return float(sum(map(len, self.folded)))

    @functools.cached_property
    def index(self) -> dict[str, list[int]]:
        """Each folded word, and each 5-letter stem, to the searched words it begins."""
        found: dict[str, list[int]] = {}
        for q, word in enumerate(self.folded):
            found.setdefault(word, []).append(q)
            if len(word) >= 5:
                found.setdefault(f"stem:{word[:5]}", []).append(q)
        return found


def query(phrase: str) -> Query | None:
    """PHRASE's distinct words (as typed and folded), or None when it has none."""
    typed = [phrase[a:b] for a, b in word_spans(phrase)]
    folded = [normalise(w) for w in typed]
    keep = [i for i, w in enumerate(folded) if w and w not in folded[:i]]
    if not keep:
        return None
    return Query(tuple(typed[i] for i in keep), tuple(folded[i] for i in keep), normalise(phrase))


def spots(low: str, word: str, lo: int = 0, hi: int | None = None) -> Iterator[int]:
    """Where WORD (folded) stands as a whole word in LOW (a lower-cased text), LO to HI.

    Why not a regular expression: an alternation of words scans a 2 MiB source in tens
    of milliseconds; `str.find` per word takes one."""
    hi = len(low) if hi is None else hi
    at = low.find(word, lo, hi)
    while at >= 0:
        end = at + len(word)
        if not (at > 0 and low[at - 1].isalnum()) and not (end < len(low) and low[end].isalnum()):
            yield at
        at = low.find(word, at + 1, hi)


def region(text: str, span: Span, words: Query) -> Span:
    """SPAN, or in a paragraph past REGION characters the stretch where the words are.

    Why: reading every word of a 2 MiB one-line source costs seconds; the searched words'
    densest stretch (or rapidfuzz's alignment of the phrase) says where to look."""
    a, b = span
    if b - a <= REGION:
        return a, b
    low = text[a:b].lower()
    if len(low) != b - a:  # lower-casing moved the offsets (İ): read the whole paragraph
        return a, b
    marks = sorted((at, q) for q, w in enumerate(words.folded) for at in spots(low, w))
    best, left, count = (0, 0), 0, dict[int, int]()  # the stretch holding most distinct words
    for at, q in marks:
        count[q] = count.get(q, 0) + 1
        while at - marks[left][0] > REGION // 2:
            gone = marks[left][1]
            count[gone] -= 1
            if not count[gone]:
                del count[gone]
            left += 1
        if len(count) > best[0]:
            best = (len(count), marks[left][0])
    if best[0] == 0:
        found = fuzz.partial_ratio_alignment(words.needle, low)
        best = (0, found.dest_start if found else 0)
    start = max(a, a + best[1] - REGION // 4)
    start = max(a, text.rfind(" ", a, start) + 1)  # on a space where there is one
    end = text.find(" ", min(b, start + REGION), b)
    return start, b if end < 0 else end


def hits(stored: list[str], words: Query) -> list[dict[int, float]]:
    """For each of the STORED words (folded), the searched words it stands for, by index,
    with their likeness (1 for the same word, down to 0.8 for a typo or another ending)."""
    out = []
    for word in stored:
        if word not in words.seen:
            words.seen[word] = _stands_for(word, words)
        out.append(words.seen[word])
    return out


def _stands_for(word: str, words: Query) -> dict[int, float]:
    found = dict.fromkeys(words.index.get(word, ()), 1.0)
    for part in _PARTS.split(word) if not found else ():
        found |= dict.fromkeys(words.index.get(part, ()), 1.0)
    if found or len(word) < 4:
        return found
    for _, score, q in process.extract(  # one C loop over the searched words
        word, words.folded, scorer=fuzz.ratio, score_cutoff=_FUZZY, limit=None
    ):
        if len(words.folded[q]) >= 4:
            found[q] = score / 100
    for q in words.index.get(f"stem:{word[:5]}", ()) if len(word) >= 5 else ():
        searched = words.folded[q]
        stem = next((k for k, (x, y) in enumerate(zip(word, searched, strict=False)) if x != y), 99)
        if min(stem, len(word), len(searched)) >= 0.6 * min(len(word), len(searched)):
            found.setdefault(q, 0.8)  # `poisoned` for `poisoning`
    return found


def widen(text: str, spans: list[Span], a: int, b: int, least: int) -> Span:
    """Words A to B widened to LEAST words, preferring runs that stay in one sentence, then
    the same number of words either side, then more after than before."""
    if b - a >= least:
        return a, b
    grow = least - (b - a)
    choices = [(a - k, b + grow - k) for k in range(grow + 1)]
    choices = [(x, y) for x, y in choices if x >= 0 and y <= len(spans)] or [(a, b)]

    def cost(run: Span) -> tuple[int, int, int]:
        inner = text[spans[run[0]][0] : spans[run[1] - 1][1]]
        before, after = a - run[0], run[1] - b
        return (len(_SENTENCE_END.findall(inner)), abs(after - before), before)

    return min(choices, key=cost)


_SENTENCE_END = re.compile(r"[.!?][\"”’»)]*\s")


def covering(spans: list[Span], found: list[dict[int, float]], words: Query, longest: int) -> Span:
    """The shortest run of SPANS (as word indices) holding the most of the searched words'
    weight (FOUND, as `hits` gives it), no longer than LONGEST characters nor than a few
    words more than twice the words searched (then it is not one passage)."""
    at = [k for k, h in enumerate(found) if h]
    most = 2 * len(words.folded) + 8
    best = (-1.0, 0, at[0], at[0] + 1)
    for i, a in enumerate(at):
        held: dict[int, float] = {}
        weight = 0.0
        for b in at[i:]:
            if spans[b][1] - spans[a][0] > longest or b - a >= most:
                break
            for q, s in found[b].items():
                if s > held.get(q, 0.0):
                    weight += len(words.folded[q]) * (s - held.get(q, 0.0))
                    held[q] = s
            if (round(weight, 6), a - b) > best[:2]:
                best = (round(weight, 6), a - b, a, b + 1)
    return best[2], best[3]


def held(found: list[dict[int, float]], a: int, b: int) -> dict[int, float]:
    """The searched words words A to B hold (of FOUND, as `hits` gives it), best likeness."""
    best: dict[int, float] = {}
    for h in found[a:b]:
        for q, s in h.items():
            best[q] = max(best.get(q, 0.0), s)
    return best



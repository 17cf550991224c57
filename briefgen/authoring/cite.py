"""Authoring aid: find the stored passage an editor means, and write the cite line for it.

Why: every statement needs a verbatim excerpt, and finding it by hand (search the source,
copy exactly, fix the quote marks) is the slowest part of writing a sheet. Here the
sheet's stored sources are ranked against the searched words (paragraphs first, by
partial alignment with rapidfuzz and by how many of the words they hold), then inside the
best paragraphs the shortest run of whole words that holds the most searched words (each
matched as a word, exactly or within a typo) becomes the excerpt, at least MIN_WORDS
long; words it does not hold are named. Paragraphs are `StoredText.paragraphs`, the rule
the sources page and `check` use; a soft wrap inside an excerpt is pasted as one space.
The paste line is checked with the same code `check` uses (`passages.find`) before it is
offered, and its excerpt is a YAML
double-quoted scalar with every invisible character escaped, so any text (quotes,
backslashes, zero-width spaces, bidi marks) round-trips exactly. Pure but for reading the
sheet and its sources; a phrase longer than an excerpt may be, or a search that runs past
MAX_SECONDS, is a plain error (BG802).
"""

from __future__ import annotations

import re
import shlex
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from briefgen.authoring import matching
from briefgen.authoring.matching import Query
from briefgen.errors import UNSAFE, BriefError, Diagnostic, Location
from briefgen.verify.passages import Span, find, fold, normalise, unwrapped, word_spans
from briefgen.verify.provenance import MIN_WORDS
from briefgen.verify.sources import StoredText, read_sources

THRESHOLD = 60.0  # % alike; below it nothing is offered
MAX_PHRASE = 1000  # characters: the longest excerpt the schema allows
MAX_SECONDS = 5.0  # a search past it stops with BG802 (the bounds below keep it far under)
_LONGEST = {"excerpt": 1000, "quote": 500}  # characters, as the schema allows
_SHORTLIST = 12  # paragraphs by partial alignment, and as many by words held
_ALIGN = 100  # characters of the phrase aligned with each paragraph (the rest costs time)
_HUGE = 50_000  # characters: a paragraph past it is ranked by the words it holds only
_CONTEXT = 12  # words shown either side of a match


@dataclass(frozen=True)
class Passage:
    """One candidate: where it is, how alike it is, and the exact stored text to cite."""

    source: str
    paragraph: int  # 1-based, as the sources page numbers them
    line: int
    score: float  # 0-100
    before: str  # up to _CONTEXT words before the match ("… " if cut; a space if one was)
    match: str  # the exact stored text: what the excerpt or quote holds
    after: str
    missing: tuple[str, ...] = field(default=())  # searched words the match does not hold

    def as_dict(self) -> dict[str, object]:
        """Plain data for `cite --format json` (keys documented in the README)."""
        return {
            "source": self.source,
            "paragraph": self.paragraph,
            "line": self.line,
            "score": round(self.score, 1),
            "before": self.before,
            "match": self.match,
            "after": self.after,
            "missing": list(self.missing),
        }


def search(sheet: Path, phrase: str, *, what: str = "excerpt", limit: int = 3) -> list[Passage]:
    """The LIMIT passages of SHEET's stored sources most like PHRASE, best first.

    Raises BriefError: BG802 for a phrase too long or without words (or a search past
    MAX_SECONDS), BG800 when no source is readable and BG801 when nothing is alike.
    """
    query = _query(sheet, phrase)
    deadline = time.monotonic() + MAX_SECONDS
    stored = _stored(sheet)
    found: list[Passage] = []
    for ident, paragraph, span in _shortlist(stored, query, limit):
        if time.monotonic() > deadline:
            raise _bounded(sheet, f"the search took more than {MAX_SECONDS:.0f} s and was stopped")
        text = stored[ident].text
        assert text is not None
        if (best := _best_window(text, span, query, what)) is not None:
            found.append(_passage(ident, paragraph, text, span, query, *best))
    found.sort(key=lambda p: -p.score)  # stable: ties keep source, then paragraph order
    found = [p for p in found if p.score >= THRESHOLD][:limit]
    if not found:
        raise BriefError(
            Diagnostic(
                Location(str(sheet)),
                "BG801",
                f'no passage of {", ".join(sorted(stored))} is like "{_shown(phrase)}"',
                "search for fewer, more distinctive words as the source writes them",
            )
        )
    return found


def _shown(phrase: str) -> str:
    """PHRASE, or its first 80 characters and an ellipsis: a message stays a line or two."""
    return phrase if len(phrase) <= 80 else phrase[:80].rstrip() + "…"


def paste_line(passage: Passage, what: str = "excerpt") -> str:
    """The line to paste into the sheet: `{source: S1, excerpt: "…"}` or `quote: "…"`."""
    text = _double_quoted(passage.match)
    if what == "quote":
        return f"quote: {text}"
    return f"{{source: {_plain_or_quoted(passage.source)}, excerpt: {text}}}"


def _query(sheet: Path, phrase: str) -> Query:
    """PHRASE's words; a phrase longer than an excerpt may be, or without words, is BG802."""
    if len(phrase) > MAX_PHRASE:
        raise _bounded(
            sheet, f"the phrase is {len(phrase):,} characters long; at most {MAX_PHRASE:,} are read"
        )
    found = matching.query(phrase)
    if found is None:
        raise _bounded(sheet, "the phrase has no words to search for")
    return found


def _bounded(sheet: Path, message: str) -> BriefError:
    return BriefError(
        Diagnostic(
            Location(str(sheet)),
            "BG802",
            message,
            "search for a few distinctive words of the passage, as the source writes them",
        )
    )


def _stored(sheet: Path) -> dict[str, StoredText]:
    """The readable stored sources of SHEET, even when the sheet does not validate yet."""
    from briefgen.authoring.draft import draft

    brief, _ = draft(sheet)
    stored = {k: v for k, v in read_sources(brief, sheet.parent).items() if v.text is not None}
    if not stored:
        raise BriefError(
            Diagnostic(
                Location(str(sheet)),
                "BG800",
                "no source of the sheet has a readable stored file",
                f"store one: briefgen sources add {shlex.quote(str(sheet.parent))} FILE-OR-URL",
            )
        )
    return stored


def _shortlist(
    stored: dict[str, StoredText], query: Query, limit: int
) -> list[tuple[str, int, Span]]:
    """The paragraphs worth reading word by word: the best aligned with the phrase (its
    first _ALIGN characters), and those holding the most searched words (out of order, as
    an editor types them). Every step is one pass over the text, whatever the phrase."""
    keys: list[tuple[str, int, Span]] = []
    texts: list[str] = []
    for ident in sorted(stored):
        got = stored[ident]
        assert got.text is not None
        for n, span in enumerate(got.paragraphs, start=1):
            keys.append((ident, n, span))
            texts.append(got.text[span[0] : span[1]].lower())  # a cheap fold, to rank only
    size = max(_SHORTLIST, 3 * limit)
    short = [t if len(t) <= _HUGE else "" for t in texts]  # a 2 MiB line: by its words only
    needle = query.needle[:_ALIGN]
    aligned = process.extract(needle, short, scorer=fuzz.partial_ratio, limit=size)
    parts = {p: len(p) for w in query.folded for p in _TOKENS.findall(w)}
    held = [(sum(map(len, parts.keys() & _TOKENS.findall(t))), i) for i, t in enumerate(texts)]
    held = sorted((h for h in held if h[0]), key=lambda h: (-h[0], h[1]))[:size]
    chosen = [i for _, _, i in sorted(aligned, key=lambda r: (-r[1], r[2]))]
    chosen += [i for _, i in held if i not in chosen]
    return [keys[i] for i in chosen]


_TOKENS = re.compile(r"\w+")


def _best_window(text: str, span: Span, query: Query, what: str) -> tuple[float, int, int] | None:
    """(score, start, end) of the shortest run of whole words in SPAN holding the most
    searched words, widened to MIN_WORDS; None unless `check` finds it as it stands."""
    lo, hi = matching.region(text, span, query)
    spans = [(a + lo, b + lo) for a, b in word_spans(text[lo:hi])]
    cut = (lo > span[0] and not text[lo - 1].isspace(), hi < span[1] and not text[hi].isspace())
    spans = spans[cut[0] : len(spans) - cut[1]]  # a word the region cut in two
    least = MIN_WORDS[what]
    if len(spans) < least:
        return None  # the paragraph is shorter than an excerpt may be
    hits = matching.hits([normalise(text[a:b]) for a, b in spans], query)
    if not any(hits):
        return None
    a, b = matching.covering(spans, hits, query, _LONGEST[what] - 2)
    a, b = matching.widen(text, spans, a, b, least)  # too short to verify on its own
    start, end = _balanced(text, spans[a][0], spans[b - 1][1])
    region = fold(text[lo:hi])  # what `check` folds, here only around the passage
    hit = find(fold(text[start:end]), text[lo:hi], region)
    if hit is None or hit.problem or end - start > _LONGEST[what]:
        return None
    held = matching.held(hits, a, b)
    cover = sum(len(query.folded[q]) * s for q, s in held.items()) / query.weight
    tight = min(1.0, (len(query.folded) + 2) / (b - a))  # words around them cost a little
    return 100 * cover * (0.6 + 0.4 * tight), start, end


_PAIRS = {"“": "”", "«": "»", '"': '"'}


def _balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """START, END widened by one quotation mark when the passage would open or close a
    quotation without the other mark (`open “a fine relationship` → `…relationship”`)."""
    for opener, closer in _PAIRS.items():
        part = text[start:end]
        unbalanced = (
            part.count(opener) % 2 if opener == closer else part.count(opener) - part.count(closer)
        )
        if unbalanced and text[end : end + 1] == closer:
            end += 1
        elif unbalanced and text[start - 1 : start] == opener and start > 0:
            start -= 1
    return start, end


def _passage(
    ident: str, paragraph: int, text: str, span: Span, query: Query, *found: float | int
) -> Passage:
    score, start, end = float(found[0]), int(found[1]), int(found[2])
    head = text[max(span[0], start - 2000) : start]  # enough for _CONTEXT words
    tail = text[end : min(span[1], end + 2000)]
    shown_head = " ".join(head.split()[-_CONTEXT:]) + " " * (head[-1:].isspace())
    shown_tail = " " * (tail[:1].isspace()) + " ".join(tail.split()[:_CONTEXT])
    if len(head.split()) > _CONTEXT:
        shown_head = "… " + shown_head
    if len(tail.split()) > _CONTEXT:
        shown_tail += " …"
    line = text.count("\n", 0, start) + 1
    match = text[start:end]
    inside = matching.hits([normalise(match[a:b]) for a, b in word_spans(match)], query)
    held = {q for h in inside for q in h}
    missing = tuple(w for q, w in enumerate(query.typed) if q not in held)
    shown = unwrapped(match)  # a soft wrap inside the paragraph: one space
    return Passage(ident, paragraph, line, score, shown_head, shown, shown_tail, missing)


def _double_quoted(text: str) -> str:
    """TEXT as one YAML double-quoted scalar on one line: any character round-trips, and
    every one a terminal would hide or act on is written as an escape (`\\u200b`)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif _hidden(char):
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _hidden(char: str) -> bool:
    """Controls, format characters (zero-width space, soft hyphen, bidi marks), spaces
    other than the plain one (no-break space), separators, surrogates, private use and
    unassigned code points: what a reader cannot see or a terminal would act on."""
    kind = unicodedata.category(char)
    return kind in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (
        (kind == "Zs" and char != " ") or bool(UNSAFE.match(char))
    )


def _plain_or_quoted(ident: str) -> str:
    """A source id as written in sheets (S1); quoted when YAML would read it otherwise."""
    import yaml

    return ident if yaml.safe_load(ident) == ident else _double_quoted(ident)

"""Authoring aid: find the stored passage an editor means, and write the cite line for it.

Why: every statement needs a verbatim excerpt, and finding it by hand (search the source,
copy exactly, fix the quote marks) is the slowest part of writing a sheet. Here the
sheet's stored sources are ranked against a phrase with rapidfuzz (paragraphs first by
partial alignment, then windows of whole words inside the best ones), and the best window
is returned as the exact stored text (a soft wrap inside its paragraph as one space), on
word boundaries and at least MIN_WORDS long. Paragraphs are `StoredText.paragraphs`, the
rule the sources page and `check` use. The ready-to-paste line is checked with the same
code `check` uses (`provenance._passage`'s `find`) before it is offered, and its excerpt is
a YAML double-quoted scalar, so any text (quotes, colons, backslashes) round-trips. Pure
but for reading the sheet and its sources.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from briefgen.errors import BriefError, Diagnostic, Location
from briefgen.verify.passages import Span, find, fold, normalise, unwrapped, word_spans
from briefgen.verify.provenance import MIN_WORDS
from briefgen.verify.sources import StoredText, read_sources

THRESHOLD = 60.0  # % alike (rapidfuzz ratio of folded texts); below it nothing is offered
_SHORTLIST = 12  # paragraphs ranked by partial alignment before word windows are compared
_CONTEXT = 12  # words shown either side of a match
_LONG = 400  # words: past it a paragraph is searched only around its best alignment


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
        }


def search(sheet: Path, phrase: str, *, what: str = "excerpt", limit: int = 3) -> list[Passage]:
    """The LIMIT passages of SHEET's stored sources most like PHRASE, best first.

    Raises BriefError (BG800) when no source is readable and BG801 when nothing is alike.
    """
    stored = _stored(sheet)
    needle = normalise(phrase)
    size = max(1, len(word_spans(phrase)))
    found: list[Passage] = []
    for ident, paragraph, span in _shortlist(stored, needle, limit):
        got = stored[ident]
        assert got.text is not None
        if (best := _best_window(got, span, needle, size, what)) is not None:
            found.append(_passage(ident, paragraph, got.text, span, *best))
    found.sort(key=lambda p: -p.score)  # stable: ties keep source, then paragraph order
    found = [p for p in found if p.score >= THRESHOLD][:limit]
    if not found:
        raise BriefError(
            Diagnostic(
                Location(str(sheet)),
                "BG801",
                f'no passage of {", ".join(sorted(stored))} is like "{phrase}"',
                "search for fewer, more distinctive words as the source writes them",
            )
        )
    return found


def paste_line(passage: Passage, what: str = "excerpt") -> str:
    """The line to paste into the sheet: `{source: S1, excerpt: "…"}` or `quote: "…"`."""
    text = _double_quoted(passage.match)
    if what == "quote":
        return f"quote: {text}"
    return f"{{source: {_plain_or_quoted(passage.source)}, excerpt: {text}}}"


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
                "list the sources with their `file:` under sources/ (briefgen new --source)",
            )
        )
    return stored


def _shortlist(
    stored: dict[str, StoredText], needle: str, limit: int
) -> list[tuple[str, int, Span]]:
    """The paragraphs worth comparing word by word: best partial alignment first."""
    keys: list[tuple[str, int, Span]] = []
    texts: list[str] = []
    for ident in sorted(stored):
        got = stored[ident]
        assert got.text is not None
        for n, span in enumerate(got.paragraphs, start=1):
            keys.append((ident, n, span))
            texts.append(normalise(got.text[span[0] : span[1]]))
    ranked = process.extract(
        needle, texts, scorer=fuzz.partial_ratio, limit=max(_SHORTLIST, 3 * limit)
    )
    return [keys[i] for _, _, i in sorted(ranked, key=lambda r: (-r[1], r[2]))]


def _best_window(
    got: StoredText, span: Span, needle: str, size: int, what: str
) -> tuple[float, int, int] | None:
    """(score, start, end) of the window of whole words in SPAN most like NEEDLE that
    `check` finds again as it stands; windows run from a few words fewer to a few more."""
    assert got.text is not None
    assert got.folded is not None
    text = got.text
    spans = word_spans(text, *span)
    if len(spans) > _LONG:
        spans = _around(got, span, spans, needle)
    least = MIN_WORDS[what]
    if len(spans) < least:
        return None  # the paragraph is shorter than an excerpt may be
    windows = [
        (k, k + width)
        for width in range(max(1, size - 2), size + 4)
        for k in range(len(spans) - width + 1)
    ]
    choices = [normalise(text[spans[a][0] : spans[b - 1][1]]) for a, b in windows]
    for _, score, i in sorted(
        process.extract(needle, choices, scorer=fuzz.ratio, limit=20),
        key=lambda r: (-r[1], r[2]),
    ):
        a, b = windows[i]
        while b - a < least:  # too short to verify: take the words that follow (or precede)
            a, b = (a, b + 1) if b < len(spans) else (a - 1, b)
        start, end = _balanced(text, spans[a][0], spans[b - 1][1])
        hit = find(fold(text[start:end]), text, got.folded)
        if hit is not None and not hit.problem:  # what `check` will accept
            return float(score), start, end
    return None


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


def _around(got: StoredText, span: Span, spans: list[Span], needle: str) -> list[Span]:
    """The words of a long paragraph near its best partial alignment with NEEDLE.

    Why: windows of every width at every word of a 2 MiB one-line source are millions of
    strings (16 s, 650 MB); rapidfuzz's alignment says where to look."""
    assert got.folded is not None
    starts = got.folded.starts
    k0, k1 = bisect_left(starts, span[0]), bisect_left(starts, span[1])
    found = fuzz.partial_ratio_alignment(needle, got.folded.text[k0:k1])
    if found is None or found.dest_end <= found.dest_start:
        return spans[:_LONG]
    lo = starts[k0 + found.dest_start] - 2 * len(needle) - 40
    hi = got.folded.ends[k0 + found.dest_end - 1] + 2 * len(needle) + 40
    return [s for s in spans if s[1] > lo and s[0] < hi]


def _passage(
    ident: str, paragraph: int, text: str, span: Span, score: float, start: int, end: int
) -> Passage:
    head, tail = text[span[0] : start], text[end : span[1]]
    shown_head = " ".join(head.split()[-_CONTEXT:]) + " " * (head[-1:].isspace())
    shown_tail = " " * (tail[:1].isspace()) + " ".join(tail.split()[:_CONTEXT])
    if len(head.split()) > _CONTEXT:
        shown_head = "… " + shown_head
    if len(tail.split()) > _CONTEXT:
        shown_tail += " …"
    line = text.count("\n", 0, start) + 1
    match = unwrapped(text[start:end])  # a soft wrap inside the paragraph: one space
    return Passage(ident, paragraph, line, score, shown_head, match, shown_tail)


def _double_quoted(text: str) -> str:
    """TEXT as one YAML double-quoted scalar on one line: any character round-trips."""
    dumped = yaml.dump(text, default_style='"', width=1 << 30, allow_unicode=True)
    return dumped.removesuffix("\n").removesuffix("...").rstrip("\n")


def _plain_or_quoted(ident: str) -> str:
    """A source id as written in sheets (S1); quoted when YAML would read it otherwise."""
    return ident if yaml.safe_load(ident) == ident else _double_quoted(ident)

"""The page's sources: the numbered list under the briefing, and the sources page's texts
with every passage `check` found highlighted. Pure.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from briefgen.compose.page import Piece, SourceEntry, SourceText
from briefgen.schema.cites import item_id
from briefgen.schema.kinds import budgets
from briefgen.schema.model import UNKNOWN, Brief, Source
from briefgen.schema.wording import format_date, join
from briefgen.sheet.load import Path_
from briefgen.verify.passages import Span
from briefgen.verify.provenance import Found
from briefgen.verify.sources import StoredText


def source_entries(brief: Brief, numbers: Mapping[str, int]) -> tuple[SourceEntry, ...]:
    """The source list, in the reader's order."""
    ordered = sorted(brief.sources, key=lambda s: numbers[s.id])
    return tuple(_source_entry(s, numbers[s.id]) for s in ordered)


def _source_entry(s: Source, n: int) -> SourceEntry:
    """Publisher. “Title.” Date (note). Type, reliability."""
    publisher = "Publisher unknown" if s.publisher == UNKNOWN else s.publisher
    date = "Undated" if s.published == UNKNOWN else _unbroken(format_date(s.published))
    if s.accessed:
        date += f", accessed {_unbroken(format_date(s.accessed))}"
    title = s.title if s.title.endswith(("?", "!", ".")) else f"{s.title}."
    parts = [f"{publisher}.", f"“{title}”"]
    if s.author and s.author.strip().rstrip(".") != s.publisher.strip().rstrip("."):
        parts.insert(0, f"{s.author}.")  # an outlet that is its own author is named once
    parts.append(f"{date}" + (f" ({s.date_note.rstrip('.')})" if s.date_note else "") + ".")
    detail = join(
        s.type.replace("-", " "),
        f"reliability {s.reliability}" if s.reliability else "",
        s.language or "",
        s.notes or "",
    )
    parts.append(detail[0].upper() + detail[1:] + "." if detail else "")
    gone = s.withdrawal if s.status == "withdrawn" else None
    if gone is not None:  # on every page that lists it, so no reader takes it as current
        when = _unbroken(format_date(gone.date))
        parts.append(f"**Withdrawn {when}:** {gone.reason.rstrip('.')}.")
    return SourceEntry(n, s.id, " ".join(p for p in parts if p), s.url, s.file)


def _unbroken(date: str) -> str:
    """'18 February 2005' that no line break splits: its spaces are no-break spaces."""
    return date.replace(" ", "\u00a0")


def source_texts(
    brief: Brief,
    numbers: Mapping[str, int],
    evidence: Mapping[Path_, Found],
    stored: Mapping[str, StoredText],
) -> tuple[SourceText, ...]:
    """Each stored source text in the page's [n] order, its paragraphs cut at the edges of
    the passages found in it (no texts: no sources page)."""
    if not stored:
        return ()
    texts = []
    for s in sorted(brief.sources, key=lambda s: numbers[s.id]):
        got = stored.get(s.id)
        paragraphs = _highlighted(got, s.id, brief, evidence) if got else ()
        texts.append(
            SourceText(s.id, numbers[s.id], s.title, s.publisher, s.url, s.file, paragraphs)
        )
    return tuple(texts)


def _highlighted(
    got: StoredText, source: str, brief: Brief, evidence: Mapping[Path_, Found]
) -> tuple[tuple[Piece, ...], ...]:
    """The paragraphs of GOT, each cut into pieces at the edges of the passages found in it."""
    if got.text is None:
        return ()
    found = {
        ((f.start, f.end), (item_id(brief, path), label(brief, path)))
        for path, f in evidence.items()
        if f.source == source
    }
    spans = sorted(  # one back-link per item: a quote inside its own excerpt needs none
        ((s, e), item)
        for (s, e), item in found
        if not any(i == item and a <= s and e <= b and (a, b) != (s, e) for (a, b), i in found)
    )
    return tuple(_pieces(got.text, paragraph, spans) for paragraph in got.paragraphs)


def label(brief: Brief, path: Path_) -> str:
    """The item at PATH as the reader knows it on the page: its section's heading, with
    its place in a list of several ('Key facts 2'), or a judgment's own number ('J1')."""
    section = str(path[0])
    heading = budgets(brief.KIND)[section].heading
    value = getattr(brief, section)
    if not isinstance(value, list):
        return heading
    if section == "assessments":
        return str(value[int(path[1])].id)
    return f"{heading} {int(path[1]) + 1}" if len(value) > 1 else heading


Back = tuple[str, str]  # an item's anchor and its label


def _pieces(text: str, paragraph: Span, spans: list[tuple[Span, Back]]) -> tuple[Piece, ...]:
    lo, hi = paragraph
    inner = [
        ((max(s, lo), min(e, hi)), item, e <= hi) for (s, e), item in spans if s < hi and e > lo
    ]
    cuts = sorted({lo, hi, *(p for (s, e), _, _ in inner for p in (s, e))})
    pieces = []
    for a, b in itertools.pairwise(cuts):
        marked = any(s <= a and b <= e for (s, e), _, _ in inner)
        ends = tuple(item for (_, e), item, last in inner if last and e == b)
        pieces.append(Piece(text[a:b], marked, ends))
    return tuple(pieces)

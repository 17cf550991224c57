"""Stage 3d, freshness: what a sheet says may have gone stale, or rests on a withdrawn source.

Why on the fact, not the page: a page's age says little about any one figure on it, so an
item (or a source) carries its own `review_by` date, a source its `valid_until`, and a
source that was rescinded or discredited is marked `status: withdrawn`. Given the build
date TODAY (an input, never the clock: the same sheet and the same day give the same
findings), this module finds every item that is due for review, every item that cites a
withdrawn source, and every judgment resting on such an item (the bottom line that states
a flagged judgment). `check` reports them as positioned warnings; `compose` marks the
same items on the page. Pure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from briefgen.errors import Diagnostic
from briefgen.schema.budgets import items_of
from briefgen.schema.cites import MENTION, item_id
from briefgen.schema.kinds import sections
from briefgen.schema.model import Brief, Excerpt
from briefgen.sheet.load import Path_, SourceMap, dotted
from briefgen.verify.chronology import after

REVIEW, EXPIRED, WITHDRAWN, RESTS = "BG350", "BG351", "BG352", "BG353"


@dataclass(frozen=True)
class Flag:
    """One finding: the item (or source) at PATH, its page id, a code and the reader's note."""

    path: Path_
    item: str  # the item's page id ('' for a source)
    code: str
    note: str  # what the page says next to the item, e.g. "Review due 2026-12-01"
    message: str  # what `check` says


def flags(brief: Brief, today: str | None) -> tuple[Flag, ...]:
    """Every flag of BRIEF on the day TODAY (None: no date has passed), by document path."""
    return tuple(sorted([*_stale(brief, today), *_withdrawn(brief)], key=_order))


def check(brief: Brief, where: SourceMap, today: str | None) -> list[Diagnostic]:
    """The flags of BRIEF as warnings, each at its field."""
    found = []
    for flag in flags(brief, today):
        field = {REVIEW: "review_by", EXPIRED: "valid_until"}.get(flag.code, "cite")
        at = where.at((*flag.path, field)) if flag.code != RESTS else where.at(flag.path)
        found.append(Diagnostic(at, flag.code, flag.message, _HINTS[flag.code], "warning"))
    return found


_HINTS = {
    REVIEW: "check the statement against current sources, then move or remove review_by",
    EXPIRED: "cite a current source instead, or remove the items that rest on this one",
    WITHDRAWN: "re-source the item (cite another source) or remove it",
    RESTS: "re-source the judgment it states, or state another judgment",
}


def _order(flag: Flag) -> tuple[str, ...]:
    return (*(f"{p:08d}" if isinstance(p, int) else p for p in flag.path), flag.code)


def _items(brief: Brief) -> Iterator[tuple[Path_, str, object]]:
    """(document path, page id, item) of every item of every section."""
    for section in sections(brief):
        listed = isinstance(getattr(brief, section, None), list)
        for i, item in enumerate(items_of(brief, section)):
            path: Path_ = (section, i) if listed else (section,)
            ident = getattr(item, "id", None) if listed else item_id(brief, path)
            if isinstance(ident, str):  # a salvaged item without its id is not flagged
                yield path, ident, item


def _stale(brief: Brief, today: str | None) -> Iterator[Flag]:
    if not today:
        return
    for path, ident, item in _items(brief):
        due = getattr(item, "review_by", None)
        if due and after(today, due):
            yield Flag(
                path, ident, REVIEW, f"Review due {due}",
                f"{f'{path[0]} {ident}' if len(path) > 1 else dotted(path)} was due for "
                f"review by {due} (today is {today})",
            )
    for i, source in enumerate(brief.sources):
        for name, code in (("review_by", REVIEW), ("valid_until", EXPIRED)):
            due = getattr(source, name, None)
            if due and after(today, due):
                what = "due for review by" if code == REVIEW else "valid only until"
                sid = getattr(source, "id", f"sources[{i}]")
                yield Flag(
                    ("sources", i), "", code, f"Source {sid} {what} {due}",
                    f"source {sid} is {what} {due} (today is {today})",
                )


def cited_sources(item: object) -> set[str]:
    """The source ids ITEM rests on: its `cite` entries and every `[S1]` in its texts."""
    found: set[str] = set()
    for ref in getattr(item, "cite", None) or ():
        found.add(ref.source if isinstance(ref, Excerpt) else ref)
    dump = item.model_dump() if hasattr(item, "model_dump") else {}
    for text in _texts(dump):
        for m in MENTION.finditer(text):
            found.update(i.strip() for i in m.group(1).split(","))
    return found


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)


def _withdrawn(brief: Brief) -> Iterator[Flag]:
    gone = {
        s.id: s
        for s in brief.sources
        if getattr(s, "status", "") == "withdrawn" and isinstance(getattr(s, "id", None), str)
    }
    if not gone:
        return
    judged: dict[str, str] = {}  # flagged judgment id → the withdrawn sources it cites
    for path, ident, item in _items(brief):
        hit = sorted(cited_sources(item) & set(gone))
        if not hit:
            continue
        named = ", ".join(hit)
        when = "; ".join(
            f"{s} withdrawn {w.date}: {w.reason}"
            for s in hit
            if (w := getattr(gone[s], "withdrawal", None)) is not None
        )
        what = f"{path[0]} {ident}" if len(path) > 1 else dotted(path)
        if path[0] == "assessments":
            judged[ident] = named
            what = f"judgment {ident}"
        yield Flag(
            path, ident, WITHDRAWN, "Cites a withdrawn source",
            f"{what} cites withdrawn source {named} ({when})",
        )
    bottom = getattr(brief, "bottom_line", None)
    stated = getattr(bottom, "judgment", None)
    if stated in judged:
        yield Flag(
            ("bottom_line",), item_id(brief, ("bottom_line",)), RESTS,
            "States a judgment resting on a withdrawn source",
            f"bottom_line states judgment {stated}, which cites withdrawn source "
            f"{judged[stated]}",
        )


def next_due(brief: Brief, today: str | None) -> str | None:
    """The earliest review or validity date of BRIEF that has not passed on TODAY: the day
    after it, the page changes (a build then rebuilds it to mark the item)."""
    if not today:
        return None
    dates = [getattr(item, "review_by", None) for _, _, item in _items(brief)]
    for source in brief.sources:
        dates += [getattr(source, "review_by", None), getattr(source, "valid_until", None)]
    return min((d for d in dates if d and not after(today, d)), default=None)

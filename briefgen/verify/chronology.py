"""Stage 3c, chronology: the sheet's dates agree with each other.

Why errors, not warnings: an event that ends before it starts, an issue's `since` or a
profile's `as_of` after the day the brief was written (only an event has an end), an
information cut-off after that day, or a source published after that cut-off means a
date is wrong, and a dated page would state it as fact. Partial dates are compared only
as far as both go: `2018-07` is neither before nor after `2018-07-16`.
"""

from __future__ import annotations

from collections.abc import Iterator

from briefgen.errors import Diagnostic
from briefgen.schema.model import UNKNOWN, Brief
from briefgen.sheet.load import SourceMap, dotted


def check(brief: Brief, where: SourceMap) -> list[Diagnostic]:
    """Every date-order error of BRIEF (also of a salvaged one: absent dates are skipped)."""
    return [*_event(brief, where), *_cut_off(brief, where)]


def after(later: str | None, earlier: str | None) -> bool:
    """True only when LATER is certainly after EARLIER (ISO dates, partial allowed)."""
    if not later or not earlier or UNKNOWN in (later, earlier):
        return False
    n = min(len(later), len(earlier))
    return later[:n] > earlier[:n]


def _event(brief: Brief, where: SourceMap) -> Iterator[Diagnostic]:
    event = getattr(brief.briefing, "event", None)  # only an event brief has one
    start, end = getattr(event, "start_date", None), getattr(event, "end_date", None)
    if after(start, end):
        yield Diagnostic(
            where.at(("briefing", "event", "end_date")),
            "BG316",
            f"briefing.event.end_date {end} is before its start_date {start}",
            "swap them, or correct the month or day",
        )


def _subject(brief: Brief, where: SourceMap, written: str | None) -> Iterator[Diagnostic]:
    """An issue's `since` or a profile's `as_of` after the day the brief was written."""
    for key, name in (("issue", "since"), ("country", "as_of"), ("organization", "as_of")):
        date = getattr(getattr(brief.briefing, key, None), name, None)
        if after(date, written):
            yield Diagnostic(
                where.at(("briefing", key, name)),
                "BG321",
                f"briefing.{key}.{name} {date} is after the day the brief was prepared, {written}",
                "a brief describes what was known when it was written; check the year",
            )


def _cut_off(brief: Brief, where: SourceMap) -> Iterator[Diagnostic]:
    prepared = brief.briefing.prepared
    written, as_of = getattr(prepared, "date", None), getattr(prepared, "as_of", None)
    yield from _subject(brief, where, written)
    if after(as_of, written):
        yield Diagnostic(
            where.at(("briefing", "prepared", "as_of")),
            "BG317",
            f"briefing.prepared.as_of {as_of} is after the day the brief was prepared, {written}",
            "the information cut-off is at most prepared.date",
        )
    # Each date the sheet says its information is current to (the cut-off, a profile's own
    # as_of) is a claim no cited source may postdate; without one, the day it was prepared.
    stated = [(p, d) for p, d in _as_of_dates(brief) if d]
    cut_off = min((d for _, d in stated), default=written, key=lambda d: d or "")
    field = next((p for p, d in stated if d == cut_off), None)
    what = (
        "the day the brief was prepared,"
        if field is None
        else "the as-of date"
        if field[1] == "prepared"
        else "the profile's as-of date"
    )
    for i, source in enumerate(brief.sources):
        published = getattr(source, "published", None)
        if after(published, cut_off):
            yield Diagnostic(
                where.at(("sources", i, "published")),
                "BG408",
                f"source {getattr(source, 'id', i + 1)} was published ({published})"
                f" after {what} {cut_off}",
                f"move {dotted(field[1:])}, or drop the source and the facts taken from it"
                if field
                else "check the date; a brief cannot cite what was published after it",
            )


def _as_of_dates(brief: Brief) -> list[tuple[tuple[str, ...], str | None]]:
    """The information cut-off and a profile's own as_of, where the sheet has them."""
    prepared = getattr(brief.briefing.prepared, "as_of", None)
    found: list[tuple[tuple[str, ...], str | None]] = [
        (("briefing", "prepared", "as_of"), prepared)
    ]
    for key in ("country", "organization"):
        subject = getattr(brief.briefing, key, None)
        found.append((("briefing", key, "as_of"), getattr(subject, "as_of", None)))
    return found

"""How the sheet's values read on the page: dates written out, choices as words. Pure.

Why apart from the view: these are the page's wording, shared by the view, the site's
index and feed, and kept in one place so every format says the same thing.
"""

from __future__ import annotations

from briefgen.model import UNKNOWN, Brief

PURPOSE = {
    "inform": "To inform",
    "prepare-meeting": "To prepare a meeting",
    "decision": "For decision",
}
CREDIBILITY = {  # Admiralty code, information credibility 1–6 (briefing-format.md §4.5)
    1: "confirmed",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "cannot be judged",
}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def credibility(value: int | None) -> str:
    """Admiralty information credibility (briefing-format.md §4.5), number and meaning."""
    return f"credibility {value}: {CREDIBILITY[value]}" if value else ""


def meta(brief: Brief) -> tuple[str, ...]:
    """The line under the title: event, date, place, who prepared it, cut-off, for whom, why."""
    b = brief.briefing
    place = join(
        b.event.location.venue or "", b.event.location.city or "", b.event.location.country or ""
    )
    when = format_date(b.event.start_date)
    if b.event.end_date:
        when += f" – {format_date(b.event.end_date)}"
    if b.event.date_note:
        when += f" ({b.event.date_note.rstrip('.')})"
    prepared = f"Prepared {format_date(b.prepared.date)}" + (
        f" by {b.prepared.by}" if b.prepared.by else ""
    )
    return tuple(
        p
        for p in (
            f"Event: {b.event.name}",
            when,
            place,
            prepared,
            f"As of {format_date(b.prepared.as_of)}" if b.prepared.as_of else "",
            f"For {b.audience}" if b.audience else "",
            PURPOSE[b.purpose],
        )
        if p
    )


def format_date(value: str | None) -> str:
    """'2018-07-16' → '16 July 2018', '2018-07' → 'July 2018'; no locale involved."""
    if not value or value == UNKNOWN:
        return "undated" if value == UNKNOWN else ""
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    return f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)

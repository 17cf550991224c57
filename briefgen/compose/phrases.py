"""How the sheet's values read on the page: dates written out, choices as words. Pure.

Why apart from the view: these are the page's wording, shared by the view, the site's
index and feed, and kept in one place so every format says the same thing.
"""

from __future__ import annotations

from briefgen.schema.kinds import (
    CountryBriefing,
    EventBriefing,
    IssueBriefing,
    OrganizationBriefing,
)
from briefgen.schema.model import UNKNOWN, Brief

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
    """The line under the title: what the brief is about (its kind's header line), who
    prepared it, cut-off, for whom, why."""
    b = brief.briefing
    prepared = f"Prepared {format_date(b.prepared.date)}" + (
        f" by {b.prepared.by}" if b.prepared.by else ""
    )
    return tuple(
        p
        for p in (
            *headline(brief),
            prepared,
            f"As of {format_date(b.prepared.as_of)}" if b.prepared.as_of else "",
            f"For {b.audience}" if b.audience else "",
            PURPOSE[b.purpose],
        )
        if p
    )


def headline(brief: Brief) -> tuple[str, ...]:
    """The kind's header line, as the page and the site's index print it: only what the
    kind has (an issue brief names no place and no event date)."""
    b = brief.briefing
    if isinstance(b, IssueBriefing):
        names = {a.id: a.name for a in brief.actors}
        involved = join(*(names.get(x, x) for x in b.issue.involved))
        since = f"since {format_date(b.issue.since)}" if b.issue.since else ""
        return _present(f"Issue: {b.issue.name}", involved, since)
    if isinstance(b, CountryBriefing):
        code = f" ({b.country.code})" if b.country.code else ""
        return _present(
            f"Country profile: {b.country.name}{code}", f"as of {format_date(b.country.as_of)}"
        )
    if isinstance(b, OrganizationBriefing):
        o = b.organization
        acronym = f" ({o.acronym})" if o.acronym else ""
        return _present(
            f"Organisation profile: {o.name}{acronym}",
            o.headquarters or "",
            f"as of {format_date(o.as_of)}",
        )
    event = b.event
    when = format_date(event.start_date)
    if event.end_date:
        when += f" – {format_date(event.end_date)}"
    if event.date_note:
        when += f" ({event.date_note.rstrip('.')})"
    place = join(
        event.location.venue or "", event.location.city or "", event.location.country or ""
    )
    return _present(f"Event: {event.name}", when, place)


def keywords(brief: Brief) -> list[str]:
    """HTML and PDF keywords: the subject, and what the kind adds (an event's type,
    participants and country code; a country's code; an organisation's acronym)."""
    b = brief.briefing
    actors = {a.id: a for a in brief.actors}
    if isinstance(b, EventBriefing):
        e = b.event
        return [
            e.name,
            *([e.type] if e.type != "other" else []),
            *(actors[p].name for p in e.participants if p in actors),
            *([e.location.country_code] if e.location.country_code else []),
        ]
    if isinstance(b, IssueBriefing):
        return [b.issue.name, *(actors[x].name if x in actors else x for x in b.issue.involved)]
    if isinstance(b, CountryBriefing):
        return [b.country.name, *([b.country.code] if b.country.code else [])]
    return [b.organization.name, *([b.organization.acronym] if b.organization.acronym else [])]


def _present(*parts: str) -> tuple[str, ...]:
    return tuple(p for p in parts if p)


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

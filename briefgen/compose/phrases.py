"""How the sheet's values read on the page: dates written out, choices as words. Pure.

Why apart from composition: these are the page's wording, shared by the page, the site's
index and feed, and kept in one place so every format says the same thing.
"""

from __future__ import annotations

from briefgen.schema.model import Brief
from briefgen.schema.wording import format_date as format_date
from briefgen.schema.wording import join as join

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
    return brief.briefing.subject(_names(brief)).header


def keywords(brief: Brief) -> list[str]:
    """HTML and PDF keywords: the subject, and what the kind adds (an event's type,
    participants and country code; a country's code; an organisation's acronym)."""
    return list(brief.briefing.subject(_names(brief)).keywords)


def _names(brief: Brief) -> dict[str, str]:
    return {a.id: a.name for a in brief.actors}

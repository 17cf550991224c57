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
    prepared it, for whom, why. Its dates are the masthead's (`dates`), each said once."""
    b = brief.briefing
    return tuple(
        p
        for p in (
            *headline(brief),
            f"Prepared by {b.prepared.by}" if b.prepared.by else "",
            f"For {b.audience}" if b.audience else "",
            PURPOSE[b.purpose],
        )
        if p
    )


def current(brief: Brief) -> str:
    """The date the information is current to, written out, when it is not the day the
    brief was prepared ('' then, or when the sheet names none). A profile is as of its own
    date; a cut-off it also states, if another, follows: 'July 2018 (cut-off August 2018)'."""
    b = brief.briefing
    found = b.current()
    if found is None or found[1] == b.prepared.date:
        return ""
    cut_off, as_of = b.prepared.as_of or "", found[1]
    same = as_of.startswith(cut_off) or cut_off.startswith(as_of)  # 2018-07 and 2018-07-01
    also = f" (cut-off {format_date(cut_off)})" if cut_off and not same else ""
    return format_date(found[1]) + also


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

"""Stage 2b, messages for briefing kinds: a subject key or a section of another kind, an
unknown kind.

Why apart from messages.py: both depend on what kinds.py says (which key each kind uses,
which event types exist), and both must name the way out: the key this kind expects, or
the kind the key belongs to.
"""

from __future__ import annotations

import difflib

from pydantic_core import ErrorDetails

from briefgen.errors import Location
from briefgen.schema.headers import EVENT_TYPES
from briefgen.schema.kinds import KIND_LABELS, KINDS, OWNERS, TABLE, kind_of
from briefgen.sheet.load import Path_, SourceMap, dotted

Handled = tuple[str, str, str, Location]


def other_kind(name: str, data: object, at: Location) -> Handled:
    """`event:` in an issue brief: say which kind the key belongs to, and where this goes."""
    briefing = data.get("briefing") if isinstance(data, dict) else None
    declared = str(kind_of(briefing))
    return (
        "BG211",
        f"'{name}' describes a brief of kind {name}, but this briefing is kind {declared}",
        f"put this brief's subject under `{declared}:`, or set `kind: {name}`",
        at,
    )


def other_section(name: str, data: object, at: Location) -> Handled:
    """`obstacles:` in an issue brief: whose section it is, which this kind has instead.

    Why a message of its own: before each kind had its own sections (issue 20), every kind
    took the event's; a sheet written then gets this one finding per such section.
    """
    briefing = data.get("briefing") if isinstance(data, dict) else None
    declared = str(kind_of(briefing))
    owners = OWNERS[name]
    whose = " and ".join(f"{KIND_LABELS[k].lower()}s" for k in owners)
    own = ", ".join(TABLE[declared].sections) if declared in TABLE else ""
    label = KIND_LABELS.get(declared, declared).lower()
    return (
        "BG212",
        f"'{name}' is a section of {whose}; {_article(label)} {label} has {own}",
        f"move its items to one of those (or to key_facts), or set `kind: {owners[0]}`",
        at,
    )


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def bad_kind(e: ErrorDetails, path: Path_, where: SourceMap) -> Handled:
    """A `kind` that is none of KINDS (E's input is the briefing mapping)."""
    value = e.get("input")
    written = value.get("kind") if isinstance(value, dict) else None
    shown = repr(written[:60]) if isinstance(written, str) else str(written)
    close = difflib.get_close_matches(str(written), KINDS, n=1, cutoff=0.5)
    if close:
        hint = f"did you mean '{close[0]}'?"
    elif written in EVENT_TYPES:
        hint = f"{shown} is an event type: write it as event.type, with kind: event"
    else:
        hint = "leave `kind` out for an event"
    choices = ", ".join(f"'{k}'" for k in KINDS)
    return (
        "BG203",
        f"{dotted((*path, 'kind'))} must be one of {choices}, got {shown}",
        hint,
        where.at((*path, "kind")),
    )

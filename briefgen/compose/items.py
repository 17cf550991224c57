"""Stage 4, compose: each section's items as the page shows them, whatever the kind.

Why one builder per section: an agenda item, an indicator and an office each read their
own way ("**Population** — 144,000,000 people (2018)"), but every one becomes the same
`Item` (lead, text, note, extra, label), so the templates print every section with a few
shapes: a list, a paragraph (a section that is one object) and the positions table.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from briefgen.compose import phrases
from briefgen.compose.page import Cite, Item, Part
from briefgen.schema.cites import object_id
from briefgen.schema.kinds import TABLE, sections
from briefgen.schema.model import LIKELIHOOD, Actor, Brief
from briefgen.schema.wording import format_date, join

Marks = Callable[..., tuple[Cite, ...]]  # a cite list and its path → the item's markers


@dataclass(frozen=True)
class _Context:
    """What the builders share: actors by id, agenda topics by id."""

    actors: dict[str, Actor]
    topics: dict[str, str]

    def name(self, ident: str | None) -> str:
        """An actor id as the actor's name; any other text as written."""
        actor = self.actors.get(ident or "")
        return actor.name if actor else ident or ""

    def names(self, idents: Iterable[str]) -> str:
        return ", ".join(self.name(i) for i in idents)


def section_items(brief: Brief, marks: Marks) -> dict[str, tuple[Item, ...]]:
    """Every section of BRIEF but the bottom line, as items in sheet order."""
    ctx = _Context(
        {a.id: a for a in brief.actors},
        {a.id: a.topic for a in getattr(brief, "agenda", [])},
    )
    found: dict[str, tuple[Item, ...]] = {}
    for section in sections(brief)[1:]:
        build = _BUILDERS[section]
        value = getattr(brief, section, None)
        if isinstance(value, list):
            found[section] = tuple(
                build(x, ctx, marks(x.cite, section, i)) for i, x in enumerate(value)
            )
        else:
            found[section] = (build(value, ctx, marks(value.cite, section)),) if value else ()
    return found


def parts(brief: Brief) -> tuple[Part, ...]:
    """The kind's own sections in page order: heading, shape, and whether it is unknown."""
    kind = TABLE[brief.KIND]
    stated = set(getattr(brief, "unknown", []))
    shown = []
    for name, section in kind.sections.items():
        value = getattr(brief, name, None)
        if value or name in stated:
            many = typing.get_origin(kind.sheet.model_fields[name].annotation) is list
            shape = "table" if name == "positions" else "list" if many else "text"
            shown.append(Part(name, section.heading, shape, not value))
    return tuple(shown)


def _fact(f: Any, _ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    note = join(format_date(f.date), phrases.credibility(f.credibility))
    return Item(f.id, f.text, marks, note=note)


def _agenda(a: Any, ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    per = f"per {ctx.names(a.raised_by)}" if a.raised_by else ""
    return Item(a.id, a.detail or "", marks, lead=a.topic, note=join(per, a.status))


def _obstacle(o: Any, ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    since = f"since {format_date(o.since)}" if o.since else ""
    return Item(o.id, o.issue, marks, note=join(o.detail or "", ctx.names(o.parties), since))


def _position(p: Any, ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    actor = ctx.actors.get(p.actor)
    role = join(actor.role or "", actor.affiliation or "") if actor else ""
    said = join(
        p.venue or "",
        format_date(p.said_on),
        f"via {p.via}" if p.via else "",
        phrases.credibility(p.credibility),
    )
    extra = ([f"— “{p.quote}”"] if p.quote else []) + ([f"({said})"] if said else [])
    topic = ctx.topics.get(p.on, p.on) if p.on else ""
    label = " ".join(x for x in (p.stance or "", f"on {topic}" if topic else "") if x)
    classes = " ".join(
        [
            *([f"stance-{p.stance}"] if p.stance else []),
            *([f"actor-{actor.type}"] if actor and actor.type else []),
        ]
    )
    return Item(
        p.id,
        p.summary,
        marks,
        lead=ctx.name(p.actor),
        note=role,
        extra=tuple(extra),
        label=label[:1].upper() + label[1:],
        classes=classes,
    )


def _assessment(a: Any, _ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    statement = a.statement
    if a.likelihood != "not-assessed":
        term, span = LIKELIHOOD[a.likelihood]
        m = re.search(rf"\b{re.escape(term)}\b", statement, re.IGNORECASE)
        statement = (
            f"{statement[: m.end()]} ({span}){statement[m.end() :]}"
            if m
            else f"{statement} ({term}, {span})"
        )
    extra = (
        *(f"Assumes: {x}" for x in a.assumptions),
        *(f"Alternative: {x}" for x in a.alternatives),
        *([f"Horizon: {a.horizon}"] if a.horizon else []),
    )
    note = ("High impact. " if a.high_impact else "") + (
        f"{a.confidence.capitalize()} confidence: {a.basis.rstrip('.')}."
    )
    return Item(a.id, statement, marks, note=note, extra=extra)


def _watch(w: Any, _ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    effect = {"raises": "more likely", "lowers": "less likely"}.get(w.direction, "")
    effect = effect or "more or less likely"  # either
    note = f"would make {', '.join(w.signals)} {effect}"
    note += f" · by {format_date(w.by)}" if w.by else ""
    return Item(w.id, w.indicator, marks, note=note)


def _question(q: Any, _ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    extra = (f"Why now: {q.why_now}",) if q.why_now else ()
    return Item(object_id("question"), q.text, marks, extra=extra)


def _option(o: Any, ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    odds = ", ".join(LIKELIHOOD[o.likelihood]) if o.likelihood else ""
    backed = f"backed by {ctx.names(o.backers)}" if o.backers else ""
    return Item(o.id, o.detail or "", marks, lead=o.option, note=join(odds, backed))


def _mandate(m: Any, _ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    founded = f"founded {format_date(m.founded)}" if m.founded else ""
    return Item(object_id("mandate"), m.text, marks, note=join(founded, m.founding_document or ""))


def _office(o: Any, ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    since = f"since {format_date(o.since)}" if o.since else ""
    as_of = f"as of {format_date(o.as_of)}" if o.as_of else ""
    return Item(o.id, ctx.name(o.holder), marks, lead=o.office, note=join(since, as_of))


def _membership(m: Any, ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    names = ctx.names(m.members)
    if m.count is not None:
        text = f"{m.count:,} members" + (f", among them {names}." if names else ".")
    else:
        text = f"Members include {names}." if names else ""
    extra = (f"Joining: {m.joining}",) if m.joining else ()
    note = f"as of {format_date(m.as_of)}" if m.as_of else ""
    return Item(object_id("membership"), text, marks, note=note, extra=extra)


def _feature(f: Any, _ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    return Item(f.id, f.detail, marks, lead=f.aspect)


def _decision(d: Any, ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    body = f"by {ctx.name(d.body)}" if d.body else ""
    return Item(d.id, d.decision, marks, note=join(format_date(d.date), body))


def _figure(f: Any, _ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    return Item(f.id, f"{f.value:,} {f.unit}", marks, lead=f.name, note=format_date(f.as_of))


def _relation(r: Any, ctx: _Context, marks: tuple[Cite, ...]) -> Item:
    since = f"since {format_date(r.since)}" if r.since else ""
    label = r.state.capitalize() if r.state else ""
    return Item(r.id, r.summary, marks, lead=ctx.name(r.partner), note=since, label=label)


_Builder = Callable[[Any, _Context, tuple[Cite, ...]], Item]
_BUILDERS: dict[str, _Builder] = {
    "key_facts": _fact,
    "agenda": _agenda,
    "obstacles": _obstacle,
    "positions": _position,
    "assessments": _assessment,
    "watch": _watch,
    "question": _question,
    "options": _option,
    "mandate": _mandate,
    "leadership": _office,
    "membership": _membership,
    "structure": _feature,
    "decisions": _decision,
    "government": _office,
    "indicators": _figure,
    "relations": _relation,
}

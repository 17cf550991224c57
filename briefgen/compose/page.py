"""Between verify and render: the Brief as the page shows it. Pure.

Everything the templates would otherwise compute lives here, once, for every format:
citation numbers (in order of first citation, so `[n]` is identical in Markdown, HTML
and PDF), likelihood terms with their ranges, dates written out, actor names resolved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from briefgen.compose.phrases import credibility, format_date, join, keywords, meta
from briefgen.schema.kinds import KIND_LABELS
from briefgen.schema.model import (
    LIKELIHOOD,
    UNKNOWN,
    Actor,
    Assessment,
    Brief,
    Excerpt,
    Position,
    Source,
)
from briefgen.sheet.load import Path_
from briefgen.verify.mentions import numbering
from briefgen.verify.provenance import Found

# Every field of the sheet is printed on the page in Markdown, HTML and PDF alike, except
# these: each goes only where its note says (README "Fields not on the page";
# tests/test_coverage.py holds every other field to all three formats).
OFF_PAGE = {
    "schema_version": "read by the loader only: the sheet's format",
    "briefing.id": "file names and URLs (<id>/<id>.html, .pdf, .md), the Atom entry id",
    "briefing.language": "HTML lang attribute, PDF language",
    "briefing.event.type": "keywords: HTML <meta name=keywords>, PDF Keywords ('other' omitted)",
    "briefing.event.location.country_code": "keywords: HTML <meta name=keywords>, PDF Keywords",
    "briefing.event.participants[]": "keywords, as the actors' names",
    "briefing.kind": "the header line's wording; View.kind and kind_label for the masthead",
    "actors[].id": "internal: shown as the actor's name",
    "actors[].type": "HTML class of the actor's positions row (actor-<type>)",
    "sources[].id": "internal: shown as the reader's number [n]; HTML anchors",
    "sources[].sha256": "check only: pins the stored file (BG406)",
    "bottom_line.judgment": "check only: the bottom line uses its term (BG314)",
    "key_facts[].id": "HTML anchor (id attribute)",
    "agenda[].id": "HTML anchor (id attribute)",
    "obstacles[].id": "HTML anchor (id attribute)",
    "positions[].id": "HTML anchor (id attribute)",
    "positions[].speech": "check only (BG312, BG313); a direct quote is printed in quotation marks",
    "watch[].id": "HTML anchor (id attribute)",
    "cite[].excerpt": "HTML citation tooltip; on the site the citation links to its paragraph",
    "cite[].locator": "HTML citation tooltip, after the excerpt",
    "render.paper": "PDF page size",
}


@dataclass(frozen=True)
class Cite:
    """One `[n]` marker: the number, the source id, and the excerpt it points at, if any."""

    n: int
    source: str
    excerpt: str = ""
    href: str = ""
    found: Found | None = None  # where verification found the excerpt
    locator: str = ""

    @property
    def shown(self) -> str:
        """The printed marker, `1 ¶5`: on paper the paragraph is the only way to follow it."""
        return f"{self.n} ¶{self.found.paragraph}" if self.found else str(self.n)

    @property
    def label(self) -> str:
        """The marker read aloud (PDF link descriptions, aria-label): 'Source 1, paragraph 5'."""
        where = f", paragraph {self.found.paragraph}" if self.found else ""
        return f"Source {self.n}{where}"


@dataclass(frozen=True)
class Item:
    """One bullet or row, whatever the section: its id, texts and citation markers."""

    id: str
    text: str
    cites: tuple[Cite, ...]
    lead: str = ""  # bold lead-in: agenda topic, actor name
    note: str = ""  # secondary text: role, status, confidence sentence
    extra: tuple[str, ...] = ()  # further lines: quote, via, assumptions, alternatives
    label: str = ""  # lead-in of the text: a position's stance and topic
    classes: str = ""  # HTML class hooks of the row, e.g. "stance-opposed actor-person"


@dataclass(frozen=True)
class SourceEntry:
    """One numbered entry of the source list."""

    n: int
    id: str
    text: str  # Publisher. “Title.” Date (note). Type, reliability.
    url: str | None
    file: str | None


@dataclass(frozen=True)
class View:
    """The whole page as the templates see it."""

    id: str
    lang: str
    title: str
    subtitle: str
    marking: str
    meta: tuple[str, ...]
    paper: str
    author: str
    created: str
    keywords: str
    bottom_line: Item
    sections: dict[str, tuple[Item, ...]] = field(default_factory=dict)
    sources: tuple[SourceEntry, ...] = ()
    gaps: tuple[str, ...] = ()
    legend: str = ""
    nav: tuple[tuple[str, str], ...] = ()  # (label, href) links of the site page
    mentions: dict[str, Cite] = field(default_factory=dict)  # `[S1]` in free text, by id
    canonical: str = ""  # the page's absolute URL, when the site has a base_url
    organisation: str = ""  # the masthead's name; "" prints a neutral "Briefing"
    dated: str = ""  # the prepared date, written out: the masthead shows it prominently
    kind: str = "event"  # briefing.kind: event, issue, country, organization
    kind_label: str = KIND_LABELS["event"]  # "Event brief", "Issue brief", ...


Linker = Callable[[str, Found | None], str]
BOTTOM_LINE = "bottom-line"  # the bottom line's id on the page; every other item has its own


def in_page(source: str, _found: Found | None) -> str:
    """Cite links of the standalone page and the PDF: the entry in the source list."""
    return f"#src-{source}"


def item_id(brief: Brief, path: Path_) -> str:
    """The page id of the item a cite or quote PATH belongs to (brief.html's element ids)."""
    value = getattr(brief, str(path[0]))
    return value[int(path[1])].id if isinstance(value, list) else BOTTOM_LINE


def make_view(
    brief: Brief,
    *,
    paper: str = "A4",
    evidence: Mapping[Path_, Found] | None = None,
    link: Linker = in_page,
    nav: tuple[tuple[str, str], ...] = (),
    canonical: str = "",
    organisation: str = "",
) -> View:
    """Compute the page view of BRIEF; the sheet's own paper setting wins over PAPER.

    EVIDENCE is where `check` found each excerpt (by cite path); LINK turns (source id,
    where found) into a citation's href: the in-page source list for the PDF, the exact
    paragraph of the sources page on the site.
    """
    numbers = numbering(brief)
    found = evidence or {}
    b = brief.briefing
    actors = {a.id: a for a in brief.actors}
    topics = {a.id: a.topic for a in brief.agenda}

    def marks(refs: list[str | Excerpt], *base: str | int) -> tuple[Cite, ...]:
        seen: dict[str, Cite] = {}
        for j, r in enumerate(refs):
            sid, excerpt = (r, "") if isinstance(r, str) else (r.source, r.excerpt)
            locator = "" if isinstance(r, str) else r.locator or ""
            if sid in numbers and sid not in seen:
                where = found.get((*base, "cite", j))
                seen[sid] = Cite(numbers[sid], sid, excerpt, link(sid, where), where, locator)
        return tuple(sorted(seen.values(), key=lambda c: c.n))

    def names(ids: list[str]) -> str:
        return ", ".join(actors[i].name if i in actors else i for i in ids)

    sections: dict[str, tuple[Item, ...]] = {
        "key_facts": tuple(
            Item(
                f.id,
                f.text,
                marks(f.cite, "key_facts", i),
                note=join(format_date(f.date), credibility(f.credibility)),
            )
            for i, f in enumerate(brief.key_facts)
        ),
        "agenda": tuple(
            Item(
                a.id,
                a.detail or "",
                marks(a.cite, "agenda", i),
                lead=a.topic,
                note=join(f"per {names(a.raised_by)}" if a.raised_by else "", a.status),
            )
            for i, a in enumerate(brief.agenda)
        ),
        "obstacles": tuple(
            Item(
                o.id,
                o.issue,
                marks(o.cite, "obstacles", i),
                note=join(
                    o.detail or "",
                    names(o.parties),
                    f"since {format_date(o.since)}" if o.since else "",
                ),
            )
            for i, o in enumerate(brief.obstacles)
        ),
        "positions": tuple(
            _position(p, actors, topics, marks(p.cite, "positions", i))
            for i, p in enumerate(brief.positions)
        ),
        "assessments": tuple(
            _assessment(a, marks(a.cite, "assessments", i)) for i, a in enumerate(brief.assessments)
        ),
        "watch": tuple(
            Item(
                w.id,
                w.indicator,
                marks(w.cite, "watch", i),
                note=f"would {'raise or lower' if w.direction == 'either' else w.direction[:-1]} "
                f"{', '.join(w.signals)}" + (f" · by {format_date(w.by)}" if w.by else ""),
            )
            for i, w in enumerate(brief.watch)
        ),
    }
    return View(
        id=b.id,
        lang=b.language,
        title=b.title,
        subtitle=b.subtitle or "",
        marking=" // ".join(
            [
                b.handling.classification,
                *([f"TLP:{b.handling.tlp}"] if b.handling.tlp else []),
                *b.handling.caveats,
            ]
        ),
        meta=meta(brief),
        paper=brief.render.paper or paper,
        author=b.prepared.by or "",
        created=b.prepared.date,
        keywords=", ".join(keywords(brief)),
        bottom_line=Item(
            BOTTOM_LINE, brief.bottom_line.text, marks(brief.bottom_line.cite, "bottom_line")
        ),
        sections=sections,
        sources=tuple(
            _source_entry(s, numbers[s.id])
            for s in sorted(brief.sources, key=lambda s: numbers[s.id])
        ),
        gaps=tuple(brief.gaps),
        legend=_legend(brief),
        nav=nav,
        canonical=canonical,
        organisation=organisation,
        dated=format_date(b.prepared.date),
        mentions={sid: Cite(n, sid, href=link(sid, None)) for sid, n in numbers.items()},
        kind=b.kind,
        kind_label=KIND_LABELS[b.kind],
    )


def _position(
    p: Position, actors: dict[str, Actor], topics: dict[str, str], marks: tuple[Cite, ...]
) -> Item:
    actor = actors.get(p.actor)
    name = actor.name if actor else p.actor
    role = join(actor.role or "", actor.affiliation or "") if actor else ""
    said = join(
        p.venue or "",
        format_date(p.said_on),
        f"via {p.via}" if p.via else "",
        credibility(p.credibility),
    )
    extra = ([f"— “{p.quote}”"] if p.quote else []) + ([f"({said})"] if said else [])
    topic = topics.get(p.on, p.on) if p.on else ""
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
        lead=name,
        note=role,
        extra=tuple(extra),
        label=label[:1].upper() + label[1:],
        classes=classes,
    )


def _assessment(a: Assessment, marks: tuple[Cite, ...]) -> Item:
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


def _source_entry(s: Source, n: int) -> SourceEntry:
    publisher = "Publisher unknown" if s.publisher == UNKNOWN else s.publisher
    date = "Undated" if s.published == UNKNOWN else format_date(s.published)
    if s.accessed:
        date += f", accessed {format_date(s.accessed)}"
    title = s.title if s.title.endswith(("?", "!", ".")) else f"{s.title}."
    parts = [f"{publisher}.", f"“{title}”"]
    if s.author:
        parts.insert(0, f"{s.author}.")
    parts.append(f"{date}" + (f" ({s.date_note.rstrip('.')})" if s.date_note else "") + ".")
    detail = join(
        s.type.replace("-", " "),
        f"reliability {s.reliability}" if s.reliability else "",
        s.language or "",
        s.notes or "",
    )
    parts.append(detail[0].upper() + detail[1:] + "." if detail else "")
    return SourceEntry(n, s.id, " ".join(p for p in parts if p), s.url, s.file)


def _legend(brief: Brief) -> str:
    if not brief.assessments:
        return ""
    terms = " · ".join(f"{term} {span}" for term, span in LIKELIHOOD.values())
    return f"Likelihood (ICD 203): {terms}. Confidence rates the evidence, not the probability."

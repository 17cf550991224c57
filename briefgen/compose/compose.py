"""Stage 4, compose: a checked Brief and its evidence → the one Page every output renders.

Why one step: the reader's numbering, the citations with the paragraph each excerpt was
found in, the sources page's highlights, the index and feed entry and the what-changed
digests are all decided here, once per sheet and edition; the renderers only format.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from briefgen.compose import phrases
from briefgen.compose.audiences import evidence_for, for_audience
from briefgen.compose.changes import digests, item_digest
from briefgen.compose.entry import Entry
from briefgen.compose.handling import Markings
from briefgen.compose.items import parts, section_items
from briefgen.compose.page import Cite, Item, Page
from briefgen.compose.revisions import Snapshot, snapshot
from briefgen.compose.sources import label, source_entries, source_texts
from briefgen.compose.typography import typeset
from briefgen.schema.budgets import items_of
from briefgen.schema.cites import BOTTOM_LINE, as_numbers, item_id, numbering
from briefgen.schema.kinds import KIND_LABELS, sections
from briefgen.schema.markings import TLP, Scheme
from briefgen.schema.model import LIKELIHOOD, Brief, Excerpt
from briefgen.schema.vocabulary import (
    CHANGES_FILE,
    FORMATS,
    LISTED,
    PAPERS,
    edition_link,
    page_file,
    page_url,
    sources_link,
)
from briefgen.sheet.load import Path_
from briefgen.verify.freshness import flags
from briefgen.verify.provenance import Found
from briefgen.verify.sources import StoredText


@dataclass(frozen=True)
class Edition:
    """What one edition of every page shares: the project's settings that reach the page.

    The sheet wins over these: its render.paper over PAPER, its handling classification and
    audience over MARKING and AUDIENCE (briefgen.toml's defaults for sheets that set none).
    """

    paper: str = PAPERS[0]
    organisation: str = ""
    base_url: str | None = None
    formats: tuple[str, ...] = FORMATS
    marking: str | None = None
    audience: str | None = None
    today: str | None = None  # the build date: items due for review are marked
    scheme: Scheme = TLP  # the project's handling levels
    max_marking: str | None = None  # an audience's edition: nothing above this level


def compose(
    brief: Brief,
    edition: Edition = Edition(),
    *,
    evidence: Mapping[Path_, Found] | None = None,
    stored: Mapping[str, StoredText] | None = None,
    earlier: tuple[str, ...] = (),
    name: str = "",
) -> Page:
    """The page of BRIEF in EDITION. EVIDENCE is where `check` found each quote and excerpt
    (by document path); STORED the source texts the sources page shows; EARLIER the labels
    of the briefing's earlier editions, oldest first (its page lists and links them); NAME
    the sheet's file, for an edition that cannot be made (audiences.for_audience)."""
    full = _with_defaults(brief, edition)
    level = edition.max_marking
    brief = for_audience(full, edition.scheme, level, sheet=name) if level else full
    found = evidence_for(evidence or {}, full, brief) if level else evidence or {}
    handling = Markings(full, edition.scheme, audience=bool(level))
    flagged = _flags(brief, edition.today)
    numbers = numbering(brief)
    b = brief.briefing
    slug = b.id

    def marks(refs: list[str | Excerpt], *base: str | int) -> tuple[Cite, ...]:
        seen: dict[str, Cite] = {}
        for j, r in enumerate(refs):
            sid, excerpt = (r, "") if isinstance(r, str) else (r.source, r.excerpt)
            locator = "" if isinstance(r, str) else r.locator or ""
            if sid in numbers and sid not in seen:
                where = found.get((*base, "cite", j))
                href = sources_link(sid, where.paragraph if where else None)
                seen[sid] = Cite(numbers[sid], sid, excerpt, href, where, locator)
        return tuple(sorted(seen.values(), key=lambda c: c.n))

    items = {
        section: tuple(dataclasses.replace(i, flags=flagged.get(i.id, ())) for i in listed)
        for section, listed in handling.portions(brief, section_items(brief, marks)).items()
    }

    page = typeset(Page(
        id=slug,
        lang=b.language,
        title=b.title,
        subtitle=b.subtitle or "",
        marking=handling.line(brief),
        banner=handling.banner(brief),
        banner_class=handling.banner_class(brief),
        omits=handling.omits(level),
        meta=phrases.meta(brief),
        paper=brief.render.paper or edition.paper,
        author=b.prepared.by or "",
        created=b.prepared.date,
        keywords=", ".join(phrases.keywords(brief)),
        bottom_line=Item(
            BOTTOM_LINE,
            brief.bottom_line.text,
            marks(brief.bottom_line.cite, "bottom_line"),
            flags=flagged.get(BOTTOM_LINE, ()),
            mark=handling.portion(brief.bottom_line),
        ),
        sections=items,
        parts=parts(brief),
        sources=source_entries(brief, numbers),
        gaps=tuple(handling.gap(g) for g in brief.gaps),
        legend=_legend(brief),
        nav=_nav(slug, edition.formats),
        canonical=page_url(edition.base_url, slug, "html") if edition.base_url else "",
        organisation=edition.organisation,
        dated=phrases.format_date(b.prepared.date),
        current=phrases.current(brief),
        mentions={sid: Cite(n, sid, href=sources_link(sid)) for sid, n in numbers.items()},
        kind=b.kind,
        kind_label=KIND_LABELS[b.kind],
        texts=source_texts(brief, numbers, found, stored or {}),
        entry=_entry(brief, numbers),
        digests=digests(brief),
        earlier=tuple((label, edition_link(label, slug)) for label in reversed(earlier)),
        changes=CHANGES_FILE.format(fmt="html") if earlier else "",
    ))
    shown = {"bottom_line": (page.bottom_line,), **page.sections}
    return dataclasses.replace(page, snapshot=_snapshot(brief, shown, numbers))


def _snapshot(
    brief: Brief, shown: dict[str, tuple[Item, ...]], numbers: dict[str, int]
) -> Snapshot:
    """This edition as the reader sees it, for the next edition's changes page."""
    labels: dict[str, dict[str, str]] = {}
    digested: dict[str, dict[str, str]] = {}
    for section in sections(brief):
        listed = isinstance(getattr(brief, section, None), list)
        for i, item in enumerate(items_of(brief, section)):
            path = (section, i) if listed else (section,)
            ident = item_id(brief, path)
            labels.setdefault(section, {})[ident] = label(brief, path)
            digested.setdefault(section, {})[ident] = item_digest(item)
    judged = {a.id: (a.likelihood, a.confidence) for a in brief.assessments}
    plain = {
        s: tuple(dataclasses.replace(i, text=as_numbers(i.text, numbers)) for i in found)
        for s, found in shown.items()
    }
    return snapshot(plain, labels, digested, judged)


def _flags(brief: Brief, today: str | None) -> dict[str, tuple[str, ...]]:
    """Item page id → what the page marks it with (freshness.flags; sources aside)."""
    found: dict[str, tuple[str, ...]] = {}
    for flag in flags(brief, today):
        if flag.item:
            found[flag.item] = (*found.get(flag.item, ()), flag.note)
    return found


def _with_defaults(brief: Brief, edition: Edition) -> Brief:
    """BRIEF with the project's default marking and audience where the sheet sets none:
    the sheet always wins over briefgen.toml."""
    b = brief.briefing
    update: dict[str, object] = {}
    if edition.marking and "classification" not in b.handling.model_fields_set:
        update["handling"] = b.handling.model_copy(update={"classification": edition.marking})
    if edition.audience and b.audience is None:
        update["audience"] = edition.audience
    if not update:
        return brief
    return brief.model_copy(update={"briefing": b.model_copy(update=update)})


def _legend(brief: Brief) -> str:
    if not brief.assessments:
        return ""
    terms = " · ".join(f"{term} {span}" for term, span in LIKELIHOOD.values())
    return f"Likelihood (ICD 203): {terms}. Confidence rates the evidence, not the probability."


def _nav(slug: str, formats: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The links a briefing's web page carries: back to the index, sources, other formats."""
    links = [("All briefings", "../index.html"), ("Sources", sources_link(None))]
    others = [fmt for fmt in LISTED if fmt != "html" and fmt in formats]  # not the page itself
    links += [(LISTED[fmt], page_file(slug, fmt)) for fmt in others]
    return tuple(links)


def _entry(brief: Brief, numbers: dict[str, int]) -> Entry:
    """The index/feed record of BRIEF; its files are set once they are rendered."""
    b = brief.briefing
    event = getattr(b, "event", None)
    loc = event.location if event else None
    subject = b.subject({a.id: a.name for a in brief.actors})
    return Entry(
        slug=b.id,
        title=b.title,
        event=event.name if event else "",
        event_date=subject.date,
        when=phrases.format_date(event.start_date) if event else "",
        place=", ".join(p for p in (loc.venue, loc.city, loc.country) if p) if loc else "",
        as_of=phrases.current(brief) or phrases.format_date(b.prepared.date),
        updated=_rfc3339(b.prepared.date),
        summary=" ".join(as_numbers(brief.bottom_line.text, numbers).split()),
        author=b.prepared.by or "briefgen",
        kind=b.kind,
        header="\u00a0· ".join(subject.header),  # a line of the index never starts with "·"
        country=subject.place,
    )


def _rfc3339(date: str) -> str:
    parts = ([*date.split("-"), "01", "01"])[:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"

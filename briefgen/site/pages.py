"""Stage 6, site: many briefings → the static site's shared pages, as {path: bytes}. Pure.

Why entries, not Briefs: an incremental rebuild re-renders only changed briefings, so the
index, feed and sitemap are planned from small `Entry` records kept in the manifest.
Internal links are relative (the site works from any sub-path or from disk); absolute
URLs (canonical, feed self link, sitemap) appear only when a base_url is configured.
Dates come from the data, never from the clock.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from briefgen.compose.page import item_id
from briefgen.compose.phrases import format_date, headline
from briefgen.render.pages import render_template
from briefgen.schema.kinds import CountryBriefing, EventBriefing, OrganizationBriefing
from briefgen.schema.model import Brief
from briefgen.site import webassets
from briefgen.verify.mentions import as_numbers, numbering
from briefgen.verify.passages import Span
from briefgen.verify.provenance import Evidence, Found
from briefgen.verify.sources import StoredText

TAG = "tag:briefgen,2026:"  # Atom ids are permanent: never derived from the URL layout


@dataclass(frozen=True)
class Entry:
    """What the index and feed need to know of one briefing."""

    slug: str
    title: str
    event: str
    event_date: str
    when: str
    place: str
    as_of: str
    updated: str
    summary: str
    author: str
    files: dict[str, int]  # file name → size in bytes
    kind: str = "event"  # briefing.kind (records written before kinds existed: events)
    header: str = ""  # the kind's header line, as under the page's title
    country: str = ""  # the place the index filters by

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the manifest."""
        return asdict(self)


def entry(brief: Brief, files: dict[str, int]) -> Entry:
    """The index/feed record of BRIEF, whose built files (name → size) are FILES."""
    b = brief.briefing
    event = b.event if isinstance(b, EventBriefing) else None
    loc = event.location if event else None
    date, place = _subject(brief)
    return Entry(
        slug=b.id,
        title=b.title,
        event=event.name if event else "",
        event_date=date,
        when=format_date(event.start_date) if event else "",
        place=", ".join(p for p in (loc.venue, loc.city, loc.country) if p) if loc else "",
        as_of=format_date(b.prepared.as_of or b.prepared.date),
        updated=_rfc3339(b.prepared.date),
        summary=" ".join(as_numbers(brief.bottom_line.text, numbering(brief)).split()),
        author=b.prepared.by or "briefgen",
        files=dict(sorted(files.items())),
        kind=b.kind,
        header=" · ".join(headline(brief)),
        country=place,
    )


def _subject(brief: Brief) -> tuple[str, str]:
    """The (date, place) the index sorts and filters by: an event's start and country (or
    city), a profile's as-of date and its country or headquarters; an issue has neither of
    its own, so its date is the information cut-off and its place is none."""
    b = brief.briefing
    if isinstance(b, EventBriefing):
        return b.event.start_date, b.event.location.country or b.event.location.city or ""
    if isinstance(b, CountryBriefing):
        return b.country.as_of, b.country.name
    if isinstance(b, OrganizationBriefing):
        return b.organization.as_of, b.organization.headquarters or ""
    return b.prepared.as_of or b.prepared.date, ""


def plan(
    entries: list[Entry],
    *,
    base_url: str | None,
    project: Path | None,
    organisation: str = "",
    search: bool = False,
) -> dict[str, bytes]:
    """The shared pages: index.html, 404.html, feed.xml, site.css, the screen edition's assets
    (fonts, screen.css, favicons) and, with base_url, sitemap.xml.

    ORGANISATION (briefgen.toml) heads the index and is the feed's author."""
    ordered = sorted(entries, key=lambda e: e.slug)
    ordered.sort(key=lambda e: _sortable(e.event_date), reverse=True)  # newest first
    base = base_url.rstrip("/") + "/" if base_url else None
    context = {
        "entries": ordered,
        "links": {e.slug: entry_links(e) for e in ordered},
        "filters": _filters(ordered),
        "base_url": base,
        "updated": max((e.updated for e in ordered), default="1970-01-01T00:00:00Z"),
        "tag": TAG,
        "organisation": organisation,
        "search": search,  # the index then offers Pagefind's search box (build --search)
    }
    pages = {
        "index.html": render_template("site/index.html", project, **context),
        "feed.xml": render_template("site/feed.xml", project, **context),
        "404.html": render_template("site/404.html", project, **context),
        "site.css": render_template("site/site.css", project),
    }
    if base is not None:
        pages["sitemap.xml"] = render_template("site/sitemap.xml", project, **context)
    return {name: text.encode() for name, text in pages.items()} | webassets.plan(project)


@dataclass(frozen=True)
class Piece:
    """A run of one paragraph's text: highlighted when a quote or excerpt covers it.

    CITED_BY lists the ids of the briefing items whose passage ends with this run, so each
    highlight links back to the item that cites it.
    """

    text: str
    marked: bool = False
    cited_by: tuple[str, ...] = ()


def sources_page(
    brief: Brief,
    stored: dict[str, StoredText],
    evidence: Evidence,
    *,
    base_url: str | None,
    project: Path | None,
) -> bytes:
    """<slug>/sources.html: each stored source text with numbered paragraphs, in the
    page's [n] order and under the same numbers, every quote and excerpt highlighted where
    `check` found it."""
    numbers = numbering(brief)
    texts = []
    for s in sorted(brief.sources, key=lambda s: numbers[s.id]):
        got = stored.get(s.id)
        texts.append(
            {
                "id": s.id,
                "n": numbers[s.id],
                "title": s.title,
                "publisher": s.publisher,
                "url": s.url,
                "file": s.file,
                "paragraphs": _highlighted(got, s.id, brief, evidence) if got else [],
            }
        )
    base = base_url.rstrip("/") + "/" if base_url else None
    return render_template(
        "site/sources.html", project, brief=brief.briefing, sources=texts, base_url=base
    ).encode()


def paragraph_link(source: str, found: Found | None) -> str:
    """Cite links for the site: the paragraph of the sources page the excerpt was found in."""
    return f"sources.html#{source}-p{found.paragraph}" if found else f"sources.html#{source}"


def _highlighted(
    got: StoredText, source: str, brief: Brief, evidence: Evidence
) -> list[list[Piece]]:
    """The paragraphs of GOT, each cut into pieces at the edges of the passages found in it."""
    if got.text is None:
        return []
    found = {
        ((f.start, f.end), item_id(brief, path))
        for path, f in evidence.items()
        if f.source == source
    }
    spans = sorted(  # one back-link per item: a quote inside its own excerpt needs none
        ((s, e), item)
        for (s, e), item in found
        if not any(i == item and a <= s and e <= b and (a, b) != (s, e) for (a, b), i in found)
    )
    return [_pieces(got.text, paragraph, spans) for paragraph in got.paragraphs]


def _pieces(text: str, paragraph: Span, spans: list[tuple[Span, str]]) -> list[Piece]:
    lo, hi = paragraph
    inner = [
        ((max(s, lo), min(e, hi)), item, e <= hi) for (s, e), item in spans if s < hi and e > lo
    ]
    cuts = sorted({lo, hi, *(p for (s, e), _, _ in inner for p in (s, e))})
    pieces = []
    for a, b in itertools.pairwise(cuts):
        marked = any(s <= a and b <= e for (s, e), _, _ in inner)
        ends = tuple(item for (_, e), item, last in inner if last and e == b)
        pieces.append(Piece(text[a:b], marked, ends))
    return pieces


def entry_links(e: Entry) -> list[tuple[str, str, int]]:
    """The index's links of one briefing as (label, file, size), in one order for every entry:
    HTML, PDF, MD, Sources (sorting by file name put Sources first for some slugs)."""
    kinds = {f"{e.slug}.html": "HTML", f"{e.slug}.pdf": "PDF", f"{e.slug}.md": "MD"}
    kinds["sources.html"] = "Sources"
    return [(label, name, e.files[name]) for name, label in kinds.items() if name in e.files]


def page_nav(slug: str, formats: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The links a briefing's web page carries: back to the index, sources, other formats."""
    links = [("All briefings", "../index.html"), ("Sources", "sources.html")]
    links += [(fmt.upper(), f"{slug}.{fmt}") for fmt in ("pdf", "md") if fmt in formats]
    return tuple(links)


def _filters(entries: list[Entry]) -> dict[str, list[str]]:
    """The values the index can be filtered by, each list sorted (years newest first)."""
    return {
        "kind": sorted({e.kind for e in entries}),
        "country": sorted({e.country for e in entries if e.country}),
        "year": sorted({e.event_date[:4] for e in entries}, reverse=True),
    }


def _rfc3339(date: str) -> str:
    parts = ([*date.split("-"), "01", "01"])[:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def _sortable(date: str) -> str:
    return (date + "-00-00")[:10]

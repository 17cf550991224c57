"""Stage 6, site: many briefings → the static site's shared pages, as {path: bytes}. Pure.

Why entries, not Briefs: an incremental rebuild re-renders only changed briefings, so the
index, feed and sitemap are planned from small `Entry` records kept in the manifest.
Internal links are relative (the site works from any sub-path or from disk); absolute
URLs (canonical, feed self link, sitemap) appear only when a base_url is configured.
Dates come from the data, never from the clock.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from briefgen.mentions import as_numbers, numbering
from briefgen.model import Brief
from briefgen.phrases import format_date
from briefgen.provenance import StoredText, locate, paragraphs
from briefgen.render import render_template

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

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the manifest."""
        return asdict(self)


def entry(brief: Brief, files: dict[str, int]) -> Entry:
    """The index/feed record of BRIEF, whose built files (name → size) are FILES."""
    b = brief.briefing
    loc = b.event.location
    return Entry(
        slug=b.id,
        title=b.title,
        event=b.event.name,
        event_date=b.event.start_date,
        when=format_date(b.event.start_date),
        place=", ".join(p for p in (loc.venue, loc.city, loc.country) if p),
        as_of=format_date(b.prepared.as_of or b.prepared.date),
        updated=_rfc3339(b.prepared.date),
        summary=" ".join(as_numbers(brief.bottom_line.text, numbering(brief)).split()),
        author=b.prepared.by or "briefgen",
        files=dict(sorted(files.items())),
    )


def plan(entries: list[Entry], *, base_url: str | None, project: Path | None) -> dict[str, bytes]:
    """The shared pages: index.html, feed.xml, site.css and (with base_url) sitemap.xml."""
    ordered = sorted(entries, key=lambda e: e.slug)
    ordered.sort(key=lambda e: _sortable(e.event_date), reverse=True)  # newest event first
    base = base_url.rstrip("/") + "/" if base_url else None
    context = {
        "entries": ordered,
        "base_url": base,
        "updated": max((e.updated for e in ordered), default="1970-01-01T00:00:00Z"),
        "tag": TAG,
    }
    pages = {
        "index.html": render_template("site/index.html", project, **context),
        "feed.xml": render_template("site/feed.xml", project, **context),
        "site.css": render_template("site/site.css", project),
    }
    if base is not None:
        pages["sitemap.xml"] = render_template("site/sitemap.xml", project, **context)
    return {name: text.encode() for name, text in pages.items()}


def sources_page(
    brief: Brief, stored: dict[str, StoredText], *, base_url: str | None, project: Path | None
) -> bytes:
    """<slug>/sources.html: each stored source text with numbered paragraphs, in the
    page's [n] order and under the same numbers."""
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
                "paragraphs": paragraphs(got.text) if got and got.text else [],
            }
        )
    base = base_url.rstrip("/") + "/" if base_url else None
    return render_template(
        "site/sources.html", project, brief=brief.briefing, sources=texts, base_url=base
    ).encode()


def paragraph_linker(stored: dict[str, StoredText]) -> Any:
    """Cite links for the site: the exact paragraph of the sources page an excerpt is in."""

    def link(source: str, excerpt: str) -> str:
        got = stored.get(source)
        n = locate(excerpt, got.text) if excerpt and got and got.text else None
        return f"sources.html#{source}-p{n}" if n else f"sources.html#{source}"

    return link


def page_nav(slug: str, formats: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The links a briefing's web page carries: back to the index, sources, other formats."""
    links = [("All briefings", "../index.html"), ("Sources", "sources.html")]
    links += [(fmt.upper(), f"{slug}.{fmt}") for fmt in ("pdf", "md") if fmt in formats]
    return tuple(links)


def _rfc3339(date: str) -> str:
    parts = ([*date.split("-"), "01", "01"])[:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def _sortable(date: str) -> str:
    return (date + "-00-00")[:10]

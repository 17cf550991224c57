"""Stage 6, site: many briefings → the static site's shared pages, as {path: bytes}. Pure.

Why entries, not Briefs: an incremental rebuild re-renders only changed briefings, so the
index, feed and sitemap are planned from small `Entry` records kept in the manifest.
Internal links are relative (the site works from any sub-path or from disk); absolute
URLs (canonical, feed self link, sitemap) appear only when a base_url is configured.
Dates come from the data, never from the clock.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from briefgen.compose.entry import Entry
from briefgen.compose.page import Page
from briefgen.render.pages import render_template
from briefgen.schema.vocabulary import (
    LISTED,
    SOURCES_FILE,
    briefing_path,
    page_file,
    page_path,
)
from briefgen.site import webassets

TAG = "tag:briefgen,2026:"  # Atom ids are permanent: never derived from the URL layout
# What XML 1.0 forbids anywhere in a document (outside its Char production): C0 controls
# but tab, LF and CR, lone surrogates, U+FFFE and U+FFFF. One of them and no reader parses
# the feed; they are shown as [U+FFFE], as invisible characters are on the pages.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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
        "page_path": page_path,  # the one address pattern (schema/vocabulary.py)
        "briefing_path": briefing_path,
        "sources_path": lambda slug: briefing_path(slug, SOURCES_FILE),
    }
    pages = {
        "index.html": render_template("site/index.html", project, **context),
        "feed.xml": xml_text(render_template("site/feed.xml", project, **context)),
        "404.html": render_template("site/404.html", project, **context),
        "site.css": render_template("site/site.css", project),
    }
    if base is not None:
        sitemap = render_template("site/sitemap.xml", project, **context)
        pages["sitemap.xml"] = xml_text(sitemap)
    return {name: text.encode() for name, text in pages.items()} | webassets.plan(project)


def xml_text(text: str) -> str:
    """TEXT (a whole rendered XML file, from any template) with every character XML
    forbids shown as `[U+0001]`: whatever a sheet, the settings or a project's own
    template hold, the feed and the sitemap stay well-formed."""
    return _NOT_XML.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)


def entry(page: Page, files: dict[str, int]) -> Entry:
    """The index/feed record of PAGE, whose built files (name → size) are FILES."""
    if page.entry is None:
        msg = f"the page of {page.id} was composed without its entry"
        raise ValueError(msg)
    return dataclasses.replace(page.entry, files=dict(sorted(files.items())))


def dated(e: Entry, published: str | None, earlier: tuple[str, ...]) -> Entry:
    """E as edition PUBLISHED of its briefing, after the EARLIER editions: an edition after
    the first is an update, so the feed's `updated` is the day it was published."""
    e = dataclasses.replace(e, edition=published or "", earlier=" ".join(earlier))
    if earlier and published and len(published) == 10:
        e = dataclasses.replace(e, updated=f"{published}T00:00:00Z")
    return e


def sources_page(page: Page, *, base_url: str | None, project: Path | None) -> bytes:
    """<slug>/sources.html: each stored source text with numbered paragraphs, in the
    page's [n] order and under the same numbers, every quote and excerpt highlighted where
    `check` found it."""
    base = base_url.rstrip("/") + "/" if base_url else None
    return render_template(
        "site/sources.html", project, brief=page, sources=page.texts, base_url=base
    ).encode()


def entry_links(e: Entry) -> list[tuple[str, str, int]]:
    """The index's links of one briefing as (label, file, size), in one order for every entry:
    HTML, PDF, Word, Text, MD, Sources (`vocabulary.LISTED`, as on the briefing's page;
    sorting by file name put Sources first for some slugs)."""
    kinds = {page_file(e.slug, fmt): label for fmt, label in LISTED.items()}
    kinds[SOURCES_FILE] = "Sources"
    return [(label, name, e.files[name]) for name, label in kinds.items() if name in e.files]


def _filters(entries: list[Entry]) -> dict[str, list[str]]:
    """The values the index can be filtered by, each list sorted (years newest first)."""
    return {
        "kind": sorted({e.kind for e in entries}),
        "country": sorted({e.country for e in entries if e.country}),
        "year": sorted({e.event_date[:4] for e in entries}, reverse=True),
    }


def _sortable(date: str) -> str:
    return (date + "-00-00")[:10]

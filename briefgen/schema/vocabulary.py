"""The closed word lists of briefgen and the site's address patterns, each in one place.

Why a module of its own, without pydantic: the CLI, the settings, the models, the PDF
stage and the site all name paper sizes, formats and page addresses; the `--help` and
no-op paths must not pay for the models to know them.
"""

from __future__ import annotations

import typing
from typing import Literal

Paper = Literal["A4", "Letter"]  # render.paper, briefgen.toml paper, --paper
PAPERS: tuple[str, ...] = typing.get_args(Paper)
FORMATS = ("md", "html", "pdf", "docx", "txt")  # briefing files: --format, the formats setting
# How every list of a briefing's files orders and names them: the index, the page's links.
LISTED = {"html": "HTML", "pdf": "PDF", "docx": "Word", "txt": "Text", "md": "MD"}


def page_file(slug: str, fmt: str) -> str:
    """A briefing's file of format FMT inside its folder: `<slug>.<fmt>`."""
    return f"{slug}.{fmt}"


SOURCES_FILE = "sources.html"  # the briefing's stored source texts, inside its folder


def briefing_path(slug: str, name: str) -> str:
    """A file of the briefing SLUG, from the site's root: `<slug>/<name>`."""
    return f"{slug}/{name}"


EDITIONS = "editions"  # a briefing's earlier editions: <slug>/editions/<label>/
CHANGES_FILE = "changes.{fmt}"  # an edition's changes page, beside its files (html, md)


def edition_path(slug: str, label: str, name: str) -> str:
    """A file of the briefing SLUG's earlier edition LABEL, from the site's root."""
    return briefing_path(slug, f"{EDITIONS}/{label}/{name}")


def edition_link(label: str, slug: str) -> str:
    """An earlier edition's page, linked from the briefing's own page (in its folder)."""
    return f"{EDITIONS}/{label}/{page_file(slug, 'html')}"


def page_path(slug: str, fmt: str) -> str:
    """The briefing file's path from the site's root: `<slug>/<slug>.<fmt>`."""
    return briefing_path(slug, page_file(slug, fmt))


def sources_link(source: str | None, paragraph: int | None = None) -> str:
    """A link from a briefing's pages to its sources page: the page itself (SOURCE None),
    a source on it (`sources.html#S1`) or one of its paragraphs (`sources.html#S1-p5`)."""
    if source is None:
        return SOURCES_FILE
    if paragraph is None:
        return f"{SOURCES_FILE}#{source}"
    return f"{SOURCES_FILE}#{source}-p{paragraph}"


def page_url(base_url: str, slug: str, fmt: str) -> str:
    """A briefing file's absolute address under the site's BASE_URL."""
    return f"{base_url.rstrip('/')}/{page_path(slug, fmt)}"

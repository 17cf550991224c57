"""An edition's changes page: what changed since the previous edition, for its readers.

Why a page of its own: the build's terminal line reaches whoever ran the build; a reader
of the site needs the same comparison (compose.revisions), item by item under the
reader's labels, with the words deleted and inserted marked (`<ins>`/`<del>` in HTML;
`[-old-]` and `{+new+}` in Markdown, as wdiff writes them). Pure.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.compose.revisions import Comparison, ItemChange
from briefgen.render.pages import render_template
from briefgen.schema.kinds import budgets
from briefgen.schema.vocabulary import CHANGES_FILE, page_file


def changes_pages(
    comparison: Comparison,
    *,
    slug: str,
    title: str,
    lang: str,
    kind: str,
    edition: str,
    previous: str,
    formats: tuple[str, ...],
    project: Path | None,
) -> dict[str, bytes]:
    """`changes.html` and `changes.md` (as FORMATS has html and md) of edition EDITION
    against PREVIOUS: file name → bytes."""
    grouped: dict[str, list[ItemChange]] = {}
    for change in comparison.items:
        grouped.setdefault(change.section, []).append(change)
    context = {
        "title": title,
        "lang": lang,
        "edition": edition,
        "previous": previous,
        "latest": page_file(slug, "html"),
        "sections": [(budgets(kind)[s].heading, tuple(c)) for s, c in grouped.items()],
    }
    return {
        CHANGES_FILE.format(fmt=fmt): render_template(
            f"site/changes.{fmt}", project, **context
        ).encode()
        for fmt in ("html", "md")
        if fmt in formats
    }

"""Stage 4, compose: typographic quotes in every text the page prints. Pure.

Why here, once: a sheet is typed with straight quotes ("Kenteris' lawyer", "[S2]'s
publisher"); the HTML's Markdown renderer curled some of them, but not an actor's role,
not a quote next to a source mention, and nothing in the Markdown. Curling the page's
texts when the Page is made gives every format, the index and the feed the same ’ and “”.
What is not prose stays as written: URLs, file names, ids, Markdown link targets and code,
and the stored source texts (verbatim by definition).
"""

from __future__ import annotations

import dataclasses
import re

from briefgen.compose.entry import Entry
from briefgen.compose.page import Cite, Item, Page, SourceText

# Spans left as written: `code`, a Markdown link's target (and title), a bare URL.
_KEEP = re.compile(r"`[^`]*`|\]\([^)]*\)|https?://\S+")
_OPENS_AFTER = set(" \t\n([{<—–-/‘“\u00a0")  # a quote after these (or first) opens


def curly(text: str) -> str:
    """TEXT with straight quotes made typographic: ’ for an apostrophe or a closing single
    quote, ‘ “ ” by position; code, link targets and URLs are left alone."""
    if "'" not in text and '"' not in text:
        return text
    out: list[str] = []
    last = 0
    for m in _KEEP.finditer(text):
        out.append(_quotes(text[last : m.start()], text[last - 1] if last else ""))
        out.append(m.group(0))
        last = m.end()
    out.append(_quotes(text[last:], text[last - 1] if last else ""))
    return "".join(out)


def _quotes(text: str, before: str) -> str:
    chars = []
    previous = before
    for c in text:
        if c in "'\"":
            opens = previous == "" or previous in _OPENS_AFTER
            c = ("‘" if opens else "’") if c == "'" else ("“" if opens else "”")
        chars.append(c)
        previous = c
    return "".join(chars)


def typeset(page: Page) -> Page:
    """PAGE with typographic quotes in every printed text."""
    return dataclasses.replace(
        page,
        title=curly(page.title),
        subtitle=curly(page.subtitle),
        marking=curly(page.marking),
        meta=tuple(curly(m) for m in page.meta),
        bottom_line=_item(page.bottom_line),
        sections={name: tuple(_item(i) for i in items) for name, items in page.sections.items()},
        sources=tuple(dataclasses.replace(s, text=curly(s.text)) for s in page.sources),
        gaps=tuple(curly(g) for g in page.gaps),
        texts=tuple(_text(t) for t in page.texts),
        entry=_entry(page.entry) if page.entry else None,
    )


def _item(item: Item) -> Item:
    return dataclasses.replace(
        item,
        text=curly(item.text),
        lead=curly(item.lead),
        note=curly(item.note),
        extra=tuple(curly(x) for x in item.extra),
        label=curly(item.label),
        cites=tuple(_cite(c) for c in item.cites),
    )


def _cite(cite: Cite) -> Cite:
    return dataclasses.replace(cite, excerpt=curly(cite.excerpt), locator=curly(cite.locator))


def _text(text: SourceText) -> SourceText:
    """A source on the sources page: its title and publisher; its paragraphs are verbatim."""
    return dataclasses.replace(text, title=curly(text.title), publisher=curly(text.publisher))


def _entry(entry: Entry) -> Entry:
    return dataclasses.replace(
        entry,
        title=curly(entry.title),
        summary=curly(entry.summary),
        header=curly(entry.header),
        event=curly(entry.event),
        place=curly(entry.place),
    )

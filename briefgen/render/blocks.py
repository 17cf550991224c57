"""Stage 5, render: the Page as a run of plain blocks, for the formats without templates.

Why blocks: the Word document and the plain text print the same page in the same order
as the Markdown and the HTML (banner, masthead, title, bottom line, judgments, facts, the
kind's own sections, what to watch, sources, banner), but neither is a text template.
Laying the page out once here (headings, paragraphs, bullets, tables, each a tuple of
runs that are plain, bold or italic) keeps the two from drifting apart: `render/word.py`
and `render/text.py` only decide how a block looks. Inline Markdown in a sheet's text is
read with the HTML's parser and rules (`render.pages`), so emphasis stays emphasis and a
link prints its address; `[S1]` mentions print the reader's number. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from briefgen.compose.page import Item, Page
from briefgen.render.pages import _markdown, plain
from briefgen.schema.cites import as_numbers

UNKNOWN = "Unknown: the sources do not say."
CITE_LEGEND = "[1 ¶5]: source 1, paragraph 5 of its stored text (the sources page numbers them)."
TABLE_HEADER = ("Actor", "Position")


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False


Runs = tuple[Run, ...]
_Inline = Callable[..., Runs]  # `md` inside `_blocks`: a text (and a style) → its runs


@dataclass(frozen=True)
class Block:
    """One block of the page. KIND is 'banner', 'masthead', 'heading' (LEVEL 1 or 2),
    'subtitle', 'meta', 'para', 'bullet', 'note', 'table' (ROWS, the first the header)
    or 'source' (URL printed after its runs)."""

    kind: str
    runs: Runs = ()
    level: int = 0
    rows: tuple[tuple[Runs, ...], ...] = ()
    url: str = ""

    @property
    def text(self) -> str:
        """The block's text without styles (a table's cells joined by tabs, rows by lines)."""
        if self.rows:
            return "\n".join("\t".join(_join(c) for c in row) for row in self.rows)
        return _join(self.runs)


def _join(runs: Runs) -> str:
    return "".join(r.text for r in runs)


def portion(item: Item) -> Runs:
    """The portion mark before an item, `(TLP:AMBER) `, where the page model gives it one
    (`Item.mark`, with its parentheses; none on a sheet without markings)."""
    return (Run(f"{plain(item.mark)} "),) if item.mark else ()


def layout(page: Page) -> tuple[Block, ...]:
    """Every block of PAGE in page order."""
    return tuple(_blocks(page))


def _blocks(page: Page) -> Iterator[Block]:
    numbers = {sid: c.n for sid, c in page.mentions.items()}

    def md(text: str, **style: bool) -> Runs:
        return inline(text, numbers, **style)

    yield Block("banner", (Run(plain(page.marking)),))  # the handling line, banner in it
    if page.omits:  # an audience edition says that it leaves material out
        yield Block("note", (Run(plain(page.omits), bold=True),))
    dated = (
        f"Information as of {page.current} · prepared {page.dated}"
        if page.current
        else f"Prepared {page.dated}"
    )
    masthead = plain(f"{page.organisation or 'Briefing'} · {page.kind_label} · ")
    yield Block("masthead", (Run(masthead), Run(dated, bold=True)))
    yield Block("heading", (Run(plain(page.title)),), level=1)
    if page.subtitle:
        yield Block("subtitle", (Run(plain(page.subtitle)),))
    yield Block("meta", (Run(plain(" · ".join(page.meta))),))
    line = page.bottom_line
    lead = (Run("Bottom line.", bold=True), Run(" "))
    yield Block("para", (*portion(line), *lead, *md(line.text), *_cites(line)))
    if page.sections.get("assessments"):
        yield _heading("Key judgments")
        for j in page.sections["assessments"]:
            runs = (*portion(j), Run(f"{j.id}.", bold=True), Run(" "), *md(j.text), Run(" "))
            yield Block("bullet", (*runs, *md(j.note, italic=True), *_extra(j, md), *_cites(j)))
    if page.sections.get("key_facts"):
        yield _heading("Key facts")
        for f in page.sections["key_facts"]:
            yield Block("bullet", (*portion(f), *md(f.text), *_note(f, md), *_cites(f)))
    for part in page.parts:
        yield _heading(part.heading)
        items = page.sections.get(part.name, ())
        if part.unknown:
            yield Block("para", (Run(UNKNOWN, italic=True),))
        elif part.shape == "table":
            header = tuple((Run(h, bold=True),) for h in TABLE_HEADER)
            yield Block("table", rows=(header, *(_row(p, md) for p in items)))
        elif part.shape == "text":
            for t in items:
                said = (*md(t.text), *_note(t, md), *_extra(t, md), *_cites(t))
                yield Block("para", (*portion(t), *said))
        else:
            for i in items:
                yield Block("bullet", _listed(i, md))
    if page.sections.get("watch"):
        yield _heading("What to watch")
        for w in page.sections["watch"]:
            yield Block("bullet", (*portion(w), *md(w.text), Run(" → "), *md(w.note), *_cites(w)))
    yield _heading("Sources")
    for s in page.sources:
        stored = (Run(f" Stored text: {plain(s.file)}"),) if s.file else ()
        yield Block("source", (Run(f"[{s.n}] "), *md(s.text), *stored), url=s.url or "")
    yield Block("note", (Run(CITE_LEGEND),))
    if page.gaps:
        gaps = [r for g in page.gaps for r in (Run(" "), *md(g))]
        yield Block("para", (Run("Gaps:", bold=True), *gaps))
    if page.legend:
        yield Block("note", (Run(plain(page.legend), italic=True),))
    yield Block("banner", (Run(plain(page.marking)),))


def _heading(text: str) -> Block:
    return Block("heading", (Run(text),), level=2)


def _cites(item: Item) -> Runs:
    """The item's markers as the reader follows them on paper: ` [1 ¶5, 2]`, then what the
    page flags it with (due for review, a withdrawn source), bold, as the HTML does."""
    cites = (Run(f" [{', '.join(c.shown for c in item.cites)}]"),) if item.cites else ()
    return (*cites, *(Run(f" [{plain(f)}]", bold=True) for f in item.flags))


def _note(item: Item, md: _Inline) -> Runs:
    return (Run(" ("), *md(item.note), Run(")")) if item.note else ()


def _extra(item: Item, md: _Inline) -> Runs:
    return tuple(r for x in item.extra for r in (Run(" "), *md(x)))


def _listed(i: Item, md: _Inline) -> Runs:
    """A list item: bold lead — italic label: text (note) extras [cites]."""
    lead = (*md(i.lead, bold=True), *((Run(" — "),) if i.text or i.label else ())) if i.lead else ()
    label = (Run(f"{plain(i.label)}:", italic=True), Run(" ")) if i.label else ()
    return (*portion(i), *lead, *label, *md(i.text), *_note(i, md), *_extra(i, md), *_cites(i))


def _row(p: Item, md: _Inline) -> tuple[Runs, ...]:
    """A positions row: the actor (role), then the stance: position, quote, cites."""
    who = (*portion(p), *md(p.lead, bold=True), *((Run(f" ({plain(p.note)})"),) if p.note else ()))
    label = (Run(f"{plain(p.label)}:", italic=True), Run(" ")) if p.label else ()
    return who, (*label, *md(p.text), *_extra(p, md), *_cites(p))


def inline(text: str, numbers: dict[str, int], *, bold: bool = False, italic: bool = False) -> Runs:
    """One text field as runs: Markdown emphasis becomes bold or italic, a link its text
    and `(address)`, code its text; `[S1]` the reader's number. Nothing is markup after."""
    tokens = _markdown().parseInline(plain(as_numbers(text, numbers)))
    runs: list[Run] = []
    strong, em = bold, italic
    href: list[str] = []
    for token in (c for t in tokens for c in (t.children or [])):
        if token.type in ("text", "code_inline"):
            runs.append(Run(token.content, strong, em))
        elif token.type in ("softbreak", "hardbreak"):
            runs.append(Run(" ", strong, em))
        elif token.type == "strong_open":
            strong = True
        elif token.type == "strong_close":
            strong = bold
        elif token.type == "em_open":
            em = True
        elif token.type == "em_close":
            em = italic
        elif token.type == "link_open":
            href.append(str(token.attrGet("href") or ""))
        elif token.type == "link_close" and href:
            address = href.pop()
            runs.append(Run(f" ({address})", strong, em) if address else Run(""))
    return tuple(r for r in runs if r.text)

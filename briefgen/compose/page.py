"""Stage 4, compose: the page model. What every output renders, as plain values.

Everything the templates would otherwise compute lives here, once, for every format:
citation numbers (in order of first citation, so `[n]` is identical in Markdown, HTML
and PDF), likelihood terms with their ranges, dates written out, actor names resolved.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from briefgen.compose.entry import Entry
from briefgen.schema.kinds import KIND_LABELS
from briefgen.verify.provenance import Found

# Every field of the sheet is printed on the page in every format alike (Markdown, HTML,
# PDF, Word, plain text), except these: each goes only where its note says (README "Every
# field is printed"; tests/test_coverage.py holds every other field to every format).
OFF_PAGE = {
    "schema_version": "read by the loader only: the sheet's format",
    "briefing.id": "file names and URLs (<id>/<id>.html, .pdf, .docx, .txt, .md), the Atom id",
    "briefing.language": "HTML lang attribute, PDF and Word document language",
    "briefing.event.type": "keywords: HTML <meta name=keywords>, PDF and Word Keywords",
    "briefing.event.location.country_code": "keywords: HTML <meta>, PDF and Word Keywords",
    "briefing.event.participants[]": "keywords, as the actors' names",
    "briefing.kind": "the header line's wording; Page.kind and kind_label for the masthead",
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
    "options[].id": "HTML anchor (id attribute)",
    "leadership[].id": "HTML anchor (id attribute)",
    "structure[].id": "HTML anchor (id attribute)",
    "decisions[].id": "HTML anchor (id attribute)",
    "government[].id": "HTML anchor (id attribute)",
    "indicators[].id": "HTML anchor (id attribute)",
    "relations[].id": "HTML anchor (id attribute)",
    "cite[].excerpt": "HTML citation tooltip; on the site the citation links to its paragraph",
    "cite[].locator": "HTML citation tooltip, after the excerpt",
    "render.paper": "PDF page size",
    "sources[].review_by": "check only, once passed (BG350; the build date is --today)",
    "sources[].valid_until": "check only, once passed (BG351)",
    "briefing.handling.tlp": "the banner of sheets before markings: their default, BG341",
    "briefing.handling.marking": "the marking of items that state none: portion marks, banner",
    "sources[].marking": "the banner (the highest marking held); editions above it omit it",
    "assessments[].rests_on[]": "audience editions: left out when all it rests on is left out",
    "assessments[].if_withheld": "audience editions leaving out part of rests_on print it instead",
}
# An item's review_by is printed only once it has passed: as the item's mark, "Review due".
OFF_PAGE |= {
    f"{section}.review_by": "printed once passed (--today) as the item's mark; check: BG350"
    for section in (
        *("bottom_line", "question", "mandate", "membership"),
        *(f"{name}[]" for name in ("key_facts", "agenda", "obstacles", "positions")),
        *(f"{name}[]" for name in ("assessments", "watch", "options", "leadership")),
        *(f"{name}[]" for name in ("structure", "decisions", "government", "indicators")),
        "relations[]",
    )
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
    flags: tuple[str, ...] = ()  # marks for the reader: due for review, withdrawn source
    mark: str = ""  # the portion mark printed before it, "(TLP:AMBER)"; "" on unmarked sheets


@dataclass(frozen=True)
class Part:
    """One of the kind's own sections on the page, in page order: its `sections` key,
    heading and shape ('list', 'text' for a section that is one object, 'table' for the
    positions), and whether the sheet states it unknown (then it has no items)."""

    name: str
    heading: str
    shape: str
    unknown: bool = False

    @property
    def anchor(self) -> str:
        """The HTML id of the section: 'key-facts' for key_facts."""
        return self.name.replace("_", "-")


@dataclass(frozen=True)
class SourceEntry:
    """One numbered entry of the source list."""

    n: int
    id: str
    text: str  # Publisher. “Title.” Date (note). Type, reliability.
    url: str | None
    file: str | None


@dataclass(frozen=True)
class Piece:
    """A run of one paragraph's text: highlighted when a quote or excerpt covers it.

    CITED_BY lists the briefing items whose passage ends with this run, so each highlight
    links back to the item that cites it: (its anchor on the page, its label as the reader
    knows it there: 'Bottom line', 'J1', 'Key facts 2', 'Mandate').
    """

    text: str
    marked: bool = False
    cited_by: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SourceText:
    """One source on the sources page: its reader's number and its paragraphs, each cut
    into pieces at the edges of the passages `check` found in it."""

    id: str
    n: int
    title: str
    publisher: str
    url: str | None
    file: str | None
    paragraphs: tuple[tuple[Piece, ...], ...] = ()


@dataclass(frozen=True)
class Page:
    """The whole page as every output sees it, composed once per sheet and edition.

    Markdown, HTML, PDF, Word, plain text, the sources page, the index entry and the feed
    entry all render from this value; nothing after composition numbers sources or looks up
    evidence.
    """

    id: str
    lang: str
    title: str
    subtitle: str
    marking: str  # the handling line at the top and bottom of every page, banner included
    meta: tuple[str, ...]
    paper: str
    author: str
    created: str
    keywords: str
    bottom_line: Item
    sections: dict[str, tuple[Item, ...]] = field(default_factory=dict)
    parts: tuple[Part, ...] = ()  # the kind's own sections, in page order
    sources: tuple[SourceEntry, ...] = ()
    gaps: tuple[str, ...] = ()
    legend: str = ""
    nav: tuple[tuple[str, str], ...] = ()  # (label, href) links of the site page
    mentions: dict[str, Cite] = field(default_factory=dict)  # `[S1]` in free text, by id
    canonical: str = ""  # the page's absolute URL, when the site has a base_url
    organisation: str = ""  # the masthead's name; "" prints a neutral "Briefing"
    dated: str = ""  # the prepared date, written out: the masthead shows it, labelled
    current: str = ""  # the date the information is current to, when not `dated`: ditto
    kind: str = "event"  # briefing.kind: event, issue, country, organization
    kind_label: str = KIND_LABELS["event"]  # "Event brief", "Issue brief", ...
    texts: tuple[SourceText, ...] = ()  # the sources page: stored texts, highlighted
    entry: Entry | None = None  # the index and feed record (its files set when built)
    digests: dict[str, dict[str, str]] = field(default_factory=dict)  # what-changed digests
    earlier: tuple[tuple[str, str], ...] = ()  # earlier editions: (label, href), newest first
    changes: str = ""  # href of this edition's changes page ("" for a first edition)
    snapshot: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # revisions
    banner: str = ""  # the banner level, the highest marking held: "TLP:AMBER"; "" unmarked
    banner_class: str = ""  # its HTML class, for FIRST's colours: "marking-tlp-amber"
    omits: str = ""  # an audience's edition: the line saying it leaves material out

    @property
    def marking_parts(self) -> tuple[str, str, str]:
        """The handling line around its banner level: (before, banner, after), so a page
        can set the level in its colours (FIRST's TLP labels: coloured text on black)."""
        before, found, after = self.marking.partition(self.banner)
        return (before, found, after) if self.banner and found else (self.marking, "", "")

    @property
    def language(self) -> str:
        """The page language (templates of the sources page name it so)."""
        return self.lang

    def for_print(self) -> Page:
        """The PDF's variant of this page: each citation points at the page's own source
        list (paper has no sources page), and there is no site navigation or canonical URL."""

        def own(cites: tuple[Cite, ...]) -> tuple[Cite, ...]:
            return tuple(dataclasses.replace(c, href=in_page(c.source)) for c in cites)

        def items(found: tuple[Item, ...]) -> tuple[Item, ...]:
            return tuple(dataclasses.replace(i, cites=own(i.cites)) for i in found)

        return dataclasses.replace(
            self,
            bottom_line=dataclasses.replace(self.bottom_line, cites=own(self.bottom_line.cites)),
            sections={name: items(found) for name, found in self.sections.items()},
            mentions={s: dataclasses.replace(c, href=in_page(s)) for s, c in self.mentions.items()},
            nav=(),
            canonical="",
            earlier=(),  # paper links nowhere: the site page lists the earlier editions
            changes="",
        )


def in_page(source: str) -> str:
    """Cite links of the standalone page and the PDF: the entry in the source list."""
    return f"#src-{source}"

"""PDFs made from known text by a real typesetter (WeasyPrint), for the PDF-text tests.

Why: a PDF's text layer is only worth testing against text we know. Each document here
is real prose (the paragraphs of the example's stored sources, verbatim), laid out the way
reports are: justified, hyphenated (`hyphens: auto`, English), in two columns, with a
running header, page numbers and footnotes. WeasyPrint writes the PDF; nothing here
writes PDF bytes by hand. Run `python -m tests.pdf_corpus DIR` to write the PDFs to look
at them.
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "seeds" / "helsinki-summit-2018" / "sources"
HEADER = "Running header of the Policy Review"
FOOTER = "Policy Review, all rights reserved"


def prose() -> list[str]:
    """The example's source paragraphs of more than 100 characters (no photo captions),
    spaces collapsed."""
    found = []
    for path in sorted(SOURCES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = " ".join(line.split())
            if len(text) > 100 and "ảnh" not in text and text not in found:
                found.append(text)
    return found


@dataclass(frozen=True)
class Document:
    """A PDF, the title it declares (or None), and the paragraphs a reader sees in it."""

    name: str
    pdf: bytes
    title: str | None
    heading: str  # the first heading, in the largest font on page 1
    paragraphs: tuple[str, ...]  # in reading order
    footnotes: tuple[str, ...] = ()  # as printed: marker, full stop, text
    notes_after: int = -1  # how many paragraphs a reader reads before the footnotes (-1: all)
    furniture: tuple[str, ...] = ()  # header and footer texts that must not be stored


def _page(css: str, title: str | None, heading: str, body: str, lang: str = "en") -> str:
    head = f"<title>{html.escape(title)}</title>" if title else ""
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">{head}'
            f"<style>{css}</style></head><body><h1>{html.escape(heading)}</h1>{body}"
            "</body></html>")


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{html.escape(t)}</p>" for t in texts)


def _pdf(page: str) -> bytes:
    from weasyprint import HTML

    data: bytes = HTML(string=page).write_pdf()
    return data


BODY = "body { font-family: serif; font-size: 10pt; line-height: 1.3 } h1 { font-size: 18pt }"


def one_column() -> Document:
    """Ragged right, one column, no metadata title (the heading is the title), hyphenated
    with "-", the character its compound words are written with (as TeX does)."""
    texts = prose()
    css = (f"@page {{ size: A5; margin: 2cm }} {BODY} "
           'body { hyphens: auto; hyphenate-character: "-" }')
    heading = "Russia and the United States before the Helsinki summit of July 2018"
    return Document("one-column", _pdf(_page(css, None, heading, _paragraphs(texts))),
                    None, heading, tuple(texts))


def _cycled(count: int) -> list[str]:
    """COUNT paragraphs of prose, over again as needed; all of it once if COUNT is 0."""
    return (prose() * (count // len(prose()) + 1))[:count] if count else prose()


def two_columns(count: int = 0) -> Document:
    """Two justified, hyphenated columns, 1em apart, on A4 pages (COUNT paragraphs)."""
    texts = _cycled(count)
    css = (f"@page {{ size: A4; margin: 2cm }} {BODY} "
           "body { columns: 2; column-gap: 1em; text-align: justify; hyphens: auto }")
    title = "Helsinki summit: high expectations"
    return Document("two-columns", _pdf(_page(css, title, title, _paragraphs(texts))),
                    title, title, tuple(texts))


def furniture(count: int = 0) -> Document:
    """A running header, a footer, `n` and `Page n of m` in the margins, on every page;
    COUNT paragraphs."""
    texts = _cycled(count)
    css = (f"@page {{ size: A5; margin: 2.5cm 2cm; "
           f'@top-center {{ content: "{HEADER}" }} '
           "@bottom-center { content: counter(page) } "
           f'@bottom-left {{ content: "{FOOTER}" }} '
           '@bottom-right { content: "Page " counter(page) " of " counter(pages) } } '
           f"{BODY} body {{ text-align: justify; hyphens: auto }}")
    title = "Helsinki summit, the sources"
    return Document("furniture", _pdf(_page(css, title, title, _paragraphs(texts))),
                    title, title, tuple(texts), furniture=(HEADER, FOOTER))


FOOTNOTES = (
    "New START was signed in Prague in April 2010 and entered into force in February 2011.",
    "The Finnish capital had hosted a Soviet-American summit in September 1990.",
)


def footnotes() -> Document:
    """Two footnotes (WeasyPrint's `float: footnote`), their calls in running text, on a
    page whose last paragraph runs on to the next; one more paragraph follows it there."""
    starts = ("Following", "As planned", "Over the", "Political and")
    texts = [next(t for t in prose() if t.startswith(s)) for s in starts]
    calls = [f'<span class="fn">{html.escape(n)}</span>' for n in FOOTNOTES]
    first, second = (html.escape(t) for t in texts[:2])
    marked = [first.replace(", the international", f",{calls[0]} the international", 1),
              second.replace("Helsinki.", f"Helsinki.{calls[1]}", 1)]
    assert marked != [first, second]
    body = "".join(f"<p>{t}</p>" for t in marked) + _paragraphs(texts[2:])
    css = (f"@page {{ size: A5; margin: 2cm }} {BODY} "
           "body { text-align: justify; hyphens: auto } .fn { float: footnote }")
    title = "Helsinki summit, with notes"
    printed = tuple(f"{n}. {t}" for n, t in enumerate(FOOTNOTES, 1))
    return Document("footnotes", _pdf(_page(css, title, title, body)), title, title,
                    tuple(texts), footnotes=printed, notes_after=3)


CHAPTERS = ("Before the summit", "Expectations")


def chapters() -> Document:
    """Two numbered chapters, each on its own pages under its own running header (its
    name at the top left, the page number at the top right): a header that comes back on
    a few pages only, and a chapter number that is not a page number."""
    texts = prose()
    half = len(texts) // 2
    css = ("@page { size: A5; margin: 2.5cm 2cm; @top-left { content: string(chapter) } "
           "@top-right { content: counter(page) } } "
           f"{BODY} body {{ text-align: justify; hyphens: auto; counter-reset: chapter }} "
           "h2 { string-set: chapter content(text); break-before: page; margin-top: 0; "
           "counter-increment: chapter; font-size: 14pt } "
           "h2::before { content: counter(chapter); margin-right: 1.5em }")
    body = "".join(f"<h2>{html.escape(name)}</h2>{_paragraphs(part)}"
                   for name, part in zip(CHAPTERS, (texts[:half], texts[half:]), strict=True))
    title = "Helsinki summit in two chapters"
    paragraphs = (f"1 {CHAPTERS[0]}", *texts[:half], f"2 {CHAPTERS[1]}", *texts[half:])
    return Document("chapters", _pdf(_page(css, title, title, body)), title, title,
                    paragraphs, furniture=CHAPTERS)


def single_page(title: str | None = "Helsinki summit in brief") -> Document:
    """One page, its number "- 1 -" at the foot: nothing repeats, the number still goes.
    The heading is set across the whole line, with no space under it: only its size tells
    it from the paragraph below. A list's items wrap under their text, not their bullet."""
    texts = [t for t in prose() if len(t) < 400][:3]
    items = [s.rstrip(".") + "." for s in texts[2].split(". ")[1:]]
    number = "@bottom-center { content: '- ' counter(page) ' -' }"
    css = (f"@page {{ size: A5; margin: 2cm; {number} }} {BODY} "
           "body { text-align: justify; hyphens: auto } "
           "h1 { margin: 0; text-align-last: justify } h1 + p { margin-top: 0 } "
           "ul { padding-left: 1em } "  # the bullets stand at the text's left edge
           "li { text-align-last: justify }")  # and an item's last line is a full one
    heading = "Helsinki summit in brief"
    listed = "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"
    return Document("single-page", _pdf(_page(css, title, heading, _paragraphs(texts) + listed)),
                    title, heading, (*texts, *(f"• {i}" for i in items)))


def corpus() -> list[Document]:
    """The documents of the PDF-text tests' 98 % rule (single_page is one more)."""
    return [one_column(), two_columns(), furniture(), footnotes(), chapters()]


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    for doc in corpus():
        (out / f"{doc.name}.pdf").write_bytes(doc.pdf)

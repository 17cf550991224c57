"""Documents → source text and what they say about themselves (title, author, date, site).

Why: a web page holds navigation, captions, "Related News" and footers around the article,
and a PDF holds text in pages; a source is stored as the plain text a quote can be checked
against. HTML and text are decoded first (decode.py: declared or confidently detected
encodings only); HTML then goes through trafilatura's main-text extraction (it keeps the
article's paragraphs and drops navigation, asides, captions, footers and comments), and
a page nested deeper than the HTML parser reads is refused, not cut short; PDFs through
pdfminer.six's layout analysis (`pdftext`: paragraphs in reading order, hyphenation
undone, running headers and page numbers left out). Both are the optional
`briefgen[ingest]` extra, imported only here.
Metadata is taken only where the document states it (meta tags, the PDF's info); a date
is never guessed from the URL or the text, and what is not stated stays "unknown".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from briefgen.authoring.decode import decode
from briefgen.authoring.pagemeta import stated
from briefgen.errors import EXIT_USAGE, BriefError, Diagnostic, Location

UNKNOWN = "unknown"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INSTALL = "pip install 'briefgen[ingest]'"


@dataclass(frozen=True)
class Extracted:
    """A document's text (UTF-8, LF, no control characters) and its stated metadata."""

    text: str
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str = UNKNOWN
    article: bool = False  # the page calls itself an article (og:type and the like)


def extract(body: bytes, kind: str, *, name: str, charset: str | None = None) -> Extracted:
    """The text of BODY, a document of KIND (html, pdf, text); NAME is shown in errors."""
    if kind == "html":
        got = _html(decode(body, declared=charset, html=True, name=name), name)
    elif kind == "pdf":
        got = _pdf(body, name)
    else:
        text = decode(body, declared=charset, html=False, name=name)
        first = next((line for line in text.splitlines() if line.strip()), "")
        got = Extracted(text, title=_line(first[:200]))  # as `briefgen new` does
    text = clean(got.text)
    if not text.strip():
        raise _refused(name, "BG826", *_EMPTY[kind])
    return Extracted(text, got.title, got.author, got.publisher, got.published, got.article)


_EMPTY = {
    "html": ("no article text found in the page", "save the article's text as a .txt file"),
    "pdf": (
        "the PDF has no text layer (a scan or images only)",
        "run OCR on it, check the text by eye, and add the text file",
    ),
    "text": ("the file is empty", "add a file that holds the source's text"),
}


def clean(text: str) -> str:
    """TEXT with LF line ends, no control characters but tab, one newline at the end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return _CONTROL.sub("", text).strip("\n") + "\n"


def _html(page: str, name: str) -> Extracted:
    """The article of PAGE, decoded text: trafilatura is never left to guess the bytes."""
    trafilatura = _require("trafilatura", name)
    page = _XML_DECLARATION.sub("", page, count=1)  # lxml refuses text that names a charset
    tree = _parse(page, name)
    doc = trafilatura.bare_extraction(
        page,
        url=name if name.startswith(("http://", "https://")) else None,
        with_metadata=True,
        favor_precision=True,  # a menu or a list of links is no article: refuse, not store
        fast=True,  # no fallback extractors: they return navigation when nothing else is found
        include_comments=False,
        include_images=False,
        include_tables=True,
    )
    if doc is None or not (doc.text or "").strip():
        raise _refused(name, "BG826", *_EMPTY["html"])
    paragraphs = [line.strip() for line in doc.text.splitlines() if line.strip()]
    when, site = stated(tree)  # declared only: trafilatura guesses from URLs and footers
    return Extracted(
        "\n\n".join(paragraphs),
        title=_line(doc.title),
        author=_line(doc.author),
        publisher=_line(site),
        published=when or UNKNOWN,
        article=(doc.pagetype or "").lower() in ("article", "newsarticle", "news"),
    )


_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")


def _parse(page: str, name: str) -> Any:
    """PAGE's tree, as trafilatura's parser will see it; refuse a page it cannot read whole.

    Why: libxml2 stops at 256 levels of nesting (and at other resource limits) and keeps
    what it read so far, so the rest of the article would be left out without a word."""
    from lxml import etree, html

    parser = html.HTMLParser(collect_ids=False)
    try:
        tree = html.document_fromstring(page, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    for error in parser.error_log:
        if error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
            deep = "depth" in error.message.lower()
            raise BriefError(
                Diagnostic(
                    Location(name, error.line, error.column),
                    "BG850",
                    "the page nests its elements more than 255 deep, past what the HTML "
                    "parser reads: its text would be cut short"
                    if deep
                    else "the page exceeds a limit of the HTML parser: its text would be cut short",
                    "save the article's text from a browser as a .txt file and add that",
                ),
                exit_code=EXIT_USAGE,
            )
    return tree


def _pdf(body: bytes, name: str) -> Extracted:
    _require("pdfminer", name, "pdfminer.six")
    from briefgen.authoring import pdftext  # pdfminer.six, the ingest extra: imported here

    try:
        got = pdftext.read_pdf(body)
    except pdftext.Unreadable as error:
        raise _refused(
            name, "BG828", f"cannot read the PDF: {error}", "check that the file is a whole PDF"
        ) from None
    return Extracted(got.text, title=_line(got.title), author=_line(got.author))


def _require(module: str, name: str, package: str = "") -> Any:
    """The optional MODULE (PACKAGE on PyPI), or an error saying which `pip install` brings it."""
    try:
        return __import__(module)
    except ImportError:
        raise _refused(
            name,
            "BG829",
            f"reading this document needs {package or module}, which is not installed",
            f"install the ingest extra: {_INSTALL}",
        ) from None


def _line(value: object) -> str | None:
    """VALUE as one line of at most 300 characters (the schema's Line), or None."""
    text = " ".join(_CONTROL.sub("", str(value)).split()) if value else ""
    return text[:300] or None


def _refused(name: str, code: str, message: str, hint: str) -> BriefError:
    return BriefError(Diagnostic(Location(name), code, message, hint), exit_code=EXIT_USAGE)

"""Documents → source text and what they say about themselves (title, author, date, site).

Why: a web page holds navigation, captions, "Related News" and footers around the article,
and a PDF holds text in pages; a source is stored as the plain text a quote can be checked
against. HTML goes through trafilatura's main-text extraction (it keeps the article's
paragraphs and drops navigation, asides, captions, footers and comments); PDFs through
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
        got = _html(body, name)
    elif kind == "pdf":
        got = _pdf(body, name)
    else:
        text = _decode(body, charset, name)
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


def _decode(body: bytes, charset: str | None, name: str) -> str:
    try:
        return body.decode(charset or "utf-8").removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError):
        raise _refused(
            name,
            "BG827",
            f"the text is not {charset or 'UTF-8'}",
            "save it as UTF-8 text and add that file",
        ) from None


def _html(body: bytes, name: str) -> Extracted:
    trafilatura = _require("trafilatura", name)
    doc = trafilatura.bare_extraction(
        body,
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
    when, site = stated(body)  # declared only: trafilatura guesses from URLs and footers
    return Extracted(
        "\n\n".join(paragraphs),
        title=_line(doc.title),
        author=_line(doc.author),
        publisher=_line(site),
        published=when or UNKNOWN,
        article=(doc.pagetype or "").lower() in ("article", "newsarticle", "news"),
    )


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

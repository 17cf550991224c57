"""`briefgen sources add`: store a file's or a URL's text as a new source of a sheet.

Why: sources arrive as web pages, PDFs and URLs, and typing their text, title, outlet,
date and hash by hand is where mistakes creep in. Each document is read (files bounded,
URLs through fetch.py, the only network code), its text extracted (extract.py), and
then, only once every input has been read, the text is stored under `sources/`, the
original bytes under `sources/original/`, and one `sources:` entry per document is
appended to the sheet's TEXT after its last source: the user's comments and layout stay
as they were (the sheet is never re-dumped through a YAML emitter). Downloads take long,
so the sheet is read again under an edit lock before the entries are planned: an edit
made meanwhile, or another `sources add` on the same sheet, is kept, never overwritten.
`briefgen new --source` runs the same two steps (starting.py): one ingestion path.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

from briefgen.authoring.extract import UNKNOWN, Extracted, extract
from briefgen.authoring.fetch import MAX_DOWNLOAD_BYTES, fetch
from briefgen.errors import EXIT_IO, EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.project.scaffold import _q as yaml_string
from briefgen.sheet.edit import append_sources, locked, read_for_edit, write_sheet
from briefgen.sheet.files import reason
from briefgen.verify.sources import MAX_SOURCE_BYTES, read_bounded

_SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}
MAX_URL = 2000  # as model.Url allows
_ORIGINAL_SUFFIX = {"html": ".html", "pdf": ".pdf", "text": ".txt"}


@dataclass(frozen=True)
class Added:
    """One stored source: its new id, stored text, original, and what stayed unknown."""

    id: str
    file: str
    original: str
    unknown: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    """A document read and extracted, not yet stored."""

    name: str  # the path or URL the user gave
    url: str | None
    kind: str
    body: bytes
    got: Extracted


def add_sources(
    sheet: Path, inputs: list[str], *, today: date, proxies: dict[str, str]
) -> list[Added]:
    """Store every input (a file or an http(s) URL) as a new source of SHEET.

    Nothing is written unless every input could be read and extracted. TODAY is the
    retrieval date recorded as `accessed`; PROXIES as `urllib.request.getproxies()`.
    """
    raw, _, where = read_for_edit(sheet)  # the sheet must load: positions come from it
    append_sources(raw.decode("utf-8"), where, "")  # before any download: the same bytes
    _folders(sheet)
    return store_documents(sheet, read_documents(inputs, proxies), today=today)


def read_documents(inputs: list[str], proxies: dict[str, str]) -> list[Document]:
    """Every input (a file or an http(s) URL) read and extracted; nothing is written."""
    return [_read(item, proxies) for item in inputs]


def store_documents(sheet: Path, documents: list[Document], *, today: date) -> list[Added]:
    """Store DOCUMENTS (read_documents) as new sources of SHEET, all or none."""
    # Downloads take long: the sheet is read again under the lock and the entries planned
    # on what it holds now, so an edit made meanwhile (or another `sources add`) is kept.
    with locked(sheet):
        raw, data, where = read_for_edit(sheet)
        text = raw.decode("utf-8")
        folder = _folders(sheet)
        planned = _plan(documents, data)
        created: list[Path] = []
        try:
            entries, added = [], []
            for ident, doc, body, digest in planned:
                # a URL is named after its title (else its path), a file keeps its name
                stem = (doc.url and _slug(doc.got.title or "")) or _slug(_stem(doc.name))
                stem = stem or "source"
                file = _store(folder, stem, ".txt", body, created)
                suffix = _ORIGINAL_SUFFIX[doc.kind]
                original = _store(folder / "original", stem, suffix, doc.body, created)
                entries.append(_entry(ident, doc, file, original, digest, today))
                added.append(Added(ident, file, original, _unknown(doc.got)))
            write_sheet(sheet, append_sources(text, where, "".join(entries)), expected=raw)
        except BaseException:
            for path in reversed(created):  # what this run wrote, and only that
                with suppress(OSError):
                    path.rmdir() if path.is_dir() else path.unlink()
            raise
    return added


def _folders(sheet: Path) -> Path:
    """SHEET's sources/ folder; refuse one (or its original/) that is not a folder inside
    the sheet's own folder: a file, a symlink to elsewhere or to nothing."""
    root = sheet.parent.resolve()
    folder = sheet.parent / "sources"
    for path in (folder, folder / "original"):
        problem = ""
        if path.is_symlink() and not path.exists():
            problem = "is a symlink to nothing"
        elif path.exists() and not path.is_dir():
            problem = "is a file, not a folder"
        elif path.exists() and not path.resolve().is_relative_to(root):
            problem = "leads outside the sheet's folder"
        if problem:
            what = "texts" if path == folder else "original documents"
            raise _usage(
                str(path),
                "BG851",
                f"{path.relative_to(sheet.parent)}/ {problem}: the stored {what} go there",
                "make it a plain folder inside the sheet's folder",
            )
    return folder


def _plan(documents: list[Document], data: object) -> list[tuple[str, Document, bytes, str]]:
    """Each document's new id, text bytes and sha256; refuse duplicates and huge texts."""
    taken = _ids(data)  # any kind: a fact or an actor may already be called S3
    hashes = _existing(data)
    number = max((int(i[1:]) for i in taken if re.fullmatch(r"S\d{1,9}", i)), default=0)
    planned = []
    for doc in documents:
        body = doc.got.text.encode("utf-8")
        digest = hashlib.sha256(body).hexdigest()
        same = hashes.get(digest) or hashes.get(hashlib.sha256(doc.body).hexdigest())
        if same:
            raise _usage(
                doc.name,
                "BG832",
                f"the same text is already stored as {same}",
                "cite that source instead of adding it again",
            )
        if len(body) > MAX_SOURCE_BYTES:
            raise _usage(
                doc.name,
                "BG831",
                f"the extracted text is larger than {MAX_SOURCE_BYTES >> 20} MiB",
                "store the passages the briefing cites, not the whole document",
            )
        number += 1
        while f"S{number}" in taken:
            number += 1
        taken.add(f"S{number}")
        hashes[digest] = f"S{number}"
        planned.append((f"S{number}", doc, body, digest))
    return planned


def _ids(data: object) -> set[str]:
    """Every `id:` value anywhere in the sheet (walked without recursion)."""
    found: set[str] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("id"), str | int):
                found.add(str(item["id"]))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _existing(data: object) -> dict[str, str]:
    """The sheet's recorded source hashes, with their ids (to refuse duplicates)."""
    items = data.get("sources") if isinstance(data, dict) else None
    items = items if isinstance(items, list) else []
    return {
        str(s["sha256"]): str(s.get("id"))
        for s in items
        if isinstance(s, dict) and isinstance(s.get("sha256"), str)
    }


def _read(item: str, proxies: dict[str, str]) -> Document:
    if "://" in item:
        url = quote(item, safe=":/?#[]@!$&()*+,;=%~")  # the schema's url has no quotes
        if len(url) > MAX_URL:
            raise _usage(
                item,
                "BG820",
                f"the address is longer than {MAX_URL} characters",
                "use the page's short or canonical address",
            )
        got = fetch(url, proxies=proxies)
        return Document(
            item,
            url,
            got.kind,
            got.body,
            extract(got.body, got.kind, name=url, charset=got.charset),
        )
    path = Path(item)
    try:
        body = read_bounded(path, MAX_DOWNLOAD_BYTES)
    except OSError as error:
        raise BriefError(
            Diagnostic(Location(item), "BG833", f"cannot read the file: {reason(error)}"),
            exit_code=EXIT_IO,
        ) from None
    if body is None:
        raise _usage(
            item,
            "BG833",
            "not a regular file (a folder, device, FIFO or socket)",
            "give the path of a saved page, PDF or text file",
        )
    if len(body) > MAX_DOWNLOAD_BYTES:
        raise _usage(
            item,
            "BG824",
            f"the file is larger than {MAX_DOWNLOAD_BYTES >> 20} MiB",
            "save the part the briefing cites as a text file and add that",
        )
    kind = _SUFFIXES.get(path.suffix.lower()) or _sniff(body)
    if kind is None:
        raise _usage(
            item,
            "BG823",
            "not a web page, PDF or text file",
            "name it .html, .pdf or .txt if it is one; save anything else as text",
        )
    return Document(item, None, kind, body, extract(body, kind, name=item))


def _sniff(body: bytes) -> str | None:
    head = body[:512].lstrip().lower()
    if head.startswith(b"%pdf-"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


def _entry(ident: str, doc: Document, file: str, original: str, digest: str, today: date) -> str:
    got = doc.got
    lines = [
        f"- id: {ident}",
        f"  title: {yaml_string(got.title or _stem(doc.name))}",
        f"  publisher: {yaml_string(got.publisher or UNKNOWN)}",
        *([f"  author: {yaml_string(got.author)}"] if got.author else []),
        f"  published: {yaml_string(got.published)}",
        f"  accessed: {yaml_string(today.isoformat())}",
        f"  type: {'news-article' if got.article else 'other'}",
        *([f"  url: {yaml_string(doc.url)}"] if doc.url else []),
        f"  file: {yaml_string(file)}",
        f"  sha256: {digest}",
        f"  # original: {original}",
    ]
    return "".join(f"{line}\n" for line in lines)


def _unknown(got: Extracted) -> tuple[str, ...]:
    return tuple(
        name
        for name, value in (
            ("title", got.title),
            ("publisher", got.publisher),
            ("published", got.published),
        )
        if value in (None, UNKNOWN)
    )


def _stem(name: str) -> str:
    if "://" in name:
        parts = urlsplit(name)
        return Path(parts.path).stem or parts.hostname or "source"
    return Path(name).stem or "source"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].rstrip("-")


def _store(folder: Path, stem: str, suffix: str, body: bytes, created: list[Path]) -> str:
    """Write BODY under FOLDER as STEM+SUFFIX (or STEM-2…); an identical file is reused,
    a different one never overwritten. CREATED gets what was made (to undo on failure).
    Returns the path relative to the sheet's folder."""
    for n in range(1, 1000):
        path = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        try:
            if not folder.is_dir():
                folder.mkdir()
                created.append(folder)
            with path.open("xb") as handle:
                created.append(path)
                handle.write(body)
        except FileExistsError:
            if _holds(path, body):
                break
            continue
        except OSError as error:
            raise BriefError(
                Diagnostic(
                    Location(str(path)), "BG601", f"cannot store the source: {reason(error)}"
                ),
                exit_code=EXIT_IO,
            ) from None
        break
    else:
        raise _usage(
            str(folder),
            "BG834",
            f"too many files named {stem}{suffix}",
            "tidy up the sources folder",
        )
    base = "sources/original" if folder.name == "original" else "sources"
    return f"{base}/{path.name}"


def _holds(path: Path, body: bytes) -> bool:
    """PATH is a regular file holding BODY (read bounded: never a FIFO, nor a huge file)."""
    try:
        return read_bounded(path, len(body)) == body
    except OSError:  # a dangling symlink, a folder without access
        return False


def _usage(where: str, code: str, message: str, hint: str) -> BriefError:
    return BriefError(Diagnostic(Location(where), code, message, hint), exit_code=EXIT_USAGE)

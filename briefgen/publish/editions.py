"""Editions over time: each published version of a briefing keeps a permanent address.

Why: a reader who printed Monday's PDF must find it again after Tuesday's rebuild. When a
build publishes a briefing whose content changed (a new digest of its sheet), the
previous edition's files are archived at `<slug>/editions/<label>/` — the label is the
day that edition was first published (the build date, `--today`), `-2`, `-3` when one day
saw several — in every format the briefing was published in. An archived file is the
published file byte for byte; an HTML page only gains a notice pointing to the latest
edition, with its links to the site's shared files re-rooted two folders up (nothing else
changes). The manifest records each archived file's hash, and a copy is kept in a store
beside the output folder (`.<out>.briefgen-editions/`, by hash), so an incremental build
carries editions over untouched and a healing build restores a deleted one from there.
These are editions over *time*; they are kept per output folder, whatever else a
project publishes (audiences, paper sizes).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from briefgen.publish.records import Archived, Record
from briefgen.schema.vocabulary import EDITIONS, briefing_path, edition_path


@dataclass(frozen=True)
class Prior:
    """What a worker needs of a briefing's published edition to render the next one."""

    content: str | None = None  # None: never published, or by a briefgen without editions
    published: str | None = None
    labels: tuple[str, ...] = ()  # its earlier editions, oldest first


def prior(record: Record | None) -> Prior:
    """RECORD's edition as a worker needs it (an empty Prior for a new briefing)."""
    if record is None:
        return Prior()
    return Prior(record.content, record.published, tuple(e.label for e in record.editions))


def next_labels(before: Prior, content: str, keep: int | None) -> tuple[tuple[str, ...], bool]:
    """(the earlier editions' labels, oldest first, at most KEEP; whether CONTENT is a new
    edition that archives BEFORE's): a first publication, or one after a briefgen that
    kept no editions, archives nothing."""
    new = before.content is not None and before.content != content
    labels = (*before.labels, label_for(before.published, before.labels)) if new else before.labels
    return (labels[-keep:] if keep else labels), new


def label_for(published: str | None, taken: tuple[str, ...]) -> str:
    """The label of an edition first published on PUBLISHED: the date, then `-2`, `-3`…"""
    base = published or "undated"
    n, label = 1, base
    while label in taken:
        n += 1
        label = f"{base}-{n}"
    return label


_ROOTED = re.compile(rb'((?:href|src)=")\.\./')
_BODY = re.compile(rb"<body[^>]*>")


def archived_bytes(name: str, data: bytes, label: str) -> bytes:
    """How the published file NAME (DATA) of edition LABEL is archived: byte for byte,
    except that an HTML page gains a notice linking the latest edition and its links to
    the site's shared files (`../`) are re-rooted from two folders further down."""
    if not name.endswith(".html"):
        return data
    notice = (
        f'<p class="edition-notice" role="note">This is an earlier edition of this '
        f'briefing, first published {label}. <a href="../../{name}">Read the latest '
        f"edition</a>.</p>"
    ).encode()
    rooted = _ROOTED.sub(rb"\1../../../", data)
    found = _BODY.search(rooted)
    at = found.end() if found else 0
    return rooted[:at] + notice + rooted[at:]


class Store:
    """Archived files by sha256, beside the output folder: what heals a deleted edition."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, data: bytes) -> str:
        """Keep DATA (written once, atomically, fsynced); its sha256."""
        digest = hashlib.sha256(data).hexdigest()
        path = self.folder / digest
        if path.is_file():
            return digest
        self.folder.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f".{digest}.part")
        with part.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        part.replace(path)
        return digest

    def get(self, digest: str) -> bytes | None:
        """The bytes kept under DIGEST, if they are there and still hash to it."""
        try:
            data = (self.folder / digest).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == digest else None

    def prune(self, used: set[str]) -> None:
        """Remove what no recorded edition uses any more (retention dropped it)."""
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.iterdir()):
            if path.name not in used:
                path.unlink(missing_ok=True)


def archive(
    out: Path, record: Record, label: str, recorded: dict[str, str], store: Store
) -> tuple[Archived, dict[str, bytes], tuple[str, ...]]:
    """Archive RECORD's published files (in OUT, each holding its RECORDED sha256) as the
    edition LABEL: (its record, its files by site path, the names that could not be kept
    because the published file was missing or changed)."""
    kept: dict[str, str] = {}
    files: dict[str, bytes] = {}
    lost: list[str] = []
    for name in sorted(record.entry.files):
        rel = briefing_path(record.slug, name)
        try:
            data = (out / rel).read_bytes()
        except OSError:
            data = None
        if data is None or hashlib.sha256(data).hexdigest() != recorded.get(rel):
            lost.append(name)
            continue
        archived = archived_bytes(name, data, label)
        kept[name] = store.put(archived)
        files[edition_path(record.slug, label, name)] = archived
    return Archived(label, kept), files, tuple(lost)


def carried(
    records: dict[str, Record], damaged: set[str], written: set[str]
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(files to keep as they are, files to restore from the store): every archived file
    of every recorded edition not WRITTEN by this build, as (path, sha256); a DAMAGED one
    (missing or changed in the published site) is restored."""
    keep: list[tuple[str, str]] = []
    restore: list[tuple[str, str]] = []
    for _, record in sorted(records.items()):
        for rel, digest in record.edition_files():
            if rel in written:
                continue
            (restore if rel in damaged else keep).append((rel, digest))
    return tuple(keep), tuple(restore)


def is_edition_file(rel: str) -> bool:
    """True for a path inside some briefing's editions folder."""
    return f"/{EDITIONS}/" in rel

"""One published briefing's record in the manifest, and its JSON form.

Why apart from manifest.py: a record carries more than its inputs' key now — the
edition it is (a digest of the sheet's content, the day it was published), what its
reader saw (a snapshot for the next edition's changes page), its earlier editions (each
archived file with its hash, so no build rewrites or loses one) and the next day one of
its review dates passes (it is rebuilt then, to mark the item). Reading it back is
forgiving: a field an older manifest lacks is None or empty, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from briefgen.compose.entry import Entry
from briefgen.schema.vocabulary import briefing_path, edition_path

Snapshot = dict[str, dict[str, dict[str, str]]]  # compose.revisions.Snapshot


@dataclass(frozen=True)
class Archived:
    """An earlier edition of a briefing: its label (`2026-12-07`, `2026-12-07-2`) and its
    files, each name with the sha256 of the archived bytes."""

    label: str
    files: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Record:
    """One published briefing: the key of its inputs, its slug and its index/feed entry."""

    key: str
    slug: str
    entry: Entry  # its "files" maps file name → size
    inputs: dict[str, str] = field(default_factory=dict)  # facts.yaml and sources → sha256
    # what `build` compares to say what changed (changes.py); None in older manifests
    sections: dict[str, dict[str, str]] | None = None  # section → item id → digest
    fill: float | None = None  # how full the PDF page was
    content: str | None = None  # the edition: a digest of the sheet as read
    published: str | None = None  # the build date that first published this edition
    snapshot: Snapshot | None = None  # what the reader saw (revisions.snapshot)
    before: Snapshot | None = None  # the previous edition's, for this one's changes page
    editions: tuple[Archived, ...] = ()  # earlier editions, oldest first
    expires: str | None = None  # the next review or validity date: rebuilt on that day

    @property
    def files(self) -> tuple[str, ...]:
        """The briefing's published paths, relative to the site folder."""
        return tuple(briefing_path(self.slug, name) for name in self.entry.files)

    def edition_files(self) -> tuple[tuple[str, str], ...]:
        """Every archived file of its earlier editions: (published path, sha256)."""
        return tuple(
            (edition_path(self.slug, e.label, name), digest)
            for e in self.editions
            for name, digest in sorted(e.files.items())
        )


def as_dict(r: Record) -> dict[str, object]:
    """RECORD's JSON form (fields an older briefgen did not write only when set)."""
    doc: dict[str, object] = {
        "key": r.key, "slug": r.slug, "entry": r.entry.as_dict(), "inputs": r.inputs
    }
    optional = {
        "sections": r.sections, "fill": r.fill, "content": r.content,
        "published": r.published, "snapshot": r.snapshot, "before": r.before,
        "expires": r.expires,
    }
    doc |= {k: v for k, v in optional.items() if v is not None}
    if r.editions:
        doc["editions"] = [{"label": e.label, "files": e.files} for e in r.editions]
    return doc


def from_dict(r: Mapping[str, object]) -> Record:
    """The record R says; KeyError, TypeError or ValueError when it is not one."""
    entry = r["entry"]
    inputs = r.get("inputs", {})
    if not isinstance(entry, dict) or not isinstance(inputs, dict):
        msg = "a record's entry and inputs are objects"
        raise TypeError(msg)
    fill = r.get("fill")
    return Record(
        str(r["key"]),
        str(r["slug"]),
        Entry.from_dict(entry),
        {str(k): str(v) for k, v in inputs.items()},
        _nested(r.get("sections")),
        float(fill) if isinstance(fill, (int, float)) else None,
        _text(r.get("content")),
        _text(r.get("published")),
        _snapshot(r.get("snapshot")),
        _snapshot(r.get("before")),
        _editions(r.get("editions")),
        _text(r.get("expires")),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _nested(value: object) -> dict[str, dict[str, str]] | None:
    """The recorded item digests, or None when absent (an older manifest) or malformed."""
    if not isinstance(value, dict):
        return None
    if not all(isinstance(items, dict) for items in value.values()):
        return None
    return {str(s): {str(k): str(v) for k, v in items.items()} for s, items in value.items()}


def _snapshot(value: object) -> Snapshot | None:
    if not isinstance(value, dict):
        return None
    found: Snapshot = {}
    for section, items in value.items():
        if not isinstance(items, dict) or not all(isinstance(i, dict) for i in items.values()):
            return None
        found[str(section)] = {
            str(k): {str(a): str(b) for a, b in i.items()} for k, i in items.items()
        }
    return found


def _editions(value: object) -> tuple[Archived, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        Archived(str(e["label"]), {str(k): str(v) for k, v in e["files"].items()})
        for e in value
        if isinstance(e, dict) and isinstance(e.get("files"), dict)
    )

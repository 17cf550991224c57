"""Incremental builds: what each briefing was built from, and what was published.

Why hashes, not mtimes: a checkout, a copy or a cron job's fresh clone changes mtimes but
not content, and a stale mtime can hide a change. A briefing's key covers exactly its
inputs: facts.yaml, the stored files its sources name, and the settings key (templates,
fonts, build settings, versions of briefgen and its renderers) — not the sheet's folder,
which may hold the output folder itself. The manifest also records the hash of every
published file, so a deleted or edited file in the live site is noticed and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.compose.entry import Entry
from briefgen.publish.keys import Stamps, input_key, sheet_inputs
from briefgen.publish.keys import settings_key as settings_key
from briefgen.publish.realpaths import RealPaths
from briefgen.publish.records import Archived, as_dict, from_dict
from briefgen.publish.records import Record as Record
from briefgen.publish.stage import MARKER

NAME = ".briefgen-manifest.json"
VERSION = 2  # a manifest of another version is ignored: everything is rebuilt once


@dataclass(frozen=True)
class Manifest:
    """What the live site was built from (per sheet name) and what it holds (per path)."""

    settings: str = ""
    briefings: dict[str, Record] = field(default_factory=dict)  # sheet name → record
    files: dict[str, str] = field(default_factory=dict)  # published path → sha256


@dataclass(frozen=True)
class Plan:
    """Which sheets to rebuild, which published briefings to carry over, what to heal."""

    old: Manifest
    settings: str
    names: dict[Path, str]  # sheet → its name in the manifest (relative to the project)
    keys: dict[Path, str]  # sheet → the key of its inputs
    inputs: dict[Path, dict[str, str]]  # sheet → its input files' hashes (see `Record`)
    rebuild: tuple[Path, ...]
    keep: dict[Path, Record]  # sheet → its record in the old manifest
    carry: dict[str, Record]  # sheets not in this build that still exist → their records
    damaged: tuple[str, ...]  # published files that are missing or were changed
    up_to_date: bool

    @property
    def unchanged(self) -> tuple[str, ...]:
        """The slugs of the briefings carried over as they are."""
        kept = [r for _, r in sorted(self.keep.items())] + [
            r for _, r in sorted(self.carry.items())
        ]
        return tuple(r.slug for r in kept)


def plan(
    out: Path,
    sheets: list[Path],
    *,
    settings: str,
    project: Path | None,
    force: bool,
    stamps: Stamps | None = None,
    today: str | None = None,
    withheld_names: bool = False,
) -> Plan:
    """Compare the live site OUT (its manifest and files) with the current inputs.

    A published briefing whose sheet is not in SHEETS but still exists is carried over
    (rebuilt if its files were damaged); one whose sheet was deleted leaves the site.
    STAMPS (see keys.Stamps) spare reading files whose metadata did not change. A
    briefing one of whose review dates passed by TODAY (the build date) is rebuilt.
    WITHHELD_NAMES (an audience's edition): the manifest inside its tree records each
    stored source by a hash of its file name, never the name (a withheld source's name may
    say what the edition leaves out), so each sheet names its sources afresh.
    """
    stamps = stamps or Stamps()
    real = RealPaths()
    old = read(out)
    damage = damaged(out, old, stamps)
    names = {sheet: name_of(sheet, project, real) for sheet in sheets}
    others = _still_there(old, set(names.values()), project)
    for name in others:
        if set(old.briefings[name].files) & set(damage):
            sheet = (project or Path()) / name
            names[sheet] = name_of(sheet, project, real)
    sheets = list(names)
    inputs = {
        sheet: sheet_inputs(sheet, _recorded(old, names[sheet]), stamps) for sheet in sheets
    } if not withheld_names else {
        sheet: _unnamed(sheet_inputs(sheet, None, stamps), sheet.name) for sheet in sheets
    }
    keys = {sheet: input_key(settings, inputs[sheet]) for sheet in sheets}
    rebuild, keep, carry, up_to_date = _compare(
        old,
        keys,
        names,
        others=frozenset(others),
        damage=damage,
        force=force or old.settings != settings,
        today=today,
    )
    return Plan(old, settings, names, keys, inputs, rebuild, keep, carry, damage, up_to_date)


def _unnamed(inputs: dict[str, str], facts: str) -> dict[str, str]:
    """INPUTS with every stored file's name replaced by a hash of it (facts.yaml stays)."""
    return {
        name if name == facts else "file-" + hashlib.sha256(name.encode()).hexdigest()[:32]: h
        for name, h in inputs.items()
    }


def _recorded(old: Manifest, name: str) -> dict[str, str] | None:
    record = old.briefings.get(name)
    return record.inputs if record is not None else None


@dataclass(frozen=True)
class Fresh:
    """What a rebuilt briefing adds to its record: slug, entry, item digests, page fill,
    and the edition it is (see `records.Record`)."""

    slug: str
    entry: Entry
    sections: dict[str, dict[str, str]] | None = None
    fill: float | None = None
    content: str | None = None
    published: str | None = None
    snapshot: dict[str, dict[str, dict[str, str]]] | None = None
    before: dict[str, dict[str, dict[str, str]]] | None = None
    editions: tuple[Archived, ...] = ()
    expires: str | None = None


@dataclass(frozen=True)
class Merged:
    """The new manifest's records, and which published files carry over untouched."""

    records: dict[str, Record]
    keep: tuple[tuple[str, str], ...]  # (published path, its recorded sha256)
    healed: tuple[str, ...]  # damaged files that this build restores
    unhealed: tuple[str, ...]  # damaged files of failed briefings: never re-published


def merge(plan: Plan, built: dict[Path, Fresh], failed: Iterable[Path]) -> Merged:
    """The records after a build: kept and carried ones, the last good record of each FAILED
    sheet (--keep-going), and a new record for each BUILT one; a damaged file of a failed
    briefing cannot be rebuilt, so it is left out rather than published again."""
    old, names = plan.old, plan.names
    records = {names[s]: r for s, r in plan.keep.items()} | plan.carry
    last_good = {names[s]: r for s in failed if (r := old.briefings.get(names[s]))}
    records |= last_good
    keep: list[tuple[str, str]] = []
    unhealed: list[str] = []
    for name, record in records.items():
        for rel in record.files:
            if name in last_good and rel in plan.damaged:
                unhealed.append(rel)
            else:
                keep.append((rel, old.files.get(rel, "")))
    records |= {
        names[s]: Record(
            plan.keys[s], f.slug, f.entry, plan.inputs[s], f.sections, f.fill, f.content,
            f.published, f.snapshot, f.before, f.editions, f.expires,
        )
        for s, f in built.items()
    }
    healed = tuple(rel for rel in plan.damaged if rel not in unhealed)
    return Merged(records, tuple(keep), healed, tuple(unhealed))


def written(plan: Plan, records: dict[str, Record], files: dict[str, str]) -> bytes:
    """The new manifest's bytes: the plan's settings key, RECORDS and the published FILES."""
    return dumps(Manifest(plan.settings, records, files))


def name_of(sheet: Path, project: Path | None, real: RealPaths | None = None) -> str:
    """SHEET relative to the project folder, so no build path reaches the manifest.

    REAL resolves paths (one per run spares resolving the same folders again)."""
    real = real or RealPaths()
    base, path = real.text(project or Path()), real.text(sheet)  # strings: one per sheet
    inside = base.rstrip("/") + "/"
    if path.startswith(inside):
        return Path(path[len(inside) :]).as_posix()
    return Path(os.path.relpath(path, base)).as_posix()


def _still_there(old: Manifest, building: set[str], project: Path | None) -> list[str]:
    """Published briefings outside this build (whose names are not in BUILDING) whose
    sheets were not deleted."""
    found = []
    for name in sorted(old.briefings):
        if name in building:
            continue
        try:
            ((project or Path()) / name).lstat()
        except (FileNotFoundError, NotADirectoryError):
            continue  # deleted: the briefing leaves the site
        except OSError:
            pass  # there, but unreadable: its last good version stays
        found.append(name)
    return found


def read(out: Path) -> Manifest:
    """The live site's manifest; an empty one when there is none (or it is not ours)."""
    try:
        if not (out / MARKER).is_file():
            return Manifest()
        doc = json.loads((out / NAME).read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or doc.get("briefgen") != VERSION:
            return Manifest()
        records = {name: from_dict(r) for name, r in doc["briefings"].items()}
        files = {str(k): str(v) for k, v in doc["files"].items()}
        return Manifest(str(doc["settings"]), records, files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest()


def dumps(manifest: Manifest) -> bytes:
    """The manifest file's bytes: sorted, so an unchanged site writes the same bytes; one
    line per briefing and per file.

    Why by hand: `json.dumps(indent=...)` runs Python's own encoder, and a one-sheet edit
    of a thousand-briefing site spent a second in it; each line here is written by the C
    encoder, and the whole is the same JSON document."""
    briefings = {name: as_dict(r) for name, r in sorted(manifest.briefings.items())}
    parts = [
        f'{{\n "briefgen": {json.dumps(VERSION)},\n "briefings": ',
        _lines(briefings),
        ',\n "files": ',
        _lines(dict(sorted(manifest.files.items()))),
        f',\n "settings": {json.dumps(manifest.settings)}\n}}\n',
    ]
    return "".join(parts).encode()


def _lines(mapping: Mapping[str, object]) -> str:
    """MAPPING as a JSON object, one sorted key per line, each value on its line."""
    if not mapping:
        return "{}"
    rows = [f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True)}" for k, v in mapping.items()]
    return "{\n" + ",\n".join(rows) + "\n }"


def damaged(out: Path, manifest: Manifest, stamps: Stamps | None = None) -> tuple[str, ...]:
    """The published files that are missing from OUT or no longer hold what was published
    (a briefing's file without a recorded hash counts as damaged: it was never verified)."""
    stamps = stamps or Stamps()
    listed = set(manifest.files).union(*(r.files for r in manifest.briefings.values()))
    folder = os.fspath(out)  # strings, not Paths: this runs for every published file
    return tuple(
        rel
        for rel in sorted(listed)
        if _file_hash(os.path.join(folder, rel), stamps) != manifest.files.get(rel, "?")  # noqa: PTH118
    )


def _compare(
    old: Manifest,
    keys: dict[Path, str],
    names: dict[Path, str],
    *,
    others: frozenset[str],
    damage: tuple[str, ...],
    force: bool,
    today: str | None = None,
) -> tuple[tuple[Path, ...], dict[Path, Record], dict[str, Record], bool]:
    """(rebuild, keep, carry, up to date): the old manifest OLD against the current KEYS.

    OTHERS are the names of published briefings outside this build whose sheets still
    exist; DAMAGE the published files that are missing or changed (see `damaged`).
    """
    broken = set(damage)
    rebuild, keep = [], {}
    for sheet, key in keys.items():
        record = old.briefings.get(names[sheet])
        fresh = not force and record is not None and record.key == key
        fresh = fresh and not _passed(record, today)
        if fresh and record is not None and not broken.intersection(record.files):
            keep[sheet] = record
        else:
            rebuild.append(sheet)
    carry = {n: r for n, r in old.briefings.items() if n in others and n not in names.values()}
    same_set = set(old.briefings) == set(names.values()) | set(carry)
    up_to_date = not rebuild and not broken and same_set and bool(old.briefings)
    return tuple(rebuild), keep, carry, up_to_date


def _passed(record: Record | None, today: str | None) -> bool:
    """True when RECORD's next review or validity date is before TODAY: its page changes."""
    due = record.expires if record is not None else None
    if not due or not today:
        return False
    n = min(len(due), len(today))
    return today[:n] > due[:n]


def _file_hash(path: str, stamps: Stamps) -> str:
    """A published file's sha256; "" when it is missing, a link or no regular file."""
    try:
        st = os.lstat(path)
    except OSError:
        return ""
    if not stat.S_ISREG(st.st_mode):  # a link is S_ISLNK here
        return ""
    return stamps.sha256(path, whole=True, known=st)

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
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.publish.stage import MARKER
from briefgen.verify.sources import read_bounded

NAME = ".briefgen-manifest.json"
VERSION = 2  # a manifest of another version is ignored: everything is rebuilt once


@dataclass(frozen=True)
class Record:
    """One published briefing: the key of its inputs, its slug and its index/feed entry."""

    key: str
    slug: str
    entry: dict[str, Any]  # site.Entry.as_dict(); its "files" maps file name → size
    inputs: dict[str, str] = field(default_factory=dict)  # facts.yaml and sources → sha256
    # what `build` compares to say what changed (changes.py); None in older manifests
    sections: dict[str, dict[str, str]] | None = None  # section → item id → digest
    fill: float | None = None  # how full the PDF page was

    @property
    def files(self) -> tuple[str, ...]:
        """The briefing's published paths, relative to the site folder."""
        return tuple(f"{self.slug}/{name}" for name in self.entry.get("files", {}))


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
    out: Path, sheets: list[Path], *, settings: str, project: Path | None, force: bool
) -> Plan:
    """Compare the live site OUT (its manifest and files) with the current inputs.

    A published briefing whose sheet is not in SHEETS but still exists is carried over
    (rebuilt if its files were damaged); one whose sheet was deleted leaves the site.
    """
    old = read(out)
    damage = damaged(out, old)
    others = _still_there(old, sheets, project)
    sheets = sheets + [
        (project or Path()) / n for n in others if set(old.briefings[n].files) & set(damage)
    ]
    names = {sheet: name_of(sheet, project) for sheet in sheets}
    inputs = {sheet: sheet_inputs(sheet, old.briefings.get(names[sheet])) for sheet in sheets}
    keys = {sheet: input_key(settings, inputs[sheet]) for sheet in sheets}
    rebuild, keep, carry, up_to_date = _compare(
        old,
        keys,
        names,
        others=frozenset(others),
        damage=damage,
        force=force or old.settings != settings,
    )
    return Plan(old, settings, names, keys, inputs, rebuild, keep, carry, damage, up_to_date)


def name_of(sheet: Path, project: Path | None) -> str:
    """SHEET relative to the project folder, so no build path reaches the manifest."""
    base = (project or Path()).resolve()
    try:
        return sheet.resolve().relative_to(base).as_posix()
    except ValueError:
        return Path(os.path.relpath(sheet.resolve(), base)).as_posix()


def _still_there(old: Manifest, sheets: list[Path], project: Path | None) -> list[str]:
    """Published briefings outside this build whose sheets were not deleted."""
    building = {name_of(sheet, project) for sheet in sheets}
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
        records = {
            name: Record(
                str(r["key"]),
                str(r["slug"]),
                dict(r["entry"]),
                {str(k): str(v) for k, v in r.get("inputs", {}).items()},
                _sections(r.get("sections")),
                float(r["fill"]) if isinstance(r.get("fill"), (int, float)) else None,
            )
            for name, r in doc["briefings"].items()
        }
        files = {str(k): str(v) for k, v in doc["files"].items()}
        return Manifest(str(doc["settings"]), records, files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest()


def dumps(manifest: Manifest) -> bytes:
    """The manifest file's bytes: sorted, so an unchanged site writes the same bytes."""
    doc = {
        "briefgen": VERSION,
        "settings": manifest.settings,
        "briefings": {
            name: {"key": r.key, "slug": r.slug, "entry": r.entry, "inputs": r.inputs}
            | ({"sections": r.sections} if r.sections is not None else {})
            | ({"fill": r.fill} if r.fill is not None else {})
            for name, r in sorted(manifest.briefings.items())
        },
        "files": dict(sorted(manifest.files.items())),
    }
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()


def _sections(value: object) -> dict[str, dict[str, str]] | None:
    """The recorded item digests, or None when absent (an older manifest) or malformed."""
    if not isinstance(value, dict):
        return None
    if not all(isinstance(items, dict) for items in value.values()):
        return None
    return {str(s): {str(k): str(v) for k, v in items.items()} for s, items in value.items()}


def damaged(out: Path, manifest: Manifest) -> tuple[str, ...]:
    """The published files that are missing from OUT or no longer hold what was published
    (a briefing's file without a recorded hash counts as damaged: it was never verified)."""
    listed = set(manifest.files).union(*(r.files for r in manifest.briefings.values()))
    return tuple(
        rel for rel in sorted(listed) if _file_hash(out / rel) != manifest.files.get(rel, "?")
    )


def _compare(
    old: Manifest,
    keys: dict[Path, str],
    names: dict[Path, str],
    *,
    others: frozenset[str],
    damage: tuple[str, ...],
    force: bool,
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
        if fresh and record is not None and not broken.intersection(record.files):
            keep[sheet] = record
        else:
            rebuild.append(sheet)
    carry = {n: r for n, r in old.briefings.items() if n in others and n not in names.values()}
    same_set = set(old.briefings) == set(names.values()) | set(carry)
    up_to_date = not rebuild and not broken and same_set and bool(old.briefings)
    return tuple(rebuild), keep, carry, up_to_date


CODE = Path(__file__).resolve().parent.parent  # the briefgen package, every subpackage in it


def settings_key(*, template_dirs: list[Path], **settings: object) -> str:
    """Hash of everything that affects every briefing: settings, templates, versions, and
    briefgen's own code (a `git pull` that changes rendering must not leave cron saying
    "up to date" while the version number stays the same)."""
    digest = hashlib.sha256()
    versions = {
        "briefgen": __version__,
        "weasyprint": _version("weasyprint"),
        "pydyf": _version("pydyf"),
        "fonttools": _version("fonttools"),
        "jinja2": _version("jinja2"),
        "markdown-it-py": _version("markdown-it-py"),
    }
    digest.update(json.dumps([versions, settings], sort_keys=True, default=str).encode())
    for module in sorted(CODE.rglob("*.py")):
        name = module.relative_to(CODE).as_posix()
        digest.update(name.encode() + b"\0" + read_bounded_or_why(module) + b"\0")
    for folder in template_dirs:
        _hash_tree(digest, folder)
    return digest.hexdigest()


def sheet_inputs(sheet: Path, known: Record | None = None) -> dict[str, str]:
    """The sha256 of each of a briefing's input files: facts.yaml, then the stored files its
    sources name (by the names the sheet uses).

    Why KNOWN: when facts.yaml hashes as it did at the last build (its record says so), the
    sheet names the same source files, so they are taken from the record instead of loading
    the YAML again: a rebuild with nothing changed stays a matter of hashing files.
    """
    raw = read_bounded_or_why(sheet)
    facts = hashlib.sha256(raw).hexdigest()
    if known is not None and known.inputs.get(sheet.name) == facts:
        names = [n for n in known.inputs if n != sheet.name]
    else:
        names = _source_files(raw, sheet)
    found = {sheet.name: facts}
    folder = sheet.parent.resolve()
    for name in names:
        try:
            path = (folder / name).resolve()
        except (OSError, ValueError):
            continue  # not a usable name: `check` says so, the key need not
        if path.is_relative_to(folder) and name != sheet.name:
            found[name] = hashlib.sha256(read_bounded_or_why(path)).hexdigest()
    return found


def input_key(settings: str, inputs: dict[str, str]) -> str:
    """Hash of one briefing's inputs: the settings key and every input file's hash."""
    return hashlib.sha256(
        json.dumps([settings, sorted(inputs.items())], ensure_ascii=True).encode()
    ).hexdigest()


def _source_files(raw: bytes, sheet: Path) -> list[str]:
    """The `file:` of every source in the sheet, or none when it does not load."""
    from briefgen.errors import BriefError
    from briefgen.sheet.load import load_bytes

    try:
        data, _ = load_bytes(raw, str(sheet))
    except BriefError:
        return []
    sources = data.get("sources") if isinstance(data, dict) else None
    found = [s.get("file") for s in sources or [] if isinstance(s, dict)]
    return sorted({f for f in found if isinstance(f, str)})


def read_bounded_or_why(path: Path) -> bytes:
    """PATH's first bytes (bounded, see `sourcefiles.read_bounded`), or a marker naming why
    it cannot be read: a FIFO or device named as a source must not hang the key."""
    try:
        raw = read_bounded(path)
    except OSError as error:
        return f"\0unreadable: {error.errno}".encode()
    return b"\0not a regular file" if raw is None else raw


def _file_hash(path: Path) -> str:
    try:
        if path.is_symlink() or not path.is_file():
            return ""
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _hash_tree(digest: Any, folder: Path) -> None:
    """Hash FOLDER's files in a fixed order. Dotfiles and dot-folders are skipped (an editor's
    lock or swap file is not a template), and each file is read bounded: a FIFO, device or
    dangling link hashes as a marker instead of hanging or crashing the up-to-date check."""
    if not folder.is_dir():
        return
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(f for f in files if not f.startswith(".")):
            path = Path(root, name)
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(read_bounded_or_why(path))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"

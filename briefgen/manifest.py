"""Incremental builds: what each briefing was built from, as content hashes.

Why hashes, not mtimes: a checkout, a copy or a cron job's fresh clone changes mtimes but
not content, and a stale mtime can hide a change. A briefing is rebuilt when the hash of
its folder (fact sheet and stored sources), the templates, the fonts, the build settings
or the versions of briefgen and WeasyPrint differ from what the live site's manifest says.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from briefgen import __version__


@dataclass(frozen=True)
class Plan:
    """Which sheets to rebuild and which published briefings to carry over."""

    rebuild: tuple[Path, ...]
    keep: dict[Path, dict[str, Any]]  # sheet → its record in the old manifest
    up_to_date: bool


def settings_key(*, template_dirs: list[Path], **settings: object) -> str:
    """Hash of everything that affects every briefing: settings, templates, versions."""
    digest = hashlib.sha256()
    versions = {
        "briefgen": __version__,
        "weasyprint": _version("weasyprint"),
        "jinja2": _version("jinja2"),
        "markdown-it-py": _version("markdown-it-py"),
    }
    digest.update(json.dumps([versions, settings], sort_keys=True, default=str).encode())
    for folder in template_dirs:
        _hash_tree(digest, folder)
    return digest.hexdigest()


def sheet_key(sheet: Path, settings: str) -> str:
    """Hash of one briefing's inputs: its whole folder (facts.yaml and sources/)."""
    digest = hashlib.sha256(settings.encode())
    digest.update(sheet.name.encode())
    _hash_tree(digest, sheet.parent)
    return digest.hexdigest()


def plan(
    old: dict[str, Any], keys: dict[Path, str], names: dict[Path, str], out: Path, *, force: bool
) -> Plan:
    """Compare the live manifest OLD with the current KEYS (sheet → hash).

    NAMES are the sheets' manifest names: paths relative to the project, never absolute.
    """
    records = old.get("briefings", {}) if isinstance(old.get("briefings"), dict) else {}
    rebuild, keep = [], {}
    for sheet, key in keys.items():
        record = records.get(names[sheet])
        if (
            not force
            and isinstance(record, dict)
            and record.get("key") == key
            and _present(out, record)
        ):
            keep[sheet] = record
        else:
            rebuild.append(sheet)
    same_set = set(records) == set(names.values())
    return Plan(tuple(rebuild), keep, up_to_date=not rebuild and same_set and bool(records))


def _present(out: Path, record: dict[str, Any]) -> bool:
    slug = record.get("slug")
    files = record.get("entry", {}).get("files", {})
    return isinstance(slug, str) and all((out / slug / name).is_file() for name in files)


def _hash_tree(digest: Any, folder: Path) -> None:
    if not folder.is_dir():
        return
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        for name in sorted(files):
            path = Path(root, name)
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"

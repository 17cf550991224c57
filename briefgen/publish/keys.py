"""What a briefing is built from, as hashes: its input files and the settings key.

Why hashes, not mtimes: a checkout, a copy or a cron job's fresh clone changes mtimes but
not content, and a stale mtime can hide a change. Every file is read bounded: a FIFO,
device or dangling link hashes as a marker instead of hanging the up-to-date check.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

from briefgen import __version__
from briefgen.sheet.files import read_bounded

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


def sheet_inputs(sheet: Path, known: dict[str, str] | None = None) -> dict[str, str]:
    """The sha256 of each of a briefing's input files: facts.yaml, then the stored files its
    sources name (by the names the sheet uses).

    Why KNOWN (the inputs recorded at the last build): when facts.yaml hashes as it did, the
    sheet names the same source files, so they are taken from the record instead of loading
    the YAML again: a rebuild with nothing changed stays a matter of hashing files.
    """
    raw = read_bounded_or_why(sheet)
    facts = hashlib.sha256(raw).hexdigest()
    if known is not None and known.get(sheet.name) == facts:
        names = [n for n in known if n != sheet.name]
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
    """PATH's first bytes (bounded, see `sheet.files.read_bounded`), or a marker naming why
    it cannot be read: a FIFO or device named as a source must not hang the key."""
    try:
        raw = read_bounded(path)
    except OSError as error:
        return f"\0unreadable: {error.errno}".encode()
    return b"\0not a regular file" if raw is None else raw


def _hash_tree(digest: hashlib._Hash, folder: Path) -> None:
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

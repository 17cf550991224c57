"""What a briefing is built from, as hashes: its input files and the settings key.

Why hashes, not mtimes: a checkout, a copy or a cron job's fresh clone changes mtimes but
not content, and a stale mtime can hide a change. Every file is read bounded: a FIFO,
device or dangling link hashes as a marker instead of hanging the up-to-date check.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
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
        "python-docx": _version("python-docx"),
    }
    digest.update(json.dumps([versions, settings], sort_keys=True, default=str).encode())
    for module in sorted(CODE.rglob("*.py")):
        name = module.relative_to(CODE).as_posix()
        digest.update(name.encode() + b"\0" + read_bounded_or_why(module) + b"\0")
    for folder in template_dirs:
        _hash_tree(digest, folder)
    return digest.hexdigest()


class Stamps:
    """What each file held when it was last hashed, by its metadata, as git's index keeps it.

    Why: a no-op rebuild of thousands of briefings must not read gigabytes to learn that
    nothing changed. A file whose size, modification time, inode and change time are what
    they were when it was hashed is taken to hold what it held then; any other file is read
    and hashed. A stamp is trusted only when the file's modification time is older than the
    moment the stamps were saved by more than RACY: on a filesystem with coarse timestamps,
    an edit in the same tick as the hashing leaves the metadata unchanged ("racily clean").
    The cache lives beside the lock, outside the site; lost or corrupt, it only costs reads.
    """

    RACY = 2_000_000_000  # ns: FAT's 2 s timestamps are the coarsest in common use

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.old: dict[str, list[int | str]] = {}
        self.new: dict[str, list[int | str]] = {}
        self.trusted_before = 0
        self.cwd = ""
        self.racy = False  # a stamp matched but was too new to trust: save() writes again
        if path is None:
            return
        try:
            saved = path.stat().st_mtime_ns
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(doc, dict) and doc.get("version") == _STAMPS_VERSION:
            files = doc.get("files")
            self.old = files if isinstance(files, dict) else {}
            self.trusted_before = saved - self.RACY

    def sha256(
        self, path: Path | str, *, whole: bool = False, known: os.stat_result | None = None
    ) -> str:
        """PATH's sha256, from its stamp when that can be trusted: of its first bytes as
        `read_bounded_or_why` reads an input, or with WHOLE of the whole file (a published
        one, which briefgen wrote itself). KNOWN: PATH's stat, when the caller has it."""
        name = os.fspath(path)  # strings, not Paths: this runs for every file of the site
        if not name.startswith("/"):  # as os.path.abspath, with the working folder asked once
            self.cwd = self.cwd or os.getcwd()  # noqa: PTH109 - see above
            name = os.path.normpath(os.path.join(self.cwd, name))  # noqa: PTH118
        key = ("whole:" if whole else "") + name
        try:
            st = known or os.stat(name)  # noqa: PTH116 - see above
        except OSError:
            return _digest(Path(name), whole)
        if not stat.S_ISREG(st.st_mode):
            return _digest(Path(name), whole)
        meta: list[int | str] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
        stamp = self.old.get(key)
        same = isinstance(stamp, list) and stamp[:4] == meta and isinstance(stamp[4], str)
        if same and st.st_mtime_ns < self.trusted_before:
            digest = str(stamp[4])  # type: ignore[index]
        else:
            digest = _digest(Path(name), whole)
            self.racy = self.racy or same
        self.new[key] = [*meta, digest]
        return digest

    def published(self, path: Path, digest: str) -> None:
        """Record that briefgen just published PATH with DIGEST (its stamp is taken now)."""
        try:
            st = path.stat()
        except OSError:
            return
        meta: list[int | str] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
        self.new["whole:" + os.path.abspath(path)] = [*meta, digest]  # noqa: PTH100

    def save(self) -> None:
        """Write the stamps taken in this run (atomically; a failure only costs reads).

        Written again, even unchanged, when a stamp could not be trusted for its file being
        as new as the stamps (racy): saving moves the stamps' own time on, so the next run
        trusts it instead of reading the file again on every run. (The pages written at the
        end of a build are always that new.)"""
        if self.path is None or (self.new == self.old and not self.racy):
            return
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            temporary.write_text(
                json.dumps({"version": _STAMPS_VERSION, "files": self.new}, sort_keys=True),
                encoding="utf-8",
            )
            temporary.replace(self.path)
        except OSError:
            temporary.unlink(missing_ok=True)


_STAMPS_VERSION = 1


def _digest(path: Path, whole: bool) -> str:
    if not whole:
        return hashlib.sha256(read_bounded_or_why(path)).hexdigest()
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def sheet_inputs(
    sheet: Path, known: dict[str, str] | None = None, stamps: Stamps | None = None
) -> dict[str, str]:
    """The sha256 of each of a briefing's input files: facts.yaml, then the stored files its
    sources name (by the names the sheet uses).

    Why KNOWN (the inputs recorded at the last build): when facts.yaml hashes as it did, the
    sheet names the same source files, so they are taken from the record instead of loading
    the YAML again; with STAMPS, an unchanged file is not even read.

    A name is taken as written (no link resolved): a name that leaves the sheet's folder
    is skipped (`check` refuses it), and a link is hashed as what it points to, so the key
    changes whenever what `check` would read changes.
    """
    stamps = stamps or Stamps()
    facts = stamps.sha256(sheet)
    if known is not None and known.get(sheet.name) == facts:
        names = [n for n in known if n != sheet.name]
    else:
        names = _source_files(read_bounded_or_why(sheet), sheet)
    found = {sheet.name: facts}
    for name in names:
        if name != sheet.name and (inside := _inside(name)) is not None:
            found[name] = stamps.sha256(sheet.parent / inside)
    return found


def _inside(name: str) -> str | None:
    """NAME as a path below its sheet's folder, or None when it is not one (absolute, `..`
    out of it, a NUL, empty)."""
    rel = os.path.normpath(name)
    if "\0" in rel or rel.startswith("/") or rel in (".", "..") or rel.startswith("../"):
        return None
    return rel


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

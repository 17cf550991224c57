"""Stage 7, publish: swap a fully built site in, or leave the old one untouched.

Why this way: a scheduled rebuild runs with nobody watching. The new site is assembled in
a staging folder beside OUT (same file system), files whose bytes did not change are
hard-linked from the live site (their mtimes stay), and only when everything is written
is the staging folder exchanged with OUT in one `renameat2(RENAME_EXCHANGE)` call. A
failed, killed or out-of-disk run leaves OUT as it was; its leftovers are removed by the
next run. A lock file makes a second concurrent build wait or exit 4, and a marker file
stops briefgen from ever replacing a folder it did not create (`-o ~`).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import pwd
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from briefgen.errors import EXIT_IO, EXIT_LOCKED, EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.publish.realpaths import RealPaths
from briefgen.sheet.files import reason

MARKER = ".briefgen-site"
_RENAME_EXCHANGE = 2
# Folders a site never replaces, even empty (/mnt, /media) or not yet there.
_SYSTEM = frozenset(
    [
        *("/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64"),
        *("/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys"),
        *("/tmp", "/usr", "/usr/local", "/var", "/var/www"),
    ]
)


def _fail(
    where: Path, code: str, message: str, hint: str = "", exit_code: int = EXIT_IO
) -> BriefError:
    return BriefError(Diagnostic(Location(str(where)), code, message, hint), exit_code=exit_code)


@contextmanager
def locked(out: Path, *, wait: bool = False, sheets: Iterable[Path] = ()) -> Iterator[None]:
    """Accept OUT (see `accept`), then hold its build lock; exit 4 if another build has it.

    The lock file lives beside OUT, and only once OUT is accepted: a refused `-o /` or
    `-o seeds/x/sources` leaves nothing behind.
    """
    accept(out, sheets)
    out = _absolute(out)  # `-o .` has no name and is its own parent: the lock goes beside it
    lock = out.parent / f".{out.name}.briefgen.lock"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle = lock.open("a")
    except OSError as error:
        raise _fail(lock, "BG602", f"cannot create the lock file: {reason(error)}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise _fail(
                out,
                "BG603",
                "another build is running for this output folder",
                "wait for it, or pass --wait",
                exit_code=EXIT_LOCKED,
            ) from None
        yield
    finally:
        handle.close()


def accept(out: Path, sheets: Iterable[Path] = ()) -> None:
    """Refuse an output folder briefgen must not own: not a plain folder, not empty and
    not marked as ours, a system folder (/, /usr, /mnt, the home folder), or a folder that
    holds fact sheets or is inside a sheet's sources/."""
    _refuse_foreign(out)
    where = out.resolve()
    if where.as_posix() in _SYSTEM or where == _home():
        raise _refuse(out, "the output folder is a system folder")
    real = RealPaths()  # thousands of sheets in one seeds/ folder: resolve it once
    here = str(where)  # strings, not Paths: this runs for every sheet
    for sheet in sheets:
        folder = real.text(sheet.parent)
        if _within(folder, here):
            raise _refuse(out, f"the output folder holds the fact sheet {sheet}")
        if _within(here, folder + "/sources"):
            raise _refuse(out, f"the output folder is inside the sources of {sheet}")


def _within(path: str, folder: str) -> bool:
    """Path(PATH).is_relative_to(FOLDER), for two real, absolute paths as strings."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _home() -> Path | None:
    """The user's home folder from the password database (not $HOME: no env below the CLI)."""
    try:
        return Path(pwd.getpwuid(os.getuid()).pw_dir).resolve()
    except (KeyError, OSError):  # a uid without an entry, as in some containers
        return None


def _refuse(out: Path, message: str) -> BriefError:
    hint = "point -o at a folder of its own, such as out/ beside seeds/"
    return _fail(out, "BG605", message, hint, exit_code=EXIT_USAGE)


class Stage:
    """A staging folder for the next version of OUT.

    Made only inside `locked(OUT)`: OUT was accepted there, and the build removed the
    leftovers of killed runs before planning, so neither is done again here.
    """

    def __init__(self, out: Path) -> None:
        out = self.out = _absolute(out)
        self.published: dict[str, str] = {}  # staged path → sha256 (the manifest's files)
        self.folders: set[Path] = set()  # staged folders `keep` made
        try:
            self.path = Path(
                tempfile.mkdtemp(prefix=f".{out.name}.briefgen-staging-", dir=out.parent)
            )
        except OSError as error:
            raise _fail(
                out.parent, "BG601", f"cannot create a staging folder: {reason(error)}"
            ) from None

    def write(self, rel: str, data: bytes) -> None:
        """Stage REL with DATA (on disk: fsynced); if the live file holds DATA, link it."""
        live, staged = self.out / rel, self.path / rel
        self.published[rel] = hashlib.sha256(data).hexdigest()
        try:
            staged.parent.mkdir(parents=True, exist_ok=True)
            if live.is_file() and live.stat().st_size == len(data) and live.read_bytes() == data:
                os.link(live, staged)
                return
            with staged.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            staged.chmod(0o644)
        except OSError as error:
            raise _fail(
                staged,
                "BG601",
                f"cannot write: {reason(error)}",
                "check free space and permissions",
            ) from None

    def keep(self, rel: str, digest: str) -> bool:
        """Carry REL over from the live site unchanged (it holds DIGEST); False if absent."""
        live, staged = self.out / rel, self.path / rel
        if not live.is_file():
            return False
        try:
            if staged.parent not in self.folders:  # a briefing's files share one folder
                staged.parent.mkdir(parents=True, exist_ok=True)
                self.folders.add(staged.parent)
            os.link(live, staged)
        except OSError as error:
            raise _fail(staged, "BG601", f"cannot link: {reason(error)}") from None
        self.published[rel] = digest
        return True

    def commit(self) -> None:
        """Mark, fix permissions, and exchange the staging folder with OUT."""
        self.write(MARKER, b"This folder is written by briefgen; it replaces it on every build.\n")
        folders = [Path(folder) for folder, _, _ in os.walk(self.path, topdown=False)]
        for folder in folders:
            folder.chmod(0o755)
        if not _sync_filesystem(self.path):  # one flush instead of one per folder
            for folder in folders:
                _fsync_dir(folder)
        try:
            if self.out.exists():
                _exchange(self.path, self.out)
                shutil.rmtree(self.path, ignore_errors=True)  # now the previous site
            else:
                self.path.rename(self.out)
            _fsync_dir(self.out.parent)
        except OSError as error:
            raise _fail(
                self.out, "BG604", f"cannot swap the new site in: {reason(error)}"
            ) from None

    def abort(self) -> None:
        """Throw the staging folder away; OUT is untouched."""
        shutil.rmtree(self.path, ignore_errors=True)


@contextmanager
def staged(out: Path) -> Iterator[Stage]:
    """A Stage that is removed again unless it was committed."""
    stage = Stage(out)
    try:
        yield stage
    finally:
        if stage.path.exists():
            stage.abort()


def _refuse_foreign(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise _fail(
            out,
            "BG605",
            "the output path is not a plain folder",
            "point -o at a folder briefgen may own",
            exit_code=EXIT_USAGE,
        )
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise _fail(
            out,
            "BG605",
            "the output folder is not empty and was not made by briefgen",
            f"briefgen replaces its output folder; choose an empty or new one "
            f"(it looks for {MARKER})",
            exit_code=EXIT_USAGE,
        )


def clean_leftovers(out: Path) -> None:
    """Remove staging folders of builds that were killed (we hold the lock)."""
    out = _absolute(out)
    for stale in sorted(out.parent.glob(f".{out.name}.briefgen-staging-*")):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def _exchange(a: Path, b: Path) -> None:
    """Atomically swap two folders (Linux renameat2); a two-step rename elsewhere."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        at_fdcwd = -100
        if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        if ctypes.get_errno() not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    old = a.with_name(a.name + "-old")
    b.rename(old)
    a.rename(b)
    old.rename(a)


def _sync_filesystem(path: Path) -> bool:
    """Flush everything written to PATH's filesystem (Linux syncfs); False where there is
    no syncfs or it failed, and each folder must be flushed on its own.

    Why: the staging folder holds a folder per briefing, and on ext4 each folder's fsync
    is a journal commit of its own: for a site of a thousand briefings that was seconds
    of every build, even one that changed a single sheet. One syncfs commits them all
    (and whatever else was pending on that filesystem) before the swap."""
    syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    if syncfs is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return bool(syncfs(fd) == 0)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def beside(out: Path, suffix: str) -> Path:
    """A file of briefgen's beside OUT, like its lock: `.<name>.briefgen-<suffix>`."""
    out = _absolute(out)
    return out.parent / f".{out.name}.briefgen-{suffix}"


def _absolute(out: Path) -> Path:
    """OUT with `.` and `..` worked out (no symlinks followed: a linked OUT is refused)."""
    return Path(os.path.abspath(out))  # noqa: PTH100 - resolve() would follow a symlink

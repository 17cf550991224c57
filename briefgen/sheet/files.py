"""Reading a file a user put there, safely, and saying in plain words why it cannot be read.

Why one reader: fact sheets, stored sources, briefgen.toml and the inputs the up-to-date
check hashes are all files someone else placed. Each is opened without blocking (a named
pipe or a device is refused on the open descriptor, never waited on or read, even if it
was swapped in after a check of its type) and read up to a limit. Why the words: a
diagnostic says "permission denied" and how to fix it, never Python's `[Errno 13] ...`.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from briefgen.errors import EXIT_IO, BriefError, Diagnostic, Location

MAX_SOURCE_BYTES = 2 * 1024 * 1024

_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


class NotRegularFile(OSError):
    """A named pipe, device, socket or folder where a regular file should be."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"it is not a regular file ({kind})", str(path))
        self.kind = kind


def read_regular(path: Path, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """At most LIMIT + 1 bytes of PATH; NotRegularFile (an OSError) if it is no regular file.

    Opened O_NONBLOCK, so opening a named pipe with no writer returns at once; the type is
    checked on the descriptor, so the file read is the file checked.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, kind_of(mode))
        chunks = []
        left = limit + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def kind_of(mode: int) -> str:
    """What a file of MODE is, in words: "a named pipe", "a device", "a folder", …"""
    return _KINDS.get(stat.S_IFMT(mode), "a special file")


def read_bounded(path: Path, limit: int = MAX_SOURCE_BYTES) -> bytes | None:
    """`read_regular`, with None instead of NotRegularFile."""
    try:
        return read_regular(path, limit)
    except NotRegularFile:
        return None


def reason(error: OSError) -> str:
    """Why ERROR happened, in lower-case words without Python's `[Errno N]` or the path."""
    if isinstance(error, NotRegularFile):
        return str(error.strerror)
    return (error.strerror or "it cannot be read").lower()


def closed_folder(path: Path) -> Path | None:
    """The first folder on the way to PATH that this process may not enter or list, if any.

    Why: "permission denied" on a file often means a closed folder above it, and the
    fix differs (`chmod a+rx` on the folder, not `a+r` on the file).
    """
    for folder in reversed(path.parents):
        if str(folder) not in (".", "/") and not os.access(folder, os.X_OK):
            return folder
    return None


def fix(path: Path, error: OSError, *, is_folder: bool = False) -> str:
    """A hint that fits the cause of ERROR on PATH (a closed folder, a closed file, …)."""
    if isinstance(error, NotRegularFile):
        return f"put a regular file there instead of {error.kind}"
    if error.errno in (errno.EACCES, errno.EPERM):
        folder = path if is_folder else closed_folder(path)
        if folder is not None:
            return f"make the folder readable: chmod a+rx {folder}"
        return f"make it readable: chmod a+r {path}"
    if error.errno == errno.ENOENT:
        return "check the name, or restore the file"
    return ""


def unreadable(
    path: Path, error: OSError, *, what: str = "fact sheet", shown: str | None = None
) -> BriefError:
    """BG111 for PATH (shown as SHOWN; exit 3), naming the closed folder instead when the
    cause is one."""
    folder = closed_folder(path) if error.errno in (errno.EACCES, errno.EPERM) else None
    if folder is not None:
        path, shown, what = folder, None, "folder"
    message = f"cannot read the {what}: {reason(error)}"
    hint = fix(path, error, is_folder=what == "folder")
    return BriefError(
        Diagnostic(Location(shown or str(path)), "BG111", message, hint), exit_code=EXIT_IO
    )

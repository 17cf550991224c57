"""Editing a fact sheet's TEXT in place: the user's comments, layout and line ends stay.

Why not load and dump: a YAML emitter drops comments, reorders and re-quotes, and folds
characters such as U+0085 inside quoted scalars. Positions from load.py's SourceMap say
where to insert or replace; the result is loaded again before it replaces the sheet, so
an editing bug can never leave the user with a sheet that does not load. An edit is a
read-modify-write: `locked` keeps two briefgen commands from interleaving on one sheet,
and `write_sheet(…, expected=)` refuses to replace a sheet that changed since it was read
(an editor saving meanwhile), so no one's edit is ever lost silently.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from briefgen.errors import EXIT_IO, EXIT_LOCKED, EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.sheet.files import read_regular, reason
from briefgen.sheet.load import MAX_BYTES, SourceMap, load_bytes

_EMPTY_LIST = re.compile(r"\[[ \t]*\]")  # `sources: []`, a flow list with no item
LOCK_WAIT = 30.0  # seconds to wait for another briefgen command editing the same sheet


def read_for_edit(sheet: Path) -> tuple[bytes, object, SourceMap]:
    """SHEET's bytes as read, and its data and SourceMap loaded from exactly those bytes."""
    try:
        raw = _current(sheet)
    except OSError as error:
        raise BriefError(
            Diagnostic(
                Location(str(sheet)),
                "BG111",
                f"cannot read the fact sheet: {reason(error)}",
            ),
            exit_code=EXIT_IO,
        ) from None
    data, where = load_bytes(raw, str(sheet))
    return raw, data, where


def line_end(text: str) -> str:
    """The line end TEXT uses ("\r\n" when its first line ends so, else "\n")."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def append_sources(text: str, where: SourceMap, entries: str) -> str:
    """TEXT with ENTRIES (block YAML at column 0) after the last item of `sources:`.

    An empty `sources: []` (what `briefgen new` writes without a source) becomes a block
    list: the `[]` goes, a comment after it stays, and the items follow at two spaces."""
    lines = text.splitlines(keepends=True)
    key = where.keys.get(("sources",))
    value = where.values.get(("sources",))
    empty = None
    if key is not None and value is not None and value[0] == key[0] <= len(lines):
        empty = _EMPTY_LIST.match(lines[key[0] - 1], value[1] - 1)
    if key is None or value is None or (value[0] == key[0] and not empty) or key[1] != 1:
        raise BriefError(
            Diagnostic(
                Location(where.file),
                "BG830",
                "the sheet has no block list of sources",
                "write `sources:` at the start of a line, then items as `  - id: S1`",
            ),
            exit_code=EXIT_USAGE,
        )
    dash = " " * (value[1] - 1)
    if empty:
        line = lines[key[0] - 1]
        rest = line[empty.end():]
        lines[key[0] - 1] = line[: empty.start()].rstrip() + (
            rest if rest.strip() else rest.lstrip(" \t")
        )
        dash = "  "
    later = sorted(
        line for (path, (line, _)) in where.keys.items() if len(path) == 1 and line > key[0]
    )
    end = (later[0] - 1) if later else len(lines)
    while end > key[0] and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    newline = line_end(text)
    if end and not lines[end - 1].endswith("\n"):
        lines[end - 1] += newline
    block = "".join(
        (dash + line if line.strip() else line).rstrip("\r\n") + newline
        for line in entries.splitlines(True)
    )
    return "".join([*lines[:end], block, *lines[end:]])


def write_sheet(sheet: Path, text: str, *, expected: bytes | None = None) -> None:
    """Replace SHEET in one step, so an interrupted run leaves the old sheet whole.

    EXPECTED, when given, is the sheet as it was read: if the file no longer holds it,
    nothing is written (BG852). A symlinked sheet is written where the link points."""
    load_bytes(text.encode("utf-8"), str(sheet))  # a bug here must not reach the user's file
    target = Path(os.path.realpath(sheet))
    try:
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".facts-", suffix=".yaml")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            Path(temp).chmod(stat.S_IMODE(target.stat().st_mode))
            if expected is not None and _current(target) != expected:
                raise _changed(sheet)
            Path(temp).replace(target)
        finally:
            Path(temp).unlink(missing_ok=True)
    except OSError as error:
        raise BriefError(
            Diagnostic(
                Location(str(sheet)), "BG601", f"cannot write the fact sheet: {reason(error)}"
            ),
            exit_code=EXIT_IO,
        ) from None


def _current(sheet: Path) -> bytes:
    """SHEET as it is now, read like every user file (`files.read_regular`): a named pipe
    swapped in for the sheet is refused at once, never waited on."""
    return read_regular(sheet, MAX_BYTES)


def _changed(sheet: Path) -> BriefError:
    return BriefError(
        Diagnostic(
            Location(str(sheet)),
            "BG852",
            "the fact sheet changed on disk while briefgen was editing it; nothing was written",
            "run the command again",
        ),
        exit_code=EXIT_USAGE,
    )


@contextmanager
def locked(sheet: Path, *, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the edit lock of SHEET's folder; another holder is waited for up to WAIT s.

    Why the folder: the sheet itself is replaced by a rename on every write, so a lock on
    its file would be a lock on the old copy; the folder stays, and no lock file is left
    behind. Where the file system has no flock, the compare in `write_sheet` still holds."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    try:
        fd = os.open(sheet.parent, os.O_RDONLY)
    except OSError:
        yield  # an unreadable folder: the write will say what is wrong
        return
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BriefError(
                        Diagnostic(
                            Location(str(sheet)),
                            "BG852",
                            f"another briefgen command has been editing this sheet for over "
                            f"{wait:.0f} s",
                            "wait for it to finish, then run the command again",
                        ),
                        exit_code=EXIT_LOCKED,
                    ) from None
                time.sleep(0.05)
            except OSError:  # no flock here (some network file systems)
                break
        yield
    finally:
        os.close(fd)

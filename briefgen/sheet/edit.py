"""Editing a fact sheet's TEXT in place: the user's comments and layout stay.

Why not load and dump: a YAML emitter drops comments, reorders and re-quotes, and folds
characters such as U+0085 inside quoted scalars. Positions from load.py's SourceMap say
where to insert or replace; the result is loaded again before it replaces the sheet, so
an editing bug can never leave the user with a sheet that does not load.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from briefgen.errors import EXIT_IO, EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.sheet.files import reason
from briefgen.sheet.load import SourceMap, load_bytes


def append_sources(text: str, where: SourceMap, entries: str) -> str:
    """TEXT with ENTRIES (block YAML at column 0) after the last item of `sources:`."""
    lines = text.splitlines(keepends=True)
    key = where.keys.get(("sources",))
    value = where.values.get(("sources",))
    if key is None or value is None or value[0] == key[0] or key[1] != 1:
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
    later = sorted(
        line for (path, (line, _)) in where.keys.items() if len(path) == 1 and line > key[0]
    )
    end = (later[0] - 1) if later else len(lines)
    while end > key[0] and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    if end and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    block = "".join(dash + line if line.strip() else line for line in entries.splitlines(True))
    return "".join([*lines[:end], block, *lines[end:]])


def write_sheet(sheet: Path, text: str) -> None:
    """Replace SHEET in one step, so an interrupted run leaves the old sheet whole."""
    load_bytes(text.encode("utf-8"), str(sheet))  # a bug here must not reach the user's file
    try:
        handle, temp = tempfile.mkstemp(dir=sheet.parent, prefix=".facts-", suffix=".yaml")
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        Path(temp).chmod(stat.S_IMODE(sheet.stat().st_mode))
        Path(temp).replace(sheet)
    except OSError as error:
        raise BriefError(
            Diagnostic(
                Location(str(sheet)), "BG601", f"cannot write the fact sheet: {reason(error)}"
            ),
            exit_code=EXIT_IO,
        ) from None

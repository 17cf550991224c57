"""Stage 0, discover: which fact sheets a run covers, or why some cannot be read.

Why not a glob: `Path.glob` skips folders it cannot read, and a sheet that silently drops
out of a scheduled build drops out of the published site. Every unreadable folder or
sheet is reported instead (BG111, exit 3), and a missing named sheet is a usage error.
`check` keeps the unreadable sheets in its list (KEEP_UNREADABLE): reading each reports
it, and one closed sheet does not hide the findings of all the others.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from briefgen.errors import EXIT_IO, EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.sheet.files import read_regular, unreadable


def find_sheets(root: Path, *, keep_unreadable: bool = False) -> list[Path]:
    """The default sheets: every seeds/*/facts.yaml below ROOT, sorted; BG111 for any
    folder or sheet that cannot be read (with KEEP_UNREADABLE, such a sheet is listed)."""
    seeds = root / "seeds"
    found, problems = [], []
    try:
        folders = sorted(e.name for e in os.scandir(seeds) if not e.name.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as error:
        raise unreadable(seeds, error, what="folder") from None
    for name in folders:
        sheet = seeds / name / "facts.yaml"
        try:
            if _is_dir(seeds / name):
                _probe(sheet)
                found.append(sheet)
        except FileNotFoundError:
            continue  # a folder without a sheet is not a sheet
        except OSError as error:
            if keep_unreadable:
                found.append(sheet)
            else:
                problems.append(unreadable(sheet, error).diagnostics[0])
    if problems:
        raise BriefError(*problems, exit_code=EXIT_IO)
    return found


def resolve_sheets(
    sheets: Iterable[Path], root: Path, *, keep_unreadable: bool = False
) -> list[Path]:
    """SHEETS as given (folders mean their facts.yaml), or the defaults; usage error if none.

    A named sheet that does not exist is a usage error (exit 2); one that cannot be read
    is an I/O error (exit 3) that says so, unless KEEP_UNREADABLE lists it for the reader
    to report. A file under a sheet's sources/ means that sheet (the pre-commit hook
    passes the files that changed); each sheet is named once.
    """
    chosen: list[Path] = []
    problems, code = [], EXIT_USAGE
    for named in sheets:
        given = _sheet_of_source(named)
        if not os.path.lexists(given) and not _denied(given):
            problems.append(Diagnostic(Location(str(given)), "BG003", "no such file or folder"))
            continue
        sheet = given / "facts.yaml" if _is_dir(given) else given
        try:
            _probe(sheet)
            if sheet not in chosen:
                chosen.append(sheet)
        except FileNotFoundError:  # a folder without facts.yaml, or a dangling link
            problems.append(
                Diagnostic(
                    Location(str(sheet)),
                    "BG003",
                    "no such file or folder",
                    "a sheet is a facts.yaml, or a folder holding one",
                )
            )
        except OSError as error:
            if keep_unreadable:
                chosen += [] if sheet in chosen else [sheet]
                continue
            problems.append(unreadable(sheet, error).diagnostics[0])
            code = EXIT_IO
    if problems:
        raise BriefError(*problems, exit_code=code)
    chosen = chosen or find_sheets(root, keep_unreadable=keep_unreadable)
    if not chosen:
        raise BriefError(
            Diagnostic(
                Location(str(root / "seeds")),
                "BG001",
                "no fact sheets found (looked for seeds/*/facts.yaml)",
                "name a sheet, or create one with `briefgen new SLUG`",
            ),
            exit_code=EXIT_USAGE,
        )
    return chosen


def _sheet_of_source(path: Path) -> Path:
    """The sheet folder when PATH lies under a sheet's sources/ folder, else PATH."""
    parts = path.parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "sources" and os.path.lexists(Path(*parts[:i], "facts.yaml")):
            return Path(*parts[:i]) if i else Path()
    return path


def _probe(sheet: Path) -> None:
    """Open SHEET as the loader will (without blocking, a regular file only); OSError if
    that fails, so a named pipe is refused here instead of waited on later."""
    read_regular(sheet, 0)


def _is_dir(path: Path) -> bool:
    """Path.is_dir, except that a closed parent folder means "no" instead of raising."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _denied(path: Path) -> bool:
    """True when PATH cannot even be looked up because a folder above it is closed."""
    try:
        os.lstat(path)
    except PermissionError:
        return True
    except OSError:
        return False
    return False

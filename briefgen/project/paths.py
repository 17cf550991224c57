"""Whether the OS would take a path at all: the check before a folder name is used.

Why: an output folder (`-o`, `output =`) or a project folder (`briefgen init NAME`) holding
NUL, a name over NAME_MAX bytes or a path over PATH_MAX made the first `stat` raise deep
inside build, serve or init, and the user got a traceback. Checked up front, it is one
positioned usage error, before any lock, staging folder or file is made.
"""

from __future__ import annotations

import os

NAME_MAX = 255  # Linux, macOS and the BSDs; os.pathconf says what the file system allows
PATH_MAX = 4096  # including the terminating NUL


def unusable(
    path: str | os.PathLike[str], *, name_room: int = 0, path_room: int = 0
) -> str | None:
    """Why the OS would refuse PATH, in words that follow "found", or None if it is usable.

    NAME_ROOM is what briefgen adds to a name (a staging folder beside the output folder
    is named after it), PATH_ROOM what it adds below the path (`init` writes files a few
    folders deep), so those must fit too.
    """
    text = os.fspath(path)
    if not text:
        return "an empty name"
    if "\0" in text:
        return "a name holding NUL"
    try:
        raw = os.fsencode(text)
    except (UnicodeEncodeError, ValueError):
        return "a name this system cannot encode"
    try:
        whole = os.fsencode(os.path.abspath(text))  # noqa: PTH100 - no stat of a bad path
    except OSError:  # the working folder was removed: judge the path as given
        whole = raw
    name_max, path_max = _limits(whole)
    if max(len(part) for part in raw.split(b"/")) > name_max:
        return f"a name over {name_max} bytes"
    if len(raw.rstrip(b"/").rsplit(b"/", 1)[-1]) > name_max - name_room:  # the last name
        return f"a name over {name_max - name_room} bytes (briefgen adds {name_room} to it)"
    room = max(name_room, path_room)
    if len(whole) >= path_max:
        return f"a path over {path_max - 1} bytes"
    if len(whole) + room >= path_max:
        return f"a path over {path_max - 1 - room} bytes (briefgen adds {room} to it)"
    return None


def _limits(whole: bytes) -> tuple[int, int]:
    """NAME_MAX and PATH_MAX of the file system the nearest existing folder of WHOLE is on."""
    folder = whole  # os.path, not Path: isdir is False (never raises) for a too-long path
    while folder and not os.path.isdir(folder):  # noqa: PTH112
        parent = os.path.dirname(folder)  # noqa: PTH120
        if parent == folder:
            break
        folder = parent
    try:
        return os.pathconf(folder or b"/", "PC_NAME_MAX"), PATH_MAX
    except (OSError, ValueError):
        return NAME_MAX, PATH_MAX

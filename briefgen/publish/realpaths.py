"""Real paths of many files in few folders, each folder resolved once per run.

Why: the up-to-date check resolves every sheet, its folder and each of its source files
(to name them in the manifest and to keep a source inside its sheet's folder), and
`Path.resolve` walks every component of every path with one `lstat` each: for ten
thousand briefings that was most of a no-op rebuild. Here a folder's real path is known
once and a file's is its folder's plus its name, unless that name is itself a link.
The answer is the one `Path.resolve()` (non-strict) gives; folders are assumed not to be
replaced during one run.
"""

from __future__ import annotations

import os
from pathlib import Path


class RealPaths:
    """`Path.resolve()` with the real path of every folder on the way remembered."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    def __call__(self, path: Path) -> Path:
        """PATH's real path, as `path.resolve()` would give it."""
        return Path(self._real(os.fspath(path)))

    def text(self, path: Path) -> str:
        """PATH's real path as a string (no Path made: the cheapest form)."""
        return self._real(os.fspath(path))

    def _real(self, path: str) -> str:
        known = self._known.get(path)
        if known is not None:
            return known
        head, name = os.path.split(path)
        if name in ("", ".", "..") or not head or head == path or "\0" in path:
            real = os.path.realpath(path)  # the root, a bare name, or a step back up
        else:
            joined = os.path.join(self._real(head), name)  # noqa: PTH118 - strings: cheaper
            link = os.path.islink(joined)  # noqa: PTH114 - strings: cheaper than a Path
            real = os.path.realpath(joined) if link else joined
        self._known[path] = real
        return real

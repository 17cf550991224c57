"""Where a `briefgen.toml` problem is: positions for settings diagnostics (BG700, and the
line and column of a key or its value for every other settings code).

Why apart from settings.py: tomllib keeps no positions and words its errors its own way;
finding them again is text work of its own, as sheet/yamlerrors.py is for sheets.
"""

from __future__ import annotations

import re

from briefgen.errors import Diagnostic, Location


def key_position(text: str, key: str) -> tuple[int | None, int | None]:
    """Line and column of top-level KEY (a `key =` line, or a `[key]` table) in TEXT.

    tomllib keeps no positions; the file is small and flat, so scanning lines suffices.
    """
    name = re.escape(key)
    pattern = re.compile(rf"""^(\s*\[*\s*)(["']?){name}\2\s*[=.\]]""")
    for number, line in enumerate(text.splitlines(), start=1):
        match = pattern.match(line)
        if match:
            return number, len(match.group(1)) + 1
    return None, None


def value_position(text: str, line: int | None) -> tuple[int | None, int | None]:
    """Where the value on LINE starts (after `=`)."""
    if line is None:
        return None, None
    found = re.search(r"=\s*", text.splitlines()[line - 1])
    return (line, found.end() + 1) if found else (None, None)


def syntax(file: str, text: str, error: Exception) -> Diagnostic:
    """BG700 at the line and column tomllib names ("end of document": the last line)."""
    message = str(error)
    at = re.search(r"\(at line (\d+), column (\d+)\)$", message)
    lines = text.splitlines() or [""]
    line, col = (int(at[1]), int(at[2])) if at else (len(lines), len(lines[-1]) + 1)
    plain = re.sub(r"\s*\(at [^)]*\)$", "", message)
    hint = 'settings look like key = "text", key = true or key = 2, one per line'
    if plain.startswith("Cannot overwrite"):
        plain, hint = "a setting is given twice", "keep one of them; TOML allows each key once"
    return Diagnostic(
        Location(file, line, col), "BG700", f"TOML syntax: {plain[:1].lower()}{plain[1:]}", hint
    )


def not_utf8(file: str, data: bytes, error: UnicodeDecodeError) -> Diagnostic:
    """BG700 at the line and column (in characters) of the first byte that is not UTF-8."""
    before = data[: error.start].decode("utf-8")
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    bad = data[error.start]
    return Diagnostic(
        Location(file, line, col),
        "BG700",
        f"the settings file is not UTF-8 text: byte 0x{bad:02x}",
        "save it as UTF-8",
    )

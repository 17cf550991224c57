"""Positioned diagnostics and the one exception type briefgen raises for bad input.

Why: every user-facing problem (YAML, schema, provenance, layout, I/O) travels as a
`Diagnostic` with a `file:line:col`, so the CLI has one display path and a user fixes
everything in one pass. Anything that is not a `BriefError` is a bug and keeps its
traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# Exit codes (README "Exit codes"): 0 ok, 1 content error, 2 usage, 3 I/O, 4 locked,
# 141 (128 + SIGPIPE) the reader of the output went away before a successful run ended.
EXIT_CONTENT = 1
EXIT_USAGE = 2
EXIT_IO = 3
EXIT_LOCKED = 4
EXIT_PIPE = 141

# C0 and C1 controls (ESC, BEL, CR, LF, tab, CSI …), line and paragraph separators, bidi
# controls and lone surrogates: anything that can steer a terminal or hide text.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)


def inert(text: str) -> str:
    """TEXT safe to print on a terminal or a log: every control, separator or bidi
    character shown as `[U+001B]`, so a sheet cannot retitle, clear or reorder the screen."""
    return UNSAFE.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a file and, when known, a 1-based line and column."""

    file: str
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        parts = [self.file, *(str(n) for n in (self.line, self.col) if n is not None)]
        return ":".join(parts)


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where, a stable code, a plain sentence and an optional hint."""

    where: Location
    code: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        """One line (two with a hint) for people; every part made inert (sheet text)."""
        text = inert(f"{self.where}: {self.severity} {self.code}: {self.message}")
        return f"{text}\n    hint: {inert(self.hint)}" if self.hint else text

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file position, then code, so reports read top to bottom."""
        return (self.where.file, self.where.line or 0, self.where.col or 0, self.code)

    def as_dict(self) -> dict[str, object]:
        """Plain data for `--format json`."""
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.where.file,
            "line": self.where.line,
            "column": self.where.col,
            "message": self.message,
            "hint": self.hint or None,
        }


class BriefError(Exception):
    """The input or environment is wrong; carries every diagnostic found."""

    def __init__(self, *diagnostics: Diagnostic, exit_code: int = EXIT_CONTENT) -> None:
        if not diagnostics:
            msg = "BriefError needs at least one diagnostic"
            raise ValueError(msg)
        super().__init__("\n".join(map(str, diagnostics)))
        self.diagnostics = diagnostics
        self.exit_code = exit_code


def sort_diagnostics(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Drop exact duplicates and sort by position."""
    unique: dict[tuple[object, ...], Diagnostic] = {}
    for d in found:
        unique.setdefault((d.where, d.code, d.message), d)
    return sorted(unique.values(), key=Diagnostic.sort_key)


def errors_in(found: Iterable[Diagnostic], *, strict: bool = False) -> list[Diagnostic]:
    """The diagnostics that fail a build: errors, plus warnings under --strict."""
    return [d for d in found if strict or d.severity == "error"]

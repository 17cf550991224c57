"""What the shell prints, and how it survives a reader that goes away.

Why one module: every piece of sheet-derived text (keys, values, file names, slugs) reaches
a terminal or a CI log through these functions, so the escaping is decided once: text for
people shows control characters as `[U+001B]` (via `Diagnostic.__str__`), JSON stays valid
and lossless, and GitHub workflow commands are escaped so a sheet cannot forge `::error` or
`::stop-commands::`. A closed output pipe (`briefgen check --format json | head -1`) must
neither raise a traceback nor stop a build half way: writes to it are dropped and the exit
status says so (EXIT_PIPE) unless the command failed anyway. No click here: the commands echo,
diagnostics always through `options.print_diagnostics`.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from briefgen.errors import UNSAFE, Diagnostic, inert

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

    from briefgen.pipeline.building import BuildReport
    from briefgen.pipeline.making import Built


def diagnostics_text(found: Sequence[Diagnostic], fmt: str = "text") -> str:
    """FOUND as one block: `text` for people, `json` for tools, `github` for Actions."""
    if fmt == "json":
        return as_json(found)
    if fmt == "github":
        return "\n".join(map(as_github, found))
    return "\n".join(map(str, found))


def as_json(found: Sequence[Diagnostic]) -> str:
    """`{"diagnostics": [...]}`, exact strings; characters that could steer a terminal
    (C1 controls, separators, bidi) are written as \\u escapes, so the text stays inert."""
    doc = {"diagnostics": [d.as_dict() for d in found]}
    text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)
    return UNSAFE.sub(_json_escape, text)


def _json_escape(found: re.Match[str]) -> str:
    """json.dumps escapes C0 controls inside strings; a raw one is its own layout."""
    char = found.group(0)
    return char if char < " " else f"\\u{ord(char):04x}"


def as_github(d: Diagnostic) -> str:
    """One workflow command (`::error file=…,line=…::message`), escaped as GitHub requires:
    `%`, CR and LF in the message; also `:` and `,` in the properties."""
    kind = "error" if d.severity == "error" else "warning"
    props = {"file": d.where.file, "line": d.where.line or 1, "col": d.where.col or 1,
             "title": d.code}
    loc = ",".join(f"{k}={_github_property(str(v))}" for k, v in props.items())
    return f"::{kind} {loc}::{_github_data(d.message)}"


def _github_data(text: str) -> str:
    return inert(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def summary(found: Sequence[Diagnostic], sheets: int) -> str:
    """`check`'s last line: how many sheets, errors and warnings."""
    errors = sum(d.severity == "error" for d in found)
    warnings = len(found) - errors
    noun = "sheet" if sheets == 1 else "sheets"
    return f"checked {sheets} {noun}: {errors} error(s), {warnings} warning(s)"


def build_summary(report: BuildReport) -> str:
    """`build`'s last lines: what was healed, then built, unchanged, failed, published."""
    healed = ""
    if report.healed:
        shown = ", ".join(report.healed[:5]) + (", …" if len(report.healed) > 5 else "")
        done = "restored" if report.published else "could not restore"
        healed = f"{done} {len(report.healed)} published file(s), missing or changed: {shown}\n"
    if report.unhealed:
        shown = ", ".join(report.unhealed[:5]) + (", …" if len(report.unhealed) > 5 else "")
        healed += (
            f"could not restore {len(report.unhealed)} published file(s) of briefings that "
            f"failed, left out until they build: {shown}\n"
        )
    return healed + _outcome(report)


def _outcome(report: BuildReport) -> str:
    if report.up_to_date:
        return f"up to date: {len(report.kept)} briefing(s) in {report.out}/, nothing changed"
    parts = [f"built {len(report.built)}", f"unchanged {len(report.kept)}"]
    if report.failed:
        parts.append(f"failed {len(report.failed)}")
    if not report.published:
        return (
            f"{', '.join(parts)}; nothing published, {report.out}/ is unchanged "
            "(--keep-going publishes the briefings that built)"
        )
    return f"{', '.join(parts)}; published to {report.out}/"


def steps_text(steps: Sequence[tuple[str, str]]) -> str:
    """`new`'s guidance: numbered commands, each with what it is for (inert: a path)."""
    width = max(len(command) for command, _ in steps)
    lines = [f"  {n}. {c:<{width}}   # {why}" for n, (c, why) in enumerate(steps, start=1)]
    return "\n".join(["Next:", *map(inert, lines)])


def built_line(built: Built) -> str:
    """One briefing built: its slug (from the sheet, so inert), page fill and tightening."""
    page = ""
    if built.fill is not None:
        page = f", page {built.fill:.0%} full"
        if built.step != "as designed":
            page += f" after tightening: {built.step}"
    warn = f", {len(built.warnings)} warning(s)" if built.warnings else ""
    return inert(f"{built.slug}: built{page}{warn}")


def change_line(built: Built) -> str:
    """What changed in a rebuilt briefing since its published version ('' if nothing)."""
    said = str(built.change or "")
    return inert(f"{built.slug}: {said}") if said else ""


class _Guarded(io.RawIOBase):
    """A file descriptor whose writes are dropped once its reader has gone (EPIPE)."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd
        self.broken = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return os.isatty(self.fd)

    # What a text layer straight on it (stderr, unbuffered) asks of its buffer, typed:
    # the name (the descriptor, as FileIO's), and a read that returns bytes or fails.
    @property
    def name(self) -> int:
        return self.fd

    def read(self, _size: int = -1, /) -> bytes:
        msg = "write-only"
        raise io.UnsupportedOperation(msg)

    def write(self, data: ReadableBuffer) -> int:
        size = len(memoryview(data))
        if self.broken:
            return size
        view = memoryview(data).cast("B")
        try:
            while view:  # all of it, so it can also stand unbuffered under sys.stderr
                view = view[os.write(self.fd, view) :]
        except BrokenPipeError:
            self.broken = True
        return size


def guard_pipes() -> Callable[[], bool]:
    """Make sys.stdout and sys.stderr drop writes after EPIPE instead of raising.

    Returns a function that says whether a reader went away. Streams without a file
    descriptor (tests capturing output) are left alone.
    """
    guards: list[_Guarded] = []
    for name in ("stdout", "stderr"):
        stream: TextIO = getattr(sys, name)
        try:
            fd = stream.fileno()
            stream.flush()
        except (AttributeError, OSError, ValueError):
            continue
        guards.append(_Guarded(fd))
        unbuffered = name == "stderr"  # as Python's own: a traceback must not wait in a buffer
        binary: _Guarded | io.BufferedWriter = (
            guards[-1] if unbuffered else io.BufferedWriter(guards[-1])
        )
        wrapped = io.TextIOWrapper(
            binary,
            encoding=stream.encoding,
            errors=stream.errors,
            line_buffering=bool(stream.line_buffering),
            write_through=unbuffered,
        )
        setattr(sys, name, wrapped)
    return lambda: any(g.broken for g in guards)

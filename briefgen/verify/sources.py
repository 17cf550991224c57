"""Stage 3b's input: the stored source texts, read safely and once per check.

Why a module of its own: it is the only I/O of provenance. A stored file is read through
a descriptor opened without blocking (a FIFO or a device is refused, never read), at most
MAX_SOURCE_BYTES + 1 bytes of it, and it must be UTF-8 text with no control characters
but tab, newline and carriage return; anything else is BG405 with the reason.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.sheet.files import MAX_SOURCE_BYTES, fix, read_bounded, reason
from briefgen.verify.paragraphs import Span, paragraphs
from briefgen.verify.passages import Folded, fold

if TYPE_CHECKING:  # the up-to-date check reads inputs through here without the models
    from briefgen.schema.model import Brief, Source

__all__ = ["MAX_SOURCE_BYTES", "StoredText", "read_bounded", "read_sources"]
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # C0 but tab, newline, CR
_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC"}
_STORE = "store the source text next to facts.yaml, under sources/"


@dataclass(frozen=True)
class StoredText:
    """A source's stored text, read once per check; `text` is None when unreadable."""

    text: str | None
    sha256: str = ""
    problem: str = ""
    fix: str = _STORE
    paragraphs: tuple[Span, ...] = ()  # paragraphs(text): numbered, cited and searched by these

    @functools.cached_property
    def folded(self) -> Folded | None:
        """fold(text, paragraphs), computed once and only when asked: every passage is
        searched in it (its breaks are the paragraph breaks, the only ones a passage minds),
        and `cite` never needs the whole of a 2 MiB source folded."""
        return None if self.text is None else fold(self.text, self.paragraphs)


def read_sources(brief: Brief, folder: Path) -> dict[str, StoredText]:
    """Read every source's stored file (inside FOLDER only), keyed by source id."""
    return {
        s.id: _read(s, folder)
        for s in brief.sources
        if getattr(s, "id", None) is not None and getattr(s, "file", None) is not None
    }


def _read(source: Source, folder: Path) -> StoredText:
    assert source.file is not None
    root = folder.resolve()
    try:
        path = (root / source.file).resolve()
    except (OSError, ValueError):  # ValueError: a NUL written as "\0" in the sheet
        return StoredText(None, problem="not a usable file name")
    if not path.is_relative_to(root):
        return StoredText(None, problem="outside the fact sheet's folder")
    try:
        raw = read_bounded(path)
    except FileNotFoundError:
        return StoredText(None, problem="not found")
    except OSError as error:  # in words, with the fix that fits: a closed folder or file
        shown = folder / source.file
        return StoredText(None, problem=f"unreadable: {reason(error)}", fix=fix(shown, error))
    if raw is None:
        return StoredText(None, problem="not a regular file")
    if len(raw) > MAX_SOURCE_BYTES:
        return StoredText(None, problem=f"larger than {MAX_SOURCE_BYTES >> 20} MiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return StoredText(None, problem="not UTF-8 text")
    if bad := _CONTROL.search(text):
        code = ord(bad.group())
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - text.rfind("\n", 0, bad.start())
        name = f"U+{code:04X}" + (f" ({_CONTROL_NAMES[code]})" if code in _CONTROL_NAMES else "")
        return StoredText(
            None,
            problem=f"not text: control character {name} at line {line}, column {col}",
            fix="store the text only (save or export it as plain UTF-8 text)",
        )
    return StoredText(text, hashlib.sha256(raw).hexdigest(), paragraphs=paragraphs(text))

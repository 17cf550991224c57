"""Stage 1, load: fact-sheet bytes → plain data + a SourceMap of positions.

Why a strict loader: PyYAML silently keeps the last of two duplicate keys, turns `NO`
into False and `0755` into 493, expands alias bombs, and its C composer crashes the
process on deep nesting. Here an iterative pre-scan of libyaml's event stream rejects
aliases, tags, extra documents and deep nesting before anything is composed, scalars
resolve like YAML 1.2's core schema (no timestamps, no 1.1 booleans or octals), and
every value keeps its line and column for later diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from briefgen.errors import BriefError, Diagnostic, Location
from briefgen.sheet.files import read_regular, unreadable
from briefgen.sheet.prescan import diag, line_col, scan

MAX_BYTES = 512 * 1024
MAX_DIGITS = 1000  # Python refuses to print ints past 4300 digits

Path_ = tuple[str | int, ...]


_TRUE, _FALSE = {"true", "True", "TRUE"}, {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
)


_NUMERIC = frozenset("+-.0123456789")  # how every number _INT or _FLOAT reads begins


def _scalar(event: yaml.ScalarEvent) -> object:
    """A plain scalar as YAML 1.2's core schema reads it; quoted scalars stay text.

    Why: PyYAML resolves YAML 1.1, where `NO` is False, `0755` is 493, `1:30` is 90 and
    `2018-07-16` a date object. Here only true/false, null, decimal or hex integers and
    floats are more than text; the schema decides what a field needs.
    """
    value: str = event.value
    if not event.implicit[0]:
        return value
    if value in _NULL:
        return None
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    if value[0] not in _NUMERIC:  # most values are words: no pattern needs trying
        return value
    if _INT.fullmatch(value):
        if len(value) > MAX_DIGITS + 2:  # int() refuses past 4300 digits: the builder refuses it
            return value
        return int(value, 16) if value.startswith("0x") else int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    return value


def _too_long_number(event: yaml.NodeEvent) -> bool:
    """An unquoted number of more than MAX_DIGITS digits (diagnostics could not print it)."""
    if type(event) is not yaml.ScalarEvent or len(event.value) <= MAX_DIGITS:
        return False
    if not event.implicit[0]:
        return False
    value: str = event.value
    digits = value.lstrip("+-").removeprefix("0x")
    return len(digits) > MAX_DIGITS and bool(_INT.fullmatch(value) or _FLOAT.fullmatch(value))


@dataclass(frozen=True)
class SourceMap:
    """Positions of values and keys by document path, for one file."""

    file: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)  # recovered from (recover=True)

    def at(self, path: Path_, *, key: bool = False) -> Location:
        """The location of PATH (its key when KEY), else of its nearest known parent."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return Location(self.file, *table[probe])
            if probe in self.values:
                return Location(self.file, *self.values[probe])
            probe = probe[:-1]
        return Location(self.file, *self.values.get((), (1, 1)))


def dotted(path: Path_) -> str:
    """('key_facts', 2, 'date') → 'key_facts[2].date', the form diagnostics print."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def read_sheet(
    path: Path, *, shown: str | None = None, recover: bool = False
) -> tuple[object, SourceMap]:
    """Read PATH from disk and load it (see `load_text`).

    Read like a stored source (`files.read_regular`): a named pipe or a device in place of
    the sheet is refused at once instead of blocking a scheduled job.
    """
    try:
        raw = read_regular(path, MAX_BYTES)
    except OSError as error:
        raise unreadable(path, error, shown=shown) from None
    return load_bytes(raw, shown or str(path), recover=recover)


def load_bytes(raw: bytes, name: str, *, recover: bool = False) -> tuple[object, SourceMap]:
    """Decode and load one fact sheet; raise BriefError listing every load problem."""
    if len(raw) > MAX_BYTES:
        raise BriefError(
            diag(
                name,
                1,
                1,
                "BG109",
                f"the file is larger than {MAX_BYTES // 1024} KiB",
                "split long texts; a one-page brief needs far less",
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8", "replace").removeprefix("\ufeff")
        line, col = line_col(before, len(before))  # columns count characters, not bytes
        raise BriefError(
            diag(
                name,
                line,
                col,
                "BG108",
                f"invalid UTF-8 byte 0x{raw[error.start]:02x}",
                "save the file as UTF-8",
            )
        ) from None
    return load_text(text.removeprefix("\ufeff"), name, recover=recover)


RECOVERABLE = frozenset({"BG101", "BG102", "BG103", "BG104", "BG105"})


def load_text(text: str, name: str, *, recover: bool = False) -> tuple[object, SourceMap]:
    """Load YAML TEXT strictly; return plain data and its SourceMap.

    With RECOVER, problems that leave the data usable (a duplicate or non-text key, an
    anchor, a tag, a second document: the offending part is dropped or kept as text) are
    put in `SourceMap.problems` instead of raised, so `check` can report the schema
    problems of the same file in the same run.
    """
    builder = _Builder(SourceMap(name))
    found = scan(text, name, builder.feed)
    if not found and not builder.done:
        found.append(
            diag(
                name,
                1,
                1,
                "BG106",
                "the file holds no YAML document",
                "start from `briefgen new SLUG`",
            )
        )
    found = sorted(found + builder.found, key=Diagnostic.sort_key)
    if found and not (recover and all(d.code in RECOVERABLE for d in found)):
        raise BriefError(*found)
    builder.where.problems.extend(found)
    return builder.root, builder.where


_KEY = object()  # a mapping waiting for its next key
_DROP = object()  # the value of a refused key: read, not kept


@dataclass
class _Frame:
    """An open mapping or sequence while the events stream by."""

    value: dict[str, object] | list[object]
    path: Path_
    keep: bool = True
    key: object = _KEY
    first: dict[str, int] = field(default_factory=dict)  # key → line, for duplicates


class _Builder:
    """Plain data and positions from the event stream, without recursion.

    Keys must be text and unique (a duplicate names the first line): PyYAML would keep
    the last of two silently. A refused key's value is read but not kept.
    """

    def __init__(self, where: SourceMap) -> None:
        self.where = where
        self.found: list[Diagnostic] = []
        self.stack: list[_Frame] = []
        self.root: object = None
        self.done = False

    def feed(self, event: yaml.Event, at: tuple[int, int]) -> None:
        """Take the next event of the document, which starts at AT (line, column)."""
        kind = type(event)
        if kind is yaml.ScalarEvent:
            self._place(_scalar(event), event, at)  # type: ignore[arg-type]
        elif kind is yaml.AliasEvent:
            self._place(None, event, at)  # type: ignore[arg-type]
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            container: dict[str, object] | list[object]
            container = {} if kind is yaml.MappingStartEvent else []
            path, keep = self._place(container, event, at)  # type: ignore[arg-type]
            self.stack.append(_Frame(container, path, keep))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self.stack.pop()
            if not self.stack:
                self.done = True

    def _place(
        self, value: object, event: yaml.NodeEvent, at: tuple[int, int]
    ) -> tuple[Path_, bool]:
        """Put VALUE where the document is; return its path and whether it is kept."""
        if not self.stack:
            self.root, self.done = value, not isinstance(value, dict | list)
            self.where.values[()] = at
            return (), True
        top = self.stack[-1]
        if type(top.value) is list:
            path = (*top.path, len(top.value))
            top.value.append(value)
        elif top.key is _KEY:
            top.key = self._key(value, event, top, at)
            return top.path, False  # a key's own content (a refused collection) is not kept
        else:
            path, key, top.key = (*top.path, str(top.key)), top.key, _KEY
            if key is _DROP or not top.keep:
                return path, False
            top.value[str(key)] = value  # type: ignore[call-overload]
        if top.keep:
            self.where.values[path] = at
            if _too_long_number(event):
                self._refuse(
                    at,
                    "BG109",
                    f"a number longer than {MAX_DIGITS} digits",
                    "quote it if it must stay text",
                )
        return path, top.keep

    def _key(
        self, value: object, event: yaml.NodeEvent, top: _Frame, at: tuple[int, int]
    ) -> object:
        if not isinstance(value, str) or _too_long_number(event):
            shown = (
                repr(event.value[:60] + ("…" if len(event.value) > 60 else ""))
                if isinstance(event, yaml.ScalarEvent)
                else "[...]"
                if isinstance(event, yaml.SequenceStartEvent)
                else "{...}"
            )
            self._refuse(
                at,
                "BG102",
                f"key {shown} is not text",
                "keys are field names; quote it if it must be text",
            )
            return _DROP
        if value in top.first:
            self._refuse(
                at,
                "BG101",
                f"duplicate key '{value}' (first at line {top.first[value]})",
                "remove one of them; YAML would silently keep only the last",
            )
            return _DROP
        top.first[value] = at[0]
        if top.keep:
            self.where.keys[(*top.path, value)] = at
        return value

    def _refuse(self, at: tuple[int, int], code: str, message: str, hint: str) -> None:
        self.found.append(diag(self.where.file, *at, code, message, hint))

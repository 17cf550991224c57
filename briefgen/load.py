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

from briefgen.errors import EXIT_IO, BriefError, Diagnostic, Location
from briefgen.prescan import diag, line_col, scan, yaml_error

MAX_BYTES = 512 * 1024
MAX_DIGITS = 1000  # Python refuses to print ints past 4300 digits

Path_ = tuple[str | int, ...]


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core-schema scalars: true/false, null, decimal/hex ints, floats."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$"
    ),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


if getattr(yaml, "__with_libyaml__", False):

    class _Loader(
        yaml.cyaml.CParser,  # type: ignore[name-defined,misc]
        yaml.constructor.SafeConstructor,
        _Resolver,
    ):
        """libyaml's parser and composer with the safe constructor and the 1.2 resolver."""

        def __init__(self, text: str) -> None:
            yaml.cyaml.CParser.__init__(self, text)  # type: ignore[attr-defined]
            yaml.constructor.SafeConstructor.__init__(self)
            _Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        yaml.constructor.SafeConstructor,
        _Resolver,
    ):
        """The pure-Python parser with the same rules."""

        def __init__(self, text: str) -> None:
            yaml.reader.Reader.__init__(self, text)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            _Resolver.__init__(self)


@dataclass(frozen=True)
class SourceMap:
    """Positions of values and keys by document path, for one file."""

    file: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

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


def read_sheet(path: Path, *, shown: str | None = None) -> tuple[object, SourceMap]:
    """Read PATH from disk and load it (see `load_text`)."""
    name = shown or str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        raise BriefError(
            Diagnostic(Location(name), "BG111", f"cannot read the fact sheet: {reason}"),
            exit_code=EXIT_IO,
        ) from None
    return load_bytes(raw, name)


def load_bytes(raw: bytes, name: str) -> tuple[object, SourceMap]:
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
    return load_text(text.removeprefix("\ufeff"), name)


def load_text(text: str, name: str) -> tuple[object, SourceMap]:
    """Load YAML TEXT strictly; return plain data and its SourceMap."""
    found = scan(text, name)
    if found:
        raise BriefError(*sorted(found, key=Diagnostic.sort_key))
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:  # the prescan saw the same stream; belt and braces
        raise BriefError(yaml_error(error, text, name)) from None
    finally:
        loader.dispose()
    if node is None:
        raise BriefError(
            diag(
                name,
                1,
                1,
                "BG106",
                "the file holds no YAML document",
                "start from `briefgen new SLUG`",
            )
        )
    where = SourceMap(name)
    found = []
    data = _build(node, (), loader, where, found)
    if found:
        raise BriefError(*sorted(found, key=Diagnostic.sort_key))
    return data, where


def _build(
    node: yaml.Node, path: Path_, loader: _Loader, where: SourceMap, found: list[Diagnostic]
) -> object:
    """Turn the composed node tree into plain data, recording positions and key problems."""
    mark = node.start_mark
    where.values[path] = (mark.line + 1, mark.column + 1)
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), loader, where, found) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        first: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            km = key_node.start_mark
            at = (km.line + 1, km.column + 1)
            if not (
                isinstance(key_node, yaml.ScalarNode) and key_node.tag == "tag:yaml.org,2002:str"
            ):
                shown = (
                    repr(key_node.value)
                    if isinstance(key_node, yaml.ScalarNode)
                    else "[...]"
                    if isinstance(key_node, yaml.SequenceNode)
                    else "{...}"
                )
                found.append(
                    diag(
                        where.file,
                        *at,
                        "BG102",
                        f"key {shown} is not text",
                        "keys are field names; quote it if it must be text",
                    )
                )
                continue
            key = key_node.value
            if key in first:
                found.append(
                    diag(
                        where.file,
                        *at,
                        "BG101",
                        f"duplicate key '{key}' (first at line {first[key][0]})",
                        "remove one of them; YAML would silently keep only the last",
                    )
                )
                continue
            first[key] = at
            where.keys[(*path, key)] = at
            result[key] = _build(value_node, (*path, key), loader, where, found)
        return result
    if node.tag == "tag:yaml.org,2002:int" and len(node.value.lstrip("+-")) > MAX_DIGITS:
        found.append(
            diag(
                where.file,
                mark.line + 1,
                mark.column + 1,
                "BG109",
                f"a number longer than {MAX_DIGITS} digits",
                "quote it if it must stay text",
            )
        )
        return None
    return loader.construct_object(node, deep=True)

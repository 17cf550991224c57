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

MAX_BYTES = 512 * 1024
MAX_DEPTH = 64
MAX_EVENTS = 200_000
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
            _diag(
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
        line, col = _line_col(before, len(before))  # columns count characters, not bytes
        raise BriefError(
            _diag(
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
    found = _check_tabs(text, name)
    tab_lines = {d.where.line for d in found}
    found += [
        d for d in _prescan(text, name) if not (d.code == "BG100" and d.where.line in tab_lines)
    ]
    if found:
        raise BriefError(*sorted(found, key=Diagnostic.sort_key))
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:  # the prescan saw the same stream; belt and braces
        raise BriefError(_yaml_error(error, text, name)) from None
    finally:
        loader.dispose()
    if node is None:
        raise BriefError(
            _diag(
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


def _diag(name: str, line: int, col: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(Location(name, line, col), code, message, hint)


def _line_col(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _check_tabs(text: str, name: str) -> list[Diagnostic]:
    """YAML forbids tabs in indentation; say so plainly instead of libyaml's token error."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            found.append(
                _diag(
                    name,
                    number,
                    indent.index("\t") + 1,
                    "BG107",
                    "a tab is used for indentation",
                    "indent with spaces; YAML does not allow tabs there",
                )
            )
    return found


def _prescan(text: str, name: str) -> list[Diagnostic]:
    """Walk the event stream (iterative, crash-free) and reject what fact sheets never need."""
    found: list[Diagnostic] = []
    depth = documents = events = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            events += 1
            mark = event.start_mark
            at = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            if events > MAX_EVENTS:
                found.append(
                    _diag(name, *at, "BG109", f"the file has more than {MAX_EVENTS} YAML nodes")
                )
                break
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents == 2:
                    found.append(
                        _diag(
                            name,
                            *at,
                            "BG105",
                            "the file holds more than one YAML document",
                            "remove the `---` line; one fact sheet per file",
                        )
                    )
            elif isinstance(event, yaml.AliasEvent):
                found.append(
                    _diag(
                        name,
                        *at,
                        "BG103",
                        f"alias '*{event.anchor}' is not allowed",
                        "write the value out in full; fact sheets use no anchors or aliases",
                    )
                )
            elif isinstance(event, yaml.NodeEvent):
                found += _node_event_problems(event, name, at)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    found.append(
                        _diag(
                            name,
                            *at,
                            "BG110",
                            f"nesting deeper than {MAX_DEPTH} levels",
                            "a fact sheet needs only a few levels",
                        )
                    )
                    break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as error:
        found.append(_yaml_error(error, text, name))
    return found


def _node_event_problems(event: yaml.NodeEvent, name: str, at: tuple[int, int]) -> list[Diagnostic]:
    found = []
    if event.anchor is not None:
        found.append(
            _diag(
                name,
                *at,
                "BG103",
                f"anchor '&{event.anchor}' is not allowed",
                "write the value out in full; fact sheets use no anchors or aliases",
            )
        )
    tag = getattr(event, "tag", None)
    if tag is not None:
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        found.append(
            _diag(
                name,
                *at,
                "BG104",
                f"explicit tag '{shown}' is not allowed",
                "remove the tag; quote the value if it must stay text",
            )
        )
    return found


def _yaml_error(error: yaml.YAMLError, text: str, name: str) -> Diagnostic:
    if isinstance(error, yaml.reader.ReaderError):
        index = error.position
        if getattr(yaml, "__with_libyaml__", False):  # libyaml counts UTF-8 bytes
            index = len(text.encode("utf-8")[:index].decode("utf-8", "ignore"))
        line, col = _line_col(text, index)
        char = error.character
        code_point = ord(char) if isinstance(char, str) else char
        return _diag(
            name,
            line,
            col,
            "BG108",
            f"character U+{code_point:04X} is not allowed in YAML",
            "remove control characters from the file",
        )
    context_mark = getattr(error, "context_mark", None)
    mark = getattr(error, "problem_mark", None) or context_mark
    problem = getattr(error, "problem", None) or str(error)
    if "end of stream" in problem and context_mark:
        mark = context_mark  # the end of the file says nothing; where the quote opened does
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    context = getattr(error, "context", None)
    message = f"YAML syntax: {problem}" + (f" ({context})" if context else "")
    return _diag(name, line, col, "BG100", message, _syntax_hint(problem))


def _syntax_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted"
    if "could not find expected ':'" in problem:
        return "check the indentation and that each key ends with ':'"
    if "found character '\\t'" in problem or "found character '\t'" in problem:
        return "indent with spaces, not tabs"
    if "found undefined alias" in problem or "found unexpected end of stream" in problem:
        return "check for an unclosed quote or bracket"
    return "check quoting and indentation around this position"


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
                    _diag(
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
                    _diag(
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
            _diag(
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

"""Stage 1a, the scan: one pass over libyaml's event stream, refusing what sheets never need.

Why events and not PyYAML's composer: libyaml's parser is an iterative state machine, so
walking its events is safe even on a million-deep input, while the composer recurses on
the C stack and crashes the process past some tens of thousands of levels (and calls a
Python resolver per scalar, which made it the slowest step of `check`). The loader's
builder consumes the same events, so the file is parsed once. PyYAML's errors become
positioned diagnostics with a plain hint.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

import yaml

from briefgen.errors import Diagnostic, Location
from briefgen.sheet.yamlerrors import explain

MAX_DEPTH = 64
MAX_EVENTS = 200_000

_EventLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DOCUMENT = yaml.DocumentStartEvent
_ALIAS, _SCALAR = yaml.AliasEvent, yaml.ScalarEvent
_OPENS = frozenset({yaml.MappingStartEvent, yaml.SequenceStartEvent})
_CLOSES = frozenset({yaml.MappingEndEvent, yaml.SequenceEndEvent})
Feed = Callable[[yaml.Event, tuple[int, int]], None]


def scan(text: str, name: str, feed: Feed) -> list[Diagnostic]:
    """Every problem the event stream shows (tabs, syntax, aliases, tags, documents, depth);
    FEED gets each event of the first document that passed the checks, with its position."""
    breaks = _check_breaks(text, name)
    if breaks:  # libyaml would count them as line breaks: every later position would be off
        return breaks
    found = _check_tabs(text, name)
    tab_lines = {d.where.line for d in found}
    return found + [
        d
        for d in _prescan(text, name, feed)
        if not (d.code == "BG100" and d.where.line in tab_lines)
    ]


def diag(name: str, line: int, col: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(Location(name, line, col), code, message, hint)


def line_col(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


_BREAKS = {"\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


def _check_breaks(text: str, name: str) -> list[Diagnostic]:
    """U+0085, U+2028 and U+2029 are line breaks to YAML 1.1 (libyaml) but not to editors,
    and fold into a space in a plain scalar: refuse them where editors say they are."""
    return [
        diag(
            name,
            *line_col(text, m.start()),
            "BG108",
            f"character U+{ord(m.group()):04X} ({_BREAKS[m.group()]}) is not allowed",
            "YAML reads it as a line break; use a space, or a real line break",
        )
        for m in re.finditer("[\x85\u2028\u2029]", text)
    ]


def _check_tabs(text: str, name: str) -> list[Diagnostic]:
    """YAML forbids tabs in indentation; say so plainly instead of libyaml's token error."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            found.append(
                diag(
                    name,
                    number,
                    indent.index("\t") + 1,
                    "BG107",
                    "a tab is used for indentation",
                    "indent with spaces; YAML does not allow tabs there",
                )
            )
    return found


def _prescan(text: str, name: str, feed: Feed) -> list[Diagnostic]:
    """Walk the event stream (iterative, crash-free) and reject what fact sheets never need.

    FEED gets each event with its (line, column). The event's class is compared, not
    tested with isinstance: this loop runs for every node of every sheet `check` reads."""
    found: list[Diagnostic] = []
    depth = documents = events = 0
    try:
        for event in yaml.parse(text, Loader=_EventLoader):
            events += 1
            kind = type(event)
            mark = event.start_mark
            at = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            if events > MAX_EVENTS:
                found.append(
                    diag(name, *at, "BG109", f"the file has more than {MAX_EVENTS} YAML nodes")
                )
                break
            if kind is _SCALAR or kind in _OPENS:
                node = cast(yaml.NodeEvent, event)  # its class was just compared
                if node.anchor is not None or getattr(node, "tag", None) is not None:
                    found += _node_event_problems(node, name, at)
                if kind is not _SCALAR:
                    depth += 1
                    if depth > MAX_DEPTH:
                        found.append(_too_deep(name, at))
                        break
            elif kind in _CLOSES:
                depth -= 1
            elif kind is _DOCUMENT:
                documents += 1
                if documents == 2:
                    found.append(
                        diag(
                            name,
                            *at,
                            "BG105",
                            "the file holds more than one YAML document",
                            "remove the `---` line; one fact sheet per file",
                        )
                    )
            elif kind is _ALIAS:
                found.append(
                    diag(
                        name,
                        *at,
                        "BG103",
                        f"alias '*{cast(yaml.AliasEvent, event).anchor}' is not allowed",
                        "write the value out in full; fact sheets use no anchors or aliases",
                    )
                )
            if documents == 1:
                feed(event, at)
    except yaml.YAMLError as error:
        problem = str(getattr(error, "problem", "") or "")
        deep = _first_too_deep(text, name) if "nesting depth" in problem else None
        found.append(deep or yaml_error(error, text, name))
    return found


def _too_deep(name: str, at: tuple[int, int]) -> Diagnostic:
    hint = "a fact sheet needs only a few levels"
    return diag(name, *at, "BG110", f"nesting deeper than {MAX_DEPTH} levels", hint)


def _first_too_deep(text: str, name: str) -> Diagnostic | None:
    """Where the nesting first passes MAX_DEPTH, by the pure-Python parser.

    Why: libyaml 0.2.6 (PyYAML 6.0.4's wheels) stops deep flow nesting itself, with its own
    limit and words, before the C event stream reaches our level 65. The pure-Python parser
    has no such limit and is lazy, so re-walking up to level 65 is cheap and puts BG110
    where it belongs whichever libyaml is installed.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    at = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                    return _too_deep(name, at)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def _node_event_problems(event: yaml.NodeEvent, name: str, at: tuple[int, int]) -> list[Diagnostic]:
    found = []
    if event.anchor is not None:
        found.append(
            diag(
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
            diag(
                name,
                *at,
                "BG104",
                f"explicit tag '{shown}' is not allowed",
                "remove the tag; quote the value if it must stay text",
            )
        )
    return found


def yaml_error(error: yaml.YAMLError, text: str, name: str) -> Diagnostic:
    if isinstance(error, yaml.reader.ReaderError):
        index = error.position
        if getattr(yaml, "__with_libyaml__", False):  # libyaml counts UTF-8 bytes
            index = len(text.encode("utf-8")[:index].decode("utf-8", "ignore"))
        line, col = line_col(text, index)
        char = error.character
        code_point = ord(char) if isinstance(char, str) else char
        return diag(
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
    opened = context_mark.line + 1 if context_mark else line
    if plain := explain(problem, context or "", text, line, col, opened):
        return diag(name, line, col, "BG100", *plain)
    message = f"YAML syntax: {problem}" + (f" ({context})" if context else "")
    return diag(name, line, col, "BG100", message, _syntax_hint(problem))


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

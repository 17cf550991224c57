"""libyaml's syntax errors in plain words, each with a hint that names the likely fix.

Why: `did not find expected '-' indicator` tells an analyst nothing. The dozen messages
hand-edited sheets actually produce (tried one by one: an unclosed quote, a colon inside
an unquoted value, a list item or key at the wrong indentation, a quote mark inside a
quoted value, an unclosed bracket, …) are recognised here from libyaml's problem, its
context and the text at the position, and said as a sentence. The position is libyaml's,
unchanged; anything not recognised keeps libyaml's words. Pure.
"""

from __future__ import annotations

import re

Explained = tuple[str, str]  # (message, hint)

_KEY_BEFORE = re.compile(r"^\s*(?:- +)?[^\s:#'\"][^:#]*:\s+\S")
_QUOTES = "\"'"
_QUOTE_FIX = (
    'inside "…" write a quote mark as \\" (or use typographic quotes “ ” as the source '
    "does); inside '…' write it twice ('')"
)


def explain(
    problem: str, context: str, text: str, line: int, col: int, opened: int
) -> Explained | None:
    """A plain (message, hint) for libyaml's PROBLEM at LINE:COL of TEXT, or None.

    OPENED is the line libyaml names as the context's start (where a bracket opened)."""
    lines = text.split("\n")
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    before = here[: col - 1].rstrip()
    if "unexpected end of stream" in problem and "quoted scalar" in context:
        q = here[col - 1 : col] or '"'
        return (
            f"unclosed quote: the {q}…{q} value that starts here is never closed",
            f"add the closing {q} at the end of the value; {_QUOTE_FIX}",
        )
    if (
        before
        and before[-1] in _QUOTES
        and ("expected key" in problem or "expected ',' or" in problem)
    ):
        return _after_quote(lines, line, before)
    if "mapping values are not allowed" in problem:
        if _KEY_BEFORE.match(here[: col - 1]):
            return (
                "a colon and a space inside an unquoted value",
                'put the whole value in double quotes: `key: "Note: text"`',
            )
        return (
            "this key is indented deeper than the keys above it",
            "line it up with the other keys of its mapping (the same number of spaces)",
        )
    if "expected key" in problem:
        if before[-1:] in ("]", "}"):
            return (
                f"text after the closing {before[-1]}",
                "quote the whole value if the brackets are part of the text",
            )
        if here.lstrip().startswith("-"):
            return (
                "a list item at the wrong indentation",
                "indent every `- ` item of a list by the same number of spaces, under its key",
            )
        return (
            "this line does not line up with the keys above it",
            "indent it exactly as far as the other keys of the same mapping",
        )
    if "expected '-' indicator" in problem:
        return (
            "this line does not line up with the list items above it",
            "start each item with `- ` at the same indentation; an item's keys line up "
            "with the first key after its `- `",
        )
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        kind = "[…] list" if "]" in problem else "{…} mapping"
        return (
            f"the {kind} opened on line {opened} is not closed, or an item in it needs quotes",
            f"close it with `{kind[2]}`; quote items that hold , [ ] {{ }} : or #",
        )
    return _token(problem, context, here, col)


def _token(problem: str, context: str, here: str, col: int) -> Explained | None:
    """Errors about one token: a character, a key, a list marker, a block scalar."""
    if "could not find expected ':'" in problem:
        return (
            "a line without `key:` where a key is expected (or a text running onto this line)",
            "end each key with a colon and a space; quote a text that goes on over lines",
        )
    if "cannot start any token" in problem:
        char = here[col - 1 : col] or "?"
        return (
            f"an unquoted value cannot start with {char}",
            f'put the value in double quotes: "{char}…"',
        )
    if "block sequence entries are not allowed" in problem:
        return (
            "a list cannot start on the same line as its key",
            "put each `- ` item on its own line below the key, indented, or write [a, b]",
        )
    if "mapping keys are not allowed" in problem:
        return ("an unquoted value cannot start with ?", "put the value in double quotes")
    if "expected comment or line break" in problem and "block scalar" in context:
        return (
            "text after | or > on the same line",
            "start the text on the next line, indented, or quote the whole value",
        )
    if "expected <document start>" in problem:
        return ("text after the end-of-document line `...`", "remove the `...` line")
    return None


def _after_quote(lines: list[str], line: int, before: str) -> Explained:
    """Text right after a closing quote: a quote left open on an earlier line (the
    quote that seems to close it is the next value's opening one), or one inside."""
    q = before[-1]
    start = _opening_line(lines, line, len(before) - 1, q)
    if start < line:
        return (
            f"unclosed quote: the {q}…{q} value on line {start} is not closed on its line",
            f"add the closing {q} at the end of line {start}",
        )
    return (
        f"text after the closing {q}: a quote mark inside the value ends it early",
        _QUOTE_FIX,
    )


def _opening_line(lines: list[str], line: int, index: int, q: str) -> int:
    """The line of the quote that the quote at LINE, INDEX closes (unescaped)."""
    row, k = line - 1, index - 1
    while row >= 0:
        text = lines[row]
        while k >= 0:
            if text[k] == q and not (q == '"' and k > 0 and text[k - 1] == "\\"):
                return row + 1
            k -= 1
        row -= 1
        k = len(lines[row]) - 1 if row >= 0 else -1
    return line

"""YAML syntax errors in plain words (briefgen/sheet/yamlerrors.py), at libyaml's position.

The golden cases under tests/invalid/yaml-* show them on whole sheets; here each kind of
mistake is one small document, and none may fall back to libyaml's own words.
"""

from __future__ import annotations

import pytest

from briefgen.errors import BriefError
from briefgen.sheet.load import load_text

CASES = [
    ('a:\n  b: "open\n  c: d\n', 2, 6, "unclosed quote", 'add the closing "'),
    ("a:\n  b: 'open\n  c: d\n", 2, 6, "unclosed quote", "add the closing '"),
    ('a:\n  b: "x\n  c: "y"\n', 3, 7, 'the "…" value on line 2 is not closed', "end of line 2"),
    ("a:\n  text: Note: this\n", 2, 13, "a colon and a space inside an unquoted", "quotes"),
    ("a:\n  b: 1\n   c: 2\n", 3, 5, "indented deeper than the keys above", "line it up"),
    ("items:\n  - a\n - b\n", 3, 2, "a list item at the wrong indentation", "same number"),
    ("k:\n  - id: F1\n    t: x\n   - id: F2\n", 4, 4, "does not line up with the list", "- "),
    ("a: [1, 2\nb: 3\n", 2, 2, "the […] list opened on line 1 is not closed", "`]`"),
    ("a: {x: 1\nb: 3\n", 2, 2, "the {…} mapping opened on line 1 is not closed", "`}`"),
    ('a: {s: S1, e: "he said "hi" there"}\n', 1, 25, "a quote mark inside the value", '\\"'),
    ("a: 1\nb\nc: 2\n", 3, 1, "a line without `key:`", "colon and a space"),
    ("a: @x\n", 1, 4, "cannot start with @", '"@…"'),
    ("a: - x\n", 1, 4, "a list cannot start on the same line as its key", "[a, b]"),
    ("a: |x\n", 1, 5, "text after | or >", "next line"),
    ("a: 1\n...\nb: 2\n", 3, 1, "end-of-document line", "remove"),
    ("a: {x}y\n", 1, 7, "text after the closing }", "quote"),
]


@pytest.mark.parametrize(("text", "line", "col", "message", "hint"), CASES)
def test_each_syntax_error_is_a_plain_sentence(
    text: str, line: int, col: int, message: str, hint: str
) -> None:
    with pytest.raises(BriefError) as caught:
        load_text(text, "f.yaml")
    (found,) = caught.value.diagnostics
    assert (found.code, found.where.line, found.where.col) == ("BG100", line, col)
    assert message in found.message
    assert hint in found.hint
    assert "YAML syntax:" not in found.message  # not libyaml's words


def test_an_unrecognised_error_keeps_libyamls_words() -> None:
    with pytest.raises(BriefError) as caught:
        load_text("a: !<x\n", "f.yaml")
    messages = [d.message for d in caught.value.diagnostics]
    assert any(m.startswith("YAML syntax: ") for m in messages), messages

"""Stage 1, the strict loader: YAML 1.2 scalars, positions, and never a stray exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.errors import EXIT_CONTENT, EXIT_IO, BriefError
from briefgen.sheet.load import MAX_BYTES, SourceMap, dotted, load_bytes, load_text, read_sheet

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "seeds" / "helsinki-summit-2018" / "facts.yaml"


def value_of(scalar: str) -> object:
    data, _ = load_text(f"v: {scalar}\n", "t.yaml")
    assert isinstance(data, dict)
    return data["v"]


def codes(text: str) -> list[str]:
    with pytest.raises(BriefError) as caught:
        load_text(text, "t.yaml")
    return [d.code for d in caught.value.diagnostics]


@pytest.mark.parametrize(("scalar", "expected"), [
    # YAML 1.1 booleans are text in 1.2 (the "Norway problem")
    ("NO", "NO"), ("no", "no"), ("No", "No"), ("yes", "yes"), ("Yes", "Yes"), ("YES", "YES"),
    ("on", "on"), ("off", "off"), ("y", "y"), ("n", "n"),
    # 1.1 octals, sexagesimals, timestamps and other number forms stay text
    ("0755", "0755"), ("007", "007"), ("0o17", "0o17"), ("0b101", "0b101"), ("1_000", "1_000"),
    ("1:30", "1:30"), ("12:30:00", "12:30:00"), ("190:20:30", "190:20:30"),
    ("2018-07-16", "2018-07-16"), ("2018-07", "2018-07"),
    ("2018-07-16T10:00:00Z", "2018-07-16T10:00:00Z"),
    (".inf", ".inf"), ("-.inf", "-.inf"), (".nan", ".nan"), ("=", "="), ("<<", "<<"),
    # quoted values are always text
    ('"true"', "true"), ("'42'", "42"), ('""', ""), ("'~'", "~"),
    # the 1.2 core schema
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False),
    ("FALSE", False),
    ("0", 0), ("42", 42), ("-5", -5), ("+5", 5), ("0x1f", 31), ("0x1F", 31),
    ("1.10", 1.1), ("1.", 1.0), (".5", 0.5), ("-2.5", -2.5), ("1e3", 1000.0), ("6.02E+23", 6.02e23),
    ("~", None), ("null", None), ("Null", None), ("NULL", None), ("", None),
    # plain text, including what looks like markup: the loader does not care
    ("Helsinki", "Helsinki"), ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("'{{ 7*7 }}'", "{{ 7*7 }}"),
])
def test_scalars_resolve_like_yaml_1_2(scalar: str, expected: object) -> None:
    got = value_of(scalar)
    assert got == expected
    assert type(got) is type(expected)


@pytest.mark.parametrize("key", ["NO", "yes", "on", "0755", "1:30", "2018-07-16"])
def test_keys_that_yaml_1_1_would_convert_stay_text(key: str) -> None:
    data, _ = load_text(f"{key}: 1\n", "t.yaml")
    assert data == {key: 1}


@pytest.mark.parametrize(("text", "expected"), [
    ("a: [1, 2]\n", {"a": [1, 2]}),
    ("a:\n  - x\n  - {b: c}\n", {"a": ["x", {"b": "c"}]}),
    ("a: |\n  line one\n  line two\n", {"a": "line one\nline two\n"}),
    ("a: >-\n  folded\n  text\n", {"a": "folded text"}),
    ("a: \"tab\\there\"\n", {"a": "tab\there"}),
    ("a:\t1\n", {"a": 1}),  # a tab after the colon is a separator, not indentation
    ("a: 1\r\nb: 2\r\n", {"a": 1, "b": 2}),
    ("---\na: 1\n...\n", {"a": 1}),  # one explicit document is fine
    ("'1': x\n", {"1": "x"}),  # a quoted number is a text key
    ("[1, 2]\n", [1, 2]),  # not a mapping: the schema, not the loader, says so
    ("just text\n", "just text"),
])
def test_well_formed_yaml_loads(text: str, expected: object) -> None:
    assert load_text(text, "t.yaml")[0] == expected


@pytest.mark.parametrize(("text", "expected_codes"), [
    ("", ["BG106"]),
    ("# only a comment\n", ["BG106"]),
    ("a: 1\n---\nb: 2\n", ["BG105"]),
    ("a: &x 1\nb: *x\n", ["BG103", "BG103"]),
    ("a: !!str 1\n", ["BG104"]),
    ("a: !!python/object/apply:os.system [echo hi]\n", ["BG104"]),
    ("a: !!binary aGk=\n", ["BG104"]),
    ("a: !custom x\n", ["BG104"]),
    ("%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n", ["BG104"]),
    ("a: 1\na: 2\n", ["BG101"]),
    ("1: x\n", ["BG102"]),
    ("true: x\n", ["BG102"]),
    ("~: x\n", ["BG102"]),
    ("? [a]\n: x\n", ["BG102"]),
    ("a:\n\tb: 1\n", ["BG107"]),
    ("a:\n  b: 1\n \tc: 2\n", ["BG107"]),
    ('a: "x\x07"\n', ["BG108"]),
    ("a: x\x00\n", ["BG108"]),
    ("key: a: b\n", ["BG100"]),
    ('a: "unclosed\n', ["BG100"]),
    ("a: [1, 2\n", ["BG100"]),
    ("a: 1\n b: 2\n", ["BG100"]),
    ("[" * 65, ["BG110"]),
    ("a: " + "1" * 1001 + "\n", ["BG109"]),
    ("a: 0x" + "f" * 2000 + "\n", ["BG109"]),
])
def test_what_the_loader_refuses(text: str, expected_codes: list[str]) -> None:
    assert codes(text) == expected_codes


def test_the_longest_allowed_number_still_loads() -> None:
    assert value_of("9" * 1000) == int("9" * 1000)


def test_duplicate_keys_name_both_lines() -> None:
    with pytest.raises(BriefError) as caught:
        load_text("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", "t.yaml")
    assert [str(d).splitlines()[0] for d in caught.value.diagnostics] == [
        "t.yaml:4:3: error BG101: duplicate key 'c' (first at line 3)",
        "t.yaml:5:1: error BG101: duplicate key 'a' (first at line 1)",
    ]


def test_every_problem_is_reported_in_one_pass() -> None:
    text = "a: &x 1\nb: *x\nc: !!str 2\nd:\n\t- 3\n"
    with pytest.raises(BriefError) as caught:
        load_text(text, "t.yaml")
    got = [(d.where.line, d.where.col, d.code) for d in caught.value.diagnostics]
    assert got == [(1, 4, "BG103"), (2, 4, "BG103"), (3, 4, "BG104"), (5, 1, "BG107")]


def test_anchors_and_aliases_are_named_as_written() -> None:
    """The editor looks for what the message names: `&x` where it is set, `*x` where used."""
    with pytest.raises(BriefError) as caught:
        load_text("a: &x 1\nb: *x\n", "t.yaml")
    assert [str(d).splitlines()[0] for d in caught.value.diagnostics] == [
        "t.yaml:1:4: error BG103: anchor '&x' is not allowed",
        "t.yaml:2:4: error BG103: alias '*x' is not allowed",
    ]


def test_billion_laughs_is_refused_before_expansion() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    found = codes("\n".join(lines) + "\n")
    assert set(found) == {"BG103"}
    assert len(found) == 10 + 9 * 9  # every anchor and every alias
    # nothing expanded (checked by structure, not by a clock): an alias stays a placeholder
    data, _ = load_text("\n".join(lines) + "\n", "t.yaml", recover=True)
    assert isinstance(data, dict)
    assert data["a9"] == [None] * 9


@pytest.mark.parametrize("text", [
    "[" * 100_000,
    "{a: " * 50_000,
    "- " * 50_000,
    "".join(" " * i + "a:\n" for i in range(100)),  # block mappings, one space deeper each
], ids=["flow-sequences", "flow-mappings", "block-sequences", "block-mappings"])
def test_deep_nesting_is_refused_without_crashing(text: str) -> None:
    assert codes(text) == ["BG110"]


def test_too_many_nodes() -> None:
    text = "a: [" + "1," * 200_001 + "]\n"
    assert len(text.encode()) < MAX_BYTES
    assert codes(text) == ["BG109"]


@pytest.mark.parametrize(("raw", "where", "message"), [
    (b"a: \xff\n", (1, 4), "invalid UTF-8 byte 0xff"),
    (b"a: 1\nb: caf\xe9\n", (2, 7), "invalid UTF-8 byte 0xe9"),
    # columns count characters: the en dash before is three bytes but one column
    ("a: \"–\"\nb: \"–x".encode() + b"\x96\"\n", (2, 7), "invalid UTF-8 byte 0x96"),
    (b"\xef\xbb\xbfa: \xff\n", (1, 4), "invalid UTF-8 byte 0xff"),  # after a BOM
    ("a: \"–x\x07\"\n".encode(), (1, 7), "character U+0007 is not allowed in YAML"),
    ("a: \"–––\"\nb: \"x\x1b\"\n".encode(), (2, 6), "character U+001B is not allowed in YAML"),
    ("a: \"😀x\x08\"\n".encode(), (1, 7), "character U+0008 is not allowed in YAML"),
    (b"a: 1\n" + b" " * MAX_BYTES, (1, 1), "the file is larger than 512 KiB"),
])
def test_bytes_problems_are_positioned(raw: bytes, where: tuple[int, int], message: str) -> None:
    with pytest.raises(BriefError) as caught:
        load_bytes(raw, "t.yaml")
    (d,) = caught.value.diagnostics
    assert (d.where.line, d.where.col, d.message) == (*where, message)


def test_a_bom_is_ignored() -> None:
    data, where = load_bytes(b"\xef\xbb\xbfa: 1\n", "t.yaml")
    assert data == {"a": 1}
    assert where.values[("a",)] == (1, 4)


def test_exactly_max_bytes_is_allowed() -> None:
    raw = b"a: 1\n" + b"#" * (MAX_BYTES - 6) + b"\n"
    assert len(raw) == MAX_BYTES
    assert load_bytes(raw, "t.yaml")[0] == {"a": 1}


def test_an_unreadable_sheet_is_an_io_error(tmp_path: Path) -> None:
    with pytest.raises(BriefError) as caught:
        read_sheet(tmp_path / "missing.yaml")
    assert caught.value.exit_code == EXIT_IO
    assert [d.code for d in caught.value.diagnostics] == ["BG111"]
    with pytest.raises(BriefError) as caught:
        read_sheet(tmp_path)  # a folder
    assert caught.value.exit_code == EXIT_IO


def test_content_errors_exit_1() -> None:
    with pytest.raises(BriefError) as caught:
        load_text("a: 1\na: 2\n", "t.yaml")
    assert caught.value.exit_code == EXIT_CONTENT


POSITIONED = """\
# a comment
title: "Helsinki"
event:
  start_date: 2018-07-16
  location: {city: Helsinki, country_code: FI}
  participants: [trump, putin]
items:
  - id: F1
    text: >-
      folded
      text
  - id: F2
"""


@pytest.mark.parametrize(("path", "key", "expected"), [
    ((), False, (2, 1)),
    (("title",), False, (2, 8)),
    (("title",), True, (2, 1)),
    (("event",), False, (4, 3)),
    (("event",), True, (3, 1)),
    (("event", "start_date"), False, (4, 15)),
    (("event", "location", "country_code"), False, (5, 44)),
    (("event", "location", "country_code"), True, (5, 30)),
    (("event", "participants", 1), False, (6, 25)),
    (("items", 0), False, (8, 5)),
    (("items", 0, "text"), False, (9, 11)),
    (("items", 1, "id"), True, (12, 5)),
    # a path with no position of its own falls back to its nearest known parent
    (("items", 1, "cite"), False, (12, 5)),
    (("items", 1, "cite", 0, "source"), True, (12, 5)),
    (("items", 7), False, (8, 3)),
    (("nowhere", "at", "all"), False, (2, 1)),
])
def test_source_map_positions(path: tuple[str | int, ...], key: bool,
                              expected: tuple[int, int]) -> None:
    _, where = load_text(POSITIONED, "p.yaml")
    at = where.at(path, key=key)
    assert (at.file, at.line, at.col) == ("p.yaml", *expected)


def test_source_map_of_the_example_points_at_real_text() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    lines = text.splitlines()
    data, where = load_text(text, "facts.yaml")
    assert isinstance(data, dict)
    for path, (line, col) in where.keys.items():
        assert lines[line - 1][col - 1:].startswith(str(path[-1])), path
    start = where.values[("briefing", "event", "start_date")]
    assert lines[start[0] - 1][start[1] - 1:] == "2018-07-16"


def test_empty_source_map_defaults_to_the_file_start() -> None:
    assert str(SourceMap("x.yaml").at(("a", 1))) == "x.yaml:1:1"


@pytest.mark.parametrize(("path", "expected"), [
    ((), ""),
    (("briefing",), "briefing"),
    (("briefing", "event", "start_date"), "briefing.event.start_date"),
    (("key_facts", 2, "date"), "key_facts[2].date"),
    (("key_facts", 0, "cite", 1, "excerpt"), "key_facts[0].cite[1].excerpt"),
])
def test_dotted(path: tuple[str | int, ...], expected: str) -> None:
    assert dotted(path) == expected


YAMLISH = st.text(  # text made of YAML's syntax characters, to reach the error paths
    alphabet=st.sampled_from([*"ab01 -:,?&*!|>'\"#%@`[]{}\t\n\r.~\\", "\x00", "\x85", "–",
                              "\ufeff"]),
    max_size=200)


@settings(max_examples=200, deadline=1000)
@given(st.one_of(st.text(max_size=200), YAMLISH))
def test_load_text_returns_or_raises_brief_error(text: str) -> None:
    try:
        _, where = load_text(text, "f.yaml")
    except BriefError as error:
        found = error.diagnostics
    else:
        assert isinstance(where, SourceMap)
        assert () in where.values
        return
    assert found
    for d in found:
        assert d.where.file == "f.yaml"
        assert (d.where.line or 0) >= 1
        assert (d.where.col or 0) >= 1


@settings(max_examples=200, deadline=1000)
@given(st.binary(max_size=200))
def test_load_bytes_returns_or_raises_brief_error(raw: bytes) -> None:
    try:
        load_bytes(raw, "f.yaml")
    except BriefError as error:
        found = error.diagnostics
    else:
        return
    assert all(d.code.startswith("BG1") for d in found)

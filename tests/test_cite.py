"""`briefgen cite`: the pasted line passes `check --strict`; bad input is a plain message."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.authoring.cite import _double_quoted
from briefgen.sheet.load import load_text
from tests.cli_helpers import run

ROOT = Path(__file__).resolve().parent.parent
F4_CITE = ('      - {source: S2, excerpt: "including a visit to Russia by a delegation of '
           'Republican senators"}')



def replace(sheet: Path, old: str, new: str) -> None:
    text = sheet.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    sheet.write_text(text.replace(old, new), encoding="utf-8")


def strict_check(sheet: Path) -> subprocess.CompletedProcess[str]:
    return run("check", "--strict", str(sheet), cwd=sheet.parent)


@pytest.mark.parametrize("phrase", [
    ["delegation", "of", "republican", "senators"],  # as typed: case differs
    ["Republican"],  # one word: widened to the four an excerpt needs
    ["senators visit Russia delegation"],  # words out of order
    ["could open a fine relationship"],  # the source's “…” kept whole
])
def test_pasted_excerpt_passes_strict_check(example_copy: Path, phrase: list[str]) -> None:
    found = run("cite", str(example_copy.parent), *phrase, cwd=example_copy.parent)
    assert found.returncode == 0, found.stderr
    line = found.stdout.rstrip("\n").splitlines()[-1]
    assert line.startswith("{source: S"), found.stdout
    replace(example_copy, F4_CITE, f"      - {line}")
    checked = strict_check(example_copy)
    assert checked.returncode == 0, checked.stderr + line
    assert checked.stderr == "checked 1 sheet: 0 error(s), 0 warning(s)\n"


def test_output_names_source_paragraph_and_marks_the_match(example_copy: Path) -> None:
    found = run("cite", str(example_copy), "first official summit since 2009",
                cwd=example_copy.parent)
    assert found.returncode == 0, found.stderr
    lines = found.stdout.splitlines()
    assert lines[0].startswith("S2 ¶"), found.stdout
    assert "[first official summit since 2009]" in lines[1]  # plain markers: not a TTY
    assert "\x1b[" not in found.stdout
    assert lines[-1] == '{source: S2, excerpt: "first official summit since 2009"}'
    assert len([x for x in lines if "¶" in x]) == 1  # nothing else is 60 % alike


def test_pasted_quote_passes_strict_check(example_copy: Path) -> None:
    found = run("cite", str(example_copy), "fine", "relationship", "--quote", "--limit", "1",
                cwd=example_copy.parent)
    assert found.returncode == 0, found.stderr
    line = found.stdout.splitlines()[-1]
    assert line == 'quote: "fine relationship"'
    replace(example_copy, '    quote: "a fine relationship"', f"    {line}")
    assert strict_check(example_copy).returncode == 0


NASTY = 'He wrote: "C:\\temp\\new" is \'fine\' # not a comment — 50% of {all} [cases] & *more* here'


def add_source(sheet: Path, name: str, text: str) -> None:
    """Store TEXT as sources/NAME and list it as S3 in SHEET."""
    stored = sheet.parent / "sources" / name
    stored.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(stored.read_bytes()).hexdigest()
    replace(sheet, "\nbottom_line:", (
        f"  - {{id: S3, title: Added, publisher: unknown, published: unknown, type: other, "
        f"file: sources/{name}, sha256: {digest}, reliability: F}}\n\nbottom_line:"))


def test_an_excerpt_with_quotes_colons_and_backslashes_round_trips(example_copy: Path) -> None:
    folder = example_copy.parent
    add_source(example_copy, "nasty.txt", f"A title line.\n\n{NASTY}\n")
    found = run("cite", str(example_copy), "--limit", "1", NASTY, cwd=folder)
    assert found.returncode == 0, found.stderr
    line = found.stdout.splitlines()[-1]
    data, _ = load_text(f"x: {line}", "t")
    assert data == {"x": {"source": "S3", "excerpt": NASTY}}
    replace(example_copy, F4_CITE, f"{F4_CITE}\n      - {line}")
    checked = strict_check(example_copy)
    assert checked.returncode == 0, checked.stderr


def test_a_phrase_in_no_source_is_exit_1_with_a_plain_message(example_copy: Path) -> None:
    found = run("cite", str(example_copy), "zebra", "quantum", "marmalade", cwd=example_copy.parent)
    assert found.returncode == 1
    assert found.stdout == ""
    assert "error BG801: no passage of S1, S2 is like \"zebra quantum marmalade\"" in found.stderr


def test_a_sheet_without_stored_sources_is_exit_1(tmp_path: Path) -> None:
    sheet = tmp_path / "facts.yaml"
    sheet.write_text("sources:\n  - {id: S1, file: sources/missing.txt}\n", encoding="utf-8")
    found = run("cite", str(sheet), "anything at all", cwd=tmp_path)
    assert found.returncode == 1
    assert "error BG800: no source of the sheet has a readable stored file" in found.stderr


def test_a_broken_sheet_reports_its_yaml_error(tmp_path: Path) -> None:
    sheet = tmp_path / "facts.yaml"
    sheet.write_text('sources: [\n', encoding="utf-8")
    found = run("cite", str(sheet), "anything", cwd=tmp_path)
    assert found.returncode == 1
    assert "facts.yaml:2:1: error BG1" in found.stderr


def test_json_format(example_copy: Path) -> None:
    found = run("cite", str(example_copy), "sanctions on Russia", "--format", "json",
                "--limit", "2", cwd=example_copy.parent)
    assert found.returncode == 0, found.stderr
    doc = json.loads(found.stdout)
    assert list(doc) == ["passages", "paste"]
    assert len(doc["passages"]) == 2
    best = doc["passages"][0]
    assert list(best) == ["source", "paragraph", "line", "score", "before", "match", "after",
                          "missing"]
    assert best["missing"] == []
    assert best["source"] == "S2"
    assert best["match"] == "sanctions on Russia for"  # widened to the 4 words of an excerpt
    assert doc["paste"] == '{source: S2, excerpt: "sanctions on Russia for"}'


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40))
def test_double_quoted_scalars_round_trip(text: str) -> None:
    data, _ = load_text(f"x: {_double_quoted(text)}\n", "t")
    assert data == {"x": text}


def test_a_passage_in_a_long_one_line_source_is_found(example_copy: Path) -> None:
    filler = " ".join(f"word{n}" for n in range(3000))  # one paragraph of 3,000 words
    add_source(example_copy, "long.txt",
               f"{filler} the delegates signed a binding accord on water rights {filler}\n")
    found = run("cite", str(example_copy), "delegates signed binding accord", "--limit", "1",
                cwd=example_copy.parent)
    assert found.returncode == 0, found.stderr
    assert found.stdout.splitlines()[0].startswith("S3 ¶1 (line 1, ")
    assert found.stdout.splitlines()[-1] == (
        '{source: S3, excerpt: "delegates signed a binding accord"}')


def test_on_a_terminal_the_match_is_bold(example_copy: Path) -> None:
    import pty

    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "briefgen", "cite", str(example_copy),
                               "first official summit since 2009"], stdout=follower,
                              stderr=subprocess.PIPE, env=env, timeout=120, check=False)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end is closed and drained
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0, done.stderr
    assert "\x1b[1mfirst official summit since 2009\x1b[0m" in shown.decode()
    assert "[first official" not in shown.decode()


def test_a_quotation_is_not_cut_in_half(example_copy: Path) -> None:
    found = run("cite", str(example_copy), "could open a fine relationship",
                cwd=example_copy.parent)
    assert found.stdout.splitlines()[-1] == (
        '{source: S1, excerpt: "could open “a fine relationship”"}')


IAAF = ("The Council agreed to set up two task forces to oversee the reforms. The task forces "
        "will report back to the IAAF Council, at its next meeting in Doha, Qatar, in April, on "
        "whether the conditions for reinstatement have been met.")


def test_the_excerpt_holds_every_searched_word_the_passage_has(example_copy: Path) -> None:
    add_source(example_copy, "iaaf.txt", f"IAAF Council meeting\n\n{IAAF}\n")
    found = run("cite", str(example_copy), "task forces report back IAAF Council April Qatar",
                "--limit", "1", cwd=example_copy.parent)
    assert found.returncode == 0, found.stderr
    lines = found.stdout.splitlines()
    assert lines[-1] == ('{source: S3, excerpt: "task forces will report back to the IAAF Council,'
                         ' at its next meeting in Doha, Qatar, in April"}')
    assert "not found" not in found.stdout
    replace(example_copy, F4_CITE, f"{F4_CITE}\n      - {lines[-1]}")
    assert strict_check(example_copy).returncode == 0


def test_searched_words_the_passage_lacks_are_named(example_copy: Path) -> None:
    add_source(example_copy, "iaaf.txt", f"IAAF Council meeting\n\n{IAAF}\n")
    found = run("cite", str(example_copy), "task forces report IAAF Council April Kenya",
                "--limit", "1", "--format", "json", cwd=example_copy.parent)
    assert found.returncode == 0, found.stderr
    best = json.loads(found.stdout)["passages"][0]
    assert best["missing"] == ["Kenya"]
    assert "April" in best["match"]
    shown = run("cite", str(example_copy), "task forces report IAAF Council April Kenya",
                "--limit", "1", cwd=example_copy.parent)
    assert "    not found: Kenya\n" in shown.stdout


INVISIBLE = {
    "zero-width space": "\u200b",
    "soft hyphen": "\u00ad",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "no-break space": "\u00a0",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "narrow no-break space": "\u202f",
    "bidi isolate": "\u2066",
    "pop isolate": "\u2069",
}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_paste_line_over_invisible_characters_passes_strict_check(
    example_copy: Path, char: str
) -> None:
    text = (f"The inter{char}national monitors reported{char} that the {char}ceasefire{char} "
            f"held{char} along the whole front line on Sunday, officials said.")
    add_source(example_copy, "monitors.txt", f"Monitors report\n\n{text}\n")
    found = run("cite", str(example_copy), "monitors reported ceasefire held along front",
                "--limit", "1", cwd=example_copy.parent)
    assert found.returncode == 0, found.stderr
    line = found.stdout.splitlines()[-1]
    assert line.isascii() or char not in line  # written as an escape, never raw
    data, _ = load_text(f"x: {line}", "t")
    excerpt = data["x"]["excerpt"]  # type: ignore[index]
    assert excerpt in text  # exact stored text, invisible characters included
    assert char in excerpt
    replace(example_copy, F4_CITE, f"{F4_CITE}\n      - {line}")
    checked = strict_check(example_copy)
    assert checked.returncode == 0, checked.stderr + line
    assert checked.stderr == "checked 1 sheet: 0 error(s), 0 warning(s)\n"


def test_a_huge_query_is_a_short_message_at_once(example_copy: Path) -> None:
    import time

    phrase = " ".join(["relations"] * 10_000)  # 99,999 characters
    began = time.monotonic()
    found = run("cite", str(example_copy), phrase, cwd=example_copy.parent)
    assert time.monotonic() - began < 5
    assert found.returncode == 1
    assert found.stdout == ""
    assert "error BG802: the phrase is 99,999 characters long; at most 1,000 are read" in (
        found.stderr)
    assert len(found.stderr) < 400


def test_a_longest_query_on_a_long_one_line_source_is_answered_in_seconds(
    example_copy: Path,
) -> None:
    import time

    words = [f"word{n}" for n in range(40_000)]  # one paragraph, ~350 KB
    add_source(example_copy, "long.txt", " ".join(words) + "\n")
    phrase = " ".join(words[20_000:20_200])[:990].rsplit(" ", 1)[0]  # 98 whole words
    began = time.monotonic()
    found = run("cite", str(example_copy), phrase, "--limit", "1", cwd=example_copy.parent)
    assert time.monotonic() - began < 5
    assert found.returncode == 0, found.stderr
    assert found.stdout.splitlines()[-1] == f'{{source: S3, excerpt: "{phrase}"}}'


@pytest.mark.parametrize("phrase", ["!!! ???", "— …"])
def test_a_phrase_without_words_is_a_plain_message(example_copy: Path, phrase: str) -> None:
    found = run("cite", str(example_copy), phrase, cwd=example_copy.parent)
    assert found.returncode == 1
    assert "error BG802: the phrase has no words to search for" in found.stderr


def test_a_search_past_its_time_stops_with_a_plain_message(
    example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.authoring import cite
    from briefgen.errors import BriefError

    clock = iter(range(0, 1000, 3))  # each reading 3 s later than the one before
    monkeypatch.setattr(cite.time, "monotonic", lambda: next(clock))
    with pytest.raises(BriefError) as caught:
        cite.search(example_copy, "sanctions on Russia")
    assert str(caught.value.diagnostics[0]).endswith(
        "error BG802: the search took more than 5 s and was stopped\n"
        "    hint: search for a few distinctive words of the passage, as the source writes them")


def test_a_longest_query_over_a_source_of_many_paragraphs_is_answered_in_seconds(
    example_copy: Path,
) -> None:
    import random
    import time

    rng = random.Random(18)
    vocabulary = (example_copy.parent / "sources" / "helsinki-summit-high-expectations.txt"
                  ).read_text(encoding="utf-8").split()
    lines = [" ".join(rng.choice(vocabulary) for _ in range(12)) for _ in range(20_000)]
    add_source(example_copy, "many.txt", "\n".join(lines) + "\n")  # ~1.6 MB, 20,000 ¶
    phrase = " ".join(dict.fromkeys(vocabulary))[:1000]
    began = time.monotonic()
    found = run("cite", str(example_copy), phrase, cwd=example_copy.parent)
    assert time.monotonic() - began < 5
    assert found.returncode in (0, 1), found.stderr
    assert len(found.stderr) < 400  # the phrase is shown cut, not whole

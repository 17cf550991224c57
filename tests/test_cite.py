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

ROOT = Path(__file__).resolve().parent.parent
F4_CITE = ('      - {source: S2, excerpt: "including a visit to Russia by a delegation of '
           'Republican senators"}')


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process (stdout a pipe, so no TTY), importing this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result


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
    assert list(best) == ["source", "paragraph", "line", "score", "before", "match", "after"]
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

"""`briefgen sources accept`: a deliberate change to a stored text, recorded safely (issue 12).

The sha256 is the pin between a sheet and the text its quotes were checked against: it
must only move when no quote breaks (or the user forces it), after a yes, and by
rewriting that one value in the sheet.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from tests.ingest_helpers import ROOT, run

S1_FILE = "sources/helsinki-summit-high-expectations.txt"
S1_EXCERPT = "the two leaders will hold a high-level meeting on July 16 in the Finnish capital"


def _change(sheet: Path, old: str, new: str) -> Path:
    source = sheet.parent / S1_FILE
    text = source.read_text(encoding="utf-8")
    assert old in text
    source.write_text(text.replace(old, new, 1), encoding="utf-8")
    return source


def _append(sheet: Path) -> Path:
    source = sheet.parent / S1_FILE
    with source.open("a", encoding="utf-8") as handle:
        handle.write("\nCorrection: an earlier version misspelt a name.\n")
    return source


def _differing_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_accept_records_the_new_hash_when_every_quote_still_verifies(
    example_copy: Path, tmp_path: Path
) -> None:
    source = _append(example_copy)
    assert "BG406" in run("check", str(example_copy), cwd=tmp_path).stderr  # it was stale
    before = example_copy.read_text(encoding="utf-8")
    result = run("sources", "accept", str(example_copy.parent), "--yes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "S1: recorded sha256\n"
    assert f"S1: {S1_FILE} changed" in result.stderr
    new = hashlib.sha256(source.read_bytes()).hexdigest()
    after = example_copy.read_text(encoding="utf-8")
    [(old_line, new_line)] = _differing_lines(before, after)
    assert new_line == old_line.split("sha256: ")[0] + f"sha256: {new}"
    checked = run("check", str(example_copy), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "BG406" not in checked.stderr


def test_accept_refuses_while_a_quote_would_break_and_lists_it(
    example_copy: Path, tmp_path: Path
) -> None:
    _change(example_copy, "Finnish capital", "Finnish city")
    before = example_copy.read_bytes()
    result = run("sources", "accept", str(example_copy), "--yes", cwd=tmp_path)
    assert result.returncode == 1
    assert "S1: " + S1_FILE + " changed, 1 passage(s) break" in result.stderr
    assert "facts.yaml:70:" in result.stderr
    assert "error BG402: excerpt not found in S1" in result.stderr
    assert "capital" in result.stderr  # the word-level difference in the hint
    assert "refused" in result.stderr
    assert example_copy.read_bytes() == before


def test_accept_force_records_even_though_a_quote_breaks(
    example_copy: Path, tmp_path: Path
) -> None:
    source = _change(example_copy, "Finnish capital", "Finnish city")
    result = run("sources", "accept", str(example_copy), "--force", "--yes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "error BG402" in result.stderr  # still shown
    assert hashlib.sha256(source.read_bytes()).hexdigest() in example_copy.read_text("utf-8")
    checked = run("check", str(example_copy), cwd=tmp_path)
    assert checked.returncode == 1
    assert "BG406" not in checked.stderr
    assert "error BG402: excerpt not found in S1" in checked.stderr


def test_accept_declined_at_the_prompt_changes_nothing(
    example_copy: Path, tmp_path: Path
) -> None:
    _append(example_copy)
    before = example_copy.read_bytes()
    result = run("sources", "accept", str(example_copy), cwd=tmp_path, stdin="n\n")
    assert result.returncode == 1
    assert "Record the new sha256? [y/N]" in result.stderr
    assert "nothing recorded" in result.stderr
    assert example_copy.read_bytes() == before


def test_accept_confirmed_at_the_prompt_records(example_copy: Path, tmp_path: Path) -> None:
    source = _append(example_copy)
    result = run("sources", "accept", str(example_copy), "S1", cwd=tmp_path, stdin="y\n")
    assert result.returncode == 0, result.stderr
    assert hashlib.sha256(source.read_bytes()).hexdigest() in example_copy.read_text("utf-8")


def test_accept_only_the_named_sources(example_copy: Path, tmp_path: Path) -> None:
    _append(example_copy)
    before = example_copy.read_bytes()
    result = run("sources", "accept", str(example_copy), "S2", "--yes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "S2: unchanged" in result.stderr
    assert "no stored source text changed" in result.stderr
    assert example_copy.read_bytes() == before


def test_accept_an_unknown_id_is_a_clear_error(example_copy: Path, tmp_path: Path) -> None:
    result = run("sources", "accept", str(example_copy), "S9", "--yes", cwd=tmp_path)
    assert result.returncode == 2
    assert "error BG840: no source 'S9' in the sheet" in result.stderr
    assert "sources are S1, S2" in result.stderr
    assert "Traceback" not in result.stderr


def test_accept_adds_a_missing_hash_after_the_file_line(
    example_copy: Path, tmp_path: Path
) -> None:
    text = example_copy.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines(True) if x.startswith("    sha256: e833"))
    example_copy.write_text(text.replace(line, ""), encoding="utf-8")
    result = run("sources", "accept", str(example_copy), "S2", "--yes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert example_copy.read_text(encoding="utf-8") == text


def test_accept_refuses_if_the_sheet_was_edited_while_it_asked(
    example_copy: Path, tmp_path: Path
) -> None:
    _append(example_copy)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = str(ROOT)
    with subprocess.Popen([sys.executable, "-m", "briefgen", "sources", "accept",
                           str(example_copy)], cwd=tmp_path, env=env, stdin=subprocess.PIPE,
                          stderr=subprocess.PIPE, stdout=subprocess.PIPE) as child:
        assert child.stderr is not None
        assert child.stdin is not None
        seen = b""
        while b"[y/N]" not in seen:
            byte = child.stderr.read(1)
            assert byte, seen
            seen += byte
        text = example_copy.read_text(encoding="utf-8")  # meanwhile, someone edits S1's hash
        edited = text.replace("sha256: d9e3", "sha256: 0000", 1)
        example_copy.write_text(edited, encoding="utf-8")
        _out, err = child.communicate(b"y\n", timeout=60)
    assert child.returncode == 2, err
    assert b"error BG843: the fact sheet changed while the change was being reviewed" in err
    assert example_copy.read_text(encoding="utf-8") == edited


def test_accept_refuses_a_source_whose_text_cannot_be_read(
    example_copy: Path, tmp_path: Path
) -> None:
    (example_copy.parent / S1_FILE).write_bytes(b"caf\xe9 \x00 binary now\n")
    before = example_copy.read_bytes()
    result = run("sources", "accept", str(example_copy), "--yes", "--force", cwd=tmp_path)
    assert result.returncode == 2
    assert "error BG841: source S1 has no readable stored text" in result.stderr
    assert "not UTF-8 text" in result.stderr
    assert example_copy.read_bytes() == before

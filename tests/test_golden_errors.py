"""Golden errors: every broken sheet under tests/invalid/ and the exact diagnostics it gets.

Each case is a folder holding `facts.yaml` (most are the Helsinki example with one
deliberate mistake), `sources/` when the mistake is only visible past the schema, and
`expected.txt`: what `briefgen check --strict facts.yaml` prints, run inside the folder.
Adding a regression test means adding a folder; `pytest --update-golden` writes its
expected.txt, which must then be read before committing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.pipeline import check_sheets

CASES = Path(__file__).parent / "invalid"
ALL = sorted(p for p in CASES.iterdir() if (p / "facts.yaml").is_file())
ROOT = Path(__file__).resolve().parent.parent


def test_the_corpus_is_large_enough() -> None:
    assert len(ALL) >= 34
    assert all((p / "expected.txt").is_file() for p in ALL), "run pytest --update-golden"


@pytest.mark.parametrize("case", ALL, ids=lambda p: p.name)
def test_golden_errors(case: Path, monkeypatch: pytest.MonkeyPatch,
                       golden: Callable[[str, Path], None]) -> None:
    monkeypatch.chdir(case)
    report = check_sheets([Path("facts.yaml")], strict=True)
    assert report.failed
    golden("\n".join(str(d) for d in report.diagnostics) + "\n", case / "expected.txt")


@pytest.mark.parametrize("case", ALL, ids=lambda p: p.name)
def test_cli_exits_1_with_positioned_diagnostics(case: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "briefgen", "check", "--strict", "facts.yaml"],
                            cwd=case, capture_output=True, text=True, timeout=60,
                            env=_env(), check=False)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    first = re.match(r"facts\.yaml:\d+:\d+: ", expected)
    assert first, expected
    assert result.stderr.startswith(first.group(0))
    assert result.stderr.startswith(expected)


def _env() -> dict[str, str]:
    """The child imports this checkout's briefgen, whatever the current directory."""
    env = {k: v for k, v in os.environ.items() if k != "BRIEFGEN_STRICT"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


# Too big to commit: generated at test time, checked the same two ways.
GENERATED = {
    "oversize-file": (b'schema_version: "1"\ngaps:\n' + b'  - "x"\n' * 80_000,
                      "facts.yaml:1:1: error BG109: the file is larger than 512 KiB\n"
                      "    hint: split long texts; a one-page brief needs far less\n"),
    "nesting-100000-brackets": (b"[" * 100_000,
                                "facts.yaml:1:65: error BG110: nesting deeper than 64 levels\n"
                                "    hint: a fact sheet needs only a few levels\n"),
    "nesting-100000-braces": (b"{a: " * 100_000,
                              "facts.yaml:1:257: error BG110: nesting deeper than 64 levels\n"
                              "    hint: a fact sheet needs only a few levels\n"),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_cases(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content, expected = GENERATED[name]
    (tmp_path / "facts.yaml").write_bytes(content)
    monkeypatch.chdir(tmp_path)
    report = check_sheets([Path("facts.yaml")], strict=True)
    assert report.failed
    assert "\n".join(str(d) for d in report.diagnostics) + "\n" == expected
    result = subprocess.run([sys.executable, "-m", "briefgen", "check", "--strict", "facts.yaml"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60,
                            env=_env(), check=False)
    assert result.returncode == 1
    assert result.stderr.startswith(expected)

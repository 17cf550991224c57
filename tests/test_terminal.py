"""What reaches a terminal or a CI log: inert sheet text, and closed pipes.

Real CLI subprocesses. A hostile key (ESC/BEL sequences, newlines, `::` commands, `%0A`)
must not steer the terminal, forge a GitHub workflow command or break the JSON; a reader
that goes away early must neither raise a traceback nor hide a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT

# Two unknown top-level fields: one retitles and clears a terminal, one forges workflow
# commands on a new line, with an already-escaped newline (%0A) and property separators.
TITLE = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"
FORGED = "x\n::error file=a::forged\r%0A::stop-commands::tok,a:b"
HOSTILE = (
    'schema_version: "1"\n'
    '"\\e]0;pwned\\a\\e[2J\\x9b31m\\u202e": 1\n'
    '"x\\n::error file=a::forged\\r%0A::stop-commands::tok,a:b": 2\n'
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=_env(),
                            capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with the example sheet as seeds/x/facts.yaml."""
    shutil.copytree(EXAMPLE, tmp_path / "seeds" / "x")
    return tmp_path


@pytest.fixture
def hostile(project: Path) -> Path:
    sheet = project / "seeds" / "x" / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace('schema_version: "1"\n', HOSTILE, 1), encoding="utf-8")
    return project


CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]")  # all but the newline itself


def test_hostile_keys_are_inert_in_text(hostile: Path) -> None:
    result = run("check", cwd=hostile)
    assert result.returncode == 1
    assert not CONTROLS.search(result.stderr), repr(result.stderr)
    assert "unknown field '[U+001B]]0;pwned[U+0007][U+001B][2J[U+009B]31m[U+202E]'" in (
        result.stderr)
    assert "'x[U+000A]::error file=a::forged[U+000D]%0A::stop-commands::tok,a:b'" in (
        result.stderr)
    assert [line for line in result.stderr.splitlines() if line.startswith("::")] == []


def test_hostile_keys_keep_json_valid_exact_and_inert(hostile: Path) -> None:
    result = run("check", "--format", "json", cwd=hostile)
    assert result.returncode == 1
    assert not CONTROLS.search(result.stdout), repr(result.stdout)
    messages = [d["message"] for d in json.loads(result.stdout)["diagnostics"]]
    assert messages == [f"unknown field '{TITLE}' in the top level",
                        f"unknown field '{FORGED}' in the top level"]


def test_hostile_keys_cannot_forge_github_workflow_commands(hostile: Path) -> None:
    result = run("check", "--format", "github", cwd=hostile)
    assert result.returncode == 1
    assert not CONTROLS.search(result.stderr), repr(result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines  # one command per diagnostic, no forged line
    assert all(line.startswith("::error file=seeds/x/facts.yaml,line=") for line in lines)
    assert "forged[U+000D]%250A::stop-commands" in lines[1]


def test_github_properties_escape_colon_and_comma(tmp_path: Path) -> None:
    folder = tmp_path / "seeds" / "a,b:c"
    shutil.copytree(EXAMPLE, folder)
    sheet = folder / "facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("schema_version", "schema_versio"),
                     encoding="utf-8")
    result = run("check", "--format", "github", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("::error file=seeds/a%2Cb%3Ac/facts.yaml,line="), result.stderr


def _closed_stdout(*args: str, cwd: Path) -> tuple[int, str]:
    """Run the CLI with stdout a pipe whose reading end is closed before it writes."""
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


@pytest.mark.parametrize("args", [["schema"], ["check", "--format", "json"], ["--help"]],
                         ids=" ".join)
def test_closed_pipe_after_success_exits_141_quietly(project: Path, args: list[str]) -> None:
    code, err = _closed_stdout(*args, cwd=project)
    assert (code, err.replace("checked 1 sheet: 0 error(s), 0 warning(s)\n", "")) == (141, "")


def test_closed_pipe_keeps_a_failing_check_status(project: Path, hostile: Path) -> None:
    """The same pipe after a failure: the failure's status, not 141 (nor 0)."""
    assert _closed_stdout("check", "--format", "json", cwd=hostile) == (1, "")
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "check"], cwd=hostile,
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    proc.stderr.close()  # diagnostics go to stderr: close that one
    out, _ = proc.communicate(timeout=120)
    assert (proc.returncode, out) == (1, b"")
    shutil.rmtree(hostile / "seeds")
    shutil.copytree(EXAMPLE, hostile / "seeds" / "x")
    assert _closed_stdout("check", "--format", "json", cwd=hostile)[0] == 141  # the contrast


def test_closed_pipe_does_not_stop_a_build(project: Path) -> None:
    code, err = _closed_stdout("build", "--format", "md", cwd=project)
    assert code == 141, err
    assert "Traceback" not in err
    assert err.endswith("published to out/\n"), err
    assert (project / "out" / "helsinki-summit-2018" / "helsinki-summit-2018.md").is_file()


def test_guarded_stderr_is_written_at_once() -> None:
    """A traceback printed by a server thread must be seen even if the process is killed."""
    code = ("import os, sys\nfrom briefgen.cli import terminal\nterminal.guard_pipes()\n"
            "print('line', file=sys.stderr)\nsys.stderr.write('partial')\nos._exit(3)\n")
    result = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                            text=True, timeout=60, check=False)
    assert (result.returncode, result.stderr) == (3, "line\npartial")

"""`briefgen new` ends with the next three commands, and they run as printed."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Talks in Geneva\n\nThe two delegations met on Monday in the Palais des Nations.\n"


def env() -> dict[str, str]:
    child = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    child["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), child.get("PYTHONPATH")]))
    child["EDITOR"] = "true"  # the first step opens an editor: one that does nothing
    return child


def test_new_prints_three_next_steps_that_run(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(TEXT, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "briefgen", "new", "geneva-talks",
                           "--source", "article.txt"], cwd=tmp_path, env=env(),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{Path('seeds/geneva-talks/facts.yaml')}\n"  # scripts read the path
    lines = done.stderr.splitlines()
    assert lines[0] == "Next:"
    steps = [line.split("   # ")[0].split(". ", 1)[1].strip() for line in lines[1:]]
    assert steps == [
        "${EDITOR:-vi} seeds/geneva-talks/facts.yaml",
        'briefgen cite seeds/geneva-talks "words from a source"',
        "briefgen check seeds/geneva-talks && briefgen serve",
    ]
    briefgen = f"{shlex.quote(sys.executable)} -m briefgen"
    edit = subprocess.run(steps[0], shell=True, cwd=tmp_path, env=env(), check=False)
    assert edit.returncode == 0
    cite = steps[1].replace('"words from a source"', "delegations met on Monday")
    found = subprocess.run(cite.replace("briefgen", briefgen), shell=True, cwd=tmp_path,
                           env=env(), capture_output=True, text=True, timeout=120, check=False)
    assert found.returncode == 0, found.stderr
    assert found.stdout.splitlines()[-1] == (
        '{source: S1, excerpt: "delegations met on Monday"}')
    check = steps[2].split(" && ")[0]
    checked = subprocess.run(check.replace("briefgen", briefgen), shell=True, cwd=tmp_path,
                             env=env(), capture_output=True, text=True, timeout=120, check=False)
    assert checked.returncode == 1  # the TODOs are still there, as step 1 says
    assert "BG315" in checked.stderr

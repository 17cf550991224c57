"""How long the pre-commit hook takes for one changed sheet (issue 11: "well under a second").

Run with `.venv/bin/python bench/hook.py [REPEAT]`. It asserts nothing; it prints the median
wall time of `briefgen check --strict` of one sheet, and of a whole `pre-commit run` of the
`.pre-commit-config.yaml` that `briefgen init` writes (the hook uses the briefgen on PATH),
in a temporary git repository holding the bundled example with one sheet changed.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def median_seconds(cmd: list[str], cwd: Path, env: dict[str, str], repeat: int) -> float:
    """Median wall time of CMD over REPEAT runs (after one warm-up run)."""
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PRE_COMMIT_HOME": str(Path(tmp) / "pre-commit-home"),
            "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
            "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org",
        }
        repo = Path(tmp) / "briefs"
        subprocess.run([BIN / "briefgen", "init", repo, "--example"], env=env, check=True,
                       capture_output=True)
        for cmd in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "x"]):
            subprocess.run(cmd, cwd=repo, env=env, check=True)
        sheet = next(repo.glob("seeds/*/facts.yaml"))
        sheet.write_text(sheet.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
        subprocess.run(["git", "add", "."], cwd=repo, env=env, check=True)
        check = median_seconds([str(BIN / "briefgen"), "check", "--strict", str(sheet)],
                               repo, env, repeat)
        tool = shutil.which("pre-commit", path=str(BIN)) or "pre-commit"
        hook = median_seconds([tool, "run"], repo, env, repeat)
    print(f"briefgen check --strict, one sheet: {check:.2f} s (median of {repeat})")
    print(f"pre-commit run, one changed sheet:  {hook:.2f} s (median of {repeat})")


if __name__ == "__main__":
    main()

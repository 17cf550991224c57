"""The real CLI in a child process, for tests that run `briefgen …` as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`briefgen ARGS` in CWD (stdout a pipe, so no TTY), importing this checkout, with no
    BRIEFGEN_ variable of the caller's; a traceback on stderr fails the test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result

"""The real CLI in a child process, for tests that run `briefgen …` as a user would."""

from __future__ import annotations

import ctypes
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


_PR_CAPBSET_DROP = 24
_DAC_CAPABILITIES = (1, 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH


def drop_dac_capabilities() -> None:
    """preexec_fn: from the exec on, file modes apply to this (root) child too, so a test
    of an unreadable file means something when the suite runs as root."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _DAC_CAPABILITIES:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

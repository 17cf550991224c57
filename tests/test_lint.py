"""The code stays ruff-clean and mypy --strict clean (the style guide's rules, enforced)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _tool(name: str) -> list[str]:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        message = f"{name} is not installed (it is in the [test] extra): the lint check did NOT run"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return [found]


def test_ruff_is_clean() -> None:
    result = subprocess.run([*_tool("ruff"), "check", "briefgen", "tests", "bench"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = subprocess.run([*_tool("mypy"), "briefgen"], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr

"""Shared fixtures: the golden-file checker (with --update-golden) and sheet writers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "seeds" / "helsinki-summit-2018"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite expected files from current output.")
    parser.addoption("--update-visual", action="store_true",
                     help="Rewrite the reference renders in tests/visual/ (tests/test_visual.py).")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, Path], None]:
    """Compare text with a golden file, or rewrite it under --update-golden."""

    def check(actual: str, expected: Path) -> None:
        if request.config.getoption("--update-golden"):
            expected.parent.mkdir(parents=True, exist_ok=True)
            expected.write_text(actual, encoding="utf-8")
        assert actual == expected.read_text(encoding="utf-8")

    return check


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A writable copy of the Helsinki example folder; returns its facts.yaml."""
    target = tmp_path / "seeds" / EXAMPLE.name
    shutil.copytree(EXAMPLE, target)
    return target / "facts.yaml"

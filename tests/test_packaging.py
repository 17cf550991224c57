"""The wheel ships every default template, stylesheet and font (the templates/ folder)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_the_wheel_contains_every_default_template(tmp_path: Path) -> None:
    if importlib.util.find_spec("hatchling") is None:
        message = "hatchling (the [test] extra) is not installed: the wheel check did NOT run"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    wheel = next(tmp_path.glob("briefgen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"briefgen/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
                for p in (ROOT / "templates").rglob("*") if p.is_file()}
    assert expected, "no templates found in the checkout"
    assert expected <= names, sorted(expected - names)
    for licence in ("LICENSE-OFL.txt", "LICENSE-Noto.txt", "LICENSE-Droid.txt"):
        assert f"briefgen/templates/fonts/{licence}" in names
    assert any(n.endswith("entry_points.txt") for n in names)

"""The README's set-up is reproducible: pinned locks, and a virtualenv that follows them.

Why: a newcomer's `make test` once installed a newer PyYAML than the suite was green with,
and an old `.venv/` hid the drift. These tests fail when the locks stop covering the
dependencies, when the test environment is not the locked one, or when the Makefile's
stamps stop rebuilding the virtualenv after a lock changes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement

from tests.conftest import ROOT

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", re.MULTILINE)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: str) -> dict[str, str]:
    return {_canonical(n): v for n, v in _PIN.findall((ROOT / lock).read_text("utf-8"))}


def _requirement_names(requirements: list[str]) -> set[str]:
    """The names of REQUIREMENTS that apply here (`tomli; python_version < '3.11'` does not
    on 3.11, so the lock compiled on 3.11 rightly lacks it)."""
    applying = (Requirement(r) for r in requirements)
    return {_canonical(r.name) for r in applying if r.marker is None or r.marker.evaluate()}


def test_every_dependency_is_pinned_in_its_lock() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    runtime, test = _pins("requirements.txt"), _pins("requirements-test.txt")
    assert _requirement_names(project["dependencies"]) <= runtime.keys()
    for extra, wanted in project["optional-dependencies"].items():  # the extras are locked too
        if extra != "test":
            assert _requirement_names(wanted) <= runtime.keys(), extra
    assert _requirement_names(project["optional-dependencies"]["test"]) <= test.keys()
    # the test lock pins the runtime packages at the same versions as the runtime lock
    assert {n: test.get(n) for n in runtime} == runtime


@pytest.mark.skipif(os.environ.get("BRIEFGEN_UNLOCKED") == "1",
                    reason="make test-latest runs against the newest versions on purpose")
def test_the_test_environment_is_the_locked_one() -> None:
    drift = {}
    for name, pinned in _pins("requirements-test.txt").items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        if installed != pinned:
            drift[name] = (pinned, installed)
    assert not drift, f"(locked, installed): {drift}; run `make test` to rebuild .venv/"


@pytest.mark.parametrize("changed", ["requirements.txt", "requirements-test.txt",
                                     "pyproject.toml"])
def test_a_changed_lock_rebuilds_the_virtualenv(tmp_path: Path, changed: str) -> None:
    if shutil.which("make") is None:
        if os.environ.get("CI"):
            pytest.fail("make is missing")
        pytest.skip("make is not installed")
    for name in ("Makefile", "requirements.txt", "requirements-test.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv").mkdir()
    for stamp in (".runtime", ".test"):
        (tmp_path / ".venv" / stamp).touch()
    old = 1_000_000_000
    for name in ("Makefile", "requirements.txt", "requirements-test.txt", "pyproject.toml"):
        os.utime(tmp_path / name, (old, old))

    def up_to_date(target: str) -> bool:
        return subprocess.run(["make", "-q", target], cwd=tmp_path, check=False).returncode == 0

    assert up_to_date(".venv/.test")
    assert up_to_date(".venv/.runtime")
    os.utime(tmp_path / changed, None)  # now: newer than the stamps
    assert not up_to_date(".venv/.test")
    if changed != "requirements-test.txt":
        assert not up_to_date(".venv/.runtime")


def test_the_example_needs_only_the_runtime_lock() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    example = re.search(r"^example:(.*)$", makefile, re.MULTILINE)
    assert example is not None
    assert ".venv/.runtime" in example.group(1).replace("$(VENV)", ".venv")
    assert ".test" not in example.group(1)

"""Heavy imports stay off the fast paths: --help, check, and an up-to-date rebuild."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT

PROBE = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('MODULES', ' '.join(sorted(m for m in {mods} "
    "if m in sys.modules)), file=sys.stderr))\n"
    "from briefgen.cli import main\n"
    "main({argv})\n"
)


def _loaded(argv: list[str], cwd: Path, mods: tuple[str, ...]) -> set[str]:
    code = PROBE.format(mods=repr(mods), argv=repr(argv))
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                            text=True, timeout=120, env=env)
    line = next(x for x in result.stderr.splitlines() if x.startswith("MODULES"))
    return set(line.split()[1:])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("imports")
    shutil.copytree(EXAMPLE, root / "seeds" / EXAMPLE.name)
    return root


HEAVY = ("weasyprint", "pydantic", "jinja2", "markdown_it")


def test_help_imports_nothing_heavy(project: Path) -> None:
    assert _loaded(["--help"], project, HEAVY) == set()


def test_check_does_not_import_weasyprint(project: Path) -> None:
    assert "weasyprint" not in _loaded(["check"], project, HEAVY)


def test_up_to_date_build_imports_nothing_heavy(project: Path) -> None:
    subprocess.run([sys.executable, "-m", "briefgen", "build", "--format", "md,html"],
                   cwd=project, check=True, capture_output=True, env={"PYTHONPATH": str(ROOT)})
    assert _loaded(["build", "--format", "md,html"], project, HEAVY) == set()

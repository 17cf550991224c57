"""briefgen installed as a tool, and its pre-commit hook, exactly as a user gets them.

Both are slow (a fresh virtualenv with every dependency, from pip's cache or PyPI) and
marked so; they use no checkout on PYTHONPATH, so only what the wheel (or pre-commit's
install of this repository) ships can be used.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from briefgen.project.init import init
from tests.conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.slow


def _need(what: str, found: bool) -> None:
    if not found:
        message = f"{what} is not installed: this install test did NOT run"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without this checkout or its virtualenv on any path."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("BRIEFGEN_")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(ROOT)))
    return env | extra


def _run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900, check=False)


def test_a_wheel_in_a_fresh_virtualenv_starts_and_builds_a_project(tmp_path: Path) -> None:
    _need("hatchling (the [test] extra)", importlib.util.find_spec("hatchling") is not None)
    env = _clean_env()
    wheels = tmp_path / "dist"
    made = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                "--wheel-dir", wheels, ROOT, cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stdout + made.stderr
    wheel = next(wheels.glob("briefgen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert f"briefgen/examples/{EXAMPLE.name}/facts.yaml" in names
    assert "briefgen/templates/brief.html" in names

    venv = tmp_path / "venv"
    assert _run(sys.executable, "-m", "venv", venv, cwd=tmp_path, env=env).returncode == 0
    installed = _run(venv / "bin" / "pip", "install", "-q", "-c", ROOT / "requirements.txt",
                     wheel, cwd=tmp_path, env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    briefgen = venv / "bin" / "briefgen"

    work = tmp_path / "empty"
    work.mkdir()
    started = _run(briefgen, "init", "x", "--example", cwd=work, env=env)
    assert started.returncode == 0, started.stderr
    project = work / "x"
    built = _run(briefgen, "build", cwd=project, env=env)
    assert built.returncode == 0, built.stderr
    slug = EXAMPLE.name
    for name in (f"{slug}.pdf", f"{slug}.html", f"{slug}.md"):
        assert (project / "out" / slug / name).stat().st_size > 1000, name
    assert _run(briefgen, "check", "--strict", cwd=project / "seeds", env=env).returncode == 0
    where = _run(venv / "bin" / "python", "-c",
                 "import briefgen.assets as a; print(a.builtin_templates())",
                 cwd=work, env=env)
    assert str(venv) in where.stdout, "the templates did not come from the wheel"


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the session: the hook's environment is made once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def test_the_hook_checks_the_changed_sheets_through_pre_commit_try_repo(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    tool = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    _need("pre-commit (the [test] extra)", tool is not None)
    _need("git", shutil.which("git") is not None)
    assert tool is not None
    env = _clean_env(PRE_COMMIT_HOME=str(pre_commit_home),
                     PIP_CONSTRAINT=str(ROOT / "requirements.txt"),
                     GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
                     GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    repo = tmp_path / "briefs"
    init(repo, example=True)
    for command in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "x"]):
        assert _run(*command, cwd=repo, env=env).returncode == 0

    def hook() -> subprocess.CompletedProcess[str]:
        return _run(tool, "try-repo", ROOT, "briefgen-check", cwd=repo, env=env)

    (repo / "notes.txt").write_text("not a sheet\n", encoding="utf-8")
    _run("git", "add", "notes.txt", cwd=repo, env=env)
    skipped = hook()
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "(no files to check)Skipped" in skipped.stdout

    source = next((repo / "seeds" / EXAMPLE.name / "sources").iterdir())
    source.write_text(source.read_text(encoding="utf-8") + "An added line.\n", encoding="utf-8")
    _run("git", "add", ".", cwd=repo, env=env)
    failed = hook()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "error BG406" in failed.stdout  # the changed source maps to its sheet
    assert "checked 1 sheet" in failed.stdout

    _run("git", "checkout", "HEAD", "--", "seeds", cwd=repo, env=env)
    sheet = repo / "seeds" / EXAMPLE.name / "facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    _run("git", "add", ".", cwd=repo, env=env)
    passed = hook()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout

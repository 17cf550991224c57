"""Releasing briefgen (issue 19): the sdist and the wheel, the release workflow, and a new
project's workflow run against the wheel that release builds.

The release workflow's own build step makes the distributions, once for the module, in a
copy of this checkout (its tracked and not-ignored files). Its install and smoke steps and
the generated project's workflow steps run here as GitHub runs a `run:` step
(`bash --noprofile --norc -eo pipefail`). Steps that need GitHub (checkout, artifacts,
Pages, PyPI), set up Python (a stand-in `python3` is put first on PATH instead) or need
root and a Debian mirror (apt-get; its packages are checked against the Makefile and this
machine instead) are skipped by name, as listed in SKIPPED_*: a step not listed runs, so a
new step cannot be skipped unnoticed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefgen import __version__
from tests.conftest import ROOT
from tests.test_install import _clean_env, _need

RELEASE = ROOT / ".github" / "workflows" / "release.yml"
VERSION = __version__
SDIST = f"briefgen-{VERSION}.tar.gz"
WHEEL = f"briefgen-{VERSION}-py3-none-any.whl"
SKIPPED_RELEASE = {"Check out", "Set up Python", "Install the system libraries",
                   "Keep the distributions"}
SKIPPED_PROJECT = {"Check out", "Set up Python", "Install the system libraries",
                   "Upload the site"}
EXAMPLES = sorted(p.name for p in (ROOT / "seeds").iterdir() if p.is_dir())
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def workflow(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return dict(data)


def steps(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    named = {str(s.get("name", s.get("uses"))): s for s in job["steps"]}
    assert len(named) == len(job["steps"]), "two steps with the same name"
    return named


def bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A `run:` step as GitHub runs it; stdout and stderr together, ANSI colours removed."""
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=900, check=False)
    done.stdout = ANSI.sub("", done.stdout)
    return done


def runner_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A clean environment (no checkout, no virtualenv) with a `python3` in place of
    actions/setup-python: this interpreter's base Python, not its virtualenv."""
    if sys.version_info < (3, 11):
        pytest.skip("the workflows read TOML with tomllib (Python 3.11+; CI sets up 3.12)")
    stand_in = tmp / "setup-python"
    stand_in.mkdir(parents=True, exist_ok=True)
    base = getattr(sys, "_base_executable", sys.executable)
    (stand_in / "python3").unlink(missing_ok=True)
    (stand_in / "python3").symlink_to(base)
    runner = tmp / "runner-temp"
    runner.mkdir(exist_ok=True)
    env = _clean_env(RUNNER_TEMP=str(runner), **extra)
    env["PATH"] = f"{stand_in}{os.pathsep}{env['PATH']}"
    return env


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this checkout as GitHub's actions/checkout would give it (plus files not
    yet committed): the build writes dist/ there, never into the real checkout."""
    _need("git", shutil.which("git") is not None)
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    copy = tmp_path_factory.mktemp("release") / "briefgen"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


@pytest.fixture(scope="module")
def built(checkout: Path) -> str:
    """Run the release workflow's build step: dist/ gets the sdist and the wheel."""
    step = steps(workflow(RELEASE)["jobs"]["build"])["Build the sdist and the wheel"]
    done = bash(step["run"], checkout, runner_env(checkout.parent / "build"))
    assert done.returncode == 0, done.stdout
    return done.stdout


@pytest.fixture(scope="module")
def dist(checkout: Path, built: str) -> Path:
    return checkout / "dist"


# --- the distributions -----------------------------------------------------------------


def test_the_wheel_is_built_from_the_sdist_and_twine_passes_both(built: str, dist: Path) -> None:
    assert sorted(p.name for p in dist.iterdir()) == sorted([SDIST, WHEEL])
    assert "Building wheel from sdist" in built
    assert f"Checking dist/{WHEEL}: PASSED" in built
    assert f"Checking dist/{SDIST}: PASSED" in built


def _from(checkout: Path, *folders: str) -> list[str]:
    return sorted(p.relative_to(checkout).as_posix() for folder in folders
                  for p in (checkout / folder).rglob("*") if p.is_file())


def test_the_sdist_holds_the_package_templates_examples_and_docs(checkout: Path,
                                                                 dist: Path) -> None:
    with tarfile.open(dist / SDIST) as sdist:
        names = {m.name.split("/", 1)[1] for m in sdist.getmembers() if m.isfile()}
    expected = {*_from(checkout, "briefgen", "templates", "seeds", "schema"),
                "README.md", "CHANGELOG.md", "requirements.txt", "pyproject.toml"}
    assert expected <= names, sorted(expected - names)
    assert "templates/fonts/LICENSE-OFL.txt" in names
    assert names - expected == {"PKG-INFO", ".gitignore"}  # nothing else: no tests, no bench


def test_the_wheel_ships_the_package_templates_fonts_and_examples(checkout: Path,
                                                                  dist: Path) -> None:
    with zipfile.ZipFile(dist / WHEEL) as wheel:
        names = set(wheel.namelist())
        info = f"briefgen-{VERSION}.dist-info"
        meta = wheel.read(f"{info}/METADATA").decode("utf-8")
        entry = wheel.read(f"{info}/entry_points.txt").decode("utf-8")
    package = set(_from(checkout, "briefgen"))
    templates = {f"briefgen/{n}" for n in _from(checkout, "templates")}
    examples = {n.replace("seeds/", "briefgen/examples/", 1) for n in _from(checkout, "seeds")}
    assert package | templates | examples <= names
    assert {f"briefgen/examples/{slug}/facts.yaml" for slug in EXAMPLES} <= names
    fonts = {f"briefgen/templates/fonts/{p.name}"
             for p in (checkout / "templates" / "fonts").iterdir()}
    assert {n for n in names if n.startswith("briefgen/templates/fonts/")} == fonts
    assert len(fonts) == 12  # 9 fonts (Liberation, Noto Sans Arabic, Droid), 3 licences
    assert not [n for n in names if n.startswith(("tests/", "seeds/", "templates/"))]
    assert f"\nVersion: {VERSION}\n" in meta
    assert "\nLicense-Expression: MIT\n" in meta
    assert "\nDescription-Content-Type: text/markdown\n" in meta
    assert "briefgen = briefgen.__main__:main" in entry  # catches a Ctrl-C while loading


def test_the_version_is_written_in_one_place(checkout: Path) -> None:
    """briefgen/__init__.py holds it (hatch reads it there); only the changelog repeats it."""
    project = (checkout / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in project
    assert '[tool.hatch.version]\npath = "briefgen/__init__.py"' in project
    holding = sorted(p.relative_to(checkout).as_posix() for p in checkout.rglob("*")
                     if p.is_file() and "dist" not in p.relative_to(checkout).parts
                     and not p.name.startswith("requirements")  # other packages' pins
                     and VERSION.encode() in p.read_bytes())
    assert holding == ["CHANGELOG.md", "briefgen/__init__.py"]
    assert re.search(rf"^## \[{re.escape(VERSION)}\] - \d{{4}}-\d\d-\d\d$",
                     (checkout / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)


# --- the release workflow ----------------------------------------------------------------


def _runtime_debs() -> list[str]:
    found = re.search(r"^RUNTIME_DEBS := (.+)$", (ROOT / "Makefile").read_text("utf-8"), re.M)
    assert found
    return found.group(1).split()


def _apt_packages(script: str) -> list[str]:
    return re.findall(r"\b(lib[\w.+-]+)", script.split("install", 1)[1])


def test_the_release_workflow_builds_tests_and_publishes_a_tag() -> None:
    flow = workflow(RELEASE)
    assert flow["on"] == {"push": {"tags": ["v*"]}}
    assert flow["permissions"] == {"contents": "read"}
    build, publish = flow["jobs"]["build"], flow["jobs"]["publish"]
    named = steps(build)
    assert list(named) == [
        "Check out", "Set up Python", "Check the tag is the version",
        "Build the sdist and the wheel", "Install the system libraries",
        "Install the wheel with the lock", "Smoke test", "Keep the distributions"]
    assert "-m build --outdir dist ." in named["Build the sdist and the wheel"]["run"]
    assert "twine\" check --strict dist/*" in named["Build the sdist and the wheel"]["run"]
    assert "pip\" install --constraint requirements.txt dist/*.whl" in (
        named["Install the wheel with the lock"]["run"])
    smoke = named["Smoke test"]["run"]
    for command in ("briefgen init x --example", "briefgen build --strict"):
        assert command in smoke
    assert _apt_packages(named["Install the system libraries"]["run"]) == _runtime_debs()
    assert "permissions" not in build  # only publishing gets an OIDC token
    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    uses = [s.get("uses", "") for s in publish["steps"]]
    assert uses[-1] == "pypa/gh-action-pypi-publish@release/v1"
    assert not [s for s in publish["steps"] if "with" in s and "password" in s["with"]]


def test_the_release_stops_when_the_tag_is_not_the_version(checkout: Path) -> None:
    script = steps(workflow(RELEASE)["jobs"]["build"])["Check the tag is the version"]["run"]
    tmp = checkout.parent / "tag"
    right = bash(script, checkout, runner_env(tmp, GITHUB_REF_NAME=f"v{VERSION}"))
    assert right.returncode == 0, right.stdout
    wrong = bash(script, checkout, runner_env(tmp, GITHUB_REF_NAME="v9.9.9"))
    assert wrong.returncode == 1
    assert f"::error::tag v9.9.9 is not v{VERSION} (briefgen/__init__.py)" in wrong.stdout
    changelog = checkout / "CHANGELOG.md"
    kept = changelog.read_text(encoding="utf-8")
    try:
        changelog.write_text(kept.replace(f"## [{VERSION}]", "## [0.0.0]"), encoding="utf-8")
        unlisted = bash(script, checkout, runner_env(tmp, GITHUB_REF_NAME=f"v{VERSION}"))
    finally:
        changelog.write_text(kept, encoding="utf-8")
    assert unlisted.returncode == 1
    assert f"::error file=CHANGELOG.md::no section ## [{VERSION}]" in unlisted.stdout


def _system_libraries_are_here(packages: list[str]) -> None:
    """The skipped apt-get step's packages: the Makefile's, and installed on this machine."""
    assert packages == _runtime_debs()
    if shutil.which("dpkg-query"):
        shown = subprocess.run(["dpkg-query", "-W", "-f", "${Status}\n", *packages],
                               capture_output=True, text=True, check=False).stdout
        assert shown.count("install ok installed") == len(packages), shown


@pytest.mark.slow
def test_the_release_installs_the_wheel_with_the_lock_and_passes_its_smoke_test(
    checkout: Path, dist: Path
) -> None:
    named = steps(workflow(RELEASE)["jobs"]["build"])
    _system_libraries_are_here(_apt_packages(named["Install the system libraries"]["run"]))
    env = runner_env(checkout.parent / "smoke", GITHUB_REF_NAME=f"v{VERSION}",
                     GITHUB_WORKSPACE=str(checkout))
    ran = []
    for name, step in named.items():
        if name in SKIPPED_RELEASE or name in ("Build the sdist and the wheel",):
            continue  # the build step ran once, for the module
        done = bash(step["run"], checkout, env)
        assert done.returncode == 0, f"{name}:\n{done.stdout}"
        ran.append(name)
    assert ran == ["Check the tag is the version", "Install the wheel with the lock",
                   "Smoke test"]
    assert f"briefgen, version {VERSION}" in done.stdout
    runner = Path(env["RUNNER_TEMP"])
    assert (runner / "x" / "out" / "index.html").stat().st_size > 1000
    assert (f"ok   install              {dist / WHEEL}: a wheel of briefgen {VERSION}; "
            "outside the project") in done.stdout


# --- a generated project's workflow, against the built wheel ------------------------------


@pytest.mark.slow
def test_a_new_projects_workflow_installs_the_wheel_and_publishes_the_site(
    tmp_path: Path, dist: Path
) -> None:
    from tests.test_project import run

    made = run("init", "briefs", "--example", "--install", str(dist / WHEEL), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    project = tmp_path / "briefs"
    flow = workflow(project / ".github" / "workflows" / "briefs.yml")
    job = flow["jobs"]["build"]
    expressions = {"github.repository_owner": "owner", "github.event.repository.name": "briefs"}
    env = runner_env(tmp_path, PIP_CONSTRAINT=str(ROOT / "requirements.txt"))
    for key, value in job["env"].items():
        env[key] = re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: expressions[m.group(1)], value)
    named = steps(job)
    _system_libraries_are_here(_apt_packages(named["Install the system libraries"]["run"]))
    ran, skipped = [], []
    for name, step in named.items():
        if name in SKIPPED_PROJECT:
            skipped.append(name)
            continue
        assert "${{" not in step["run"], name
        done = bash(step["run"], project, env)
        assert done.returncode == 0, f"{name}:\n{done.stdout}"
        ran.append((name, done.stdout))
    assert set(skipped) == SKIPPED_PROJECT
    assert [name for name, _ in ran] == ["Install briefgen", "Build the site"]
    assert f"install = {dist / WHEEL}" in ran[0][1]
    assert re.search(rf"Successfully installed .*briefgen-{re.escape(VERSION)}\b", ran[0][1])
    site = project / named["Upload the site"]["with"]["path"]
    assert (site / "index.html").stat().st_size > 1000
    for slug in EXAMPLES:
        assert (site / slug / f"{slug}.pdf").stat().st_size > 1000, slug
    assert "https://owner.github.io/briefs/" in (site / "sitemap.xml").read_text("utf-8")
    where = subprocess.run([project / ".venv" / "bin" / "python", "-c",
                            "import briefgen; print(briefgen.__file__)"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(project / ".venv")), where
    assert flow["jobs"]["deploy"]["steps"] == [{"uses": "actions/deploy-pages@v4"}]  # skipped

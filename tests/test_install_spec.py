"""How a project's workflow installs briefgen (issue 19): the `install` setting, `init
--install`, the workflow reading it, and `briefgen doctor` saying whether it can be had.

Why: the workflow `init` wrote installed `briefgen==<version>` from the package index,
where briefgen is not published, so a new project's first scheduled run failed. Here the
package index is a local folder (pip's find-links, every pip configuration file switched
off) or a local socket, so no test depends on what PyPI holds; tests/test_release.py runs
the generated workflow against a real wheel.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from briefgen import __version__
from briefgen.errors import BriefError
from briefgen.project import install, settings
from briefgen.project.doctor import check, diagnose_project
from briefgen.project.init import init
from tests.test_project import run, write_settings

WHEEL = "briefgen-9.9-py3-none-any.whl"

GOOD = [
    ("briefgen", "requirement"),
    ("briefgen==1.2.0", "requirement"),
    ("Briefgen[search] >=1.2, <2", "requirement"),
    ("dist/briefgen-1.2.0-py3-none-any.whl", "wheel"),
    ("/srv/wheels/briefgen-1.2.0-py3-none-any.whl", "wheel"),
    ("wheels with space/briefgen-1.2.0-py3-none-any.whl", "wheel"),
    ("https://example.org/dl/briefgen-1.2.0-py3-none-any.whl", "url"),
    ("git+https://github.com/you/briefgen@v1.2.0", "git"),
    ("git+https://example.org/you/briefgen.git", "git"),
]
BAD = [
    ("", "found an empty text"),
    (" briefgen", "surrounding spaces"),
    ("briefgen==1\n", "control character"),
    ("requests==2.0", "installs another package, not briefgen"),
    ("briefgen==", "not a requirement, a wheel or a git URL"),
    ("briefgen; python_version > '3'", "not a requirement, a wheel or a git URL"),
    ("pip install briefgen", "not a requirement, a wheel or a git URL"),
    ("dist/requests-2.0-py3-none-any.whl", "not the file name of a briefgen wheel"),
    ("dist/briefgen.whl", "not the file name of a briefgen wheel"),
    ("http://example.org/briefgen-1.2.0-py3-none-any.whl", "must be https://"),
    ("https://example.org/briefgen-1.2.0.tar.gz", "must name a briefgen .whl"),
    ("briefgen @ https://example.org/briefgen-1.2.0-py3-none-any.whl", "a wheel's URL alone"),
    ("git+ssh://git@github.com/you/briefgen", "must be git+https://"),
    ("git+http://github.com/you/briefgen", "must be git+https://"),
    ("git+https://github.com/briefgen", "names a host and a repository"),
]


@pytest.mark.parametrize(("text", "kind"), GOOD)
def test_the_four_forms_are_accepted(text: str, kind: str) -> None:
    assert install.parse(text) == install.Spec(kind, text)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "why"), BAD)
def test_anything_else_is_refused_with_the_reason(text: str, why: str) -> None:
    found = install.parse(text)
    assert isinstance(found, str)
    assert why in found, found


# --- in briefgen.toml -----------------------------------------------------------------------


def test_a_bad_install_setting_is_positioned_at_its_value(tmp_path: Path) -> None:
    write_settings(tmp_path, 'paper = "A4"\ninstall = "requests==2.0"\n')
    with pytest.raises(BriefError) as raised:
        settings.load(tmp_path)
    (found,) = raised.value.diagnostics
    assert (found.where.line, found.where.col, found.code) == (2, 11, "BG703")
    assert found.message == (
        f"install must be {install.EXPECTED}; found 'requests==2.0': that installs another "
        "package, not briefgen")
    assert found.hint == install.HINT
    write_settings(tmp_path, "install = 2\n")
    with pytest.raises(BriefError) as raised:
        settings.load(tmp_path)
    assert [d.code for d in raised.value.diagnostics] == ["BG702"]


def test_a_good_install_setting_is_read(tmp_path: Path) -> None:
    write_settings(tmp_path, 'install = "git+https://github.com/you/briefgen@v1.2.0"\n')
    assert settings.load(tmp_path).install == "git+https://github.com/you/briefgen@v1.2.0"


# --- init --install ---------------------------------------------------------------------


def test_init_records_this_version_from_the_index_by_default(tmp_path: Path) -> None:
    init(tmp_path / "x")
    assert settings.load(tmp_path / "x").install == f"briefgen=={__version__}"


@pytest.mark.parametrize(("given", "recorded"), [
    ("briefgen[search]>=1.2", "briefgen[search]>=1.2"),
    ("git+https://github.com/you/briefgen@v1.2.0", "git+https://github.com/you/briefgen@v1.2.0"),
    ("https://example.org/briefgen-1.2.0-py3-none-any.whl",
     "https://example.org/briefgen-1.2.0-py3-none-any.whl"),
    ("x/wheels/briefgen-1.2.0-py3-none-any.whl", "wheels/briefgen-1.2.0-py3-none-any.whl"),
    ("elsewhere/briefgen-1.2.0-py3-none-any.whl",
     "{tmp}/elsewhere/briefgen-1.2.0-py3-none-any.whl"),
])
def test_init_install_records_the_spec(tmp_path: Path, given: str, recorded: str) -> None:
    """A wheel path is the working folder's; briefgen.toml holds it relative to the project."""
    made = run("init", "x", "--install", given, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    expected = recorded.format(tmp=tmp_path)
    assert settings.load(tmp_path / "x").install == expected
    assert f'\ninstall = "{expected}"\n' in (tmp_path / "x" / "briefgen.toml").read_text("utf-8")


def test_init_refuses_a_bad_install_spec_and_writes_nothing(tmp_path: Path) -> None:
    made = run("init", "x", "--install", "http://example.org/briefgen-1.2.0-py3-none-any.whl",
               cwd=tmp_path)
    assert made.returncode == 2
    assert made.stderr.startswith(
        "--install: error BG707: install must be a requirement of briefgen, an https:// URL "
        "or a path of a briefgen wheel, or a git+https:// URL; found 'http://example.org/"
        "briefgen-1.2.0-py3-none-any.whl': a wheel URL must be https://"), made.stderr
    assert not (tmp_path / "x").exists()


def test_init_force_says_when_install_changed_nothing(tmp_path: Path) -> None:
    assert run("init", "x", cwd=tmp_path).returncode == 0
    again = run("init", "x", "--force", "--install", "git+https://example.org/you/briefgen",
                cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "note: --install changed nothing: x/briefgen.toml was kept" in again.stderr
    assert settings.load(tmp_path / "x").install == f"briefgen=={__version__}"


# --- the generated workflow installs exactly the recorded spec -------------------------------


def _install_step(project: Path) -> str:
    workflow = yaml.safe_load((project / ".github/workflows/briefs.yml").read_text("utf-8"))
    steps = {s.get("name"): s for s in workflow["jobs"]["build"]["steps"]}
    return str(steps["Install briefgen"]["run"])


def _run_install_step(project: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str],
                                                                list[str]]:
    """The workflow's "Install briefgen" step under bash, with `python3 -m venv` replaced
    by a stand-in whose pip writes down its arguments (no install happens)."""
    fake = tmp_path / "fakebin"
    fake.mkdir(exist_ok=True)
    said = tmp_path / "pip-args"
    real = shutil.which("python3")
    assert real is not None
    (fake / "python3").write_text(
        "#!/bin/bash\n"
        'if [ "$1 $2" = "-m venv" ]; then\n'
        '  mkdir -p "$3/bin"\n'
        f"  printf '#!/bin/bash\\nprintf \"%%s\\\\n\" \"$@\" > {said}\\n' > \"$3/bin/pip\"\n"
        '  chmod +x "$3/bin/pip"; exit 0\n'
        "fi\n"
        f'exec {real} "$@"\n', encoding="utf-8")
    (fake / "python3").chmod(0o755)
    said.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PATH"] = f"{fake}{os.pathsep}{env['PATH']}"
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                           _install_step(project)], cwd=project, env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    args = said.read_text(encoding="utf-8").splitlines() if said.exists() else []
    return done, args


@pytest.mark.parametrize(("given", "spec"), [
    (None, f"briefgen=={__version__}"),
    ("{project}/wheels with space/briefgen-1.2.0-py3-none-any.whl",
     "wheels with space/briefgen-1.2.0-py3-none-any.whl"),
    ("git+https://github.com/you/briefgen@v1.2.0", "git+https://github.com/you/briefgen@v1.2.0"),
])
def test_the_workflow_installs_exactly_the_spec_in_briefgen_toml(
    tmp_path: Path, given: str | None, spec: str
) -> None:
    project = tmp_path / "x"
    init(project, install=given and given.format(project=project))
    assert settings.load(project).install == spec
    assert spec not in (project / ".github/workflows/briefs.yml").read_text("utf-8")
    done, args = _run_install_step(project, tmp_path)
    assert done.returncode == 0, done.stderr
    assert args == ["install", spec]
    # changed in briefgen.toml only: the next run installs the new spec
    text = (project / "briefgen.toml").read_text("utf-8")
    write_settings(project, text.replace(f'"{spec}"', '"briefgen>=9"'))
    assert _run_install_step(project, tmp_path)[1] == ["install", "briefgen>=9"]


def test_the_workflow_stops_when_briefgen_toml_sets_no_install(tmp_path: Path) -> None:
    project = tmp_path / "x"
    init(project)
    write_settings(project, 'paper = "A4"\n')
    done, args = _run_install_step(project, tmp_path)
    assert done.returncode == 1
    assert "::error file=briefgen.toml::no install setting" in done.stdout
    assert args == []


# --- doctor ---------------------------------------------------------------------------------


def fake_wheel(path: Path, name: str = "briefgen", version: str = "9.9",
               package: str | None = None) -> Path:
    """A minimal wheel pip accepts: a package's __init__ (NAME's) and NAME's dist-info."""
    path.parent.mkdir(parents=True, exist_ok=True)
    info = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{package or name}/__init__.py", "")
        archive.writestr(f"{info}/METADATA",
                         f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        archive.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\n"
                         "Root-Is-Purelib: true\nTag: py3-none-any\n")
        archive.writestr(f"{info}/RECORD", "")
    return path


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """pip's package index for this test: the folder returned (find-links), nothing else."""
    folder = tmp_path / "index"
    folder.mkdir()
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(folder))
    return folder


def test_doctor_finds_a_version_the_index_has(tmp_path: Path, index: Path) -> None:
    fake_wheel(index / WHEEL)
    found = check("briefgen==9.9", tmp_path)
    assert (found.ok, found.skipped) == (True, False)
    assert found.detail == f"briefgen==9.9: on the package index ({WHEEL})"


def test_doctor_says_plainly_that_the_index_has_no_briefgen(tmp_path: Path, index: Path) -> None:
    found = check(f"briefgen=={__version__}", tmp_path)
    assert (found.ok, found.skipped) == (False, False)
    assert found.detail == (f"briefgen=={__version__}: the package index has no briefgen at "
                            "all (briefgen is not published there)")
    assert "a wheel" in found.fix
    assert "git+https://" in found.fix


def test_doctor_names_the_versions_the_index_has(tmp_path: Path, index: Path) -> None:
    fake_wheel(index / WHEEL)
    found = check("briefgen==1.0", tmp_path)
    assert not found.ok
    assert found.detail == ("briefgen==1.0: the package index has briefgen 9.9, none of which "
                            "matches")


@pytest.fixture
def silent_index(monkeypatch: pytest.MonkeyPatch, index: Path) -> Iterator[socket.socket]:
    """An index that takes connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    monkeypatch.delenv("PIP_NO_INDEX")
    monkeypatch.delenv("PIP_FIND_LINKS")
    monkeypatch.setenv("PIP_INDEX_URL", f"http://127.0.0.1:{server.getsockname()[1]}/simple")
    yield server
    server.close()


def test_doctor_gives_up_on_an_index_that_does_not_answer(tmp_path: Path,
                                                          silent_index: socket.socket) -> None:
    found = check("briefgen==9.9", tmp_path, timeout=2)
    assert (found.ok, found.skipped) == (True, True)
    assert found.detail == ("briefgen==9.9: no answer from the package index within 2 s "
                            "(not checked; --offline skips this)")


def test_offline_the_doctor_does_not_ask_the_index(tmp_path: Path,
                                                   silent_index: socket.socket) -> None:
    found = check("briefgen==9.9", tmp_path, offline=True, timeout=2)
    assert (found.ok, found.skipped) == (True, True)
    assert found.detail == "briefgen==9.9: the package index was not asked (--offline)"
    silent_index.setblocking(False)
    with pytest.raises(BlockingIOError):
        silent_index.accept()  # nobody connected


def test_an_unreachable_index_is_not_called_empty(tmp_path: Path, index: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: connection refused
    monkeypatch.delenv("PIP_NO_INDEX")
    monkeypatch.setenv("PIP_INDEX_URL", f"http://127.0.0.1:{port}/simple")
    found = check("briefgen==9.9", tmp_path)
    assert (found.ok, found.skipped) == (True, True)
    assert found.detail.startswith("briefgen==9.9: cannot reach the package index (not checked)")


def test_doctor_opens_a_wheel_path(tmp_path: Path) -> None:
    fake_wheel(tmp_path / "wheels" / WHEEL)
    found = check(f"wheels/{WHEEL}", tmp_path)
    assert (found.ok, found.detail) == (True, f"wheels/{WHEEL}: a wheel of briefgen 9.9")
    outside = check(str(tmp_path / "wheels" / WHEEL), tmp_path / "project")
    assert outside.ok
    assert outside.detail.endswith("outside the project, so a CI checkout will not have it")


@pytest.mark.parametrize(("make", "detail"), [
    (lambda p: None, "no such file"),
    (lambda p: p.write_text("not a zip", encoding="utf-8"), "not a wheel (not a readable zip"),
    (lambda p: fake_wheel(p, name="requests"), "not a wheel of briefgen"),
    (lambda p: fake_wheel(p, name="requests", package="briefgen"), "not a wheel of briefgen"),
    (lambda p: fake_wheel(p, package="other"), "not a wheel of briefgen"),
])
def test_doctor_refuses_a_wheel_path_that_is_not_briefgens(tmp_path: Path, make: object,
                                                           detail: str) -> None:
    wheel = tmp_path / "wheels" / WHEEL
    wheel.parent.mkdir()
    make(wheel)  # type: ignore[operator]
    found = check(f"wheels/{WHEEL}", tmp_path)
    assert not found.ok
    assert found.detail.startswith(f"wheels/{WHEEL}: {detail}"), found.detail


def test_doctor_checks_a_git_url_without_the_network(tmp_path: Path) -> None:
    tagged = check("git+https://github.com/you/briefgen@v1.2.0", tmp_path)
    assert (tagged.ok, tagged.skipped) == (True, False)
    assert tagged.detail.endswith("a well-formed git URL (not cloned)")
    untagged = check("git+https://github.com/you/briefgen", tmp_path)
    assert untagged.detail.endswith("no @TAG: every run installs the newest commit")


def test_doctor_in_a_project_without_install_and_outside_any(tmp_path: Path) -> None:
    assert diagnose_project(tmp_path).skipped
    write_settings(tmp_path, 'paper = "A4"\n')
    found = diagnose_project(tmp_path / ".")
    assert not found.ok
    assert found.fix == f'add install = "briefgen=={__version__}" (or a wheel path, or a ' \
                        "git+https:// URL)"


def test_the_doctor_command_reports_the_install_line(tmp_path: Path, index: Path) -> None:
    init(tmp_path / "x")
    (tmp_path / "x" / "seeds" / "deep").mkdir()
    asked = run("doctor", cwd=tmp_path / "x" / "seeds" / "deep")
    assert asked.returncode == 1, asked.stdout
    assert (f"BAD  install              briefgen=={__version__}: the package index has no "
            "briefgen at all (briefgen is not published there)\n     fix: set install in "
            "briefgen.toml to a wheel") in asked.stdout
    offline = run("doctor", "--offline", cwd=tmp_path / "x")
    assert (f"---  install              briefgen=={__version__}: the package index was not "
            "asked (--offline)\n") in offline.stdout
    assert offline.returncode == (1 if "BAD" in offline.stdout else 0)


def test_the_doctor_command_stops_at_a_bad_settings_file(tmp_path: Path) -> None:
    write_settings(tmp_path, 'install = "pip"\n')
    done = run("doctor", cwd=tmp_path)
    assert done.returncode == 2
    assert "python " in done.stdout  # the PDF stage's findings come first
    assert done.stderr.startswith("briefgen.toml:1:11: error BG703: install must be"), done.stderr

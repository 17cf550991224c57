"""Hardening, third round (issue 19), the I/O part: special files, jobs, permissions, Ctrl-C.

4. A named pipe where a sheet or briefgen.toml should be is refused at once: a scheduled
   job must not wait for a writer that never comes.
5. `jobs` is capped at the cores this process may use and, for PDF workers, at the memory
   available; the CLI says so once.
7. A closed file or folder is reported in plain words with a hint that fits the cause, and
   every readable sheet is still checked.
8. Ctrl-C at any moment of a build exits 130 without a traceback and publishes nothing.

Permission tests need a user that file modes apply to: tests run as root, so the CLI child
drops the capabilities that let root ignore them (tests/test_scheduled.py does the same).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.errors import BriefError
from briefgen.pipeline import workers
from briefgen.pipeline.options import BuildOptions
from briefgen.project import settings
from tests.cli_helpers import drop_dac_capabilities
from tests.conftest import EXAMPLE, ROOT
from tests.test_hardening3 import cli

SLUG = EXAMPLE.name
PYTHON_WORDS = re.compile(r"Errno|Permission denied|Traceback|Error:|\[Errno")


def copy_example(project: Path, slug: str) -> Path:
    """seeds/SLUG/: a copy of the Helsinki example whose id is SLUG; returns facts.yaml."""
    folder = project / "seeds" / slug
    shutil.copytree(EXAMPLE, folder)
    sheet = folder / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace(f"id: {SLUG}", f"id: {slug}"), encoding="utf-8")
    return sheet


# --- 4. special files where a sheet or the settings should be ------------------------------

@pytest.mark.parametrize("args", [
    ("check",), ("check", "seeds/a/facts.yaml"), ("words", "seeds/a"), ("cite", "seeds/a", "x"),
    ("build", "--format", "md"),
])
def test_a_fifo_in_place_of_a_sheet_is_refused_not_waited_on(tmp_path: Path,
                                                             args: tuple[str, ...]) -> None:
    (tmp_path / "seeds" / "a").mkdir(parents=True)
    os.mkfifo(tmp_path / "seeds" / "a" / "facts.yaml")
    copy_example(tmp_path, "b")
    result = cli(*args, cwd=tmp_path, timeout=60)  # a hang fails with TimeoutExpired
    assert result.returncode == 3, result.stderr
    assert re.search(r"^seeds/a/facts\.yaml: error BG111: cannot read the fact sheet: it is "
                     r"not a regular file \(a named pipe\)$", result.stderr, re.M), result.stderr
    if args == ("check",):
        assert "checked 2 sheets" in result.stderr  # b was checked all the same


def test_a_fifo_named_briefgen_toml_is_refused_not_waited_on(tmp_path: Path) -> None:
    copy_example(tmp_path, "b")
    os.mkfifo(tmp_path / "briefgen.toml")
    result = cli("check", cwd=tmp_path, timeout=60)
    assert result.returncode == 3, result.stderr
    assert "briefgen.toml: error BG704: cannot read the settings: it is not a regular file " \
           "(a named pipe)" in result.stderr


def test_the_sheet_reader_refuses_a_device_without_reading_it() -> None:
    from briefgen.sheet.load import read_sheet

    with pytest.raises(BriefError) as caught:
        read_sheet(Path("/dev/zero"))
    assert caught.value.diagnostics[0].message == (
        "cannot read the fact sheet: it is not a regular file (a device)")


# --- 5. jobs with a ceiling ----------------------------------------------------------------

CORES = len(os.sched_getaffinity(0))


def test_jobs_are_capped_at_the_usable_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "available_memory", lambda: 64 << 30)
    decided = workers.decide_jobs(500, per_worker=workers.BUILD_WORKER_BYTES)
    assert decided.jobs == CORES
    assert decided.note == (f"using {CORES} worker(s), not the 500 asked: this machine lets "
                            f"briefgen use {CORES} core(s)")
    assert workers.decide_jobs(1).note == ""
    assert workers.decide_jobs(None).jobs == CORES
    assert workers.decide_jobs(None).note == ""  # the default is no request: nothing to say


def test_build_workers_are_capped_by_the_memory_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "usable_cores", lambda: 64)
    monkeypatch.setattr(workers, "available_memory", lambda: 500 << 20)
    decided = workers.decide_jobs(8, per_worker=workers.BUILD_WORKER_BYTES)
    assert decided.jobs == 2
    assert decided.note == ("using 2 worker(s), not the 8 asked: 500 MiB of memory is "
                            "available, about 200 MiB per worker")
    assert workers.decide_jobs(8).jobs == 8  # `check` workers are light: cores only
    monkeypatch.setattr(workers, "available_memory", lambda: 10 << 20)
    assert workers.decide_jobs(None, per_worker=workers.BUILD_WORKER_BYTES).jobs == 1


def test_the_memory_available_is_read_from_the_system() -> None:
    found = workers.available_memory()
    assert found is None or found > 0


def test_build_options_from_settings_are_capped() -> None:
    options = BuildOptions.from_settings(settings.Settings(jobs=500))
    assert 1 <= options.jobs <= CORES


@pytest.mark.parametrize("where", ["flag", "file"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_the_cli_notes_the_cap_once(tmp_path: Path, where: str, command: str) -> None:
    copy_example(tmp_path, "a")
    args = ["-j", "500"] if where == "flag" and command == "build" else []
    if where == "file" or command == "check":
        (tmp_path / "briefgen.toml").write_text("jobs = 500\n", encoding="utf-8")
    extra = ["--format", "md"] if command == "build" else []
    result = cli(command, *extra, *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("note: using ") == 1, result.stderr
    assert "not the 500 asked" in result.stderr
    assert "note:" not in result.stdout


# --- 7. permissions ------------------------------------------------------------------------



def unprivileged(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI as a user that file modes apply to."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    preexec: Callable[[], None] | None = drop_dac_capabilities if os.geteuid() == 0 else None
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False,
                          preexec_fn=preexec)


@contextlib.contextmanager
def closed(*paths: Path) -> Iterator[None]:
    """PATHS with mode 000 for the duration; skip if modes do not apply to the CLI child."""
    modes = [p.stat().st_mode & 0o7777 for p in paths]
    for p in paths:
        p.chmod(0)
    try:
        check = subprocess.run(
            [sys.executable, "-c", f"import os; os.listdir({str(paths[0].parent)!r}); "
                                   f"os.open({str(paths[0])!r}, 0)"],
            capture_output=True, check=False,
            preexec_fn=drop_dac_capabilities if os.geteuid() == 0 else None)
        if check.returncode == 0:
            pytest.skip("cannot run the CLI as a user that file modes apply to")
        yield
    finally:
        for p, mode in zip(paths, modes, strict=True):
            p.chmod(mode)


def test_closed_files_and_folders_are_reported_plainly_and_the_rest_is_checked(
        tmp_path: Path) -> None:
    copy_example(tmp_path, "a")  # its sources/ folder is closed
    copy_example(tmp_path, "b")  # its facts.yaml is closed
    broken = copy_example(tmp_path, "c")  # readable, with an unknown field
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("  audience:", "  audiance:", 1), encoding="utf-8")
    with closed(tmp_path / "seeds" / "a" / "sources", tmp_path / "seeds" / "b" / "facts.yaml"):
        result = unprivileged("check", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert not PYTHON_WORDS.search(result.stderr), result.stderr
    lines = result.stderr
    assert re.search(r"^seeds/a/facts\.yaml:\d+:\d+: error BG405: source file 'sources/[^']+' "
                     r"is unreadable: permission denied\n    hint: make the folder readable: "
                     r"chmod a\+rx seeds/a/sources$", lines, re.M), lines
    assert "store the source text" not in lines
    assert re.search(r"^seeds/b/facts\.yaml: error BG111: cannot read the fact sheet: "
                     r"permission denied\n    hint: make it readable: chmod a\+r "
                     r"seeds/b/facts\.yaml$", lines, re.M), lines
    assert re.search(r"^seeds/c/facts\.yaml:\d+:\d+: error BG204: unknown field 'audiance'",
                     lines, re.M), lines
    assert "checked 3 sheets" in lines


def test_a_closed_seeds_folder_names_the_folder(tmp_path: Path) -> None:
    copy_example(tmp_path, "a")
    with closed(tmp_path / "seeds" / "a"):
        result = unprivileged("check", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert not PYTHON_WORDS.search(result.stderr), result.stderr
    assert re.search(r"^seeds/a: error BG111: cannot read the folder: permission denied\n"
                     r"    hint: make the folder readable: chmod a\+rx seeds/a$",
                     result.stderr, re.M), result.stderr


def test_a_refused_source_read_in_process_says_why_in_plain_words(
        example_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def refusing(path: object, flags: int, *args: object, **kw: object) -> int:
        if "sources" in str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing)
    found = [d for d in pipeline.check_sheets([example_copy]).diagnostics if d.code == "BG405"]
    assert found
    for d in found:
        assert d.message.endswith("is unreadable: permission denied"), d.message
        assert not PYTHON_WORDS.search(f"{d.message} {d.hint}")
        assert d.hint.startswith("make it readable: chmod a+r "), d.hint


def test_a_refused_sheet_read_in_process_keeps_the_other_sheets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_example(tmp_path, "a")
    refused = copy_example(tmp_path, "b")
    real_open = os.open

    def refusing(path: object, flags: int, *args: object, **kw: object) -> int:
        if str(path) == str(refused):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing)
    sheets = pipeline.resolve_sheets((), tmp_path, keep_unreadable=True)
    assert sheets == [tmp_path / "seeds" / "a" / "facts.yaml", refused]
    report = pipeline.check_sheets(sheets)
    assert report.exit_code == 3
    assert [(d.where.file, d.code, d.message) for d in report.diagnostics] == [
        (str(refused), "BG111", "cannot read the fact sheet: permission denied")]
    with pytest.raises(BriefError) as caught:  # build and the like still refuse the run
        pipeline.resolve_sheets((), tmp_path)
    assert caught.value.exit_code == 3


# --- 8. Ctrl-C at any moment ---------------------------------------------------------------

DELAYS = [0.05, 0.1, 0.2, 0.35, 0.5, 0.8, 1.2, 1.7, 2.3, 3.0]


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def _session_alive(sid: int) -> list[int]:
    """Processes still running in session SID (a build's workers, fork server, tracker)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[3]) == sid and fields[0] != "Z":
                    alive.append(int(entry.name))
    return alive


@pytest.mark.slow
def test_ctrl_c_at_any_moment_exits_130_and_publishes_nothing(tmp_path: Path) -> None:
    sheets = [copy_example(tmp_path, f"s{i}") for i in range(6)]
    first = cli("build", "-j", "2", cwd=tmp_path, timeout=300)
    assert first.returncode == 0, first.stderr
    for sheet in sheets:  # every later build would change every briefing
        text = sheet.read_text(encoding="utf-8")
        sheet.write_text(text.replace("Helsinki, 16 July 2018", "Helsinki, 16 July"), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    published = _tree(tmp_path / "out")
    interrupted = 0
    for i, delay in enumerate(DELAYS):
        proc = subprocess.Popen([sys.executable, "-m", "briefgen", "build", "-j", "2", "--force"],
                                cwd=tmp_path, env=env, text=True, start_new_session=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        if proc.poll() is None:
            if i % 2:
                os.kill(proc.pid, signal.SIGINT)  # `kill -INT`: the main process only
            else:
                os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C: the whole group
            interrupted += 1
        _, stderr = proc.communicate(timeout=120)
        assert "Traceback" not in stderr, (delay, stderr)
        assert "KeyboardInterrupt" not in stderr, (delay, stderr)
        if proc.returncode == 0:  # it finished before the signal: the new site is published
            published = _tree(tmp_path / "out")
            continue
        assert proc.returncode == 130, (delay, proc.returncode, stderr)
        assert _tree(tmp_path / "out") == published, delay
        deadline = time.monotonic() + 15
        while _session_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _session_alive(proc.pid) == [], delay  # no worker or fork server left behind
    assert interrupted >= len(DELAYS) - 2
    done = cli("build", "-j", "2", cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if "briefgen-staging" in p.name) == []


# An unreadable PDF is reported in pdfminer's own words (not an OS error's text).
STRERROR_ELSEWHERE = {"authoring/extract.py"}


def test_os_errors_reach_diagnostics_only_in_words() -> None:
    """`error.strerror` is Python's capitalised text ("Permission denied") and `{error}`
    adds "[Errno 13]" and the path: diagnostics take `sheet.files.reason(error)` instead."""
    package = ROOT / "briefgen"
    found = []
    for module in sorted(package.rglob("*.py")):
        name = module.relative_to(package).as_posix()
        if name == "sheet/files.py" or name in STRERROR_ELSEWHERE:
            continue
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"(?<!os)\.strerror|\{(error|exc|err)\}", line):
                found.append(f"{name}:{number}: {line.strip()}")
    allowed = {"render/doctor.py"}  # `briefgen doctor` prints an import failure as it is
    assert [f for f in found if f.split(":")[0] not in allowed] == []


def test_a_ctrl_c_python_wrapped_in_another_error_still_exits_130(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """3.11 turns a KeyboardInterrupt inside `__set_name__` (a dataclass field, while a
    module imports) into a RuntimeError caused by it: that is a Ctrl-C, not a bug."""
    import briefgen.cli as entry

    def wrapped(**_: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as error:
            msg = "Error calling __set_name__ on 'Field' instance 'files' in 'Entry'"
            raise RuntimeError(msg) from error

    assert entry.was_interrupted(RuntimeError("x").with_traceback(None)) is False
    monkeypatch.setattr(entry.cli, "main", wrapped)
    previous = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as done:
            entry.main([])
    finally:
        signal.signal(signal.SIGINT, previous)
    assert done.value.code == 130
    assert capsys.readouterr().err == "interrupted\n"

    def bug(**_: object) -> None:
        raise RuntimeError("a bug keeps its traceback")

    monkeypatch.setattr(entry.cli, "main", bug)
    with pytest.raises(RuntimeError, match="a bug"):
        entry.main([])
    signal.signal(signal.SIGINT, previous)

"""Scheduled builds fail loudly instead of publishing less: issue 10, the build/publish part.

Every sheet that exists is built or the run fails (1); a damaged published site heals and
keys cover exactly a briefing's inputs (2); a SIGKILLed build leaves no process behind (3);
the output folder is refused before any lock file is made (4). Every build is a real
`python -m briefgen` subprocess in a temporary project, as a cron job runs it.

Permission tests need a user that file modes apply to. Tests run as root here and in CI,
so the CLI child drops the two capabilities that let root ignore file modes
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): it stays uid 0, so it still reaches the
interpreter under /root, but a folder with mode 000 is closed to it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from site_helpers import (
    built_project,
    cli_env,
    copy_project,
    hashes,
    make_project,
    run_cli,
    slugs,
    staging_leftovers,
    start_cli,
)

from briefgen.errors import BriefError
from briefgen.publish import manifest
from briefgen.publish import stage as publish
from tests.cli_helpers import drop_dac_capabilities

pytestmark = pytest.mark.slow



def run_unprivileged(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in PROJECT as a user that file modes apply to."""
    preexec: Callable[[], None] | None = drop_dac_capabilities if os.geteuid() == 0 else None
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=project, env=cli_env(),
                          capture_output=True, text=True, timeout=180, check=False,
                          preexec_fn=preexec)


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A writable copy of the published project (Helsinki + 4 synthetic sheets)."""
    return copy_project(built_project(tmp_path_factory), tmp_path / "project")


@contextlib.contextmanager
def closed(path: Path) -> Iterator[Path]:
    """PATH with mode 000 for the duration (restored so pytest can clean up)."""
    mode = path.stat().st_mode & 0o7777
    path.chmod(0)
    try:
        probe = run_unprivileged(path.parent, "--version")  # cheap: is the mode enforced?
        assert probe.returncode == 0, probe.stderr
        check = subprocess.run([sys.executable, "-c", f"import os; os.open({str(path)!r}, 0)"],
                               capture_output=True, check=False,
                               preexec_fn=drop_dac_capabilities if os.geteuid() == 0 else None)
        if check.returncode == 0:
            pytest.skip("cannot run the CLI as a user that file modes apply to")
        yield path
    finally:
        path.chmod(mode)


# --- 1. every sheet that exists is checked, or the run fails -----------------------------

@pytest.mark.parametrize("what", ["folder", "sheet"])
def test_an_unreadable_sheet_fails_check_and_build_and_the_site_stays(project: Path,
                                                                      what: str) -> None:
    folder = project / "seeds" / "brief-0002"
    before = hashes(project / "out")
    with closed(folder if what == "folder" else folder / "facts.yaml"):
        checked = run_unprivileged(project, "check")
        built = run_unprivileged(project, "build")
        kept_going = run_unprivileged(project, "build", "--keep-going", "--force")
    for result in (checked, built, kept_going):
        assert result.returncode == 3, result.stderr
        assert "BG111" in result.stderr
        assert "permission denied" in result.stderr
        assert f"seeds/brief-0002{'' if what == 'folder' else '/facts.yaml'}:" in result.stderr
        assert "checked 4 sheets" not in result.stderr
        assert "Traceback" not in result.stderr
    assert hashes(project / "out") == before
    assert staging_leftovers(project / "out") == []


def test_naming_an_unreadable_sheet_says_permission_denied(project: Path) -> None:
    with closed(project / "seeds" / "brief-0002"):
        named = [run_unprivileged(project, "check", "seeds/brief-0002/facts.yaml"),
                 run_unprivileged(project, "build", "seeds/brief-0002")]
    for result in named:
        assert result.returncode == 3, result.stderr
        assert "permission denied" in result.stderr
        assert "does not exist" not in result.stderr
    missing = run_cli(project, "check", "seeds/no-such-sheet")
    assert missing.returncode == 2
    assert "seeds/no-such-sheet: error BG003: no such file or folder" in missing.stderr


def test_building_some_sheets_keeps_the_other_published_briefings(project: Path) -> None:
    out = project / "out"
    before = hashes(out)
    done = run_cli(project, "build", "seeds/brief-0001", "--force")
    assert done.returncode == 0, done.stderr
    assert hashes(out) == before, "a briefing whose sheet still exists stays published"
    shutil.rmtree(project / "seeds" / "brief-0003")
    done = run_cli(project, "build", "seeds/brief-0001")
    assert done.returncode == 0, done.stderr
    assert not (out / "brief-0003").exists(), "a deleted sheet's briefing leaves the site"
    assert "brief-0003" not in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "brief-0002" / "brief-0002.pdf").is_file()


# --- 2. a published site that heals; keys cover exactly a briefing's inputs --------------

def test_deleted_shared_pages_are_restored(project: Path) -> None:
    out = project / "out"
    before = hashes(out)
    (out / "index.html").unlink()
    (out / "feed.xml").unlink()
    done = run_cli(project, "build")
    assert done.returncode == 0, done.stderr
    assert "restored 2 published file(s), missing or changed: feed.xml, index.html" in done.stderr
    assert "up to date" not in done.stderr
    assert done.stdout == "", "no briefing needed rebuilding"
    assert hashes(out) == before
    again = run_cli(project, "build")
    assert "up to date" in again.stderr


def test_a_failed_build_does_not_claim_to_have_restored_anything(project: Path) -> None:
    out = project / "out"
    (out / "feed.xml").unlink()
    before = hashes(out)
    with (project / "seeds" / "brief-0002" / "facts.yaml").open("a", encoding="utf-8") as f:
        f.write("broken: [unclosed\n")
    done = run_cli(project, "build")
    assert done.returncode == 1
    assert "could not restore 1 published file(s), missing or changed: feed.xml" in done.stderr
    assert "nothing published" in done.stderr
    assert hashes(out) == before


def test_keep_going_never_republishes_a_failed_briefings_damaged_file(project: Path) -> None:
    """The failed briefing keeps its last good version, but not a file that was defaced or
    deleted since: that cannot be rebuilt until its sheet is fixed, and the build says so."""
    out = project / "out"
    (out / "brief-0002" / "brief-0002.html").write_bytes(b"DEFACED")
    (out / "brief-0002" / "brief-0002.pdf").unlink()
    with (project / "seeds" / "brief-0002" / "facts.yaml").open("a", encoding="utf-8") as f:
        f.write("broken: [unclosed\n")
    done = run_cli(project, "build", "--keep-going")
    assert done.returncode == 1
    assert "could not restore 2 published file(s) of briefings that failed" in done.stderr
    assert "restored 2" not in done.stderr.replace("could not restore 2", "")
    assert not (out / "brief-0002" / "brief-0002.html").exists()
    assert not (out / "brief-0002" / "brief-0002.pdf").exists()
    assert (out / "brief-0002" / "brief-0002.md").is_file()  # untouched: still published
    recorded = manifest.read(out)
    assert recorded.files == {k: v for k, v in hashes(out).items() if k in recorded.files}


def test_a_changed_or_missing_briefing_file_is_rebuilt(project: Path) -> None:
    out = project / "out"
    before = hashes(out)
    (out / "brief-0001" / "brief-0001.pdf").write_bytes(b"%PDF-vandalised")
    (out / "brief-0003" / "sources.html").unlink()
    done = run_cli(project, "build")
    assert done.returncode == 0, done.stderr
    assert sorted(line.split(":")[0] for line in done.stdout.splitlines()) == [
        "brief-0001", "brief-0003"]
    assert "restored 2 published file(s)" in done.stderr
    assert hashes(out) == before


def test_the_manifest_records_every_published_file(project: Path) -> None:
    out = project / "out"
    recorded = manifest.read(out)
    assert set(recorded.files) == set(hashes(out)) - {manifest.NAME, ".briefgen-site"}
    assert recorded.files == {k: v for k, v in hashes(out).items() if k in recorded.files}
    assert sorted(r.slug for r in recorded.briefings.values()) == slugs(project)


def test_an_output_folder_inside_the_sheet_folder_is_up_to_date(tmp_path: Path) -> None:
    folder = make_project(tmp_path / "project", 0) / "seeds" / "helsinki-summit-2018"
    first = run_cli(folder, "build", "facts.yaml", "-o", "out")
    assert first.returncode == 0, first.stderr
    second = run_cli(folder, "build", "facts.yaml", "-o", "out")
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stderr
    (folder / "notes.txt").write_text("an editor's notes, named by no source\n")
    assert "up to date" in run_cli(folder, "build", "facts.yaml", "-o", "out").stderr
    source = next((folder / "sources").iterdir())
    source.write_bytes(source.read_bytes() + b"\n")  # a named source changed: rebuilt
    changed = run_cli(folder, "build", "facts.yaml", "-o", "out")
    assert "up to date" not in changed.stderr
    assert "BG406" in changed.stderr  # its recorded sha256 no longer matches


def test_staged_files_and_folders_are_fsynced_before_the_swap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, synced = tmp_path / "out", []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append((Path(f"/proc/self/fd/{fd}").readlink().name, out.exists()))
        real_fsync(fd)

    real_syncfs = publish._sync_filesystem

    def syncfs_spy(path: Path) -> bool:
        done = real_syncfs(path)
        if done:  # every folder of the filesystem flushed at once (Linux syncfs)
            synced.append(("<filesystem>", out.exists()))
        return done

    monkeypatch.setattr(publish.os, "fsync", spy)
    monkeypatch.setattr(publish, "_sync_filesystem", syncfs_spy)
    with publish.staged(out) as stage:
        stage.write("brief/brief.html", b"<p>new</p>")
        stage.commit()
    assert ("brief.html", False) in synced, "the file, before the site was swapped in"
    assert ("brief", False) in synced or ("<filesystem>", False) in synced, (
        "its folder, before the site was swapped in"
    )
    assert (out / "brief" / "brief.html").read_bytes() == b"<p>new</p>"


# --- 3. no orphans -----------------------------------------------------------------------

def _session(sid: int) -> list[int]:
    """Every live process of session SID (the build, its fork server, workers, tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # fields[3]: session id
            found.append(int(entry.name))
    return found


def _wait_for_nobody(sid: int, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _session(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.mark.parametrize("when", ["early", "mid-render", "publishing"])
def test_sigkill_of_the_build_leaves_no_process_behind(project: Path, when: str) -> None:
    out = project / "out"
    before = hashes(out)
    proc = start_cli(project, "build", "--force", "--jobs", "2")
    try:
        assert proc.stdout is not None
        if when == "early":  # main, tracker, fork server and a worker; nothing built yet
            while len(_session(proc.pid)) < 4 and proc.poll() is None:
                time.sleep(0.01)
        else:
            wanted = 1 if when == "mid-render" else len(slugs(project))
            for _ in range(wanted):
                assert proc.stdout.readline(), "the build ended before it could be killed"
        assert proc.poll() is None, "the build ended before it could be killed"
        assert len(_session(proc.pid)) >= 2, "precondition: the build runs worker processes"
        os.kill(proc.pid, signal.SIGKILL)  # the main process only, as the OOM killer does
        proc.wait(10)
        left = _wait_for_nobody(proc.pid, 5)
        assert left == [], f"{when}: processes outlived the build: {left}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=10)
    assert hashes(out) == before
    done = run_cli(project, "build")
    assert done.returncode == 0, done.stderr
    assert staging_leftovers(out) == []
    assert hashes(out) == before


@pytest.mark.parametrize("group", [True, False], ids=["ctrl-c", "kill-int"])
def test_ctrl_c_during_a_check_with_forked_workers_exits_130_and_leaves_nothing(
        tmp_path: Path, group: bool) -> None:
    """`check` of many sheets forks its workers from itself (no fork server): a Ctrl-C (the
    whole group) or a `kill -INT` of the main process ends it at once, in words."""
    project = make_project(tmp_path / "p", 200)  # past the 100 from which check uses workers
    proc = start_cli(project, "check")
    try:
        while len(_session(proc.pid)) < 2 and proc.poll() is None:  # a worker is running
            time.sleep(0.005)
        assert proc.poll() is None, "check ended before it could be interrupted"
        (os.killpg if group else os.kill)(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert "KeyboardInterrupt" not in stderr, stderr
    assert _wait_for_nobody(proc.pid, 5) == []


# --- 4. the output folder is checked before any lock file is made -----------------------

def test_a_refused_root_output_leaves_no_lock_file(project: Path) -> None:
    lock = Path("/..briefgen.lock")
    assert not lock.exists(), f"left by an earlier run: remove {lock}"
    try:
        done = run_cli(project, "build", "-o", "/")
        assert done.returncode == 2, done.stderr
        assert "BG605" in done.stderr
        assert not lock.exists()
    finally:
        lock.unlink(missing_ok=True)


@pytest.mark.parametrize("folder", ["/", "/mnt", "/media", "/usr/local", "/var/www", "/tmp/..",
                                    "~"])
def test_system_folders_are_refused_even_when_empty(folder: str) -> None:
    with pytest.raises(BriefError) as refused:
        publish.accept(Path(folder).expanduser())
    assert refused.value.exit_code == 2
    assert [d.code for d in refused.value.diagnostics] == ["BG605"]


def test_an_ordinary_new_folder_is_accepted(tmp_path: Path) -> None:
    publish.accept(tmp_path / "site")
    publish.accept(tmp_path / "seeds" / "x" / "out", [tmp_path / "seeds" / "x" / "facts.yaml"])
    assert not (tmp_path / "site").exists(), "accepting writes nothing"


@pytest.mark.parametrize("target", ["sources", "sources/site", ".", "seeds"])
def test_an_output_folder_among_the_sheets_is_refused_without_a_trace(project: Path,
                                                                      target: str) -> None:
    folder = project / "seeds" / "brief-0001"
    out = folder / target if target.startswith("sources") else project / target

    def listing() -> list[str]:  # the project and its parent, but not the published site
        return sorted(p.relative_to(project.parent).as_posix()
                      for p in project.parent.rglob("*") if not p.is_relative_to(project / "out"))

    before = listing()
    done = run_cli(project, "build", "-o", str(out))
    assert done.returncode == 2, done.stderr
    assert "BG605" in done.stderr
    assert listing() == before, "no lock file, no staging folder, no output"


def test_a_site_folder_holding_a_sheet_is_never_replaced(project: Path) -> None:
    """Even a folder briefgen made: replacing it would throw the sheet away."""
    site = project / "out"
    shutil.copytree(project / "seeds" / "brief-0001", site / "drafts" / "brief-0001")
    before = hashes(site)
    done = run_cli(project, "build", "out/drafts/brief-0001", "-o", "out")
    assert done.returncode == 2, done.stderr
    assert "out: error BG605: the output folder holds the fact sheet" in done.stderr
    assert hashes(site) == before

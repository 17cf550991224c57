"""Publishing is atomic, exclusive and safe: issue "Publish a static site from scheduled
rebuilds", Done-when points 4 (atomic), 5 (exclusive) and 6 (safety).

Every build is a real `python -m briefgen build` subprocess in a copy of one published
project (Helsinki + 4 synthetic sheets), so a no-op build takes well under a second.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest
from site_helpers import (
    broken_links,
    built_project,
    cli_env,
    copy_project,
    hashes,
    run_cli,
    slugs,
    staging_leftovers,
    start_cli,
    stats,
    synth,
)

pytestmark = pytest.mark.slow

BROKEN = "broken: [unclosed\n"


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A writable copy of the published project (its out/ is up to date)."""
    return copy_project(built_project(tmp_path_factory), tmp_path / "project")


@pytest.fixture
def lock(project: Path) -> Iterator[TextIO]:
    """Hold the build lock of project/out in this process, as a running build would."""
    handle = (project / ".out.briefgen.lock").open("a")
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        yield handle
    finally:
        handle.close()


def _lock_is_free(project: Path) -> bool:
    with (project / ".out.briefgen.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def _edit(sheet: Path, old: str, new: str) -> None:
    text = sheet.read_text(encoding="utf-8")
    assert old in text
    sheet.write_text(text.replace(old, new, 1), encoding="utf-8")


def _start_big_build(project: Path) -> tuple[object, dict[str, str]]:
    """Add 16 sheets (20 in all) and start a --jobs 1 --force build; return it once it is
    mid-way (staging folder holds a few briefings), with the live site's hashes before."""
    before = hashes(project / "out")
    synth.write_project(project, 16, start=100)
    proc = start_cli(project, "build", "--jobs", "1", "--force")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        stages = list(project.glob(".out.briefgen-staging-*"))
        if stages and sum(1 for p in stages[0].iterdir() if p.is_dir()) >= 3:
            break
        assert proc.poll() is None, f"build ended early: {proc.communicate()}"
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("the build never got under way")
    time.sleep(0.5)
    assert proc.poll() is None, "the build finished before it could be interrupted"
    return proc, before


def _remove_extra_sheets(project: Path) -> None:
    import shutil

    for folder in (project / "seeds").glob("brief-01*"):
        shutil.rmtree(folder)


# --- 4. atomic ---------------------------------------------------------------------------

def test_sigkill_mid_build_leaves_the_site_and_next_build_cleans_up(project: Path) -> None:
    proc, before = _start_big_build(project)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    out = project / "out"
    assert hashes(out) == before, "a killed build must leave the published site as it was"
    assert staging_leftovers(out), "precondition: the killed build left its staging folder"

    _remove_extra_sheets(project)
    _edit(project / "seeds" / "brief-0003" / "facts.yaml", 'title: "Synthetic briefing 3:',
          'title: "After the crash 3:')
    done = run_cli(project, "build")
    assert done.returncode == 0, done.stderr
    assert staging_leftovers(out) == []
    assert "After the crash 3:" in (out / "index.html").read_text(encoding="utf-8")
    assert broken_links(out) == []


def test_sigterm_mid_build_cleans_up_and_exits_143(project: Path) -> None:
    proc, before = _start_big_build(project)
    os.killpg(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    out = project / "out"
    assert hashes(out) == before
    assert staging_leftovers(out) == []
    assert _lock_is_free(project)


# The CLI, with an audit hook that looks at the live site before every file operation and
# import the build makes (open, rename, unlink, rmtree, ctypes call, ...). Why a hook and
# not a watcher polling from outside: a delete-then-rename swap leaves out/ missing for
# microseconds, which a poller misses; the hook sees the state between any two of the
# build's own steps, deterministically, whatever function names the swap uses.
WATCHED_BUILD = """
import atexit, json, os, sys
index, report = os.path.join(sys.argv[1], "index.html"), sys.argv[2]
seen = {"looks": 0, "missing": []}
busy = []
def look(event, args):
    if busy:
        return
    busy.append(1)
    try:
        seen["looks"] += 1
        if not os.path.isfile(index):
            seen["missing"].append(event)
    finally:
        busy.pop()
sys.addaudithook(look)
atexit.register(lambda: open(report, "w").write(json.dumps(seen)))
from briefgen.cli import cli
cli(sys.argv[3:], prog_name="briefgen")
"""


def test_the_live_site_never_disappears_during_the_swap(project: Path, tmp_path: Path) -> None:
    """The swap is one exchange: before and after every step of a build, out/ is a site."""
    out, report = project / "out", tmp_path / "looks.json"
    _edit(project / "seeds" / "brief-0001" / "facts.yaml", 'title: "Synthetic briefing 1:',
          'title: "Swapped in 1:')
    done = subprocess.run([sys.executable, "-c", WATCHED_BUILD, str(out), str(report),
                           "build", "--jobs", "1"], cwd=project, env=cli_env(),
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    assert "Swapped in 1:" in (out / "index.html").read_text(encoding="utf-8")
    seen = json.loads(report.read_text(encoding="utf-8"))
    assert seen["looks"] > 100, seen  # the hook did watch the build
    assert seen["missing"] == [], "out/index.html was missing during the build"
    assert staging_leftovers(out) == []


def test_up_to_date_build_also_removes_leftover_staging(project: Path) -> None:
    leftover = project / ".out.briefgen-staging-k1ll3d"  # what a SIGKILLed build leaves
    (leftover / "brief-0000").mkdir(parents=True)
    (leftover / "brief-0000" / "brief-0000.pdf").write_bytes(b"%PDF-partial")
    done = run_cli(project, "build")
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stderr
    assert staging_leftovers(project / "out") == []


def test_failing_sheet_fails_the_build_and_leaves_the_site(project: Path) -> None:
    out = project / "out"
    before, inodes = hashes(out), stats(out)
    with (project / "seeds" / "brief-0002" / "facts.yaml").open("a", encoding="utf-8") as f:
        f.write(BROKEN)
    _edit(project / "seeds" / "brief-0001" / "facts.yaml", 'title: "Synthetic briefing 1:',
          'title: "Would be new 1:')
    done = run_cli(project, "build")
    assert done.returncode == 1
    assert "seeds/brief-0002/facts.yaml" in done.stderr
    assert "BG100" in done.stderr
    assert "brief-0001" not in done.stderr
    assert hashes(out) == before
    assert stats(out) == inodes
    assert staging_leftovers(out) == []


def test_keep_going_publishes_the_rest_and_keeps_the_last_good_version(project: Path) -> None:
    out = project / "out"
    before = hashes(out)
    with (project / "seeds" / "brief-0002" / "facts.yaml").open("a", encoding="utf-8") as f:
        f.write(BROKEN)  # was published: its last good version stays
    new = project / "seeds" / "brief-new"
    new.mkdir()
    (new / "facts.yaml").write_text("briefing: {id: brief-new\n", encoding="utf-8")  # never built
    _edit(project / "seeds" / "brief-0001" / "facts.yaml", 'title: "Synthetic briefing 1:',
          'title: "Published anyway 1:')

    done = run_cli(project, "build", "--keep-going")
    assert done.returncode == 1
    assert "seeds/brief-0002/facts.yaml" in done.stderr
    assert "seeds/brief-new/facts.yaml" in done.stderr
    assert "failed 2" in done.stderr
    assert [line.split(":")[0] for line in done.stdout.splitlines()] == ["brief-0001"]

    after = hashes(out)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Published anyway 1:" in index
    assert 'id="brief-0002"' in index
    assert "brief-new" not in index
    assert not (out / "brief-new").exists()
    for name in before:
        if name.startswith("brief-0002/"):
            assert after[name] == before[name], f"{name}: the last good version must stay"
    assert broken_links(out) == []
    assert staging_leftovers(out) == []

    # Still broken on the next run: brief-0002's last good version is still kept.
    again = run_cli(project, "build", "--keep-going")
    assert again.returncode == 1
    assert (out / "brief-0002" / "brief-0002.pdf").read_bytes()
    assert hashes(out) == after


# --- 5. exclusive ------------------------------------------------------------------------

def test_second_build_exits_4_while_the_lock_is_held(project: Path, lock: TextIO) -> None:
    _edit(project / "seeds" / "brief-0001" / "facts.yaml", 'title: "Synthetic briefing 1:',
          'title: "Concurrent 1:')
    before = hashes(project / "out")
    done = run_cli(project, "build")
    assert done.returncode == 4
    assert "another build is running" in done.stderr
    assert hashes(project / "out") == before
    assert staging_leftovers(project / "out") == []


def test_wait_blocks_until_the_lock_is_released(project: Path, lock: TextIO) -> None:
    _edit(project / "seeds" / "brief-0001" / "facts.yaml", 'title: "Synthetic briefing 1:',
          'title: "Waited for 1:')
    proc = start_cli(project, "build", "--wait")
    try:
        time.sleep(1.0)
        assert proc.poll() is None, f"--wait did not wait: {proc.communicate()}"
        assert "Waited for" not in (project / "out" / "index.html").read_text(encoding="utf-8")
        lock.close()
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, err
    assert out.startswith("brief-0001:")
    assert "Waited for 1:" in (project / "out" / "index.html").read_text(encoding="utf-8")


# --- 6. safety ---------------------------------------------------------------------------

def test_refuses_a_non_empty_folder_it_did_not_make(project: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    (home / "notes.txt").write_text("my notes\n")
    (home / ".bashrc").write_text("alias ll='ls -l'\n")
    (home / "docs" / "thesis.tex").write_text("\\documentclass{article}\n")
    (home / "notes.txt").chmod(0o600)
    before, inodes = hashes(home), stats(home)
    modes = {p: p.stat().st_mode for p in home.rglob("*")}

    done = run_cli(project, "build", "-o", str(home))
    assert done.returncode == 2
    assert "not empty" in done.stderr
    assert ".briefgen-site" in done.stderr
    assert hashes(home) == before
    assert stats(home) == inodes
    assert {p: p.stat().st_mode for p in home.rglob("*")} == modes
    assert staging_leftovers(home) == []


def test_refuses_a_symlink_as_output(project: Path, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "keep.txt").write_text("keep\n")
    (tmp_path / "link").symlink_to(real)
    done = run_cli(project, "build", "-o", str(tmp_path / "link"))
    assert done.returncode == 2
    assert sorted(p.name for p in real.iterdir()) == ["keep.txt"]


def test_every_briefing_of_the_project_is_published(project: Path) -> None:
    """Sanity check of the fixture the tests above rely on."""
    folders = sorted(p.name for p in (project / "out").iterdir() if p.is_dir())
    assert folders == sorted(["assets", *slugs(project)])  # assets/: the site's fonts, CSS

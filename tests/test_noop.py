"""A no-op rebuild decides "unchanged" from file metadata and reads only what may have changed,
and never calls a changed file unchanged (publish/keys.py `Stamps`)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from briefgen import pipeline
from briefgen.pipeline.options import BuildOptions
from briefgen.publish import keys
from tests.conftest import EXAMPLE

HOUR = 3600 * 1_000_000_000


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "seeds" / EXAMPLE.name)
    return tmp_path


def _build(project: Path) -> pipeline.BuildReport:
    options = BuildOptions(formats=("md", "html"), project=project, jobs=1)
    return pipeline.build(pipeline.find_sheets(project), project / "out", options)


def _age(folder: Path) -> None:
    """Every file of FOLDER an hour older, as files are between two scheduled runs."""
    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            os.utime(path, ns=(st.st_atime_ns - HOUR, st.st_mtime_ns - HOUR))


def _same_size_edit(path: Path, keep_mtime: bool) -> None:
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Helsinki", "Helsinkj", 1)
    assert len(edited) == len(text)
    path.write_text(edited, encoding="utf-8")
    if keep_mtime:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


def test_a_second_noop_reads_no_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _build(project).published
    _age(project)
    assert _build(project).up_to_date  # reads everything once, and keeps the stamps
    reads: list[str] = []
    real = keys._digest
    monkeypatch.setattr(keys, "_digest", lambda path, whole: reads.append(str(path)) or real(
        path, whole))
    assert _build(project).up_to_date
    assert reads == []


@pytest.mark.parametrize("keep_mtime", [False, True])
def test_a_same_second_same_size_edit_is_rebuilt(project: Path, keep_mtime: bool) -> None:
    assert _build(project).published
    assert _build(project).up_to_date
    _same_size_edit(project / "seeds" / EXAMPLE.name / "facts.yaml", keep_mtime)
    report = _build(project)
    assert not report.up_to_date
    assert [b.slug for b in report.built] == [EXAMPLE.name]


def test_an_edited_published_file_with_its_old_stamp_is_healed(project: Path) -> None:
    assert _build(project).published
    _age(project)
    assert _build(project).up_to_date
    page = project / "out" / EXAMPLE.name / f"{EXAMPLE.name}.md"
    _same_size_edit(page, keep_mtime=True)
    report = _build(project)
    assert report.published
    assert "Helsinkj" not in page.read_text(encoding="utf-8")


def test_coarse_timestamps_are_not_trusted_within_their_tick(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a filesystem with whole-second times (and ctime no finer), an edit in the second the
    file was hashed leaves every stamp field equal: only the racy rule sees it."""
    real_stat = os.stat

    def coarse(path: object, *args: object, **kwargs: object) -> SimpleNamespace:
        st = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
        second = 1_000_000_000
        return SimpleNamespace(
            st_mode=st.st_mode, st_size=st.st_size, st_ino=st.st_ino,
            st_mtime_ns=st.st_mtime_ns // second * second,
            st_ctime_ns=st.st_ctime_ns // second * second)

    monkeypatch.setattr(os, "stat", coarse)  # Path.stat too: it calls os.stat
    cache, source = tmp_path / "stamps.json", tmp_path / "source.txt"
    while time.time() % 1 > 0.5:  # stay inside one second for the next steps
        time.sleep(0.05)
    source.write_text("first\n", encoding="utf-8")
    first = keys.Stamps(cache).sha256(source)
    stamps = keys.Stamps(cache)
    stamps.sha256(source)
    stamps.save()
    inode = source.stat().st_ino
    with source.open("r+", encoding="utf-8") as handle:  # same inode, same size, same second
        handle.write("FIRST\n")
    assert source.stat().st_ino == inode
    assert keys.Stamps(cache).sha256(source) != first


def test_a_racy_stamp_is_saved_again_so_the_next_run_trusts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files written just before the stamps (a build's last pages) cannot be trusted on the
    next run: that run reads them, and must save the stamps again (their time moves on), or
    every later no-op reads them again although nothing changed."""
    cache, source = tmp_path / "stamps.json", tmp_path / "index.html"
    source.write_text("<p>index</p>\n", encoding="utf-8")
    stamps = keys.Stamps(cache)
    digest = stamps.sha256(source)
    stamps.save()
    mtime = source.stat().st_mtime_ns
    os.utime(cache, ns=(mtime, mtime))  # the stamps as new as the file: racy
    again = keys.Stamps(cache)
    assert again.sha256(source) == digest  # read again: not trusted
    again.save()
    saved = cache.stat().st_mtime_ns
    assert saved != mtime  # written again, though every stamp is the same
    os.utime(cache, ns=(saved, max(saved, mtime + keys.Stamps.RACY + 1)))
    reads: list[str] = []
    monkeypatch.setattr(keys, "_digest", lambda path, whole: reads.append(str(path)) or "x")
    assert keys.Stamps(cache).sha256(source) == digest  # trusted now: not read
    assert reads == []

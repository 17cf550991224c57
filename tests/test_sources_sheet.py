"""`briefgen sources add|accept` and the sheet they edit: never lose an edit (issue 18).

Concurrency runs real subprocesses against a local server on 127.0.0.1 that answers
only when the test says so, so "while the page downloads" is a fact, not a sleep.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from briefgen.authoring import ingest
from briefgen.errors import EXIT_LOCKED, BriefError, Diagnostic, Location
from briefgen.sheet.edit import locked, write_sheet
from tests.conftest import ROOT
from tests.ingest_helpers import ARTICLE, REPORT_HTML, Site, run, serving, start

TODAY = "2026-11-29"
F1_TEXT = '    text: "Trump and Putin are to meet in Helsinki, Finland, on 16 July."\n'
F1_EDITED = '    text: "Trump and Putin meet in Helsinki on 16 July."  # edited meanwhile\n'


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _source_ids(sheet: Path) -> list[str]:
    text = sheet.read_text(encoding="utf-8")
    start_at = text.index("\nsources:\n")
    block = text[start_at : text.index("\nbottom_line:", start_at)]
    return [line.split(": ", 1)[1] for line in block.splitlines() if line.startswith("  - id: ")]


def test_two_adds_at_once_both_land(example_copy: Path, tmp_path: Path) -> None:
    pages = {"/a.html": (200, "text/html; charset=utf-8", ARTICLE),
             "/b.html": (200, "text/html; charset=utf-8", REPORT_HTML.encode())}
    site = Site(pages, held=frozenset(pages))
    with serving(site):
        runs = [start("sources", "add", str(example_copy), f"{site.url}{path}",
                      "--today", TODAY, cwd=tmp_path) for path in pages]
        for _ in runs:  # both have read the sheet and wait for their page
            assert site.arrived.acquire(timeout=60)
        site.release.set()
        outs = [r.communicate(timeout=120) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outs
    assert sorted(out.split()[0] for out, _ in outs) == ["S3", "S4"]
    assert _source_ids(example_copy) == ["S1", "S2", "S3", "S4"]
    checked = run("check", str(example_copy), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.count("is never cited") == 2  # both entries, both files


def test_an_edit_made_while_the_page_downloads_is_kept(example_copy: Path, tmp_path: Path) -> None:
    site = Site({"/a.html": (200, "text/html; charset=utf-8", ARTICLE)},
                held=frozenset({"/a.html"}))
    with serving(site):
        adding = start("sources", "add", str(example_copy), f"{site.url}/a.html", cwd=tmp_path)
        assert site.arrived.acquire(timeout=60)
        text = example_copy.read_text(encoding="utf-8")
        example_copy.write_text(text.replace(F1_TEXT, F1_EDITED), encoding="utf-8")
        site.release.set()
        _, err = adding.communicate(timeout=120)
    assert adding.returncode == 0, err
    after = example_copy.read_text(encoding="utf-8")
    assert F1_EDITED in after
    assert _source_ids(example_copy) == ["S1", "S2", "S3"]


def test_a_sheet_changed_at_the_last_moment_is_not_replaced(tmp_path: Path) -> None:
    sheet = tmp_path / "facts.yaml"
    sheet.write_text("sources:\n  - id: S1\n", encoding="utf-8")
    read = sheet.read_bytes()
    sheet.write_text("sources:\n  - id: S1\n# saved by an editor\n", encoding="utf-8")
    with pytest.raises(BriefError) as caught:
        write_sheet(sheet, "sources:\n  - id: S1\n  - id: S2\n", expected=read)
    assert caught.value.diagnostics[0].code == "BG852"
    assert sheet.read_text(encoding="utf-8").endswith("# saved by an editor\n")
    assert _files(tmp_path) == ["facts.yaml"]  # no temporary file left behind


def test_the_edit_lock_waits_then_says_who_holds_it(tmp_path: Path) -> None:
    sheet = tmp_path / "facts.yaml"
    sheet.write_text("sources: []\n", encoding="utf-8")
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(BriefError) as caught, locked(sheet, wait=0.3):
            pass
    finally:
        os.close(fd)
    assert caught.value.exit_code == EXIT_LOCKED
    assert "BG852: another briefgen command has been editing this sheet" in str(
        caught.value.diagnostics[0])
    with locked(sheet, wait=0.3):  # released: free again
        pass


def _sources_is_a_file(folder: Path, outside: Path) -> None:
    (folder / "sources").rename(folder / "kept")
    (folder / "sources").write_text("not a folder\n", encoding="utf-8")


def _original_is_a_file(folder: Path, outside: Path) -> None:
    (folder / "sources" / "original").write_text("not a folder\n", encoding="utf-8")


def _sources_leads_outside(folder: Path, outside: Path) -> None:
    (folder / "sources").rename(outside / "sources")
    (folder / "sources").symlink_to(outside / "sources")


def _original_leads_outside(folder: Path, outside: Path) -> None:
    (outside / "original").mkdir()
    (folder / "sources" / "original").symlink_to(outside / "original")


def _sources_leads_nowhere(folder: Path, outside: Path) -> None:
    (folder / "sources").rename(folder / "kept")
    (folder / "sources").symlink_to(outside / "missing")


@pytest.mark.parametrize(
    ("arrange", "where", "message"),
    [
        (_sources_is_a_file, "sources", "sources/ is a file, not a folder"),
        (_original_is_a_file, "sources/original", "sources/original/ is a file, not a folder"),
        (_sources_leads_outside, "sources", "sources/ leads outside the sheet's folder"),
        (_original_leads_outside, "sources/original",
         "sources/original/ leads outside the sheet's folder"),
        (_sources_leads_nowhere, "sources", "sources/ is a symlink to nothing"),
    ],
    ids=["sources-file", "original-file", "sources-outside", "original-outside", "dangling"],
)
def test_a_folder_layout_it_cannot_write_into_is_refused_and_nothing_written(
    example_copy: Path, tmp_path: Path, arrange: object, where: str, message: str
) -> None:
    folder = example_copy.parent
    outside = tmp_path / "outside"
    outside.mkdir()
    arrange(folder, outside)  # type: ignore[operator]
    before, files, away = example_copy.read_bytes(), _files(folder), _files(outside)
    notes = tmp_path / "notes.txt"
    notes.write_text("Talks resumed on Tuesday in Vienna.\n", encoding="utf-8")
    result = run("sources", "add", str(folder), str(notes), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{folder / where}: error BG851: {message}" in result.stderr
    assert "hint: make it a plain folder inside the sheet's folder" in result.stderr
    assert example_copy.read_bytes() == before
    assert _files(folder) == files
    assert _files(outside) == away


@pytest.mark.parametrize("given", ["folder-without-sheet", "sheet-is-a-folder"])
def test_a_sheet_that_is_not_there_is_a_plain_error(tmp_path: Path, given: str) -> None:
    folder = tmp_path / "seeds" / "x"
    folder.mkdir(parents=True)
    if given == "sheet-is-a-folder":
        (folder / "facts.yaml").mkdir()
    notes = tmp_path / "notes.txt"
    notes.write_text("Talks resumed.\n", encoding="utf-8")
    files = _files(folder)
    result = run("sources", "add", str(folder), str(notes), cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "error BG111: cannot read the fact sheet" in result.stderr
    assert "Traceback" not in result.stderr
    assert _files(folder) == files


def test_a_failed_write_takes_back_the_files_it_stored(
    example_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = example_copy.parent
    assert not (folder / "sources" / "original").exists()  # made by the add, then taken back
    files = _files(folder)
    notes = tmp_path / "notes.txt"
    notes.write_text("Talks resumed on Tuesday in Vienna.\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise BriefError(Diagnostic(Location("facts.yaml"), "BG601", "disk full"))

    monkeypatch.setattr(ingest, "write_sheet", refuse)
    with pytest.raises(BriefError):
        ingest.add_sources(example_copy, [str(notes)], today=date(2026, 11, 29), proxies={})
    assert _files(folder) == files  # the text, the original and original/ are gone again


def test_the_next_id_is_free_across_every_kind_of_id(example_copy: Path, tmp_path: Path) -> None:
    text = example_copy.read_text(encoding="utf-8")
    actor = "  - {id: S3, name: Unnamed sources, type: group}\n"
    anchor = "  - {id: experts,"
    example_copy.write_text(text.replace(anchor, actor + anchor, 1), encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("Talks resumed on Tuesday in Vienna.\n", encoding="utf-8")
    result = run("sources", "add", str(example_copy), str(notes), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("S4  sources/notes.txt")
    assert _source_ids(example_copy) == ["S1", "S2", "S4"]


def test_a_crlf_sheet_keeps_its_line_ends(tmp_path: Path) -> None:
    sheet = tmp_path / "facts.yaml"
    lines = ["# a sheet saved on Windows", "sources:", "  - id: S1",
             '    url: "https://example.org/"', "", "notes: 1", ""]
    sheet.write_bytes("\r\n".join(lines).encode())
    (tmp_path / "notes.txt").write_text("Talks resumed.\n", encoding="utf-8")
    result = run("sources", "add", str(sheet), "notes.txt", "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    raw = sheet.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")  # every line ends CRLF, none LF alone
    assert b"  - id: S2\r\n" in raw
    assert raw.endswith(b"notes: 1\r\n")


def test_accept_keeps_crlf_line_ends(example_copy: Path, tmp_path: Path) -> None:
    text = example_copy.read_text(encoding="utf-8")
    old_hash = "    sha256: d9e33059873ceaa5cf4f37cbb9ac05a3fe2f05cb1a3976eab10c5c4e2bf0492b\n"
    assert old_hash in text
    example_copy.write_bytes(text.replace(old_hash, "").replace("\n", "\r\n").encode())
    result = run("sources", "accept", str(example_copy), "S1", "--yes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    raw = example_copy.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")  # the added sha256 line ends CRLF too
    assert old_hash.replace("\n", "\r\n").encode() in raw


def test_a_symlinked_sheet_is_edited_where_it_points(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "facts.yaml"
    real.parent.mkdir()
    real.write_text('sources:\n  - id: S1\n    url: "https://example.org/"\n', encoding="utf-8")
    folder = tmp_path / "seeds" / "x"
    folder.mkdir(parents=True)
    (folder / "facts.yaml").symlink_to(real)
    (tmp_path / "notes.txt").write_text("Talks resumed.\n", encoding="utf-8")
    result = run("sources", "add", str(folder), str(tmp_path / "notes.txt"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (folder / "facts.yaml").is_symlink()  # still the link, not a copy beside it
    assert "  - id: S2\n" in real.read_text(encoding="utf-8")
    assert (folder / "sources" / "notes.txt").exists()  # sources sit next to the link


def test_a_named_pipe_for_a_sheet_is_refused_at_once(tmp_path: Path) -> None:
    """`sources add` reads the sheet like every user file: no wait on a pipe with no writer
    (a child process with a time limit, so a regression fails instead of hanging the suite)."""
    (tmp_path / "s").mkdir()
    os.mkfifo(tmp_path / "s" / "facts.yaml")
    (tmp_path / "note.txt").write_text("A title\n\nA paragraph of text.\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "briefgen", "sources", "add", "s/facts.yaml",
                           "note.txt"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode == 3, done.stderr
    assert "error BG111: cannot read the fact sheet: it is not a regular file (a named pipe)" in (
        done.stderr)

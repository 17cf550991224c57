"""`python -m briefgen build` as a user runs it, in a temporary copy of the project layout:
the files it writes, what it prints, its exit codes, and what it leaves alone.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "seeds" / "helsinki-summit-2018"
EXPECTED = Path(__file__).parent / "cases" / "helsinki" / "expected"
SLUG = "helsinki-summit-2018"
LINE = re.compile(rf"^{SLUG}: built, page (\d+)% full$")


def briefgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding seeds/helsinki-summit-2018 (sheet and stored sources)."""
    shutil.copytree(EXAMPLE, tmp_path / "seeds" / SLUG)
    return tmp_path


@pytest.fixture
def broken(project: Path) -> Path:
    """A second sheet, seeds/broken/facts.yaml, with schema errors."""
    sheet = project / "seeds" / "broken" / "facts.yaml"
    sheet.parent.mkdir(parents=True)
    sheet.write_text('schema_version: "1"\nbriefing: {}\n', encoding="utf-8")
    return sheet


def briefing_files(project: Path) -> dict[str, Path]:
    folder = project / "out" / SLUG
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_file()} if folder.is_dir() else {}


def test_build_writes_the_three_formats(project: Path) -> None:
    result = briefgen("build", "-j", "1", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout  # one line per briefing
    fill = LINE.match(lines[0])
    assert fill, lines[0]
    assert 50 <= int(fill.group(1)) <= 100
    assert re.search(r"built 1\b.*published to out/", result.stderr), result.stderr
    files = briefing_files(project)
    assert {f"{SLUG}.md", f"{SLUG}.html", f"{SLUG}.pdf"} <= set(files)
    # the written Markdown is the golden one; the PDF is one page
    assert files[f"{SLUG}.md"].read_text(encoding="utf-8") == (
        EXPECTED / f"{SLUG}.md").read_text(encoding="utf-8")
    html = files[f"{SLUG}.html"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Trump–Putin summit" in html
    assert len(pypdf.PdfReader(io.BytesIO(files[f"{SLUG}.pdf"].read_bytes())).pages) == 1
    assert all(oct(p.stat().st_mode & 0o777) == "0o644" for p in files.values())


def test_format_md_writes_only_markdown(project: Path) -> None:
    result = briefgen("build", "--format", "md", "-j", "1", cwd=project)
    assert result.returncode == 0, result.stderr
    assert set(briefing_files(project)) == {f"{SLUG}.md"}
    assert result.stdout.strip() == f"{SLUG}: built"  # no PDF, so no page fill


def test_unknown_format_is_a_usage_error(project: Path) -> None:
    result = briefgen("build", "--format", "rtf", cwd=project)
    assert result.returncode == 2
    assert "--format" in result.stderr
    assert "rtf" in result.stderr
    assert result.stdout == ""
    assert not (project / "out").exists()


def test_no_sheets_is_a_usage_error(tmp_path: Path) -> None:
    result = briefgen("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "BG001" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def aborted(
        tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`build` of the example and a broken sheet, without --keep-going."""
    folder = tmp_path_factory.mktemp("aborted")
    shutil.copytree(EXAMPLE, folder / "seeds" / SLUG)
    (folder / "seeds" / "broken").mkdir()
    (folder / "seeds" / "broken" / "facts.yaml").write_text('schema_version: "1"\nbriefing: {}\n',
                                                            encoding="utf-8")
    return folder, briefgen("build", "-j", "1", cwd=folder)


def test_broken_sheet_fails_the_build_and_publishes_nothing(
        aborted: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    folder, result = aborted
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"seeds/broken/facts\.yaml:\d+:\d+: error BG201: ", result.stderr)
    assert not (folder / "out").exists()  # all or nothing: the good sheet is not published


def test_aborted_build_does_not_claim_what_it_did_not_publish(
        aborted: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    folder, result = aborted
    assert result.returncode == 1
    assert not (folder / "out").exists()
    claims = [line for line in result.stdout.splitlines() if LINE.match(line)]
    assert not claims or "nothing published" in result.stderr, (result.stdout, result.stderr)


def test_keep_going_publishes_the_good_sheet_and_still_exits_1(project: Path,
                                                               broken: Path) -> None:
    result = briefgen("build", "--keep-going", "-j", "1", cwd=project)
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if LINE.match(line)] != []
    assert "error BG201" in result.stderr
    assert re.search(r"failed 1\b", result.stderr)
    assert {f"{SLUG}.md", f"{SLUG}.html", f"{SLUG}.pdf"} <= set(briefing_files(project))
    assert not (project / "out" / "broken").exists()


def test_failing_build_leaves_the_published_site_untouched(project: Path) -> None:
    assert briefgen("build", "-j", "1", cwd=project).returncode == 0
    before = {name: (p.read_bytes(), p.stat().st_mtime_ns)
              for name, p in briefing_files(project).items()}
    sheet = project / "seeds" / SLUG / "facts.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("  - id: F1\n", "  - id: F2\n", 1),
                     encoding="utf-8")  # duplicate id: BG301
    result = briefgen("build", "-j", "1", cwd=project)
    assert result.returncode == 1
    assert "BG301" in result.stderr
    after = {name: (p.read_bytes(), p.stat().st_mtime_ns)
             for name, p in briefing_files(project).items()}
    assert after == before


def test_rebuilds_rewrite_only_changed_files(project: Path) -> None:
    assert briefgen("build", "-j", "1", cwd=project).returncode == 0
    files = briefing_files(project)
    before = {name: (p.stat().st_mtime_ns, p.stat().st_ino) for name, p in files.items()}
    os.utime(project / "seeds" / SLUG / "facts.yaml")  # touched, not changed
    again = briefgen("build", "-j", "1", cwd=project)
    assert again.returncode == 0, again.stderr
    forced = briefgen("build", "--force", "-j", "1", cwd=project)
    assert forced.returncode == 0, forced.stderr
    assert LINE.match(forced.stdout.strip())  # --force did rebuild ...
    after = {name: (p.stat().st_mtime_ns, p.stat().st_ino)
             for name, p in briefing_files(project).items()}
    assert after == before  # ... but identical bytes keep their files and mtimes

    # a real change rewrites the formats that show it, and only files whose bytes changed
    old = {name: (p.read_bytes(), p.stat().st_mtime_ns) for name, p in files.items()}
    sheet = project / "seeds" / SLUG / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace("publisher of [S1] is unknown", "outlet of [S1] is unknown"),
                     encoding="utf-8")
    changed = briefgen("build", "-j", "1", cwd=project)
    assert changed.returncode == 0, changed.stderr
    new = {name: (p.read_bytes(), p.stat().st_mtime_ns)
           for name, p in briefing_files(project).items()}
    assert set(new) == set(old) | {"changes.html", "changes.md"}  # a new edition's
    assert (project / "out" / SLUG / "editions").is_dir()  # and the old one archived
    for name in (f"{SLUG}.md", f"{SLUG}.html", f"{SLUG}.pdf"):
        assert new[name][0] != old[name][0], name
    assert "outlet of [2] is unknown" in new[f"{SLUG}.md"][0].decode()
    for name, (data, mtime) in new.items():
        if name in old and data == old[name][0]:
            assert mtime == old[name][1], f"{name} was rewritten with the same bytes"


def test_editing_a_project_template_rebuilds(project: Path) -> None:
    """Templates are inputs of every briefing: an edited override is not 'up to date'."""
    template = project / "templates" / "brief.md"
    template.parent.mkdir()
    template.write_text("# {{ brief.title | md }}\n\nFirst version.\n", encoding="utf-8")
    first = briefgen("build", "--format", "md", "-j", "1", cwd=project)
    assert first.returncode == 0, first.stderr
    written = project / "out" / SLUG / f"{SLUG}.md"
    assert "First version." in written.read_text(encoding="utf-8")

    template.write_text("# {{ brief.title | md }}\n\nSecond version.\n", encoding="utf-8")
    second = briefgen("build", "--format", "md", "-j", "1", cwd=project)
    assert second.returncode == 0, second.stderr
    assert "up to date" not in second.stderr
    assert "Second version." in written.read_text(encoding="utf-8")

    third = briefgen("build", "--format", "md", "-j", "1", cwd=project)  # nothing changed
    assert third.returncode == 0, third.stderr
    assert "up to date" in third.stderr


def test_an_edited_stored_source_is_rechecked_not_up_to_date(project: Path) -> None:
    """Stored sources are inputs too: a changed one fails its sha256 check on the next build."""
    assert briefgen("build", "--format", "md", "-j", "1", cwd=project).returncode == 0
    source = sorted((project / "seeds" / SLUG / "sources").iterdir())[0]
    source.write_text(source.read_text(encoding="utf-8") + "\nAdded later.\n", encoding="utf-8")
    again = briefgen("build", "--format", "md", "-j", "1", cwd=project)
    assert again.returncode == 1, again.stderr
    assert "up to date" not in again.stderr
    assert "BG406" in again.stderr


def test_a_deleted_output_file_is_rebuilt(project: Path) -> None:
    assert briefgen("build", "--format", "md", "-j", "1", cwd=project).returncode == 0
    written = project / "out" / SLUG / f"{SLUG}.md"
    written.unlink()
    again = briefgen("build", "--format", "md", "-j", "1", cwd=project)
    assert again.returncode == 0, again.stderr
    assert written.is_file()


def test_editor_files_in_templates_neither_crash_nor_hang_the_build(project: Path) -> None:
    """Emacs leaves `.#brief.html` (a dangling symlink) while a file is open; a FIFO would
    block a read: the settings key skips dotfiles and reads every file bounded."""
    templates = project / "templates"
    templates.mkdir()
    (templates / ".#brief.html").symlink_to("nobody@host.1234")
    os.mkfifo(templates / ".pipe")
    os.mkfifo(templates / "notes.fifo")  # not a dotfile: hashed as a marker, never read
    result = subprocess.run([sys.executable, "-m", "briefgen", "build"], cwd=project,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_a_folder_build_refused(project: Path, tmp_path: Path) -> None:
    """`serve -o` a folder briefgen did not make: exit 2, and nothing of it is served."""
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "secret.txt").write_text("not for the preview", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "briefgen", "serve", "-o", str(foreign),
                             "--port", "0"], cwd=project,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert "BG605" in result.stderr
    assert "at http://" not in result.stderr  # it never listened


def test_output_to_the_current_folder_keeps_the_lock_beside_it(project: Path,
                                                              tmp_path: Path) -> None:
    """`-o .` has no name of its own: the lock and staging go beside the folder, not in it."""
    site = tmp_path / "site"
    site.mkdir()
    sheet = project / "seeds" / SLUG / "facts.yaml"
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", str(sheet), "-o", "."],
                            cwd=site, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert (site / "index.html").is_file()
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == [
        ".briefgen-manifest.json", ".briefgen-site"]
    assert (tmp_path / ".site.briefgen.lock").exists()


def test_the_settings_key_follows_briefgens_own_code(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgrade that changes a module but not the version number still rebuilds: a module
    inside a subpackage too (the key hashes the whole package, not only its top level)."""
    from briefgen.publish import keys, manifest

    code = tmp_path / "code"
    (code / "render").mkdir(parents=True)
    (code / "render" / "pages.py").write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(keys, "CODE", code)
    before = manifest.settings_key(template_dirs=[])  # what the build calls
    assert manifest.settings_key(template_dirs=[]) == before
    (code / "render" / "pages.py").write_text("A = 2\n", encoding="utf-8")
    assert manifest.settings_key(template_dirs=[]) != before


def test_an_upgrade_that_edits_a_subpackage_module_rebuilds(project: Path,
                                                           tmp_path_factory: pytest.TempPathFactory
                                                           ) -> None:
    """End to end, from a copy of briefgen: nothing changed is up to date; a changed
    render/pages.py (same version number) rebuilds every briefing."""
    code = tmp_path_factory.mktemp("code")
    shutil.copytree(ROOT / "briefgen", code / "briefgen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (code / "templates").symlink_to(ROOT / "templates")  # the checkout's built-in templates
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = str(code)

    def build() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "briefgen", "build", "--format", "md",
                               "-j", "1"], cwd=project, env=env, capture_output=True,
                              text=True, timeout=120, check=False)

    assert build().returncode == 0
    same = build()
    assert same.returncode == 0, same.stderr
    assert "up to date" in same.stderr
    with (code / "briefgen" / "render" / "pages.py").open("a", encoding="utf-8") as module:
        module.write("# a patch release that changes rendering\n")
    upgraded = build()
    assert upgraded.returncode == 0, upgraded.stderr
    assert "up to date" not in upgraded.stderr
    assert upgraded.stdout.strip() == f"{SLUG}: built"


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_named_folder_without_a_sheet_is_a_usage_error(tmp_path: Path, command: str) -> None:
    (tmp_path / "seeds" / "empty").mkdir(parents=True)
    result = subprocess.run([sys.executable, "-m", "briefgen", command, "seeds/empty"],
                            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("seeds/empty/facts.yaml: error BG003: no such file")


def test_check_reports_sheets_it_cannot_find_in_the_format_asked(tmp_path: Path) -> None:
    """A scheduled job parsing `--format json` gets JSON even when no sheet could be read."""
    (tmp_path / "seeds" / "empty").mkdir(parents=True)
    result = subprocess.run([sys.executable, "-m", "briefgen", "check", "seeds/empty",
                             "--format", "json"],
                            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == ["BG003"]

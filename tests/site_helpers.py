"""Helpers for the static-site tests: projects, CLI subprocesses, tree snapshots, link checks.

The site tests run the real CLI (`python -m briefgen build ...`) in a temporary project
folder, exactly as a cron job would. Building PDFs costs ~0.4 s per briefing, so one
published project is built once per session (`built_project`) and tests that change
anything work on a copy of it (`copy_project`).
"""

from __future__ import annotations

import contextlib
import hashlib
import html.parser
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "seeds" / "helsinki-summit-2018"
SYNTH_SHEETS = 4  # brief-0000 … brief-0003, events 2020 … 2023; Helsinki is 2018
TAG = "tag:briefgen,2026:briefing/"


def _synth() -> Any:
    spec = importlib.util.spec_from_file_location("bench_synth", ROOT / "bench" / "synth.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


synth = _synth()


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: this checkout importable, no stray settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("BRIEFGEN_") and k not in ("SOURCE_DATE_EPOCH", "FAKE_CLOCK_SHIFT")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.update(extra)
    return env


def run_cli(project: Path, *args: str, env: dict[str, str] | None = None,
            timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run `python -m briefgen ARGS` in PROJECT and wait for it."""
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=project,
                          env=env or cli_env(), capture_output=True, text=True, timeout=timeout,
                          check=False)


def start_cli(project: Path, *args: str, env: dict[str, str] | None = None,
              **popen: Any) -> subprocess.Popen[str]:
    """Start `python -m briefgen ARGS` in PROJECT in its own process group."""
    return subprocess.Popen([sys.executable, "-m", "briefgen", *args], cwd=project,
                            env=env or cli_env(), text=True, start_new_session=True,
                            **{"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen})


def make_project(root: Path, synth_sheets: int = SYNTH_SHEETS, *, start: int = 0) -> Path:
    """ROOT/seeds/: a copy of the Helsinki example plus SYNTH_SHEETS synthetic sheets."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXAMPLE, root / "seeds" / EXAMPLE.name)
    if synth_sheets:
        synth.write_project(root, synth_sheets, start=start)
    return root


def copy_project(source: Path, target: Path) -> Path:
    """A copy of a (built) project; out/ comes along, so a build of the copy is up to date."""
    shutil.copytree(source, target, symlinks=True)
    return target


_BUILT: dict[str, Path] = {}


def built_project(factory: pytest.TempPathFactory) -> Path:
    """The session's published project: Helsinki + 4 synth sheets, built with --jobs 2.

    Read-only by convention: copy it before building or editing.
    """
    if "site" not in _BUILT:
        project = make_project(factory.mktemp("published"))
        done = run_cli(project, "build", "--jobs", "2")
        assert done.returncode == 0, done.stderr
        _BUILT["site"] = project
    return _BUILT["site"]


def slugs(project: Path) -> list[str]:
    """The briefing ids of the project's sheets (folder name == id for all our sheets)."""
    return sorted(p.parent.name for p in (project / "seeds").glob("*/facts.yaml"))


def sheet_dates(project: Path) -> dict[str, tuple[str, str]]:
    """slug → (event start_date, prepared date), read straight from the YAML text."""
    found = {}
    for sheet in (project / "seeds").glob("*/facts.yaml"):
        text = sheet.read_text(encoding="utf-8")
        start = re.search(r"^\s+start_date:\s*([\d-]+)", text, re.M)
        prepared = re.search(r"prepared:\s*(?:\{date:\s*|\n\s+date:\s*)([\d-]+)", text)
        assert start, sheet
        assert prepared, sheet
        found[sheet.parent.name] = (start.group(1), prepared.group(1))
    return found


# --- snapshots of a folder ---------------------------------------------------------------

def files_of(folder: Path) -> list[Path]:
    """Every file below FOLDER (dotfiles included), sorted."""
    return sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def hashes(folder: Path) -> dict[str, str]:
    """relative path → sha256 of every file below FOLDER."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files_of(folder)}


def stats(folder: Path) -> dict[str, tuple[int, int]]:
    """relative path → (inode, mtime_ns) of every file and folder below FOLDER, and FOLDER."""
    found = {".": (folder.stat().st_ino, folder.stat().st_mtime_ns)}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        found[p.relative_to(folder).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return found


def staging_leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}.briefgen-staging-*"))


def pdf_streams(data: bytes) -> list[bytes]:
    """The decompressed content of every Flate stream of a PDF (to grep inside it)."""
    found = []
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            found.append(zlib.decompressobj().decompress(data[match.end():]))
        except zlib.error:
            continue
    return found


# --- links -------------------------------------------------------------------------------

class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, dict[str, str | None]]] = []  # (tag, url, attrs)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for key in ("id",) + (("name",) if tag == "a" else ()):
            if found.get(key):
                self.ids.add(found[key] or "")
        for key in ("href", "src"):
            if found.get(key) is not None:
                self.links.append((tag, found[key] or "", found))


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def broken_links(out: Path) -> list[str]:
    """Every relative href/src in every .html below OUT that does not resolve, as text.

    A link must name a file inside OUT; a #fragment must be an id (or <a name>) in the
    target page.
    """
    pages: dict[Path, _Page] = {}

    def page(path: Path) -> _Page:
        if path not in pages:
            pages[path] = parse_page(path)
        return pages[path]

    problems = []
    root = out.resolve()
    for source in sorted(out.rglob("*.html")):
        for tag, url, _ in page(source).links:
            where = f"{source.relative_to(out)}: <{tag}> {url!r}"
            if is_external(url):
                continue
            parts = urlsplit(url)
            if not parts.path and not parts.fragment:
                problems.append(f"{where}: empty link")
                continue
            target = (source.parent / unquote(parts.path)) if parts.path else source
            if parts.path.startswith("/"):  # 404.html: served at any depth, links from the root
                target = out / unquote(parts.path).lstrip("/")
            target = target.resolve()
            if not target.is_relative_to(root):
                problems.append(f"{where}: leaves the site")
            elif not target.is_file():
                problems.append(f"{where}: no such file")
            elif parts.fragment and (target.suffix != ".html"
                                     or unquote(parts.fragment) not in page(target).ids):
                problems.append(f"{where}: no id {parts.fragment!r} in {target.relative_to(root)}")
    return problems


# --- a background CLI process whose stderr we follow -------------------------------------

class Running:
    """A started CLI process; its stderr is collected line by line in the background."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.stderr)
            if found:
                return found
            if self.proc.poll() is not None:
                self._reader.join(2)
                found = re.search(pattern, self.stderr)
                if found:
                    return found
                pytest.fail(f"process exited {self.proc.returncode} before {pattern!r}:\n"
                            f"{self.stderr}")
            time.sleep(0.05)
        pytest.fail(f"no {pattern!r} within {timeout} s:\n{self.stderr}")

    def finish(self, timeout: float = 30) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def stop(self) -> None:
        """Kill the whole process group if it is still running (test clean-up)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

"""`briefgen serve` as an author meets it: save, and the open page shows it, HTML first.

A real `briefgen serve --port 0` on a copy of the Helsinki example (with a project
template override), real saves on disk, and the server-sent event stream read over a raw
socket on 127.0.0.1, as a browser's EventSource would. Every wait is bounded.
"""

from __future__ import annotations

import http.client
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_helpers import EXAMPLE, ROOT, Running, hashes, run_cli, start_cli

from briefgen.preview.watch import editor_temp

pytestmark = pytest.mark.slow

SLUG = EXAMPLE.name
PAGE = f"/{SLUG}/{SLUG}.html"
TITLE = 'title: "Trump–Putin summit, Helsinki, 16 July 2018"'
SCRIPT = re.compile(rb"<script>\(function\(\)\{var d=location.*?</script>$", re.S)


class Stream:
    """One open `/__briefgen__/events` stream: the events as (kind, data), in order."""

    def __init__(self, port: int, since: int = 0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.sendall(f"GET /__briefgen__/events?since={since} HTTP/1.1\r\n"
                          f"Host: 127.0.0.1:{port}\r\n\r\n".encode())
        self.buffer = b""
        head = self._until(b"\r\n\r\n", time.monotonic() + 30)
        assert head.startswith(b"HTTP/1.0 200"), head
        assert b"text/event-stream" in head

    def _until(self, end: bytes, deadline: float) -> bytes:
        while end not in self.buffer:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the stream closed")
            self.buffer += chunk
        found, self.buffer = self.buffer.split(end, 1)
        return found

    def next(self, timeout: float = 60) -> tuple[str, str] | None:
        """The next event, or None when none comes within TIMEOUT seconds."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                block = self._until(b"\n\n", deadline).decode()
            except TimeoutError:
                return None
            fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
            if "event" in fields:
                return fields["event"], fields["data"]

    def expect(self, kind: str, data: str, timeout: float = 60) -> None:
        """Skip other events until KIND with DATA arrives; fail after TIMEOUT seconds."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if self.next(left) == (kind, data):
                return
        pytest.fail(f"no {kind} event for {data} within {timeout} s")

    def ended(self, timeout: float) -> bool:
        """Does the server close the stream within TIMEOUT seconds?"""
        try:
            self._until(b"\0", time.monotonic() + timeout)  # never sent: read to the end
        except EOFError:
            return True
        except TimeoutError:
            return False
        return False

    def close(self) -> None:
        self.sock.close()


def get(port: int, path: str, host: str = "") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def status(port: int, path: str) -> int:
    """The status of a GET of PATH, read from the status line alone (a stream never ends)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        line = sock.makefile("rb").readline()
    return int(line.split()[1])


def pdf_text(data: bytes, folder: Path) -> str:
    path = folder / "served.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60)
    return " ".join(done.stdout.split())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example, plus templates/brief.html as the project's own override."""
    shutil.copytree(EXAMPLE, tmp_path / "seeds" / SLUG)
    (tmp_path / "templates").mkdir()
    shutil.copy(ROOT / "templates" / "brief.html", tmp_path / "templates" / "brief.html")
    return tmp_path


@pytest.fixture
def served(project: Path) -> Iterator[tuple[Running, int]]:
    running = Running(start_cli(project, "serve", "--port", "0", stdout=subprocess.DEVNULL))
    try:
        port = int(running.wait_for(r"at http://127\.0\.0\.1:(\d+)/").group(1))
        running.wait_for(r"built 1, unchanged 0, failed 0")
        yield running, port
    finally:
        running.stop()


def version(port: int) -> int:
    return int(get(port, "/__briefgen__/version")[1])


def edit(sheet: Path, old: str, new: str) -> None:
    text = sheet.read_text(encoding="utf-8")
    assert old in text
    sheet.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_save_reaches_the_open_page_html_first_then_the_pdf(
        project: Path, served: tuple[Running, int]) -> None:
    running, port = served
    stream = Stream(port, version(port))
    # the site as published before the save: `build` below continues it, as serve does
    # (the save makes a new edition, which archives this one)
    shutil.copytree(project / "out", project / "built")
    try:
        edit(project / "seeds" / SLUG / "facts.yaml", TITLE, 'title: "Probe summit one"')
        stream.expect("reload", SLUG)
        status, first = get(port, PAGE)  # shown from memory, before the PDF is made
        assert status == 200
        assert b"<h1>Probe summit one</h1>" in first
        stream.expect("built", "*")
        assert "Probe summit one" in pdf_text(get(port, f"/{SLUG}/{SLUG}.pdf")[1], project)
    finally:
        stream.close()
    # What serve shows first, then publishes, is what `build` makes, byte for byte.
    published = (project / "out" / SLUG / f"{SLUG}.html").read_bytes()
    assert SCRIPT.sub(b"", first) == published
    assert SCRIPT.sub(b"", get(port, PAGE)[1]) == published
    assert run_cli(project, "build", "-o", "built").returncode == 0
    assert hashes(project / "out") == hashes(project / "built")
    assert "changed: seeds/" + SLUG in running.stderr
    assert "Traceback" not in running.stderr


def test_a_save_during_the_first_build_is_not_lost(project: Path) -> None:
    """The watch starts before the first build (which takes seconds with its PDF): a save
    made while it runs is seen and shown after it, never silently missed."""
    running = Running(start_cli(project, "serve", "--port", "0", stdout=subprocess.DEVNULL))
    try:
        port = int(running.wait_for(r"at http://127\.0\.0\.1:(\d+)/").group(1))
        edit(project / "seeds" / SLUG / "facts.yaml", TITLE, 'title: "Saved while building"')
        running.wait_for(r"built 1, unchanged 0, failed 0")
        running.wait_for("changed: seeds/" + SLUG)
        deadline = time.monotonic() + 60
        while b"<h1>Saved while building</h1>" not in get(port, PAGE)[1]:
            assert time.monotonic() < deadline, "the save made during the first build was lost"
            time.sleep(0.1)
    finally:
        running.stop()
    assert "Traceback" not in running.stderr


def test_the_index_is_there_before_the_first_build(project: Path) -> None:
    """No site yet: the index of the pages shown from memory, not a wait for every PDF."""
    running = Running(start_cli(project, "serve", "--port", "0", stdout=subprocess.DEVNULL))
    try:
        port = int(running.wait_for(r"at http://127\.0\.0\.1:(\d+)/").group(1))
        status, page = get(port, "/")
        assert status == 200
        assert "Trump–Putin summit, Helsinki, 16 July 2018" in page.decode()
        assert get(port, "/feed.xml")[0] == 200
        running.wait_for(r"built 1, unchanged 0, failed 0")
        published = (project / "out" / "index.html").read_bytes()
        assert SCRIPT.sub(b"", get(port, "/")[1]) == published
    finally:
        running.stop()
    assert "Traceback" not in running.stderr


def test_a_broken_save_shows_its_problems_and_fixing_it_recovers(
        project: Path, served: tuple[Running, int]) -> None:
    running, port = served
    sheet = project / "seeds" / SLUG / "facts.yaml"
    good = sheet.read_text(encoding="utf-8")
    stream = Stream(port, version(port))
    try:
        edit(sheet, TITLE, 'titel: "Broken probe"')
        stream.expect("built", "*")
        status, page = get(port, PAGE)
        assert status == 200
        assert b"<h1>Trump\xe2\x80\x93Putin summit, Helsinki, 16 July 2018</h1>" in page
        assert b"the last build had problems" in page
        assert re.search(rb"facts\.yaml:\d+:\d+: error BG204: unknown field .*titel", page)
        assert get(port, "/")[0] == 200, "still serving"
        sheet.write_text(good.replace(TITLE, 'title: "Fixed probe"'), encoding="utf-8")
        stream.expect("reload", SLUG)
        page = get(port, PAGE)[1]
        assert b"<h1>Fixed probe</h1>" in page
        assert b"the last build had problems" not in page
    finally:
        stream.close()
    assert "Traceback" not in running.stderr


def test_editor_scratch_files_do_not_rebuild(project: Path,
                                             served: tuple[Running, int]) -> None:
    running, port = served
    folder = project / "seeds" / SLUG
    stream = Stream(port, version(port))
    try:
        for name in (".facts.yaml.swp", "facts.yaml~", ".#facts.yaml", "4913", "#facts.yaml#"):
            (folder / name).write_text("scratch", encoding="utf-8")
        assert stream.next(timeout=2) is None
        assert "changed:" not in running.stderr
        edit(folder / "facts.yaml", TITLE, 'title: "After the scratch files"')
        stream.expect("reload", SLUG)  # the watcher was alive all along
    finally:
        stream.close()


def test_a_template_change_rebuilds_every_briefing(project: Path,
                                                   served: tuple[Running, int]) -> None:
    _, port = served
    stream = Stream(port, version(port))
    try:
        edit(project / "templates" / "brief.html", "<h1>{{ brief.title }}</h1>",
             "<h1>{{ brief.title }} (template probe)</h1>")
        stream.expect("reload", "*")
        assert b"(template probe)</h1>" in get(port, PAGE)[1]
        stream.expect("built", "*")
    finally:
        stream.close()
    assert b"(template probe)</h1>" in (project / "out" / SLUG / f"{SLUG}.html").read_bytes()


def test_sigterm_stops_promptly_with_pages_open(served: tuple[Running, int]) -> None:
    running, port = served
    streams = [Stream(port), Stream(port)]
    started = time.monotonic()
    running.proc.send_signal(signal.SIGTERM)
    assert running.finish(10) == 0
    assert time.monotonic() - started < 5
    for stream in streams:  # each open page sees its stream end, not a hang
        assert stream.ended(5)
        stream.close()
    assert running.stderr.rstrip().endswith("stopped")
    assert "Traceback" not in running.stderr


def test_a_page_of_an_earlier_server_reloads(served: tuple[Running, int]) -> None:
    """`serve` restarted with a page open: the page's EventSource reconnects with a number
    from the old server, higher than any here; it is told to reload, not left waiting."""
    _, port = served
    stream = Stream(port, since=version(port) + 1000)
    try:
        assert stream.next(timeout=5) == ("reload", "*")
    finally:
        stream.close()


def test_the_event_stream_is_guarded_and_bounded(served: tuple[Running, int]) -> None:
    running, port = served
    assert get(port, "/__briefgen__/events", host="attacker.example")[0] == 421
    assert get(port, "/__briefgen__/events/../../etc/passwd")[0] == 400
    assert get(port, "/__briefgen__/events%00")[0] == 400
    streams = [Stream(port, 0) for _ in range(32)]
    try:
        assert status(port, "/__briefgen__/events") == 503
        assert get(port, PAGE)[0] == 200, "pages are still served"
    finally:
        for stream in streams:
            stream.close()
    deadline = time.monotonic() + 20  # the closed streams' threads notice and leave
    while time.monotonic() < deadline:
        try:
            Stream(port).close()
            break
        except AssertionError:
            time.sleep(0.2)
    else:
        pytest.fail("closed streams were never released")
    assert "Traceback" not in running.stderr


def test_bad_input_is_refused_before_anything_is_served(project: Path) -> None:
    done = run_cli(project, "serve", "--port", "70000")
    assert done.returncode == 2
    assert "70000" in done.stderr
    foreign = project / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("not a site", encoding="utf-8")
    done = run_cli(project, "serve", "--port", "0", "-o", "mine", timeout=60)
    assert done.returncode == 2
    assert "error BG605" in done.stderr
    assert "serving" not in done.stderr
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "not a site"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = run_cli(project, "serve", "--port", str(taken.getsockname()[1]), timeout=60)
    assert done.returncode == 2
    assert "error BG607" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("name", "scratch"), [
    (".facts.yaml.swp", True), (".facts.yaml.swx", True), ("facts.yaml~", True),
    (".#facts.yaml", True), ("#facts.yaml#", True), ("4913", True),
    ("facts.yaml", False), ("article.txt", False), ("4913.txt", False),
])
def test_editor_scratch_names(name: str, scratch: bool) -> None:
    assert editor_temp(name) is scratch

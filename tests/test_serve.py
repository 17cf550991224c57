"""`briefgen serve` as an attacker's web page or a careless request meets it.

A real `briefgen serve --port 0` in a project with no sheets (it starts at once and keeps
serving the hand-made out/ below) and raw requests over real sockets on 127.0.0.1, with
http.client and a Host header of our choosing.
"""

from __future__ import annotations

import http.client
import signal
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_helpers import Running, start_cli


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("serve")
    out = root / "out"
    (out / "brief" / "empty").mkdir(parents=True)
    (out / ".hidden").mkdir()
    (out / "index.html").write_text("<html><body>INDEX</body></html>", encoding="utf-8")
    (out / "brief" / "index.html").write_text("<html><body>BRIEF</body></html>",
                                              encoding="utf-8")
    (out / "brief" / "brief.md").write_text("# MD\n", encoding="utf-8")
    (out / ".briefgen-manifest.json").write_text('{"secret": 1}', encoding="utf-8")
    (out / ".briefgen-site").write_text("marker", encoding="utf-8")
    (out / ".hidden" / "file.txt").write_text("hidden", encoding="utf-8")
    (out / "brief" / "outside.txt").symlink_to("/etc/hostname")
    (out / "big.bin").write_bytes(bytes(16 << 20))
    return root


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[tuple[Running, int]]:
    running = Running(start_cli(project, "serve", "--port", "0", stdout=subprocess.DEVNULL))
    try:
        port = int(running.wait_for(r"at http://127\.0\.0\.1:(\d+)/").group(1))
        yield running, port
    finally:
        running.stop()


def request(port: int, path: str, host: str | None = "", method: str = "GET",
            ) -> tuple[int, bytes]:
    """One raw request; HOST "" means the right one, None means no Host header at all."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host or f"127.0.0.1:{port}")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:{port}",
                                  "localhost.attacker.example:{port}", "127.0.0.1",
                                  "localhost:1", "127.0.0.2:{port}", "[::1]:{port}",
                                  "127.0.0.1:{port}:x"])
def test_refuses_other_hosts(server: tuple[Running, int], host: str) -> None:
    """DNS rebinding: a page on attacker.example whose name now points at 127.0.0.1 still
    sends its own name as Host; nothing, not even the version endpoint, answers it."""
    _, port = server
    for path in ("/", "/brief/brief.md", "/__briefgen__/version"):
        status, body = request(port, path, host.format(port=port))
        assert status in (400, 421), (host, path)
        assert b"INDEX" not in body
        assert b"# MD" not in body


def test_answers_its_own_names_and_needs_one(server: tuple[Running, int]) -> None:
    _, port = server
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        status, body = request(port, "/", host)
        assert (status, b"INDEX" in body) == (200, True), host
    assert request(port, "/", None)[0] == 400


@pytest.mark.parametrize("path", ["/.briefgen-manifest.json", "/.briefgen-site",
                                  "/.hidden/file.txt", "/%2Ebriefgen-site", "/brief/empty/",
                                  "/brief/outside.txt"])
def test_dotfiles_folders_and_the_outside_are_404(server: tuple[Running, int],
                                                  path: str) -> None:
    status, body = request(server[1], path)
    assert status == 404
    assert b"secret" not in body
    assert b"marker" not in body


def test_text_files_are_served_as_utf8(server: tuple[Running, int]) -> None:
    """The plain-text edition's ¶ and dashes must not arrive as Windows-1252."""
    conn = http.client.HTTPConnection("127.0.0.1", server[1], timeout=10)
    try:
        conn.request("GET", "/brief/brief.md")
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    assert response.status == 200
    assert response.getheader("Content-Type", "").endswith("; charset=utf-8")


def test_serves_the_site_files_but_not_its_marker(server: tuple[Running, int]) -> None:
    port = server[1]
    assert request(port, "/brief/brief.md") == (200, b"# MD\n")
    assert b"BRIEF" in request(port, "/brief/")[1]
    assert request(port, "/brief")[0] == 301
    assert request(port, "/brief/brief.md", method="HEAD") == (200, b"")
    assert request(port, "/.briefgen-site", method="HEAD")[0] == 404


@pytest.mark.parametrize("path", ["/%00", "/brief/%00.md", "/%zz", "/%C3%28", "/%ff",
                                  "/%2e%2e/etc/passwd", "/../etc/passwd", "/a%0Ab",
                                  "/%1b]0;pwned%07", "*"])
def test_malformed_paths_are_400_without_traceback(server: tuple[Running, int],
                                                   path: str) -> None:
    running, port = server
    assert request(port, path)[0] == 400
    assert request(port, "/")[0] == 200, "still serving"
    assert "Traceback" not in running.stderr


def test_a_browser_hanging_up_mid_answer_leaves_no_traceback(
        server: tuple[Running, int]) -> None:
    running, port = server
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            sock.recv(1024)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(1)
    assert request(port, "/")[0] == 200, "still serving"
    assert "Traceback" not in running.stderr, running.stderr


def test_binding_every_address_warns_that_the_preview_is_public(
        project: Path, server: tuple[Running, int]) -> None:
    assert "warning" not in server[0].stderr  # the default, loopback, does not warn
    running = Running(start_cli(project, "serve", "--host", "0.0.0.0", "--port", "0",
                                stdout=subprocess.DEVNULL))
    try:
        port = int(running.wait_for(r"at http://0\.0\.0\.0:(\d+)/").group(1))
        running.wait_for(r"warning: 0\.0\.0\.0 is not a loopback address: the preview, "
                         r"drafts included, is visible to the network")
        assert request(port, "/", f"127.0.0.1:{port}")[0] == 200  # an address, not a name
        assert request(port, "/", f"attacker.example:{port}")[0] == 421
        running.proc.send_signal(signal.SIGINT)
        assert running.finish(20) in (0, 130)
    finally:
        running.stop()

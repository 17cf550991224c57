"""`briefgen serve`: build, serve the site on localhost, rebuild what changed on save.

Why polling: it needs no extra dependency, sees editors' save-by-rename, and a handful
of fact sheets is cheap to stat twice a second. A failed rebuild never stops the server:
the last good site stays up and every page shows the diagnostics in a banner. The
preview-only reload script is injected into responses, never written into the site.
"""

from __future__ import annotations

import errno
import html
import http.server
import ipaddress
import mimetypes
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from briefgen.errors import EXIT_USAGE, UNSAFE, BriefError, Diagnostic, Location
from briefgen.publish import MARKER

_RELOAD = (
    b"<script>(function(){var v=null;setInterval(function(){fetch('/__briefgen__/version')"
    b".then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v)"
    b"location.reload();v=t}).catch(function(){})},700)})();</script>"
)


@dataclass
class State:
    """What the server shows: the build counter and the last build's problems."""

    version: int = 0
    problems: list[Diagnostic] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def serve(
    build: Callable[[], Any],
    *,
    out: Path,
    watch: list[Path],
    host: str = "127.0.0.1",
    port: int = 8000,
    report: Callable[[str], None] = print,
    interval: float = 0.5,
) -> None:
    """Build once, serve OUT, and rebuild on changes under WATCH until interrupted."""
    state = State()
    _rebuild(build, state, report)
    if out.exists() and not (out / MARKER).is_file():  # build refused it: never serve it
        raise BriefError(
            Diagnostic(
                Location(str(out)),
                "BG605",
                f"{out} is not a site briefgen built; nothing of it is served",
                "preview into a new folder, e.g. -o out",
            ),
            exit_code=EXIT_USAGE,
        )
    server = _server(out, host, port, state)
    shown = f"[{host}]" if ":" in host else host
    report(f"serving {out}/ at http://{shown}:{server.server_address[1]}/ (Ctrl-C to stop)")
    if not _loopback(str(server.server_address[0])):
        report(
            f"warning: {host} is not a loopback address: the preview, drafts included, "
            "is visible to the network"
        )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        seen = fingerprint(watch)
        while True:
            time.sleep(interval)
            now = fingerprint(watch)
            if now != seen:
                time.sleep(0.3)  # let the editor finish saving
                seen = fingerprint(watch)
                report("change detected, rebuilding")
                _rebuild(build, state, report)
    finally:
        server.shutdown()
        server.server_close()


def fingerprint(folders: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """(path, size, mtime) of every file under FOLDERS, sorted."""
    found = []
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                path = os.path.join(root, name)  # noqa: PTH118 - os.walk strings, hot loop
                try:
                    st = os.stat(path)  # noqa: PTH116
                except OSError:
                    continue
                found.append((path, st.st_size, st.st_mtime_ns))
    return tuple(found)


def _rebuild(build: Callable[[], Any], state: State, report: Callable[[str], None]) -> None:
    try:
        result = build()
        problems = [d for _, found in result.failed for d in found]
        problems += [d for b in result.built for d in b.warnings]
        report(
            f"built {len(result.built)}, unchanged {len(result.kept)}, failed {len(result.failed)}"
        )
    except BriefError as error:
        problems = list(error.diagnostics)
        report("build failed; still serving the last good site")
    for d in problems:
        report(str(d))
    with state.lock:
        state.problems = problems
        state.version += 1


def _server(out: Path, host: str, port: int, state: State) -> _Server:
    server_class = _Server6 if ":" in host else _Server
    try:
        server = server_class((host, port), _handler(out, state))
    except OSError as error:
        hint = f"try --port {port + 1}" if error.errno == errno.EADDRINUSE else ""
        raise BriefError(
            Diagnostic(
                Location(f"{host}:{port}"), "BG607", f"cannot listen: {error.strerror}", hint
            ),
            exit_code=EXIT_USAGE,
        ) from None
    server.names = {"localhost", host.lower().strip("[]"), str(server.server_address[0])}
    return server


class _Server(http.server.ThreadingHTTPServer):
    """Answers only requests that name this server (DNS rebinding); a browser that
    hangs up mid-answer is no error worth a traceback."""

    daemon_threads = True
    names: set[str]

    def host_allowed(self, header: str) -> bool:
        """Is HEADER (the request's Host) this server: a name it was bound as, `localhost`,
        or (bound to every address) any IP address; always with the bound port."""
        text = (header or "").strip().lower()
        if text.startswith("["):  # [IPv6]:port
            name, _, rest = text[1:].partition("]")
            port = rest.removeprefix(":") if rest != ":" else "-"
        else:
            name, _, port = text.partition(":")
        bound = self.server_address[1]
        if not name or (port != str(bound) and not (port == "" and bound == 80)):
            return False
        address = str(self.server_address[0])
        return name in self.names or (_wildcard(address) and _is_ip(name))

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _wildcard(address: str) -> bool:
    return ipaddress.ip_address(address).is_unspecified


def _loopback(address: str) -> bool:
    return ipaddress.ip_address(address).is_loopback


def request_parts(target: str) -> list[str] | None:
    """The path segments a request names, or None for a malformed one (a 400).

    Why strict: `%00`, `%zz` or invalid UTF-8 must not reach the file system (a traceback
    in the log), and `..` or a control character has no business in a preview URL.
    """
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or re.search("%(?![0-9A-Fa-f]{2})", path):
        return None
    try:
        text = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if UNSAFE.search(text) or "\\" in text or ".." in parts:
        return None
    return parts


def _handler(out: Path, state: State) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        server: _Server

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._answer(body=True)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def _answer(self, *, body: bool) -> None:
            hosts = self.headers.get_all("Host") or []
            if len(hosts) != 1:
                self.send_error(400, "One Host header is required")
                return
            if not self.server.host_allowed(hosts[0]):
                self.send_error(421, "This preview answers only to its own address")
                return
            parts = request_parts(self.path)
            if parts is None:
                self.send_error(400, "Malformed path")
                return
            if parts == ["__briefgen__", "version"]:
                self._send(str(state.version).encode(), "text/plain", body)
                return
            target = _file(out, parts)
            path = self.path.split("?", 1)[0]
            folder = target is not None and parts[-1:] != [target.name]
            if folder and not path.endswith("/"):
                self.send_response(301)  # a folder without its slash: relative links need it
                self.send_header("Location", path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            try:
                data = b"" if target is None else target.read_bytes()
            except OSError:  # gone in a rebuild's swap since it was found
                target = None
            if target is None:  # dotfiles, folders without index.html, the outside
                self.send_error(404)
            elif target.suffix == ".html":
                self._send(_inject(data, state), "text/html; charset=utf-8", body)
            else:
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                self._send(data, kind, body)

        def _send(self, data: bytes, kind: str, body: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if body:
                self.wfile.write(data)

    return Handler


def _file(out: Path, parts: list[str]) -> Path | None:
    """The file PARTS names under OUT: a folder means its index.html; dotfiles (the
    manifest, the site marker) and anything resolving outside OUT are not served."""
    if any(p.startswith(".") for p in parts):
        return None
    try:
        root = out.resolve()
        target = root.joinpath(*parts)
        if target.is_dir():
            target = target / "index.html"
        real = target.resolve()
        if not real.is_relative_to(root) or not real.is_file():
            return None
    except (OSError, ValueError):
        return None
    return target


def _inject(page: bytes, state: State) -> bytes:
    with state.lock:
        problems = list(state.problems)
    banner = b""
    if problems:
        items = "".join(f"<li>{html.escape(str(d))}</li>" for d in problems)
        banner = (
            f'<div style="background:#fde8e8;border:2px solid #b00;padding:8px;'
            f'font:13px monospace;white-space:pre-wrap"><strong>briefgen: the last build '
            f"had problems; showing the last good version.</strong><ul>{items}</ul></div>"
        ).encode()
    marker = page.find(b">", page.find(b"<body"))
    if marker < 0:
        return banner + page + _RELOAD
    return page[: marker + 1] + banner + page[marker + 1 :] + _RELOAD

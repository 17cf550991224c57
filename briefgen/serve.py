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
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.errors import EXIT_USAGE, BriefError, Diagnostic, Location

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
    server = _server(out, host, port, state)
    report(f"serving {out}/ at http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
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


def _server(out: Path, host: str, port: int, state: State) -> http.server.ThreadingHTTPServer:
    handler = _handler(out, state)
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        hint = f"try --port {port + 1}" if error.errno == errno.EADDRINUSE else ""
        raise BriefError(
            Diagnostic(
                Location(f"{host}:{port}"), "BG607", f"cannot listen: {error.strerror}", hint
            ),
            exit_code=EXIT_USAGE,
        ) from None


def _handler(out: Path, state: State) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(out), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/__briefgen__/version":
                self._send(str(state.version).encode(), "text/plain")
                return
            target = Path(self.translate_path(self.path))
            if target.is_dir():
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                self._send(_inject(target.read_bytes(), state), "text/html; charset=utf-8")
                return
            super().do_GET()

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


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

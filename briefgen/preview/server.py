"""`briefgen serve`'s web server: the site on localhost, open pages told of every save.

What it serves: the output folder, except a briefing whose fresh pages are held in memory
(briefgen/preview/watch.py renders them before the PDF is ready). Open pages listen to
`/__briefgen__/events` (server-sent events) and reload when their briefing changes. A
failed rebuild never stops the server: the last good page stays up and every page shows
the diagnostics in a banner. The banner and the event script are injected into
responses, never written into the site: it stays byte-identical to `briefgen build`.
"""

from __future__ import annotations

import errno
import html
import http.server
import ipaddress
import mimetypes
import re
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from briefgen.errors import EXIT_USAGE, UNSAFE, BriefError, Diagnostic, Location
from briefgen.preview.state import State
from briefgen.sheet.files import reason

KEEPALIVE = 15.0  # seconds between comments on an idle stream (proxies, dead peers)
_RELOAD = (
    "<script>(function(){var d=location.pathname.split('/').filter(Boolean),"
    "s=d.length>1?d[0]:'',e=new EventSource('/__briefgen__/events?since=%d');"
    "function m(v){return v.data==='*'||v.data===s}"
    "e.addEventListener('reload',function(v){if(s&&m(v))location.reload()});"
    "e.addEventListener('built',function(v){if(!s){location.reload();return}"
    "if(m(v))document.querySelectorAll('a[href*=\".pdf\"],iframe,embed,object')"
    ".forEach(function(a){var k=a.tagName==='A'?'href':a.tagName==='OBJECT'?'data':'src',"
    "u=a.getAttribute(k);if(u&&/\\.pdf(\\?|$)/.test(u))"
    "a.setAttribute(k,u.split('?')[0]+'?v='+v.lastEventId)})})})();</script>"
)


def start(out: Path, host: str, port: int, state: State, report: Callable[[str], None]) -> _Server:
    """Listen on HOST:PORT and serve OUT (and STATE) from a background thread."""
    server = _server(out, host, port, state)
    shown = f"[{host}]" if ":" in host else host
    report(f"serving {out}/ at http://{shown}:{server.server_address[1]}/ (Ctrl-C to stop)")
    if not _loopback(str(server.server_address[0])):
        report(
            f"warning: {host} is not a loopback address: the preview, drafts included, "
            "is visible to the network"
        )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _server(out: Path, host: str, port: int, state: State) -> _Server:
    server_class = _Server6 if ":" in host else _Server
    try:
        server = server_class((host, port), _handler(out, state))
    except OSError as error:
        hint = f"try --port {port + 1}" if error.errno == errno.EADDRINUSE else ""
        raise BriefError(
            Diagnostic(
                Location(f"{host}:{port}"), "BG607", f"cannot listen: {reason(error)}", hint
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
                self._send(str(state.events.seq).encode(), "text/plain", body)
                return
            if parts == ["__briefgen__", "events"]:
                self._stream(body)
                return
            state.ready.wait(120)  # the first pages are being rendered: wait, do not 404
            seq = state.events.seq  # before reading: a later change is never missed
            held = state.page(parts)
            if held is not None:
                self._page((parts or ["index.html"])[-1], held, seq, body)
                return
            target = _file(out, parts)
            if target is None and not state.settled.is_set():  # not built yet: wait for it
                state.settled.wait(600)
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
            else:
                self._page(target.name, data, seq, body)

        def _page(self, name: str, data: bytes, seq: int, body: bool) -> None:
            if name.endswith(".html"):
                self._send(_inject(data, state, seq), "text/html; charset=utf-8", body)
            else:
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                text = kind.startswith("text/")  # briefgen writes UTF-8: .txt, .md, .css
                self._send(data, f"{kind}; charset=utf-8" if text else kind, body)

        def _stream(self, body: bool) -> None:
            """Server-sent events until the page goes away or the server stops."""
            if not state.enter():
                self.send_error(503, "Too many open previews")
                return
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-store")
                self.send_header("X-Content-Type-Options", "nosniff")
                self.end_headers()
                if not body:
                    return
                seq = _since(self.path, self.headers.get("Last-Event-ID", ""))
                self.wfile.write(b"retry: 500\n\n")
                while (found := state.events.after(seq, KEEPALIVE)) is not None:
                    seq = found[-1][0] if found else seq
                    chunk = "".join(f"id: {n}\nevent: {k}\ndata: {d}\n\n" for n, k, d in found)
                    self.wfile.write(chunk.encode() or b": idle\n\n")
            except OSError:  # the page went away
                pass
            finally:
                state.leave()

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


def _since(target: str, last: str) -> int:
    """The last event a page has seen: `?since=N` from its script, or the Last-Event-ID
    its browser sends on reconnecting (the later one); anything else counts as 0."""
    query = target.partition("?")[2]
    found = [
        int(v)
        for v in (*re.findall(r"(?:^|&)since=(\d{1,12})(?:&|$)", query), last)
        if v.isdigit() and len(v) <= 12
    ]
    return max(found, default=0)


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


def _inject(page: bytes, state: State, seq: int) -> bytes:
    problems = state.all_problems()
    banner = b""
    if problems:
        items = "".join(f"<li>{html.escape(str(d))}</li>" for d in problems)
        banner = (
            f'<div style="background:#fde8e8;border:2px solid #b00;padding:8px;'
            f'font:13px monospace;white-space:pre-wrap"><strong>briefgen: the last build '
            f"had problems; showing the last good version.</strong><ul>{items}</ul></div>"
        ).encode()
    script = (_RELOAD % seq).encode()
    marker = page.find(b">", page.find(b"<body"))
    if marker < 0:
        return banner + page + script
    return page[: marker + 1] + banner + page[marker + 1 :] + script

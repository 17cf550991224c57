"""For the `briefgen sources` tests: the CLI in a subprocess, and a local web server.

The server listens on 127.0.0.1 only, in a daemon thread, and is shut down by the fixture
that started it; nothing a test does reaches the internet.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(
    *args: str, cwd: Path, stdin: str = "", extra_path: str = ""
) -> subprocess.CompletedProcess[str]:
    """`python -m briefgen ARGS` in CWD, without proxies or BRIEFGEN_ settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("BRIEFGEN_") and not k.lower().endswith("_proxy")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [extra_path, str(ROOT),
                                                      env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120, check=False)


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """`python -m briefgen ARGS` started in CWD, as `run` does, without waiting for it."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("BRIEFGEN_") and not k.lower().endswith("_proxy")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.Popen([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


ARTICLE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Leaders meet in Helsinki | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta property="og:type" content="article">
<meta property="og:title" content="Leaders meet in Helsinki">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2018-07-16T10:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World news</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Leaders meet in Helsinki</h1>
<p>The two presidents met for two hours in the Finnish capital on Monday, aides said.</p>
<figure><img src="handshake.jpg" alt=""><figcaption>Photo: the leaders shake hands
before the talks.</figcaption></figure>
<p>"We had a direct and open dialogue," one of them told reporters after the meeting.</p>
<p>Officials said a further meeting could follow later in the year, but no date was set.</p>
</article>
<aside><h2>Related News</h2><ul>
<li><a href="/markets">Markets fall on trade fears</a></li>
<li><a href="/storm">Storm hits the northern coast</a></li></ul></aside>
<footer>Copyright 2018 The Daily Example. All rights reserved.</footer>
</body></html>
"""

REPORT_HTML = """<!doctype html><html><head><title>Annual arms control report</title>
<meta name="author" content="Policy Institute"></head><body>
<h1>Annual arms control report</h1>
<p>The treaty expires in February 2021 unless both parties agree to extend it.</p>
<p>Verification visits were suspended during the year under review.</p>
</body></html>"""

BLANK_HTML = """<!doctype html><html><body>
<div style="width: 10cm; height: 10cm; background: #123456"></div></body></html>"""


def pdf_of(html: str) -> bytes:
    """A PDF made by WeasyPrint from HTML (text layer and metadata included)."""
    from weasyprint import HTML

    data: bytes = HTML(string=html).write_pdf()
    return data


@dataclass
class Site:
    """What the local server serves, and what it saw."""

    pages: dict[str, tuple[int, str, bytes]]  # path → (status, content type, body)
    sent: dict[str, int] = field(default_factory=dict)  # path → body bytes written
    url: str = ""
    held: frozenset[str] = frozenset()  # paths answered only once `release` is set
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))


HUGE_CHUNK = 64 * 1024
HUGE_TOTAL = 64 * 1024 * 1024  # far above the 10 MiB bound


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = 30

        def do_GET(self) -> None:
            path = self.path
            if path.startswith("/loop"):
                n = int(path.removeprefix("/loop") or 0)
                self.send_response(302)
                self.send_header("Location", f"/loop{n + 1}")
                self.end_headers()
                return
            if path.startswith("/redirect-ftp"):
                self.send_response(302)
                self.send_header("Location", "ftp://127.0.0.1/file.txt")
                self.end_headers()
                return
            if path == "/declared-huge.pdf":
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(20 << 20))
                self.end_headers()
                return
            if path == "/truncated.html":  # promises more than it sends, then hangs up
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b"<p>cut")
                self.close_connection = True
                return
            if path == "/gzip.html":  # compressed though the client asked for identity
                body = gzip.compress(ARTICLE)
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if path == "/huge.html":
                self._stream()
                return
            if path in site.held:  # a slow server: the test decides when it answers
                site.arrived.release()
                site.release.wait(timeout=60)
            status, kind, body = site.pages.get(path, (404, "text/html", b"<h1>Not found</h1>"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _stream(self) -> None:
            """A body without a length, sent until the client stops reading."""
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            site.sent[self.path] = 0
            chunk = b"<p>" + b"x" * (HUGE_CHUNK - 7) + b"</p>\n"
            try:
                while site.sent[self.path] < HUGE_TOTAL:
                    self.wfile.write(chunk)
                    site.sent[self.path] += len(chunk)
            except OSError:
                pass  # the client hung up: what the test wants

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    """Serve SITE on 127.0.0.1 (a free port) until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

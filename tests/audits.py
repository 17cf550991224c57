"""Page audits shared by tests/test_audit.py and bench/audit.py: axe-core in a real Chromium,
the Nu HTML checker, and a loopback server for a built site.

Why pinned npm packages in tools/: the auditors change their rules between releases, so the
same pages must be judged by the same versions (tools/package-lock.json). `make audit-tools`
installs them into tools/node_modules.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cdp import Browser

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = TOOLS / "lighthouse" / "cli" / "index.js"
PAGES = ("index.html", "{slug}/{slug}.html", "{slug}/sources.html", "404.html")


def missing_tools() -> list[str]:
    """What the audits need and this machine lacks (install: `make audit-tools`)."""
    wanted = {"axe-core": AXE, "vnu-jar": VNU, "lighthouse": LIGHTHOUSE}
    lacking = [name for name, path in wanted.items() if not path.is_file()]
    return lacking + [name for name in ("java", "node") if shutil.which(name) is None]


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files; a miss gets the site's 404.html with status 404, as a web host would."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """FOLDER served on 127.0.0.1 (a free port); yields the base URL, ending in '/'."""
    handler = functools.partial(_Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def axe(browser: Browser, url: str, *, width: int, dark: bool = False) -> list[str]:
    """axe-core's violations on URL at WIDTH px, every rule enabled (best practices and
    experimental included), as one line each."""
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    scheme = "dark" if dark else "light"
    browser.call("Emulation.setEmulatedMedia",
                 {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    browser.load("navigate", url=url)
    browser.evaluate(AXE.read_text(encoding="utf-8"))
    script = ("axe.run(document, {rules: Object.fromEntries(axe.getRules().map("
              "r => [r.ruleId, {enabled: true}])), resultTypes: ['violations']})"
              ".then(r => JSON.stringify(r.violations.map(v => [v.id, v.impact, v.help,"
              " v.nodes.map(n => n.target.join(' ')).slice(0, 5)])))")
    found = browser.call("Runtime.evaluate", {"expression": script, "awaitPromise": True,
                                              "returnByValue": True}, timeout=120)
    violations = json.loads(found["result"]["value"])
    return [f"{url} ({width}px, {scheme}): {rule} [{impact}] {help_}: {targets}"
            for rule, impact, help_, targets in violations]


def vnu(files: list[Path]) -> list[str]:
    """The Nu HTML checker's errors (and warnings) on FILES: HTML, CSS and SVG."""
    result = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--also-check-css",
                             "--also-check-svg", *map(str, files)],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '').removeprefix('file:')}:{m.get('lastLine', '')}: {m['type']}"
            f"{'/' + m['subType'] if 'subType' in m else ''}: {m['message']}"
            for m in messages]


_MEASURE = """(() => { const el = document.querySelector(%s);
  const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent)
    .join(' ').replace(/\\s+/g, ' ').trim();
  const probe = document.createElement('span');
  probe.textContent = text; probe.style.whiteSpace = 'nowrap';
  el.appendChild(probe);
  const advance = probe.getBoundingClientRect().width / text.length;
  probe.remove();
  return el.clientWidth / advance; })()"""


def characters_per_line(browser: Browser, url: str, selector: str, *, width: int) -> float:
    """How many characters of its own text fit on one line of the first SELECTOR at WIDTH px:
    the block's width over the average advance of that text, as set."""
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    browser.load("navigate", url=url)
    browser.call("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => 1)",
                                      "awaitPromise": True})
    return float(browser.evaluate(_MEASURE % json.dumps(selector)))

"""The site as a reader sees it: `briefgen serve`, and headless Chromium clicking through.

Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON
messages separated by NUL bytes on fds 3 and 4), so no websocket and no new dependency.
A screenshot of each visited page is saved under tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from site_helpers import Running, built_project, copy_project, slugs, start_cli

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _chromium() -> str:
    for name in (os.environ.get("BRIEFGEN_CHROMIUM", ""), "chromium", "chromium-browser",
                 "google-chrome"):
        found = shutil.which(name) if name else None
        if found:
            return found
    message = ("Chromium NOT FOUND: the browser test of the static site did not run. "
               "Install it with `apt-get install chromium` (or set BRIEFGEN_CHROMIUM).")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class Browser:
    """A minimal Chrome DevTools Protocol client over --remote-debugging-pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        self.log = profile.with_name("chromium.log")
        read_end, self._out = os.pipe()
        self._in, write_end = os.pipe()
        # Chromium reads commands from fd 3 and writes replies to fd 4: a tiny Python
        # trampoline moves the pipe there (fds >= 10 first, so neither clobbers the other).
        child_in, child_out = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (read_end, write_end))
        os.close(read_end)
        os.close(write_end)
        args = [executable, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--no-default-browser-check", "--window-size=1200,900",
                f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        trampoline = ("import os, sys; a, b = int(sys.argv[1]), int(sys.argv[2]); "
                      "os.dup2(a, 3); os.dup2(b, 4); os.close(a); os.close(b); "
                      "os.execv(sys.argv[3], sys.argv[3:])")
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-c", trampoline, str(child_in),
                                          str(child_out), *args],
                                         pass_fds=(child_in, child_out), start_new_session=True,
                                         stdout=subprocess.DEVNULL, stderr=log)
        os.close(child_in)
        os.close(child_out)
        self._buffer, self._id, self.events = b"", 0, []
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._in, selectors.EVENT_READ)
        self.session = ""

    def call(self, method: str, params: dict[str, Any] | None = None, *,
             browser: bool = False, timeout: float = 20) -> dict[str, Any]:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if self.session and not browser:
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._next(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _next(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from Chromium")
            if self._selector.select(left):
                chunk = os.read(self._in, 1 << 20)
                if not chunk:
                    log = self.log.read_text(errors="replace")[-3000:]
                    raise EOFError(f"Chromium closed the DevTools pipe; its log:\n{log}")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if "method" in message:
            self.events.append(message)
        return message

    def wait_for(self, method: str, since: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not any(e["method"] == method for e in self.events[since:]):
            self._next(deadline)

    def drain(self, seconds: float) -> None:
        """Collect events for SECONDS (late requests such as the favicon)."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self._next(deadline)
        except TimeoutError:
            pass

    def open_page(self) -> None:
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 browser=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def load(self, action: str, **params: Any) -> None:
        """Navigate (Page.navigate) or run a click (JS) and wait for the new page's load."""
        since = len(self.events)
        if action == "navigate":
            self.call("Page.navigate", params)
        else:
            self.evaluate(action)
        self.wait_for("Page.loadEventFired", since)
        self.drain(0.4)

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and failed requests seen so far."""
        found = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url')}")
            elif method == "Network.loadingFailed":
                found.append(f"request failed: {params.get('errorText')} ({params['requestId']})")
            elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
                found.append(f"HTTP {params['response']['status']}: {params['response']['url']}")
        # Chromium asks every site for /favicon.ico by itself; the site does not link one.
        return [p for p in found if "/favicon.ico" not in p]

    def close(self) -> None:
        try:
            self.call("Browser.close", browser=True, timeout=5)
            self.proc.wait(10)
        except (OSError, EOFError, RuntimeError, TimeoutError, subprocess.TimeoutExpired):
            pass
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self._selector.close()
        os.close(self._in)
        os.close(self._out)


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A writable copy of the published project; its site is up to date."""
    return copy_project(built_project(tmp_path_factory), tmp_path / "project")


@pytest.fixture
def server(project: Path) -> Iterator[tuple[Running, str]]:
    """`briefgen serve --port 0` on the project, and the URL it announced."""
    running = Running(start_cli(project, "serve", "--port", "0", stdout=subprocess.DEVNULL))
    try:
        found = running.wait_for(r"at (http://127\.0\.0\.1:(\d+)/)")
        yield running, found.group(1)
    finally:
        running.stop()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


def test_browser_follows_briefing_and_citation_links(server: tuple[Running, str],
                                                      tmp_path: Path) -> None:
    running, url = server
    browser = Browser(_chromium(), tmp_path / "profile")
    try:
        browser.open_page()
        browser.load("navigate", url=url)
        assert browser.evaluate("document.title") == "Briefings"
        assert browser.evaluate("document.querySelectorAll('article.entry').length") == 5
        browser.screenshot(ARTIFACTS / "site-index.png")

        slug = "helsinki-summit-2018"
        browser.load(f"document.querySelector('article#{slug} h2 a').click()")
        assert browser.evaluate("location.pathname") == f"/{slug}/{slug}.html"
        assert browser.evaluate("document.styleSheets.length") >= 1
        browser.screenshot(ARTIFACTS / "site-briefing.png")

        href = browser.evaluate("document.querySelector('a.cite').getAttribute('href')")
        assert re.fullmatch(r"sources\.html#S\d+-p\d+", href), href
        browser.load("document.querySelector('a.cite').click()")
        assert browser.evaluate("location.pathname") == f"/{slug}/sources.html"
        fragment = href.split("#")[1]
        assert browser.evaluate("location.hash") == f"#{fragment}"
        assert browser.evaluate("document.querySelector(':target') && "
                                "document.querySelector(':target').id") == fragment
        top = browser.evaluate("document.querySelector(':target').getBoundingClientRect().top")
        assert 0 <= top < browser.evaluate("innerHeight"), "the cited paragraph is in view"
        browser.screenshot(ARTIFACTS / "site-sources.png")

        browser.load("document.querySelector('.crumbs a').click()")  # back to the index
        assert browser.evaluate("location.pathname") in ("/", "/index.html")
        assert browser.problems() == []
        requested = [e["params"]["request"]["url"] for e in browser.events
                     if e["method"] == "Network.requestWillBeSent"]
        assert all(u.startswith(url) for u in requested), "the site loads nothing from elsewhere"

        browser.load("navigate", url=url + "no-such-page.html")  # the checks above can fail
        assert any(p.startswith("HTTP 404") for p in browser.problems())
    finally:
        browser.close()
    assert running.proc.poll() is None


def test_serve_shows_errors_keeps_running_and_stops_cleanly(project: Path,
                                                             server: tuple[Running, str]) -> None:
    running, url = server
    index = _get(url)
    for slug in slugs(project):
        assert f'href="{slug}/{slug}.html"' in index
    assert "the last build had problems" not in index

    port = url.rsplit(":", 1)[1].strip("/")
    second = Running(start_cli(project, "serve", "--port", port, stdout=subprocess.DEVNULL))
    try:
        assert second.finish(60) == 2
    finally:
        second.stop()
    assert "cannot listen" in second.stderr
    assert "Traceback" not in second.stderr

    with (project / "seeds" / "brief-0002" / "facts.yaml").open("a", encoding="utf-8") as f:
        f.write("broken: [unclosed\n")
    deadline = time.monotonic() + 20
    while "BG100" not in (page := _get(url)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "BG100" in page, running.stderr
    assert "the last build had problems" in page
    assert "seeds/brief-0002/facts.yaml" in page
    assert 'href="brief-0002/brief-0002.html"' in page, "the last good site stays up"
    assert "BG100" in _get(url + "brief-0002/brief-0002.html")
    assert running.proc.poll() is None

    running.proc.send_signal(signal.SIGINT)
    assert running.finish(20) in (0, 130)
    assert "Traceback" not in running.stderr

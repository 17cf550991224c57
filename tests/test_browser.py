"""The example's web page in a real headless Chromium, driven over the DevTools protocol
(--remote-debugging-pipe): it fetches nothing but itself, logs no error or exception, shows
its title and content, does not scroll sideways on a phone, and draws a non-blank page
(screenshot kept as tests/artifacts/helsinki-summit-2018-chromium.png).

A canary page with a broken script and outside resources proves the checks can fail.
Without Chromium the tests are skipped loudly, and fail when $CI is set.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from briefgen import pipeline

ROOT = Path(__file__).resolve().parent.parent
SHEET = ROOT / "seeds" / "helsinki-summit-2018" / "facts.yaml"
ARTIFACTS = Path(__file__).parent / "artifacts"
SLUG = "helsinki-summit-2018"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--disable-sync", "--mute-audio")
TIMEOUT = 30


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").is_file():
        found = "/usr/bin/chromium"
    if found is None:
        message = ("CHROMIUM NOT FOUND: the browser checks of the HTML page did NOT run "
                   "(install it: apt-get install chromium)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


class Browser:
    """A headless Chromium spoken to over fds 3/4 (--remote-debugging-pipe)."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # move the child's ends above 100, then dup2 them onto 3 and 4 in the child
        read_end = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD_CLOEXEC, 100)
        write_end = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD_CLOEXEC, 100)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def wire() -> None:
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.log = profile / "chromium.log"
        with self.log.open("wb") as stderr:
            self.process = subprocess.Popen(
                [binary, *FLAGS, f"--user-data-dir={profile / 'profile'}",
                 "--remote-debugging-pipe", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                close_fds=False, preexec_fn=wire)
        os.close(read_end)
        os.close(write_end)
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._from_chrome, 1 << 16):
            buffer += chunk
            while b"\0" in buffer:
                message, buffer = buffer.split(b"\0", 1)
                self._messages.put(json.loads(message))
        self._messages.put(None)

    def _receive(self, deadline: float) -> dict[str, Any]:
        try:
            message = self._messages.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError("Chromium did not answer in time") from None
        if message is None:
            raise RuntimeError(f"Chromium exited; see {self.log}")
        return message

    def call(self, method: str, session: str | None = None, *, timeout: float = TIMEOUT,
             **params: Any) -> dict[str, Any]:
        self._next += 1
        request: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            request["sessionId"] = session
        os.write(self._to_chrome, json.dumps(request).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == self._next:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, session: str) -> None:
        if any(e.get("method") == event and e.get("sessionId") == session for e in self.events):
            return
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._receive(deadline)
            self.events.append(message)
            if message.get("method") == event and message.get("sessionId") == session:
                return

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.call("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        os.close(self._to_chrome)
        if not self._reader.is_alive():
            os.close(self._from_chrome)


@dataclass
class Visit:
    url: str
    title: str
    h1: str
    text: str
    phone_overflow: int
    screenshot: bytes
    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def visit(path: Path, profile: Path) -> Visit:
    """Open PATH, let it load, and collect what it fetched, logged and threw."""
    browser = Browser(chromium(), profile)
    try:
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Network", "Runtime", "Log", "Page"):
            browser.call(f"{domain}.enable", session)
        browser.call("Emulation.setDeviceMetricsOverride", session, width=1000, height=1400,
                     deviceScaleFactor=1, mobile=False)
        url = path.as_uri()
        browser.call("Page.navigate", session, url=url)
        browser.wait_for("Page.loadEventFired", session)
        time.sleep(0.2)  # let late console messages arrive

        def evaluate(expression: str) -> Any:
            result = browser.call("Runtime.evaluate", session, expression=expression,
                                  returnByValue=True)
            return result["result"].get("value")

        title = evaluate("document.title")
        h1 = evaluate("document.querySelector('h1').textContent")
        text = evaluate("document.body.innerText")
        shot = browser.call("Page.captureScreenshot", session, format="png")
        png = base64.b64decode(shot["data"])
        browser.call("Emulation.setDeviceMetricsOverride", session, width=375, height=800,
                     deviceScaleFactor=2, mobile=True)
        time.sleep(0.1)
        overflow = evaluate("document.documentElement.scrollWidth - window.innerWidth")
        result = Visit(url, title, h1, text, overflow, png)
        for event in (e for e in browser.events if e.get("sessionId") == session):
            method, params = event["method"], event.get("params", {})
            if method == "Network.requestWillBeSent":
                result.requests.append(params["request"]["url"])
            elif method == "Network.loadingFailed":
                result.failures.append(params.get("errorText", "?"))
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                result.errors.append(details.get("exception", {}).get("description")
                                     or details.get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning",
                                                                            "assert"):
                result.errors.append(" ".join(str(a.get("value")) for a in params["args"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                result.errors.append(params["entry"]["text"])
            elif method == "Page.javascriptDialogOpening":
                result.dialogs.append(params.get("message", ""))
        return result
    finally:
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built as a site (HTML and Markdown, no PDF): OUT/index.html, OUT/<slug>/."""
    out = tmp_path_factory.mktemp("site") / "out"
    report = pipeline.build([SHEET], out, formats=("md", "html"), jobs=1)
    assert not report.failed
    assert (out / SLUG / f"{SLUG}.html").is_file()
    return out


@pytest.fixture(scope="module")
def page(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Visit:
    return visit(site / SLUG / f"{SLUG}.html", tmp_path_factory.mktemp("chromium"))


def test_page_fetches_nothing_but_itself(page: Visit) -> None:
    assert page.requests == [page.url]
    assert page.failures == []


def test_page_logs_no_errors(page: Visit) -> None:
    assert page.errors == []
    assert page.dialogs == []


def test_page_shows_its_title_and_content(page: Visit) -> None:
    assert page.title == "Trump–Putin summit, Helsinki, 16 July 2018"
    assert page.h1 == page.title
    for text in ("Bottom line.", "Key facts", "Stated positions", "What to watch", "Sources",
                 "a fine relationship"):
        assert text in page.text


def test_page_does_not_scroll_sideways_on_a_phone(page: Visit) -> None:
    assert page.phone_overflow <= 0


def test_screenshot_is_not_blank(page: Visit) -> None:
    image_module = pytest.importorskip("PIL.Image", reason="Pillow (a WeasyPrint dependency)")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{SLUG}-chromium.png"
    path.write_bytes(page.screenshot)
    image = image_module.open(path).convert("L")
    assert image.size == (1000, 1400)
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert dark > 0.005 * image.size[0] * image.size[1], "the screenshot is (nearly) blank"
    assert histogram[255] > 0.5 * image.size[0] * image.size[1], "expected a mostly white page"


@pytest.mark.parametrize("name", ["index.html", f"{SLUG}/sources.html"])
def test_site_pages_load_cleanly(site: Path, tmp_path: Path, name: str) -> None:
    """The index and the sources page: only files of the site itself, all found."""
    result = visit(site / name, tmp_path)
    assert result.requests[0] == result.url
    assert [u for u in result.requests if not u.startswith(site.as_uri() + "/")] == []
    assert result.errors == []
    assert result.failures == []


def test_the_checks_catch_a_bad_page(tmp_path: Path) -> None:
    """Canary: outside fetches, a missing file, a thrown error and console.error are seen."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="en"><head><title>Bad</title>'
                   '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head><body><h1>Bad</h1>'
                   '<img src="missing.png"><script>nosuch();</script>'
                   '<script>console.error("boom")</script></body></html>', encoding="utf-8")
    result = visit(bad, tmp_path)
    assert result.title == "Bad"
    assert "http://127.0.0.1:9/x.css" in result.requests
    assert (tmp_path / "missing.png").as_uri() in result.requests
    assert len(result.failures) == 2
    assert any("nosuch" in e for e in result.errors)
    assert "boom" in result.errors

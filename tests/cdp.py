"""A minimal Chrome DevTools Protocol client for the browser tests, with no new dependency.

Chromium is driven over `--remote-debugging-pipe`: JSON messages separated by NUL bytes,
commands on its fd 3 and replies and events on its fd 4. Without Chromium the tests are
skipped loudly, and fail when $CI is set.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--disable-sync", "--mute-audio", "--window-size=1200,900")
TIMEOUT = 30


def chromium(what: str) -> str:
    """The Chromium executable; skip (fail under $CI) saying that WHAT did not run."""
    for name in (os.environ.get("BRIEFGEN_CHROMIUM", ""), "chromium", "chromium-browser",
                 "google-chrome"):
        found = shutil.which(name) if name else None
        if found:
            return found
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    message = (f"CHROMIUM NOT FOUND: {what} did NOT run. "
               "Install it with `apt-get install chromium` (or set BRIEFGEN_CHROMIUM).")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class Browser:
    """A headless Chromium with one page; its profile and log go under WORKDIR."""

    def __init__(self, executable: str, workdir: Path) -> None:
        self.log = workdir / "chromium.log"
        read_end, self._out = os.pipe()
        self._in, write_end = os.pipe()
        # Chromium reads commands from fd 3 and writes replies to fd 4: a tiny Python
        # trampoline moves the pipe there (fds >= 10 first, so neither clobbers the other).
        child_in, child_out = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (read_end, write_end))
        os.close(read_end)
        os.close(write_end)
        args = [executable, *FLAGS, f"--user-data-dir={workdir / 'profile'}",
                "--remote-debugging-pipe", "about:blank"]
        trampoline = ("import os, sys; a, b = int(sys.argv[1]), int(sys.argv[2]); "
                      "os.dup2(a, 3); os.dup2(b, 4); os.close(a); os.close(b); "
                      "os.execv(sys.argv[3], sys.argv[3:])")
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-c", trampoline, str(child_in),
                                          str(child_out), *args],
                                         pass_fds=(child_in, child_out), start_new_session=True,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=log)
        os.close(child_in)
        os.close(child_out)
        self._buffer, self._id = b"", 0
        self.events: list[dict[str, Any]] = []
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._in, selectors.EVENT_READ)
        self.session = ""

    def call(self, method: str, params: dict[str, Any] | None = None, *,
             browser: bool = False, timeout: float = TIMEOUT) -> dict[str, Any]:
        """Send METHOD to the page (to the browser itself with BROWSER) and return its result."""
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
                result: dict[str, Any] = reply.get("result", {})
                return result

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
        message: dict[str, Any] = json.loads(raw)
        if "method" in message:
            self.events.append(message)
        return message

    def wait_for(self, method: str, since: int, timeout: float = TIMEOUT) -> None:
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
        for domain in ("Network", "Runtime", "Log", "Page"):
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

    def screenshot(self, path: Path | None = None) -> bytes:
        """The page as PNG bytes, also written to PATH if given."""
        png = base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)
        return png

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

"""`briefgen serve` in a real browser: the open page follows a save by itself.

Headless Chromium (tests/cdp.py) shows a briefing served by a real `briefgen serve`; the
sheet is saved on disk; nobody touches the page. Its heading must change (the HTML phase)
and then its PDF link must point at the new PDF (the PDF phase), without a console error.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cdp import Browser, chromium
from site_helpers import EXAMPLE, Running, start_cli

pytestmark = pytest.mark.slow

SLUG = EXAMPLE.name
TITLE = 'title: "Trump–Putin summit, Helsinki, 16 July 2018"'


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    found = Browser(chromium("the live preview test"), tmp_path)
    try:
        found.open_page()
        yield found
    finally:
        found.close()


def until(probe: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.02)
    pytest.fail(f"{what} within {timeout} s")


def test_the_open_page_follows_a_save_by_itself(tmp_path: Path, browser: Browser) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "seeds" / SLUG)
    running = Running(start_cli(tmp_path, "serve", "--port", "0", stdout=subprocess.DEVNULL))
    try:
        port = int(running.wait_for(r"at http://127\.0\.0\.1:(\d+)/").group(1))
        running.wait_for(r"built 1, unchanged 0, failed 0")
        browser.load("navigate", url=f"http://127.0.0.1:{port}/{SLUG}/{SLUG}.html")
        # `?.`: while the page reloads itself the document may not have its elements yet
        heading = "document.querySelector('h1')?.textContent ?? ''"
        pdf_link = f"document.querySelector('a[href^=\"{SLUG}.pdf\"]')?.getAttribute('href') ?? ''"
        assert browser.evaluate(heading) == "Trump–Putin summit, Helsinki, 16 July 2018"
        assert browser.evaluate(pdf_link) == f"{SLUG}.pdf"
        sheet = tmp_path / "seeds" / SLUG / "facts.yaml"
        sheet.write_text(sheet.read_text(encoding="utf-8").replace(
            TITLE, 'title: "Seen without a reload"'), encoding="utf-8")
        until(lambda: browser.evaluate(heading) == "Seen without a reload", 30,
              "the heading did not change")
        until(lambda: browser.evaluate(pdf_link).startswith(f"{SLUG}.pdf?v="), 60,
              "the PDF link was not refreshed")
        browser.drain(0.3)
        assert browser.problems() == []
    finally:
        running.stop()
    assert "Traceback" not in running.stderr

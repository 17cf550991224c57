"""The site as a reader sees it: `briefgen serve`, and headless Chromium clicking through.

Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON
messages separated by NUL bytes on fds 3 and 4), so no websocket and no new dependency.
A screenshot of each visited page is saved under tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp import Browser, chromium
from site_helpers import Running, built_project, copy_project, slugs, start_cli

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


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
    browser = Browser(chromium("the browser test of the static site"), tmp_path)
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
        # in view; a sub-pixel above the top is still the paragraph scrolled to
        assert -1 < top < browser.evaluate("innerHeight"), "the cited paragraph is in view"
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

"""The example's web page in a real headless Chromium, driven over the DevTools protocol
(--remote-debugging-pipe): it fetches nothing but itself and the site's own files, logs
no error or exception, shows its title and content, does not scroll sideways on a phone,
and draws a non-blank page
(screenshot kept as tests/artifacts/helsinki-summit-2018-chromium.png).

A canary page with a broken script and outside resources proves the checks can fail.
Without Chromium the tests are skipped loudly, and fail when $CI is set.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cdp import Browser, chromium

from briefgen import pipeline
from briefgen.pipeline.options import BuildOptions

ROOT = Path(__file__).resolve().parent.parent
SHEET = ROOT / "seeds" / "helsinki-summit-2018" / "facts.yaml"
ARTIFACTS = Path(__file__).parent / "artifacts"
SLUG = "helsinki-summit-2018"


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
    browser = Browser(chromium("the browser checks of the HTML page"), profile)
    try:
        browser.open_page()
        browser.call("Emulation.setDeviceMetricsOverride", {
            "width": 1000, "height": 1400, "deviceScaleFactor": 1, "mobile": False})
        url = path.as_uri()
        browser.load("navigate", url=url)

        def evaluate(expression: str) -> Any:
            result = browser.call("Runtime.evaluate",
                                  {"expression": expression, "returnByValue": True})
            return result["result"].get("value")

        title = evaluate("document.title")
        h1 = evaluate("document.querySelector('h1').textContent")
        text = evaluate("document.body.innerText")
        png = browser.screenshot()
        browser.call("Emulation.setDeviceMetricsOverride", {
            "width": 375, "height": 800, "deviceScaleFactor": 2, "mobile": True})
        time.sleep(0.1)
        overflow = evaluate("document.documentElement.scrollWidth - window.innerWidth")
        result = Visit(url, title, h1, text, overflow, png)
        for event in (e for e in browser.events if e.get("sessionId") == browser.session):
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
    report = pipeline.build([SHEET], out, BuildOptions(formats=("md", "html")))
    assert not report.failed
    assert (out / SLUG / f"{SLUG}.html").is_file()
    return out


@pytest.fixture(scope="module")
def page(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Visit:
    return visit(site / SLUG / f"{SLUG}.html", tmp_path_factory.mktemp("chromium"))


def test_page_fetches_nothing_but_itself(page: Visit, site: Path) -> None:
    """... and the site's own screen stylesheet, fonts and icon, served with it."""
    assert page.requests[0] == page.url
    assert all(r.startswith(site.as_uri() + "/") for r in page.requests), page.requests
    shared = {r.removeprefix(site.as_uri() + "/") for r in page.requests[1:]}
    assert {"assets/fonts.css", "assets/screen.css", "favicon.svg"} <= shared, shared
    fonts = {"assets/fonts/LiberationSerif-Regular.ttf", "assets/fonts/LiberationSans-Bold.ttf"}
    assert fonts <= shared
    # the Arabic and CJK faces are served too, but their unicode-range keeps a Latin page
    # from downloading them (DroidSansFallback.ttf alone is 3.4 MB)
    assert {r for r in shared if "Noto" in r or "Droid" in r} == set(), shared
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

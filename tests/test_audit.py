"""The screen edition passes the page auditors: axe-core (every rule, both widths, light and
dark) in a real Chromium, and the Nu HTML checker; Pagefind's search and the index filters
work in the browser; without JavaScript the index still lists everything.

Lighthouse is slow and scores are not assertions for a test: it runs in `make audit`
(bench/audit.py), with these same checks. The npm auditors come from `make audit-tools`
(which `make test`, hence CI, runs); without them these tests skip, and fail under $CI.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from audits import PAGES, axe, characters_per_line, missing_tools, serving, vnu
from cdp import Browser, chromium
from site_helpers import make_project, run_cli

pytestmark = pytest.mark.slow
SLUG = "helsinki-summit-2018"


def _tools() -> None:
    lacking = missing_tools()
    if lacking:
        message = f"AUDIT TOOLS MISSING ({', '.join(lacking)}): run `make audit-tools`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plus 4 synthetic briefings, built with --search: the published out/."""
    project = make_project(tmp_path_factory.mktemp("audited"), 4)
    done = run_cli(project, "build", "--search", "--jobs", "2", timeout=600)
    assert done.returncode == 0, done.stderr
    return project / "out"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    found = Browser(chromium("the page audits"), tmp_path_factory.mktemp("chromium"))
    try:
        found.open_page()
        yield found
    finally:
        found.close()


def test_nu_checker_finds_no_error(site: Path) -> None:
    _tools()
    files = sorted({*site.glob("*.html"), *site.glob("*/*.html"), *site.glob("*.css"),
                    *site.glob("assets/*.css"), *site.glob("*.svg")})
    assert len(files) >= 16
    assert [m for m in vnu(files) if ": error" in m] == []


@pytest.mark.parametrize("page", [p.format(slug=SLUG) for p in PAGES])
def test_axe_finds_no_violation(site: Path, browser: Browser, page: str) -> None:
    _tools()
    with serving(site) as base:
        found = [v for width in (1280, 390) for dark in (False, True)
                 for v in axe(browser, base + page, width=width, dark=dark)]
    assert found == []
    assert browser.problems() == []  # no console error, no failed request (favicon included)


def test_search_finds_the_briefing_and_filters_narrow_the_index(site: Path,
                                                               browser: Browser) -> None:
    _tools()
    with serving(site) as base:
        browser.load("navigate", url=base + "index.html")
        browser.evaluate("new Promise(r => setTimeout(r, 500))")
        assert browser.evaluate("!!document.querySelector('#search input')"), "no search box"
        assert browser.evaluate("document.querySelector('label[for=search-input]').textContent")
        browser.evaluate("""(() => { const i = document.querySelector('#search input');
            i.value = 'Stoltenberg'; i.dispatchEvent(new Event('input', {bubbles: true})); })()""")
        links = []
        for _ in range(50):
            browser.drain(0.1)
            links = browser.evaluate("[...document.querySelectorAll('.pagefind-ui__result-link')]"
                                     ".map(a => a.getAttribute('href'))")
            if links:
                break
        assert links, "the search found nothing"
        assert all(SLUG in href for href in links), links
        years = browser.evaluate("[...document.querySelectorAll('article.entry')]"
                                 ".map(e => e.dataset.year)")
        year = years[-1]
        browser.evaluate(f"""(() => {{ const s = document.querySelector('select[name=year]');
            s.value = '{year}'; s.dispatchEvent(new Event('change')); }})()""")
        visible = browser.evaluate("[...document.querySelectorAll('article.entry')]"
                                   ".filter(e => !e.hidden).map(e => e.dataset.year)")
        assert visible == [y for y in years if y == year]
        assert 0 < len(visible) < len(years)
        assert browser.problems() == []


def test_without_javascript_the_index_lists_every_briefing(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<form class="filters" id="filters" hidden', index)  # shown by the script
    assert len(re.findall(r'<article id="[^"]+" class="entry[ "]', index)) == 5
    assert '<div id="search" class="search" data-bundle="pagefind/"></div>' in index
    assert (site / "pagefind" / "pagefind-ui.js").is_file()
    # the filters without a script: every briefing under its year, by anchor
    browse = index.split('<nav class="browse"', 1)[1]
    years = re.findall(r'data-year="(\d{4})"', index)
    for year in set(years):
        row = re.search(rf"<li>{year}: (.*?)</li>", browse)
        assert row, year
        assert len(re.findall(r'<a href="#', row.group(1))) == years.count(year)


@pytest.mark.parametrize(("page", "selector"), [
    (f"{SLUG}/{SLUG}.html", "#bottom-line p"), (f"{SLUG}/{SLUG}.html", "#key-facts li"),
    (f"{SLUG}/sources.html", ".paragraphs li"), ("index.html", ".summary")])
def test_lines_hold_60_to_75_characters_on_a_desktop(site: Path, browser: Browser, page: str,
                                                     selector: str) -> None:
    with serving(site) as base:
        wide = characters_per_line(browser, base + page, selector, width=1280)
        phone = characters_per_line(browser, base + page, selector, width=390)
    assert 60 <= wide <= 75, wide
    assert 35 <= phone <= 60, phone  # a phone's width, at 16 px

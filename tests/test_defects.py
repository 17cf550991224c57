"""Page defects of issue 20, one test each (each failed before its fix):

* a source's date broke across lines in the printed source list ("18" / "February 2005");
* an outlet that is its own author was printed twice ("BBC Sport. BBC Sport.");
* straight apostrophes survived in actor roles ("Kenteris' lawyer") and next to source
  mentions ("[2]'s");
* "→ would lower J1" did not say what it does to the judgment;
* the sources page labelled its highlights with internal ids (F1, A1, bottom-line);
* on the web page a `[S1]` mention printed as "[  1  ]", unlike "[1 ¶5]";
* at 390 px lines began with "·", "· MD" wrapped alone, the date ran into "PDF";
* a fresh scaffold got two findings for one TODO (BG205 and BG315 on as_of; BG402 with a
  meaningless similarity hint on the TODO excerpt).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp import Browser, chromium
from site_helpers import run_cli

from briefgen import pipeline
from briefgen.errors import BriefError
from briefgen.pipeline.options import BuildOptions
from tests.conftest import EXAMPLE, ROOT
from tests.test_render import md_plain, norm, parse_html, pdf_text

SLUG = EXAMPLE.name
PLEDGE = "maternity-pay-pledge"  # the tester's issue brief: no as-of date, a short masthead
S1_DATES = "    published: unknown\n    date_note: \"Speaks of the July 16 meeting as upcoming\"\n"


def _edit(sheet: Path, *pairs: tuple[str, str]) -> None:
    text = sheet.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    sheet.write_text(text, encoding="utf-8")


def _texts(sheet: Path, tmp: Path) -> dict[str, str]:
    """What a reader sees of the page in each format (the HTML: the printed page's body)."""
    built = pipeline.make(sheet, BuildOptions(formats=("md", "html", "pdf")))
    body = parse_html(built.files[f"{SLUG}.html"].decode()).find("body")
    assert body is not None
    return {"md": md_plain(built.files[f"{SLUG}.md"].decode()), "html": norm(body.text()),
            "pdf": norm(pdf_text(built.files[f"{SLUG}.pdf"], tmp))}


def test_a_source_date_never_breaks_across_lines(example_copy: Path) -> None:
    _edit(example_copy, (S1_DATES, "    published: 2005-02-18\n"),
          ("  prepared:\n    date: 2026-11-23\n    as_of: 2018-07\n",
           "  prepared:\n    date: 2026-11-23\n"))
    built = pipeline.make(example_copy, BuildOptions(formats=("md", "html")))
    for name in (f"{SLUG}.md", f"{SLUG}.html"):
        page = built.files[name].decode()
        assert "18\u00a0February\u00a02005" in page, name
        assert "18 February 2005" not in page, name


def test_an_outlet_that_is_its_own_author_is_named_once(example_copy: Path,
                                                        tmp_path: Path) -> None:
    _edit(example_copy,
          ("    publisher: VOVWORLD ", "    author: VOVWORLD\n    publisher: VOVWORLD "))
    for fmt, text in _texts(example_copy, tmp_path).items():
        assert "VOVWORLD. “Russia-US summit: can disagreements be resolved?”" in text, fmt
        assert "VOVWORLD. VOVWORLD." not in text, fmt


def test_quotes_are_typographic_everywhere_the_page_prints_text(example_copy: Path,
                                                                tmp_path: Path) -> None:
    _edit(example_copy,
          ("role: Foreign Minister, affiliation: Russia", "role: Kenteris' lawyer, affiliation: "
                                                          "Russia"),
          ("gaps:\n", "gaps:\n  - \"[S2]'s publisher is a \\\"state\\\" outlet.\"\n"))
    for fmt, text in _texts(example_copy, tmp_path).items():
        assert "Kenteris’ lawyer" in text, fmt
        assert "[1]’s publisher is a “state” outlet." in text, fmt
        assert "'" not in text, (fmt, re.findall(r".{20}'.{20}", text))
        assert '"' not in text, (fmt, re.findall(r'.{20}".{20}', text))


def test_what_to_watch_says_what_it_does_to_the_judgment(example_copy: Path,
                                                         tmp_path: Path) -> None:
    for fmt, text in _texts(example_copy, tmp_path).items():
        assert "→ would make J2 more likely" in text, fmt
        assert "→ would make J1 less likely" in text, fmt
        assert not re.search(r"would (raise|lower)", text), fmt


def test_the_sources_page_labels_highlights_as_the_reader_knows_them() -> None:
    built = pipeline.make(EXAMPLE / "facts.yaml", BuildOptions(formats=("html",)))
    sources = built.files["sources.html"].decode()
    labels = re.findall(r'<a class="cited-by" href="[^"]*#([\w-]+)" title="cited in ([^"]+)">'
                        r'([^<]+)</a>', sources)
    assert labels
    shown = {label for _, _, label in labels}
    assert {"Bottom line", "J1", "J2", "Key facts 1", "Agenda 2", "Stated positions 3"} <= shown
    for _, title, label in labels:
        assert title == label
        # the page never shows an item's id (F1, A1, bottom-line); a judgment's it does (J1.)
        assert label in {"J1", "J2"} or not re.fullmatch(r"[A-Z]+\d+|bottom-line", label)


# --- fresh scaffold ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["event", "country"])
def test_a_fresh_scaffold_gets_one_finding_per_problem(kind: str, tmp_path: Path) -> None:
    source = EXAMPLE / "sources" / "helsinki-summit-high-expectations.txt"
    assert run_cli(tmp_path, "new", "draft", "--kind", kind, "--source", str(source)
                   ).returncode == 0
    with pytest.raises(BriefError) as caught:
        pipeline.check(tmp_path / "seeds" / "draft" / "facts.yaml")
    found = caught.value.diagnostics
    places = [(d.where.line, d.where.col) for d in found]
    assert len(places) == len(set(places)), [str(d) for d in found]
    assert "BG402" not in {d.code for d in found}  # the TODO excerpt: a TODO, nothing more
    date = next(d for d in found if d.message.startswith("briefing.prepared.date"))
    assert date.code == "BG315"
    assert date.hint == ("replace it with content from the sources "
                         "(e.g. 2018-07-16, 2018-07 or 2018)")


# --- the web page in a browser -----------------------------------------------------------------

LEADING_DOTS = """
[...document.querySelectorAll(SELECTOR)].flatMap(block => {
  const glyphs = [], dots = [];
  const walk = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  for (let node; (node = walk.nextNode());) {
    for (let i = 0; i < node.data.length; i++) {
      if (/\\s/.test(node.data[i])) continue;
      const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
      const box = r.getClientRects()[0];
      if (box) (node.data[i] === '·' ? dots : glyphs).push(box);
    }
  }
  // a "·" begins a line when no glyph sits before it on that line
  return dots.filter(d => !glyphs.some(g => Math.abs(g.top - d.top) < 3 && g.right <= d.left + 1))
             .map(() => block.textContent.trim());
})
"""
MENTION_GAP = """
[...document.querySelectorAll('a.cite')].filter(a => !a.closest('.cites')).map(a => {
  const r = document.createRange(); r.selectNodeContents(a);
  return a.getBoundingClientRect().width - r.getBoundingClientRect().width;
})
"""
SAME_LINE = """
(() => {
  const dated = document.querySelector('.flag .dated').getBoundingClientRect();
  return [...document.querySelectorAll('.site-nav a')].filter(a => {
    const r = a.getBoundingClientRect();
    return r.top < dated.bottom && r.bottom > dated.top;  // beside it, by any fraction
  }).map(a => a.textContent);
})()
"""


@pytest.fixture(scope="module", params=["", "Ministry for Foreign Affairs, Policy Planning"],
                ids=["no-organisation", "long-organisation"])
def site(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """The four examples as a site, with no organisation (the masthead says "Briefing") and
    published by one with a long name."""
    project = tmp_path_factory.mktemp("defects")
    for slug in (SLUG, "russia-us-relations-2018", "russia-profile-2018", "nato-profile-2018"):
        shutil.copytree(ROOT / "seeds" / slug, project / "seeds" / slug)
    shutil.copytree(ROOT / "tests" / "cases" / "issue-without-place",  # prepared date only
                    project / "seeds" / PLEDGE)
    if request.param:
        (project / "briefgen.toml").write_text(f'organisation = "{request.param}"\n',
                                               encoding="utf-8")
    done = run_cli(project, "build", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    return project / "out"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    found = Browser(chromium("the page-defect checks"), tmp_path)
    found.open_page()
    try:
        yield found
    finally:
        found.close()


def _open(browser: Browser, url: str, width: int) -> None:
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    browser.load("navigate", url=url)
    browser.call("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => 1)",
                                      "awaitPromise": True})


@pytest.mark.parametrize("width", [1280, 390])
def test_a_mention_is_spaced_like_a_citation(site: Path, browser: Browser, width: int) -> None:
    """`[S1]` in running text (the gaps) is as tight as "[1 ¶5]": no box wider than its
    number, so no gap inside the brackets."""
    _open(browser, (site / SLUG / f"{SLUG}.html").as_uri(), width)
    gaps = browser.evaluate(MENTION_GAP)
    assert gaps, "the example mentions a source in its gaps"
    assert all(g < 1 for g in gaps), gaps


@pytest.mark.parametrize("page", [f"{SLUG}/{SLUG}.html", "nato-profile-2018/nato-profile-2018.html",
                                  f"{PLEDGE}/{PLEDGE}.html", "index.html", f"{SLUG}/sources.html"])
def test_at_390_px_no_line_begins_with_a_separator(site: Path, browser: Browser,
                                                   page: str) -> None:
    _open(browser, (site / page).as_uri(), 390)
    selector = ".flag, .site-nav, .meta, .links, .count, p"
    assert browser.evaluate(LEADING_DOTS.replace("SELECTOR", repr(selector))) == []


@pytest.mark.parametrize("page", [f"{SLUG}/{SLUG}.html", f"{PLEDGE}/{PLEDGE}.html",
                                  "index.html", f"{SLUG}/sources.html"])
def test_a_separator_is_bound_to_what_it_follows(site: Path, page: str) -> None:
    """At any width: each "·" between links or header parts follows a no-break space, so a
    line can end with one but never begin with one."""
    html = parse_html((site / page).read_text(encoding="utf-8"))
    blocks = [n for n in html.iter()
              if {"flag", "site-nav", "meta", "links", "count"} & set(n.classes())]
    assert blocks
    for block in blocks:
        text = block.text()
        assert text.count("·") == text.count("\u00a0·"), text


@pytest.mark.parametrize("slug", [SLUG, "nato-profile-2018", PLEDGE])
def test_at_390_px_the_dates_have_a_line_of_their_own(site: Path, browser: Browser,
                                                      slug: str) -> None:
    _open(browser, (site / slug / f"{slug}.html").as_uri(), 390)
    assert browser.evaluate(SAME_LINE) == []

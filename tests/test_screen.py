"""The screen edition's files and markup: fonts, icons, stylesheets and 404 page written with
the site and resolvable; every page described and inside landmarks; one link order on the
index; the PDF untouched by any of it. (How the pages look and score: test_audit.py,
test_visual.py.)"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from site_helpers import built_project, run_cli

from briefgen import pipeline
from briefgen.compose.compose import compose
from briefgen.compose.entry import Entry
from briefgen.render.pages import render_html
from briefgen.schema.vocabulary import FORMATS, page_file
from briefgen.site import pages as site
from tests.conftest import EXAMPLE, ROOT

SLUG = EXAMPLE.name


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_project(tmp_path_factory) / "out"


def test_the_bundled_fonts_and_icons_are_served_byte_for_byte(out: Path) -> None:
    fonts_css = (out / "assets" / "fonts.css").read_text(encoding="utf-8")
    named = re.findall(r"url\(([^)]+)\)", fonts_css)
    bundled = sorted(f"fonts/{p.name}" for p in (ROOT / "templates" / "fonts").glob("*.ttf"))
    assert sorted(named) == bundled  # Liberation, Noto Sans Arabic, Droid Sans Fallback
    for name in named:
        assert (out / "assets" / name).read_bytes() == (ROOT / "templates" / name).read_bytes()
    for name in ("favicon.svg", "favicon.ico"):
        assert (out / name).read_bytes() == (ROOT / "templates" / "site" / name).read_bytes()
    assert (out / "assets" / "screen.css").read_text(encoding="utf-8").startswith("/*")


def test_every_stylesheet_url_resolves(out: Path) -> None:
    for css in out.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if not url.startswith("data:"):
                assert (css.parent / url).is_file(), f"{css.relative_to(out)}: {url}"


def test_every_page_has_a_description_an_icon_and_its_marking_in_a_landmark(out: Path) -> None:
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 4
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert re.search(r'<meta name="description" content="[^"]{40,}">', text), page
        assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', text), page
    briefing = (out / SLUG / f"{SLUG}.html").read_text(encoding="utf-8")
    assert re.search(r'<header class="masthead site-header">\s*<p class="marking marking-top[" ]',
                     briefing)
    assert re.search(r'<footer class="site-footer"><div class="marking marking-bottom[" ]',
                     briefing)


def test_index_links_come_in_one_order_whatever_the_slug() -> None:
    """Sorting by file name put 'sources.html' first for a slug after 's' (e.g. 'zapad-2021')."""
    for slug in ("alpha", "zapad-2021"):
        names = (f"{slug}.{fmt}" for fmt in ("html", "md", "pdf", "txt", "docx"))
        files = dict.fromkeys((*names, "sources.html"), 1000)
        record = Entry(slug, "T", "E", "2021-09-10", "10 September 2021", "", "", "", "",
                            "", dict(sorted(files.items())))
        assert [label for label, _, _ in site.entry_links(record)] == [
            "HTML", "PDF", "Word", "Text", "MD", "Sources"]


def test_the_briefing_page_links_its_other_formats_in_the_index_order() -> None:
    page = compose(pipeline.check(EXAMPLE / "facts.yaml").brief)
    files = dict.fromkeys((page_file(page.id, fmt) for fmt in FORMATS), 1000)
    record = site.entry(page, files)
    on_index = [name for _, name, _ in site.entry_links(record)]
    on_page = [href for _, href in page.nav[2:]]
    assert on_page == [name for name in on_index if not name.endswith(".html")]


def test_the_404_page_links_from_the_root_or_the_base_url(tmp_path: Path) -> None:
    plain = site.plan([], base_url=None, project=None)["404.html"].decode()
    assert 'href="/index.html"' in plain
    assert '<meta name="robots" content="noindex">' in plain
    based = site.plan([], base_url="https://example.org/b", project=None)["404.html"].decode()
    assert 'href="https://example.org/b/index.html"' in based


def test_the_standalone_page_and_pdf_source_link_nothing_of_the_site() -> None:
    html = render_html(compose(pipeline.check(EXAMPLE / "facts.yaml").brief).for_print())
    assert "assets/" not in html
    assert "favicon" not in html
    assert 'class="excerpt"' not in html  # the PDF keeps its text: excerpts are site-only
    assert "data-pagefind-body" not in html


def test_a_font_named_but_missing_is_bg610(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project / "seeds" / SLUG)
    (project / "templates").mkdir()
    fonts = (ROOT / "templates" / "fonts.css").read_text(encoding="utf-8")
    (project / "templates" / "fonts.css").write_text(
        fonts + '@font-face { font-family: "X"; src: url(fonts/Missing.woff2); }\n',
        encoding="utf-8")
    shutil.copytree(ROOT / "templates" / "fonts", project / "templates" / "fonts")
    done = run_cli(project, "build", "--format", "html")
    assert done.returncode != 0
    assert "BG610" in done.stderr
    assert "fonts/Missing.woff2" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (project / "out").exists()  # nothing half-published

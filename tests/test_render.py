"""Rendering the example: golden Markdown and HTML, one numbering in all formats, nothing
lost between data and page, a self-contained accessible HTML page, and template overrides.

The golden files live in tests/cases/helsinki/expected/; after an intended change run
`python -m pytest tests/test_render.py tests/test_pdf.py --update-golden` and read the diff.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.compose.compose import compose
from briefgen.errors import BriefError
from briefgen.pipeline.options import BuildOptions
from briefgen.render.pages import render_html, render_markdown
from briefgen.schema.cites import as_numbers, numbering

ROOT = Path(__file__).resolve().parent.parent
SHEET = ROOT / "seeds" / "helsinki-summit-2018" / "facts.yaml"
EXPECTED = Path(__file__).parent / "cases" / "helsinki" / "expected"
SLUG = "helsinki-summit-2018"
NUMBER = r"\d+(?: ¶\d+)?"  # a printed citation: source 1, or source 1 paragraph 5: `1 ¶5`
MARKER = rf"\s*\[({NUMBER}(?:,\s*{NUMBER})*)\]"
RANGE = re.compile(r" \(\d+–\d+%\)")  # the ICD 203 range the view inserts after a term


# --- a small DOM, enough to walk the page -------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def text(self, *, skip: Callable[[Node], bool] = lambda n: False) -> str:
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif not skip(child) and child.tag not in ("style", "script"):
                parts.append(child.text(skip=skip))
        return "".join(parts)

    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def find(self, tag: str) -> Node | None:
        return next((n for n in self.iter() if n.tag == tag), None)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root


def norm(text: str) -> str:
    return " ".join(text.split())


def md_plain(text: str) -> str:
    """Markdown output as the reader sees it: escapes and emphasis markers removed."""
    text = re.sub(r"\[([^\[\]]*)\]\(sources\.html#[^()\s]*\)", r"\1", text)  # cite links
    return norm(re.sub(r"\\([\\`<>|*_\[\]])", r"\1", text.replace("**", "")).replace("*", ""))


def pdf_text(data: bytes, tmp: Path, *, layout: bool = False) -> str:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is missing on CI")
        pytest.skip("pdftotext (poppler-utils) is not installed: PDF text checks skipped")
    path = tmp / "brief.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


# --- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def checked() -> pipeline.Checked:
    return pipeline.check(SHEET)


@pytest.fixture(scope="module")
def built() -> pipeline.Built:
    return pipeline.make(SHEET)


@pytest.fixture(scope="module")
def formats(built: pipeline.Built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The three renderings as plain, whitespace-normalised text (HTML: the body's text)."""
    html = built.files[f"{SLUG}.html"].decode()
    body = parse_html(html).find("body")
    assert body is not None
    pdf = pdf_text(built.files[f"{SLUG}.pdf"], tmp_path_factory.mktemp("pdf"))
    return {"md": md_plain(built.files[f"{SLUG}.md"].decode()),
            "html": norm(body.text()), "pdf": norm(pdf)}


@pytest.fixture(scope="module")
def page(built: pipeline.Built) -> Node:
    """The published web page (its cites link to the site's sources page)."""
    return parse_html(built.files[f"{SLUG}.html"].decode())


@pytest.fixture(scope="module")
def standalone(checked: pipeline.Checked) -> Node:
    """The standalone page, also the PDF's source (its cites link to the source list)."""
    return parse_html(render_html(compose(checked.brief, evidence=checked.evidence).for_print()))


# --- golden files -------------------------------------------------------------------------

def test_markdown_golden(checked: pipeline.Checked, golden: Callable[[str, Path], None]) -> None:
    golden(_markdown(checked), EXPECTED / f"{SLUG}.md")


def _markdown(checked: pipeline.Checked) -> str:
    """The Markdown as the site publishes it: citations link to the sources page."""
    return render_markdown(compose(checked.brief, evidence=checked.evidence))


def test_html_golden(checked: pipeline.Checked, golden: Callable[[str, Path], None]) -> None:
    printed = compose(checked.brief, evidence=checked.evidence).for_print()
    golden(render_html(printed), EXPECTED / f"{SLUG}.html")


def test_make_writes_what_the_renderers_return(checked: pipeline.Checked, built: pipeline.Built,
                                               page: Node, standalone: Node) -> None:
    assert built.files[f"{SLUG}.md"].decode() == _markdown(checked)
    # the web page differs from the standalone one only in its links and a site navigation
    # outside <main>: the content is the same
    main, alone = page.find("main"), standalone.find("main")
    assert main is not None
    assert alone is not None
    # ... and the cited excerpts, which the site page spells out for hover and focus
    assert norm(main.text(skip=lambda n: "excerpt" in n.classes())) == norm(alone.text())


# --- one numbering in every format --------------------------------------------------------

def _items(checked: pipeline.Checked) -> list[tuple[str, list[int]]]:
    view = compose(checked.brief)
    items = [view.bottom_line, *(i for items in view.sections.values() for i in items)]
    return [(i.id, [c.n for c in i.cites]) for i in items]


def _search_key(page: Node, item_id: str) -> str:
    """The item's text on the page up to its markers (for a table row: the position cell)."""
    node = next(n for n in page.iter() if n.attrs.get("id") == item_id)
    if node.tag == "tr":
        node = next(n for n in node.iter() if n.tag == "td")
    text = norm(node.text(skip=lambda n: "cites" in n.classes()))
    return text[:60]


def straight(text: str) -> str:
    """Curly quotes as straight ones: the page is typeset, the Markdown is not."""
    return text.translate(str.maketrans("‘’“”", "''\"\""))


def _markers_after(text: str, key: str) -> list[int]:
    found = re.search(re.escape(straight(key)) + r".*?" + MARKER, straight(text))
    assert found, f"{key!r} (and its markers) not found"
    return [int(n.split(" ¶")[0]) for n in re.split(r",\s*", found.group(1))]


def test_every_item_has_the_same_numbers_in_md_html_and_pdf(
        checked: pipeline.Checked, page: Node, formats: dict[str, str]) -> None:
    items = _items(checked)
    assert len(items) == 1 + 4 + 4 + 5 + 5 + 2 + 3
    for item_id, expected in items:
        assert expected, f"{item_id} has no citation"
        node = next(n for n in page.iter() if n.attrs.get("id") == item_id)
        links = [n for n in node.iter() if n.tag == "a" and "cite" in n.classes()]
        assert [int(a.text().split()[0]) for a in links] == expected, item_id
        key = _search_key(page, item_id)
        assert _markers_after(formats["md"], key) == expected, f"{item_id} in md"
        # pdftotext interleaves a table row's two cells line by line; a cell's first line
        # holds the first 30 characters, and no marker comes before the cell's own
        assert _markers_after(formats["pdf"], key[:30]) == expected, f"{item_id} in pdf"


def test_cite_links_point_at_the_numbered_source(checked: pipeline.Checked,
                                                standalone: Node) -> None:
    entries = {n.attrs["id"]: n for n in standalone.iter() if n.tag == "li"
               and (n.attrs.get("id") or "").startswith("src-")}
    assert set(entries) == {f"src-{s.id}" for s in checked.brief.sources}
    for link in (n for n in standalone.iter() if "cite" in n.classes()):
        entry = entries[(link.attrs["href"] or "").lstrip("#")]
        n = link.text().split(" ¶")[0]
        assert entry.attrs["value"] == n
        assert norm(entry.text()).startswith(f"[{n}] ")


def test_source_list_numbers_match_in_every_format(checked: pipeline.Checked,
                                                   formats: dict[str, str]) -> None:
    view = compose(checked.brief)
    assert [s.n for s in view.sources] == [1, 2]
    for s in view.sources:
        start = norm(s.text)[:40]
        assert f"{s.n}. {start}" in formats["md"]
        assert f"[{s.n}] {start}" in formats["html"]
        assert f"[{s.n}] {start}" in formats["pdf"]


# --- nothing lost between data and page ---------------------------------------------------

def _statements(checked: pipeline.Checked) -> list[str]:
    b = checked.brief
    return [
        b.briefing.title, b.bottom_line.text,
        *(f.text for f in b.key_facts),
        *(a.topic for a in b.agenda), *(a.detail for a in b.agenda if a.detail),
        *(o.issue for o in b.obstacles),
        *(p.summary for p in b.positions), *(p.quote for p in b.positions if p.quote),
        *(a.statement for a in b.assessments), *(a.basis.rstrip(".") for a in b.assessments),
        *(w.indicator for w in b.watch),
        *(s.title for s in b.sources),
        *(as_numbers(g, numbering(b)) for g in b.gaps),  # `[S1]` is printed as the reader's [2]
        *(a.name for a in b.actors if any(p.actor == a.id for p in b.positions)),
    ]


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_nothing_lost_between_data_and_page(checked: pipeline.Checked, formats: dict[str, str],
                                            fmt: str) -> None:
    shown = straight(RANGE.sub("", formats[fmt]))
    # pdftotext joins a compound broken at its hyphen at a line end (pre-|summit: presummit)
    unhyphenated = shown.replace("-", "")
    missing = [
        s for s in _statements(checked)
        if straight(norm(s)) not in shown
        and (fmt != "pdf" or straight(norm(s)).replace("-", "") not in unhyphenated)
    ]
    assert not missing, f"{fmt} lacks: {missing}"


# --- a self-contained, accessible page ----------------------------------------------------

def test_html_is_self_contained(page: Node, standalone: Node, built: pipeline.Built) -> None:
    html = built.files[f"{SLUG}.html"].decode()
    assert not [n for n in page.iter() if n.tag in ("script", "iframe", "object", "embed")]
    # the site page links the site's own screen stylesheet and fonts (served with it); the
    # standalone page (the PDF's source) links nothing
    assert [n.attrs.get("href") for n in page.iter() if n.tag == "link"
            and "stylesheet" in (n.attrs.get("rel") or "").lower()] == [
                "../assets/fonts.css", "../assets/screen.css"]
    assert not [n for n in standalone.iter() if n.tag == "link"]
    for node in page.iter():
        for name in ("src", "srcset", "poster", "data", "background"):
            assert name not in node.attrs, (node.tag, node.attrs)
        href = node.attrs.get("href") or ""
        if href.startswith(("http:", "https:", "//")):
            assert node.tag == "a", node.attrs
    for style in (n for n in page.iter() if n.tag == "style"):
        css = style.text() + "".join(c for c in style.children if isinstance(c, str))
        assert "@import" not in css
        assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", css)
    assert "<script" not in html.lower()


def test_external_links_are_only_source_urls(example_copy: Path) -> None:
    text = example_copy.read_text(encoding="utf-8")
    text = text.replace("    type: news-article\n    file: sources/helsinki-summit-high",
                        "    type: news-article\n    url: https://example.org/news/s1\n"
                        "    file: sources/helsinki-summit-high", 1)
    example_copy.write_text(text, encoding="utf-8")
    html = render_html(compose(pipeline.check(example_copy).brief).for_print())
    outside = [(n.tag, n.attrs.get("href")) for n in parse_html(html).iter()
               if (n.attrs.get("href") or "").startswith(("http:", "https:", "//"))]
    assert outside == [("a", "https://example.org/news/s1")]


def test_html_has_language_title_and_landmarks(page: Node, checked: pipeline.Checked) -> None:
    html = page.find("html")
    assert html is not None
    assert html.attrs.get("lang") == "en"
    title = page.find("title")
    assert title is not None
    assert norm(title.text()) == checked.brief.briefing.title
    meta = [n for n in page.iter() if n.tag == "meta"]
    assert any((m.attrs.get("charset") or "").lower() == "utf-8" for m in meta)
    assert len([n for n in page.iter() if n.tag == "main"]) == 1


def test_headings_go_h1_then_h2s(page: Node) -> None:
    levels = [int(n.tag[1]) for n in page.iter() if re.fullmatch(r"h[1-6]", n.tag)]
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert set(levels[1:]) == {2}
    names = [norm(n.text()) for n in page.iter() if n.tag == "h2"]
    # the judgments come straight after the bottom line: a one-pager is read from the top
    assert names == ["Key judgments", "Key facts", "Agenda", "Obstacles", "Stated positions",
                     "What to watch", "Sources"]


def test_table_headers_have_scope(page: Node) -> None:
    headers = [n for n in page.iter() if n.tag == "th"]
    assert headers
    assert all(n.attrs.get("scope") in ("col", "row") for n in headers)
    assert sum(n.attrs.get("scope") == "row" for n in headers) == 5


def test_every_item_has_an_id_and_ids_are_unique(page: Node, checked: pipeline.Checked) -> None:
    ids = [n.attrs["id"] for n in page.iter() if n.attrs.get("id")]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    b = checked.brief
    items = [*b.key_facts, *b.agenda, *b.obstacles, *b.positions, *b.assessments, *b.watch]
    assert {i.id for i in items} <= set(ids)
    assert {f"src-{s.id}" for s in b.sources} <= set(ids)
    for section in ("key-facts", "agenda", "obstacles", "outlook", "watch"):
        node = next(n for n in page.iter() if n.attrs.get("id") == section)
        assert all(li.attrs.get("id") for li in node.iter() if li.tag == "li"), section


def _ids(node: Node) -> set[str]:
    return {n.attrs["id"] or "" for n in node.iter() if n.attrs.get("id")}


def test_every_fragment_link_resolves(standalone: Node, page: Node) -> None:
    ids = _ids(standalone)
    fragments = [n.attrs["href"] or "" for n in standalone.iter()
                 if (n.attrs.get("href") or "").startswith("#")]
    assert len(fragments) >= 30
    assert [f for f in fragments if f[1:] not in ids] == []
    for doc in (standalone, page):  # aria references resolve too
        for node in doc.iter():
            for name in ("aria-labelledby", "aria-describedby", "aria-controls"):
                for ref in (node.attrs.get(name) or "").split():
                    assert ref in _ids(doc), (node.tag, name, ref)


def test_every_link_of_the_web_page_resolves(page: Node, built: pipeline.Built) -> None:
    """In-page fragments, and the briefing's sibling files (sources page, PDF, Markdown)."""
    pages = {name: parse_html(data.decode()) for name, data in built.files.items()
             if name.endswith(".html")}
    unresolved = []
    for node in page.iter():
        href = node.attrs.get("href")
        if href is None or href.startswith(("http:", "https:", "mailto:")):
            continue
        if href.startswith("../"):  # the site's shared files, written by `build`
            continue
        target, _, fragment = href.partition("#")
        if target and target not in built.files:
            unresolved.append(href)
            continue
        if fragment and fragment not in _ids(pages[target or f"{SLUG}.html"]):
            unresolved.append(href)
    assert unresolved == []


# --- template overrides -------------------------------------------------------------------

def _project(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_project_markdown_template_overrides_the_builtin(checked: pipeline.Checked,
                                                         tmp_path: Path) -> None:
    project = _project(tmp_path, "brief.md", "# {{ brief.title | md }}\n\nOwn template.\n")
    assert render_markdown(compose(checked.brief), project=project) == (
        "# Trump–Putin summit, Helsinki, 16 July 2018\n\nOwn template.\n")
    printed = compose(checked.brief).for_print()
    assert render_html(printed, project=project) == render_html(printed)


def test_html_override_can_extend_the_builtin_and_replace_one_block(
        checked: pipeline.Checked, tmp_path: Path) -> None:
    project = _project(tmp_path, "brief.html",
                       '{% extends "builtin/brief.html" %}'
                       '{% block legend %}<p class="legend">X-OWN-LEGEND</p>{% endblock %}')
    html = render_html(compose(checked.brief).for_print(), project=project)
    default = render_html(compose(checked.brief).for_print())
    assert "X-OWN-LEGEND" in html
    assert "Likelihood (ICD 203)" not in html
    assert "Likelihood (ICD 203)" in default
    # everything outside the block is the built-in page
    before, after = default.split('<p class="legend">')[0], default.split("</main>")[1]
    assert html.startswith(before)
    assert html.endswith(after)


def test_html_override_reaches_the_pdf(tmp_path: Path) -> None:
    project = _project(tmp_path, "brief.html",
                       '{% extends "builtin/brief.html" %}'
                       '{% block legend %}<p class="legend">X-OWN-LEGEND</p>{% endblock %}')
    made = pipeline.make(SHEET, BuildOptions(formats=("pdf",), project=project))
    assert "X-OWN-LEGEND" in pdf_text(made.files[f"{SLUG}.pdf"], tmp_path)


def test_misspelt_variable_is_bg502_naming_template_and_line(checked: pipeline.Checked,
                                                             tmp_path: Path) -> None:
    project = _project(tmp_path, "brief.md",
                       "# {{ brief.title }}\n\nline three\n{{ brief.titel }}\n")
    with pytest.raises(BriefError) as caught:
        render_markdown(compose(checked.brief), project=project)
    (d,) = caught.value.diagnostics
    assert d.code == "BG502"
    assert Path(d.where.file) == project / "templates" / "brief.md"
    assert d.where.line == 4
    assert "titel" in d.message


def test_misspelt_variable_in_an_extending_block_names_the_override(
        checked: pipeline.Checked, tmp_path: Path) -> None:
    project = _project(tmp_path, "brief.html",
                       '{% extends "builtin/brief.html" %}\n'
                       "{% block legend %}\n{{ brief.legnd }}\n{% endblock %}\n")
    with pytest.raises(BriefError) as caught:
        render_html(compose(checked.brief).for_print(), project=project)
    (d,) = caught.value.diagnostics
    assert (d.code, Path(d.where.file), d.where.line) == (
        "BG502", project / "templates" / "brief.html", 3)


def test_template_syntax_error_is_bg501(checked: pipeline.Checked, tmp_path: Path) -> None:
    project = _project(tmp_path, "brief.md", "ok\n{% if brief.title %}\nnever closed\n")
    with pytest.raises(BriefError) as caught:
        render_markdown(compose(checked.brief), project=project)
    (d,) = caught.value.diagnostics
    assert d.code == "BG501"
    assert Path(d.where.file).name == "brief.md"
    assert d.where.line is not None


def test_template_error_fails_the_build_and_publishes_nothing(tmp_path: Path) -> None:
    """`make` only renders in memory; the build is what could leave files behind."""
    project = _project(tmp_path, "brief.html", "{{ brief.nosuch }}")
    report = pipeline.build([SHEET], tmp_path / "out",
                            BuildOptions(project=project, jobs=1))
    assert not report.published
    assert [(sheet, [d.code for d in found]) for sheet, found in report.failed] == [
        (SHEET, ["BG502"])]
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        "templates"]


def test_a_key_facts_date_reaches_every_format(example_copy: Path) -> None:
    """Dates are data too: 'April 2018' appears nowhere else on the page."""
    text = example_copy.read_text(encoding="utf-8")
    example_copy.write_text(text.replace(
        '  - id: F2\n', '  - id: F2\n    date: 2018-04\n', 1), encoding="utf-8")
    brief = pipeline.check(example_copy).brief
    assert "April 2018" in render_markdown(compose(brief))
    assert "April 2018" in render_html(compose(brief).for_print())


def test_a_positions_stance_and_topic_lead_it_in_every_format(example_copy: Path) -> None:
    """`on` names an agenda item by id (its topic is printed) or a topic in words."""
    text = example_copy.read_text(encoding="utf-8")
    example_copy.write_text(text.replace(
        "    actor: lavrov\n", "    actor: lavrov\n    stance: sceptical\n    on: A1\n", 1).replace(
        "    actor: stoltenberg\n", "    actor: stoltenberg\n    on: NATO unity\n", 1),
        encoding="utf-8")
    made = pipeline.make(example_copy)  # still one page
    md = md_plain(made.files[f"{SLUG}.md"].decode())
    html = made.files[f"{SLUG}.html"].decode()
    body = parse_html(html).find("body")
    assert body is not None
    pdf = norm(pdf_text(made.files[f"{SLUG}.pdf"], example_copy.parent))
    for fmt, shown in {"md": md, "html": norm(body.text()), "pdf": pdf}.items():
        assert "Sceptical on Syria: Hopes the summit" in shown, fmt
        assert "On NATO unity: Welcomed the summit" in shown, fmt
    assert '<tr id="P1" class="stance-sceptical actor-person">' in html


@pytest.mark.parametrize("line", [
    "{% include '../../../../../../etc/passwd' %}",
    "{% include '/etc/passwd' %}",
    "{% extends '../brief.md' %}",
    "{% from '../macros.html' import cites %}",
    "{% include 'passwd.md' %}",  # a symlink in templates/ that points outside
])
def test_a_template_reaching_outside_is_bg504_at_its_own_line(checked: pipeline.Checked,
                                                              tmp_path: Path, line: str) -> None:
    project = _project(tmp_path, "brief.md", f"# {{{{ brief.title }}}}\n\n{line}\n")
    (project / "templates" / "passwd.md").symlink_to("/etc/passwd")
    with pytest.raises(BriefError) as caught:
        render_markdown(compose(checked.brief), project=project)
    (d,) = caught.value.diagnostics
    assert (d.code, Path(d.where.file), d.where.line) == (
        "BG504", project / "templates" / "brief.md", 3)
    assert "outside the template folders" in d.message


def test_a_missing_include_is_bg503_at_the_including_line(checked: pipeline.Checked,
                                                          tmp_path: Path) -> None:
    project = _project(tmp_path, "brief.md", "# title\n{% include 'nosuch.md' %}\n")
    with pytest.raises(BriefError) as caught:
        render_markdown(compose(checked.brief), project=project)
    (d,) = caught.value.diagnostics
    assert (d.code, Path(d.where.file), d.where.line) == (
        "BG503", project / "templates" / "brief.md", 2)
    assert "'nosuch.md'" in d.message


@pytest.mark.parametrize("text", [
    "{% macro down(n) %}\n{{ down(n + 1) }}\n{% endmacro %}\n{{ down(1) }}\n",
    "a\n{% include 'brief.md' %}\n",
])
def test_endless_template_recursion_is_bg505_at_its_line(checked: pipeline.Checked,
                                                         tmp_path: Path, text: str) -> None:
    project = _project(tmp_path, "brief.md", text)
    with pytest.raises(BriefError) as caught:
        render_markdown(compose(checked.brief), project=project)
    (d,) = caught.value.diagnostics
    assert (d.code, Path(d.where.file), d.where.line) == (
        "BG505", project / "templates" / "brief.md", 2)


@pytest.mark.parametrize(("fmt", "text", "expected"), [
    ("md", "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}{{ down(1) }}",
     "templates/brief.md:1: error BG505: templates nest too deeply"),
    ("html", "<p>\n{% include '../../etc/passwd' %}\n",
     "templates/brief.html:2: error BG504: template '../../etc/passwd' is outside"),
])
def test_cli_reports_template_escapes_and_recursion_without_traceback(
        tmp_path: Path, fmt: str, text: str, expected: str) -> None:
    shutil.copytree(SHEET.parent, tmp_path / "seeds" / SLUG)
    _project(tmp_path, f"brief.{fmt}", text)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", "--format", fmt],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(expected), result.stderr
    assert not (tmp_path / "out").exists()

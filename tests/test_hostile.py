"""Hostile text stays inert: the example with script tags, javascript: links, template
syntax, images, a 300-character word and bidi overrides in its text fields, and a PDF
stage that fetches nothing (no network, no file outside the bundled assets).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from markdown_it import MarkdownIt

from briefgen import pipeline
from briefgen.errors import BriefError
from briefgen.pipeline.options import BuildOptions
from briefgen.render.fetcher import fetcher_class

SLUG = "helsinki-summit-2018"
RLO = "\u202e"
LONG_WORD = "Wx" * 150  # 300 characters, no break opportunity
SCRIPT = "<script>alert(1)</script> meet {{ 7*7 }}"
LINKS = "[click](javascript:alert(1)) and ![x](file:///etc/passwd) <img src=http://127.0.0.1:9/x>"
EDITS = {
    # key fact F1: markup and template syntax
    'text: "Trump and Putin are to meet in Helsinki, Finland, on 16 July."':
        f'text: "{SCRIPT}"',
    # key fact F2: one unbreakable 300-character word
    'text: "In April the US intensified economic, trade and financial sanctions on Russia."':
        f'text: "Longword {LONG_WORD}"',
    # position P1: Markdown links to javascript: and file:, an image, raw HTML
    'summary: "Hopes the summit allows a frank conversation on all issues troubling relations."':
        f'summary: "{LINKS}"',
    # obstacle O2: a right-to-left override inside a word
    'issue: "Alleged interference in the 2016 US elections"': f'issue: "Abc{RLO}def ghi"',
    # subtitle: template statements
    'subtitle: "One-page briefing from two press articles"':
        "subtitle: \"{% include '/etc/passwd' %} {{ brief }}\"",
    # bottom line (a folded scalar): breaking out of an attribute (it lands in <meta content>)
    "Trump and Putin hold their first official summit since 2009":
        'Trump and Putin hold their first official summit " onmouseover="alert(1) since 2009',
}


def hostile(sheet: Path) -> Path:
    text = sheet.read_text(encoding="utf-8")
    for old, new in EDITS.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    sheet.write_text(text, encoding="utf-8")
    return sheet


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text outside <style>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self._in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.texts.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.texts).split())


def pdftotext(data: bytes, tmp: Path, *extra: str) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is missing on CI")
        pytest.skip("pdftotext (poppler-utils) is not installed: PDF text check SKIPPED")
    path = tmp / "hostile.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, "-enc", "UTF-8", *extra, str(path), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object]]:
    """Any connection or name lookup is recorded and refused."""
    attempts: list[tuple[str, object]] = []

    def refuse(kind: str):  # type: ignore[no-untyped-def]
        def blocked(*args: object, **kwargs: object) -> object:
            attempts.append((kind, args[1:] if kind.startswith("socket.") else args))
            raise OSError(f"network access in a test: {kind}")
        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return attempts


def test_the_network_guard_sees_an_attempt(no_network: list[tuple[str, object]]) -> None:
    """Canary: a real connection attempt is caught, so an empty list below means none."""
    with pytest.raises(OSError, match="network access in a test"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    assert no_network


@pytest.fixture
def made(example_copy: Path, no_network: list[tuple[str, object]]) -> pipeline.Built:
    built = pipeline.make(hostile(example_copy), BuildOptions(strict=False))
    assert no_network == []
    return built


def test_hostile_sheet_is_still_valid(example_copy: Path) -> None:
    checked = pipeline.check(hostile(example_copy))
    assert all(d.severity == "warning" for d in checked.warnings)


def test_html_has_no_active_content(made: pipeline.Built) -> None:
    pages = [name for name in made.files if name.endswith(".html")]
    assert f"{SLUG}.html" in pages
    for name in pages:  # the briefing and the site's sources page beside it
        html = made.files[name].decode()
        tags = Tags(html).tags
        assert "<script" not in html.lower(), name
        assert not {"script", "img", "iframe", "object", "embed"} & {t for t, _ in tags}, name
        for tag, attrs in tags:
            assert not [a for a in attrs if a.startswith("on")], (name, tag, attrs)
            for attr in ("href", "src", "action", "formaction"):
                value = (attrs.get(attr) or "").strip().lower()
                assert not value.startswith(("javascript:", "file:", "data:", "vbscript:")), attrs
        assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE)
    # the text is shown, not interpreted
    page = Tags(made.files[f"{SLUG}.html"].decode())
    assert SCRIPT in page.text
    assert "[click](javascript:alert(1))" in page.text
    assert "<img src=http://127.0.0.1:9/x>" in page.text
    description = next(a for t, a in page.tags if t == "meta" and a.get("name") == "description")
    # printed text has typographic quotes (issue 20): the attack stays text either way
    assert "summit “ onmouseover=”alert(1) since" in (description["content"] or "")


def test_data_is_never_evaluated_as_a_template(made: pipeline.Built) -> None:
    for name in (f"{SLUG}.html", f"{SLUG}.md"):
        text = made.files[name].decode()
        assert "{{ 7*7 }}" in text, name
        assert "49" not in text, name
        assert "{% include ‘/etc/passwd’ %}" in text, name  # quotes typographic, as printed
        assert "root:x:0:0" not in text, name


def test_bidi_override_in_a_fact_is_shown_not_obeyed(made: pipeline.Built, tmp_path: Path) -> None:
    html = made.files[f"{SLUG}.html"].decode()
    md = made.files[f"{SLUG}.md"].decode()
    assert RLO not in html
    assert RLO not in md
    assert "Abc[U+202E]def ghi" in Tags(html).text
    assert "Abc[U+202E]def ghi" in md
    assert "Abc[U+202E]def ghi" in " ".join(pdftotext(made.files[f"{SLUG}.pdf"], tmp_path).split())


def test_markdown_escapes_raw_html(made: pipeline.Built) -> None:
    md = made.files[f"{SLUG}.md"].decode()
    assert not re.search(r"(?<!\\)<script", md)
    assert not re.search(r"(?<!\\)<img", md)
    tokens = MarkdownIt("commonmark").parse(md)
    inline = [c for t in tokens for c in (t.children or [])]
    assert not [t for t in [*tokens, *inline] if t.type in ("html_inline", "html_block")]


def test_markdown_has_no_images_or_unsafe_links(made: pipeline.Built) -> None:
    """What any Markdown renderer would make of the file (links not pre-filtered)."""
    parser = MarkdownIt("commonmark")
    parser.validateLink = lambda url: True  # see what a permissive renderer would link
    md = made.files[f"{SLUG}.md"].decode()
    inline = [c for t in parser.parse(md) for c in (t.children or [])]
    assert [t.attrs.get("src") for t in inline if t.type == "image"] == []
    hrefs = [str(t.attrs.get("href")) for t in inline if t.type == "link_open"]
    # besides the sheet's own web links, only the citations' own: the sources page paragraph
    cites = re.compile(r"sources\.html#[A-Za-z][\w-]*-p\d+|sources\.html#[A-Za-z][\w-]*")
    assert [h for h in hrefs if not h.startswith(("http://", "https://", "mailto:"))
            and not cites.fullmatch(h)] == []


def test_long_word_keeps_one_page_inside_the_margins(made: pipeline.Built, tmp_path: Path) -> None:
    assert len(pypdf.PdfReader(io.BytesIO(made.files[f"{SLUG}.pdf"])).pages) == 1
    text = " ".join(pdftotext(made.files[f"{SLUG}.pdf"], tmp_path).split())
    assert "Longword WxWxWxWxWxWx" in text
    assert text.replace(" ", "").count(LONG_WORD) == 1  # all of it, wrapped, none lost
    bbox = pdftotext(made.files[f"{SLUG}.pdf"], tmp_path, "-bbox")
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))  # type: ignore[union-attr]
    edge = 8 * 72 / 25.4
    boxes = r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    for x_min, x_max, word in re.findall(boxes, bbox):
        assert float(x_min) >= edge, word
        assert float(x_max) <= width - edge, word


# --- bidi controls outside the inline-Markdown fields ---------------------------------------

BIDI_FIELDS = {
    "key fact": ('text: "A delegation of Republican senators visited Russia before the summit."',
                 f'text: "Senators {RLO}visited Russia"', "Senators [U+202E]visited Russia"),
    "gap": ('- "The publisher of [S1] is unknown and both sources are undated."',
            f'- "Gap {RLO}reversed text"', "Gap [U+202E]reversed text"),
    "source title": ('title: "Russia-US summit: can disagreements be resolved?"',
                     f'title: "Summit {RLO}reversed title"', "Summit [U+202E]reversed title"),
    "actor name": ("name: Jens Stoltenberg", f'name: "Jens {RLO}Stoltenberg"',
                   "Jens [U+202E]Stoltenberg"),
}


@pytest.mark.parametrize("field", [
    "key fact",
    "gap",
    "source title",
    "actor name",
])
def test_bidi_override_is_shown_in_every_field(field: str, example_copy: Path,
                                               tmp_path: Path) -> None:
    old, new, shown = BIDI_FIELDS[field]
    text = example_copy.read_text(encoding="utf-8")
    assert old in text
    example_copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    made = pipeline.make(example_copy, BuildOptions(strict=False))
    md = made.files[f"{SLUG}.md"].decode()
    html = made.files[f"{SLUG}.html"].decode()
    assert RLO not in md
    assert shown in " ".join(md.split())
    assert RLO not in html, "raw U+202E in the HTML"
    assert shown in Tags(html).text
    # in the PDF's narrow actor column a long name wraps, even inside a word
    printed = "".join(pdftotext(made.files[f"{SLUG}.pdf"], tmp_path).split())
    assert "".join(shown.split()) in printed


# --- no network, even when a template asks for it -------------------------------------------

def test_template_that_points_outside_fetches_nothing(
        tmp_path: Path, no_network: list[tuple[str, object]]) -> None:
    sheet = Path(__file__).resolve().parent.parent / "seeds" / SLUG / "facts.yaml"
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "brief.html").write_text(
        '{% extends "builtin/brief.html" %}{% block legend %}'
        '<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd">'
        '<link rel="stylesheet" href="https://127.0.0.1:9/x.css">'
        '<p style="background: url(http://127.0.0.1:9/bg.png)">legend</p>{% endblock %}',
        encoding="utf-8")
    made = pipeline.make(sheet, BuildOptions(project=tmp_path, strict=False))
    assert no_network == []
    refused = [d.message for d in made.warnings if d.code == "BG320"]
    assert len(refused) == 4, refused
    assert all("refused" in m for m in refused)
    with pytest.raises(BriefError) as caught:  # under --strict the refusals fail the build
        pipeline.make(sheet, BuildOptions(project=tmp_path, strict=True))
    assert {d.code for d in caught.value.diagnostics} == {"BG320"}
    assert no_network == []


# --- the asset fetcher itself --------------------------------------------------------------

@pytest.fixture
def assets(tmp_path: Path) -> Path:
    root = tmp_path / "assets"
    (root / "fonts").mkdir(parents=True)
    (root / "fonts" / "ok.css").write_text("p { color: black }", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    (root / "inner-link.css").symlink_to(root / "fonts" / "ok.css")
    return root


def fetcher(root: Path):  # type: ignore[no-untyped-def]
    return fetcher_class()((root,))


def test_fetcher_serves_bundled_files(assets: Path) -> None:
    response = fetcher(assets).fetch((assets / "fonts" / "ok.css").as_uri())
    assert response.read() == b"p { color: black }"
    assert response.content_type == "text/css"
    inner = fetcher(assets).fetch((assets / "inner-link.css").as_uri())  # a symlink that stays
    assert inner.read() == b"p { color: black }"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/x.css",
    "https://example.org/font.ttf",
    "ftp://example.org/x",
    "file:///etc/passwd",
    "file://otherhost/etc/passwd",
])
def test_fetcher_refuses_the_outside(assets: Path, url: str,
                                     no_network: list[tuple[str, object]]) -> None:
    with pytest.raises(ValueError, match="refused"):
        fetcher(assets).fetch(url)
    assert no_network == []


def test_fetcher_refuses_dot_dot(assets: Path) -> None:
    for url in (assets.as_uri() + "/../secret.txt", assets.as_uri() + "/fonts/../../secret.txt",
                assets.as_uri() + "/%2e%2e/secret.txt"):
        with pytest.raises(ValueError, match="refused"):
            fetcher(assets).fetch(url)


def test_fetcher_refuses_a_symlink_pointing_outside(assets: Path) -> None:
    with pytest.raises(ValueError, match="refused"):
        fetcher(assets).fetch((assets / "link.txt").as_uri())


def test_fetcher_refuses_folders(assets: Path) -> None:
    with pytest.raises(ValueError, match="refused"):
        fetcher(assets).fetch(assets.as_uri() + "/fonts")

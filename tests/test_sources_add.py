"""`briefgen sources add`: files and URLs become stored, hashed sources (issue 12).

Every test runs the real CLI; URLs are served by a local server on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ingest_helpers import (
    ARTICLE,
    BLANK_HTML,
    HUGE_TOTAL,
    REPORT_HTML,
    ROOT,
    Site,
    pdf_of,
    run,
    serving,
)

TODAY = "2026-11-29"


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    pages = {
        "/news/helsinki.html": (200, "text/html; charset=utf-8", ARTICLE),
        "/report.pdf": (200, "application/pdf", pdf_of(REPORT_HTML)),
        "/scan.pdf": (200, "application/pdf", pdf_of(BLANK_HTML)),
        "/notes.txt": (200, "text/plain; charset=utf-8", b"Talks resumed on Tuesday.\n"),
        "/photo.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
        "/broken.html": (500, "text/html", b"<h1>Internal error</h1>"),
    }
    with serving(Site(pages)) as served:
        yield served


def _entries(sheet: Path) -> str:
    """The sheet's text after the example's two sources, up to the next section."""
    text = sheet.read_text(encoding="utf-8")
    start = text.index("  - id: S3")
    return text[start : text.index("\nbottom_line:", start)]


def test_add_html_url_stores_the_article_text_and_its_metadata(
    example_copy: Path, site: Site, tmp_path: Path
) -> None:
    url = f"{site.url}/news/helsinki.html"
    before = example_copy.read_text(encoding="utf-8")
    result = run("sources", "add", str(example_copy.parent), url, "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "S3  sources/leaders-meet-in-helsinki.txt\n"
    folder = example_copy.parent
    text = (folder / "sources" / "leaders-meet-in-helsinki.txt").read_text(encoding="utf-8")
    assert text == (
        "Leaders meet in Helsinki\n\n"
        "The two presidents met for two hours in the Finnish capital on Monday, aides said.\n\n"
        '"We had a direct and open dialogue," one of them told reporters after the meeting.\n\n'
        "Officials said a further meeting could follow later in the year, but no date was set.\n"
    )
    for residue in ("Related News", "Markets fall", "World news", "Photo:", "Copyright"):
        assert residue not in text
    original = folder / "sources" / "original" / "leaders-meet-in-helsinki.html"
    assert original.read_bytes() == ARTICLE
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert _entries(example_copy) == (
        "  - id: S3\n"
        '    title: "Leaders meet in Helsinki"\n'
        '    publisher: "The Daily Example"\n'
        '    author: "Jane Reporter"\n'
        '    published: "2018-07-16"\n'
        f'    accessed: "{TODAY}"\n'
        "    type: news-article\n"
        f'    url: "{url}"\n'
        '    file: "sources/leaders-meet-in-helsinki.txt"\n'
        f"    sha256: {digest}\n"
        "    # original: sources/original/leaders-meet-in-helsinki.html\n"
    )
    after = example_copy.read_text(encoding="utf-8")
    assert after.replace(_entries(example_copy), "") == before  # comments and layout kept
    checked = run("check", str(example_copy), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "warning BG404: source S3 is never cited" in checked.stderr
    assert "BG2" not in checked.stderr  # no schema error about the new entry


def test_add_pdf_url_stores_its_text_title_and_author(
    example_copy: Path, site: Site, tmp_path: Path
) -> None:
    result = run("sources", "add", str(example_copy), f"{site.url}/report.pdf",
                 "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "S3  sources/annual-arms-control-report.txt (unknown: publisher, published)\n"
    )
    folder = example_copy.parent / "sources"
    text = (folder / "annual-arms-control-report.txt").read_text(encoding="utf-8")
    assert "The treaty expires in February 2021 unless both parties agree to extend it." in text
    original = folder / "original" / "annual-arms-control-report.pdf"
    assert original.read_bytes().startswith(b"%PDF")
    entry = _entries(example_copy)
    assert '    title: "Annual arms control report"\n' in entry
    assert '    author: "Policy Institute"\n' in entry
    assert '    publisher: "unknown"\n' in entry
    assert '    published: "unknown"\n' in entry
    assert "    type: other\n" in entry
    assert run("check", str(example_copy), cwd=tmp_path).returncode == 0


def test_add_local_text_html_and_pdf_files_in_one_go(example_copy: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notes.txt").write_bytes(b"Talks resumed on Tuesday\r\nin Vienna.\r\n")
    (inbox / "page.htm").write_bytes(ARTICLE)
    (inbox / "report.pdf").write_bytes(pdf_of(REPORT_HTML))
    result = run("sources", "add", str(example_copy), *(str(inbox / n) for n in
                 ("notes.txt", "page.htm", "report.pdf")), "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["S3", "S4", "S5"]
    folder = example_copy.parent / "sources"
    assert (folder / "notes.txt").read_bytes() == b"Talks resumed on Tuesday\nin Vienna.\n"
    assert (folder / "original" / "notes.txt").read_bytes() == (inbox / "notes.txt").read_bytes()
    entries = _entries(example_copy)
    assert "url:" not in entries  # files have no URL
    assert entries.count(f'accessed: "{TODAY}"') == 3
    assert run("check", str(example_copy), cwd=tmp_path).returncode == 0


def test_add_never_overwrites_a_different_stored_file(example_copy: Path, tmp_path: Path) -> None:
    stored = example_copy.parent / "sources" / "notes.txt"
    stored.write_text("Someone else's notes.\n", encoding="utf-8")
    source = tmp_path / "notes.txt"
    source.write_text("Talks resumed on Tuesday in Vienna.\n", encoding="utf-8")
    result = run("sources", "add", str(example_copy), str(source), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("S3  sources/notes-2.txt")
    assert stored.read_text(encoding="utf-8") == "Someone else's notes.\n"


def test_add_refuses_a_text_already_stored(example_copy: Path, tmp_path: Path) -> None:
    first = next((example_copy.parent / "sources").glob("*.txt"))
    copy = tmp_path / "again.txt"
    shutil.copyfile(first, copy)
    before = example_copy.read_bytes()
    result = run("sources", "add", str(example_copy), str(copy), cwd=tmp_path)
    assert result.returncode == 2
    assert "error BG832: the same text is already stored as S" in result.stderr
    assert example_copy.read_bytes() == before


@pytest.mark.parametrize(
    ("path", "code", "message", "status"),
    [
        ("/missing.html", "BG821", "the server answered 404 Not Found", 3),
        ("/broken.html", "BG821", "the server answered 500 Internal Server Error", 3),
        ("/photo.png", "BG823", "the server sent image/png, not HTML, PDF or plain text", 2),
        ("/scan.pdf", "BG826", "the PDF has no text layer (a scan or images only)", 2),
        ("/loop", "BG825", "more than 5 redirects", 3),
        ("/gzip.html", "BG823", "the server sent gzip-compressed data", 2),
        ("/truncated.html", "BG822", "the download stopped after 6 of 1000 bytes", 3),
        ("/redirect-ftp", "BG820", "'ftp://127.0.0.1/file.txt' is not an http or https", 2),
    ],
)
def test_add_refuses_what_it_cannot_use_and_changes_nothing(
    example_copy: Path, site: Site, tmp_path: Path, path: str, code: str, message: str,
    status: int,
) -> None:
    before = example_copy.read_bytes()
    files = sorted(p.name for p in example_copy.parent.rglob("*"))
    # a good document first: nothing is stored unless every document can be
    result = run("sources", "add", str(example_copy), f"{site.url}/notes.txt",
                 f"{site.url}{path}", cwd=tmp_path)
    assert result.returncode == status, result.stderr
    assert f"{site.url}{path}: error {code}: {message}" in result.stderr
    assert "hint:" in result.stderr
    assert "Traceback" not in result.stderr
    assert example_copy.read_bytes() == before
    assert sorted(p.name for p in example_copy.parent.rglob("*")) == files


def test_add_stops_reading_an_oversized_download(
    example_copy: Path, site: Site, tmp_path: Path
) -> None:
    url = f"{site.url}/huge.html"
    result = run("sources", "add", str(example_copy), url, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"{url}: error BG824: the document is larger than 10 MiB" in result.stderr
    assert site.sent[url.removeprefix(site.url)] < HUGE_TOTAL // 2  # the client hung up early


def test_add_refuses_a_declared_length_over_the_bound_before_reading(
    example_copy: Path, site: Site, tmp_path: Path
) -> None:
    url = f"{site.url}/declared-huge.pdf"  # says 20 MiB, then sends nothing: no read waits
    result = run("sources", "add", str(example_copy), url, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"{url}: error BG824: the document is larger than 10 MiB" in result.stderr


@pytest.mark.parametrize(
    ("argument", "code", "message"),
    [
        ("ftp://example.org/a.txt", "BG820", "is not an http or https address"),
        ("file:///etc/passwd", "BG820", "is not an http or https address"),
        ("http://[::1", "BG820", "is not an http or https address"),
        ("/dev/zero", "BG833", "not a regular file"),
        ("missing.txt", "BG833", "cannot read the file"),
    ],
)
def test_add_refuses_bad_arguments(
    example_copy: Path, tmp_path: Path, argument: str, code: str, message: str
) -> None:
    result = run("sources", "add", str(example_copy), argument, cwd=tmp_path)
    assert result.returncode in (2, 3), result.stderr
    assert f"error {code}: " in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_add_refuses_a_file_of_unknown_kind(example_copy: Path, tmp_path: Path) -> None:
    data = tmp_path / "data.bin"
    data.write_bytes(b"\x00\x01binary")
    result = run("sources", "add", str(example_copy), str(data), cwd=tmp_path)
    assert result.returncode == 2
    assert "error BG823: not a web page, PDF or text file" in result.stderr


def test_add_refuses_an_oversized_local_file_without_reading_it_whole(
    example_copy: Path, tmp_path: Path
) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(4 << 30)  # sparse
    result = run("sources", "add", str(example_copy), str(huge), cwd=tmp_path)
    assert result.returncode == 2
    assert "error BG824: the file is larger than 10 MiB" in result.stderr


GUARD = '''\
import socket

_connect, _connect_ex, _getaddrinfo = (
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo)


def _refuse(what):
    with open({log!r}, "a", encoding="utf-8") as handle:
        handle.write(f"{{what}}\\n")
    raise OSError("this test forbids network use")


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse(f"connect {{address}}")
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse(f"connect_ex {{address}}")
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    _refuse(f"getaddrinfo {{host}}")


socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = (
    connect, connect_ex, getaddrinfo)
'''


def test_check_and_build_never_open_a_network_connection(
    example_copy: Path, site: Site, tmp_path: Path
) -> None:
    added = run("sources", "add", str(example_copy), f"{site.url}/news/helsinki.html",
                cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert "url: " in example_copy.read_text(encoding="utf-8")
    guard, log = tmp_path / "guard", tmp_path / "network.log"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD.format(log=str(log)), encoding="utf-8")
    # the guard works: sources add, the one command that fetches, is stopped by it
    fetched = run("sources", "add", str(example_copy), f"{site.url}/notes.txt", cwd=tmp_path,
                  extra_path=str(guard))
    assert "error BG822: cannot download" in fetched.stderr
    assert log.read_text(encoding="utf-8").startswith(("connect", "getaddrinfo"))
    log.unlink()
    checked = run("check", str(example_copy), cwd=tmp_path, extra_path=str(guard))
    assert checked.returncode == 0, checked.stderr
    built = run("build", str(example_copy), "--out", str(tmp_path / "out"), "--force",
                cwd=tmp_path, extra_path=str(guard))
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out" / "helsinki-summit-2018" / "helsinki-summit-2018.pdf").exists()
    assert not log.exists(), log.read_text(encoding="utf-8")


def test_without_the_ingest_extra_it_says_which_pip_install(
    example_copy: Path, tmp_path: Path
) -> None:
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text(
        "import sys\nsys.modules['trafilatura'] = sys.modules['pdfminer'] = None\n",
        encoding="utf-8",
    )
    page, pdf, text = tmp_path / "page.html", tmp_path / "r.pdf", tmp_path / "notes.txt"
    page.write_bytes(ARTICLE)
    pdf.write_bytes(pdf_of(REPORT_HTML))
    text.write_text("Talks resumed on Tuesday in Vienna.\n", encoding="utf-8")
    for document, module in ((page, "trafilatura"), (pdf, "pdfminer.six")):
        result = run("sources", "add", str(example_copy), str(document), cwd=tmp_path,
                     extra_path=str(hide))
        assert result.returncode == 2, result.stderr
        assert f"error BG829: reading this document needs {module}" in result.stderr
        assert "install the ingest extra: pip install 'briefgen[ingest]'" in result.stderr
    plain = run("sources", "add", str(example_copy), str(text), cwd=tmp_path,
                extra_path=str(hide))
    assert plain.returncode == 0, plain.stderr  # text needs no extra


def test_check_and_help_do_not_load_the_ingest_libraries(
    example_copy: Path, tmp_path: Path
) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('LOADED', sorted(m for m in ('trafilatura', 'lxml', "
        "'pdfminer', 'briefgen.authoring.fetch', 'briefgen.authoring.ingest') "
        "if m in sys.modules), "
        "file=sys.stderr))\n"
        "from briefgen.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    for argv in (["--help"], ["check", str(example_copy)], ["sources", "add", "--help"]):
        result = subprocess.run([sys.executable, "-c", probe, *argv], cwd=tmp_path,
                                env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                                capture_output=True, text=True, timeout=120, check=False)
        assert "LOADED []" in result.stderr, (argv, result.stderr)


def test_add_a_text_url_in_its_declared_charset(tmp_path: Path, example_copy: Path) -> None:
    pages = {"/latin.txt": (200, "text/plain; charset=iso-8859-1", b"Caf\xe9 talks ended.\r\n")}
    with serving(Site(pages)) as served:
        result = run("sources", "add", str(example_copy), f"{served.url}/latin.txt",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    stored = example_copy.parent / "sources" / "cafe-talks-ended.txt"
    assert stored.read_bytes() == "Café talks ended.\n".encode()
    assert f'url: "{served.url}/latin.txt"' in _entries(example_copy)


@pytest.mark.parametrize(
    ("name", "body", "code", "message"),
    [
        ("empty.txt", b"\n\n", "BG826", "the file is empty"),
        ("long.txt", b"word " * (600 * 1024), "BG831", "the extracted text is larger than 2 MiB"),
        ("menu.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "BG826",
         "no article text found in the page"),
        ("links.html", b"<html><body><header><a href='/'>Home</a> <a href='/w'>World</a></header>"
         b"<div class='related'><h2>Related News</h2><ul><li><a href='/x'>Markets fall on "
         b"trade fears today</a></li></ul></div></body></html>", "BG826",
         "no article text found in the page"),
        ("torn.pdf", b"%PDF-1.7\n1 0 obj\n<<", "BG828", "cannot read the PDF"),
    ],
)
def test_add_refuses_unusable_files(
    example_copy: Path, tmp_path: Path, name: str, body: bytes, code: str, message: str
) -> None:
    (tmp_path / name).write_bytes(body)
    before = example_copy.read_bytes()
    result = run("sources", "add", str(example_copy), str(tmp_path / name), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"{tmp_path / name}: error {code}: {message}" in result.stderr
    assert "Traceback" not in result.stderr
    assert example_copy.read_bytes() == before


def test_add_refuses_a_sheet_whose_sources_are_not_a_block_list(tmp_path: Path) -> None:
    sheet = tmp_path / "facts.yaml"
    sheet.write_text('sources: [{id: S1, url: "https://example.org/"}]\n', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("Talks resumed.\n", encoding="utf-8")
    result = run("sources", "add", str(sheet), "notes.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert "error BG830: the sheet has no block list of sources" in result.stderr
    assert not (tmp_path / "sources").exists()


def test_add_refuses_a_bad_date(example_copy: Path, tmp_path: Path) -> None:
    result = run("sources", "add", str(example_copy), "x.txt", "--today", "2026-02-30",
                 cwd=tmp_path)
    assert result.returncode == 2
    assert "'2026-02-30' is not a date YYYY-MM-DD" in result.stderr


def test_the_test_extra_installs_the_ingest_extra() -> None:
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"]
    assert extras["ingest"]
    assert set(extras["ingest"]) <= set(extras["test"])


def test_add_does_not_read_or_replace_odd_files_in_the_way(
    example_copy: Path, tmp_path: Path
) -> None:
    import os

    folder = example_copy.parent / "sources"
    os.mkfifo(folder / "notes.txt")  # would hang a plain read
    (folder / "notes-2.txt").symlink_to(tmp_path / "nowhere.txt")  # dangling
    source = tmp_path / "notes.txt"
    source.write_text("Talks resumed on Tuesday in Vienna.\n", encoding="utf-8")
    result = run("sources", "add", str(example_copy), str(source), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("S3  sources/notes-3.txt")
    assert not (tmp_path / "nowhere.txt").exists()


def test_add_names_a_non_latin_title_readably(example_copy: Path, tmp_path: Path) -> None:
    page = ARTICLE.replace(b"Leaders meet in Helsinki", "Встреча в Хельсинки".encode())
    pages = {"/ru.html": (200, "text/html; charset=utf-8", page)}
    with serving(Site(pages)) as served:
        result = run("sources", "add", str(example_copy), f"{served.url}/ru.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'title: "Встреча в Хельсинки"' in _entries(example_copy)
    assert result.stdout.startswith("S3  sources/ru.txt")  # no Latin letters: the URL's name


@pytest.mark.parametrize(
    ("sheet_text", "expected"),
    [
        (  # comments at column 0 before the next section stay with that section
            "sources:\n  - id: S1\n    url: \"https://example.org/\"  # kept\n\n"
            "# about the next part\nnotes: 1\n",
            "sources:\n  - id: S1\n    url: \"https://example.org/\"  # kept\n{entry}\n\n"
            "# about the next part\nnotes: 1\n",
        ),
        (  # the last section, without a final newline; items at column 0
            "sources:\n- id: S7\n  url: \"https://example.org/\"",
            "sources:\n- id: S7\n  url: \"https://example.org/\"\n{entry}",
        ),
    ],
)
def test_add_appends_after_the_last_source_and_keeps_the_rest(
    tmp_path: Path, sheet_text: str, expected: str
) -> None:
    sheet = tmp_path / "facts.yaml"
    sheet.write_text(sheet_text, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("Talks resumed.\n", encoding="utf-8")
    result = run("sources", "add", str(sheet), "notes.txt", "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = sheet.read_text(encoding="utf-8")
    ident = "S2" if "S1" in sheet_text else "S8"
    indent = "  " if "  - id" in sheet_text else ""
    digest = hashlib.sha256(b"Talks resumed.\n").hexdigest()
    entry = "".join(f"{indent}{line}\n" for line in [
        f"- id: {ident}", '  title: "Talks resumed."', '  publisher: "unknown"',
        '  published: "unknown"', f'  accessed: "{TODAY}"', "  type: other",
        '  file: "sources/notes.txt"', f"  sha256: {digest}",
        "  # original: sources/original/notes.txt"]).rstrip("\n")
    assert text == expected.format(entry=entry) + ("\n" if expected.endswith("}") else "")


UNDATED = b"""<!doctype html><html><head><title>Talks end without a deal</title>{head}</head>
<body><article><h1>Talks end without a deal</h1>
<p>Negotiators left Geneva on Friday after three days of talks that produced no agreement
on the main issues.</p>
<p>Both sides said they would meet again in the spring, according to a joint statement
released late in the evening.</p></article>
<footer>Updated 2020-01-05</footer></body></html>"""
JSON_LD = b"""<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
{"@type": "NewsArticle", "datePublished": "2019-03-12T20:00:00+01:00",
 "publisher": {"@type": "Organization", "name": "Geneva Times"}}]}</script>"""


@pytest.mark.parametrize(
    ("head", "publisher", "published"),
    [
        (b"", "unknown", "unknown"),  # not the URL's date, the footer's, nor the host name
        (JSON_LD, "Geneva Times", "2019-03-12"),
        (b'<meta name="citation_publication_date" content="2019/03">', "unknown", "2019-03"),
    ],
)
def test_add_takes_only_the_metadata_a_page_declares(
    example_copy: Path, tmp_path: Path, head: bytes, publisher: str, published: str
) -> None:
    pages = {"/2018/07/16/talks.html": (200, "text/html", UNDATED.replace(b"{head}", head))}
    with serving(Site(pages)) as served:
        result = run("sources", "add", str(example_copy), f"{served.url}/2018/07/16/talks.html",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    entry = _entries(example_copy)
    assert f'    publisher: "{publisher}"\n' in entry
    assert f'    published: "{published}"\n' in entry

"""`briefgen new` takes what `sources add` takes, or nothing: issue 18.

A document given to `new` (text, saved page, PDF, URL) must be stored exactly as `sources
add` stores it afterwards: the same text, title, entry (type, `accessed`, sha256) and
original, so both runs are compared file by file, byte by byte. A sheet started without a
source says how to add one, and `sources add` fills its `sources: []`. A document that
cannot be used leaves nothing behind: no seeds/<slug>/, no seeds/ made for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.sheet.edit import append_sources
from briefgen.sheet.load import load_bytes
from tests.ingest_helpers import ARTICLE, BLANK_HTML, REPORT_HTML, Site, pdf_of, run, serving

TODAY = "2026-12-01"
NOTES = "Talks in Geneva\n\nThe two delegations met on Monday in the Palais des Nations.\n"


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    pages = {"/news/helsinki.html": (200, "text/html; charset=utf-8", ARTICLE)}
    with serving(Site(pages)) as served:
        yield served


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("documents")
    (folder / "notes.txt").write_text(NOTES, encoding="utf-8")
    (folder / "page.html").write_bytes(ARTICLE)
    (folder / "report.pdf").write_bytes(pdf_of(REPORT_HTML))
    (folder / "scan.pdf").write_bytes(pdf_of(BLANK_HTML))
    (folder / "junk.html").write_bytes(bytes(range(256)) * 64)
    return folder


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under FOLDER, by its relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _project(tmp_path: Path, name: str) -> Path:
    project = tmp_path / name
    project.mkdir()
    (project / "briefgen.toml").write_text("", encoding="utf-8")
    return project


@pytest.mark.parametrize(
    ("document", "title"),
    [
        ("notes.txt", "Talks in Geneva"),
        ("page.html", "Leaders meet in Helsinki"),
        ("report.pdf", "Annual arms control report"),
        ("URL", "Leaders meet in Helsinki"),
    ],
)
def test_new_stores_a_document_byte_for_byte_as_sources_add_does(
    tmp_path: Path, documents: Path, site: Site, document: str, title: str
) -> None:
    given = f"{site.url}/news/helsinki.html" if document == "URL" else str(documents / document)
    first, second = _project(tmp_path, "first"), _project(tmp_path, "second")
    made = run("new", "talks", "--source", given, "--today", TODAY, cwd=first)
    assert made.returncode == 0, made.stderr
    assert run("new", "talks", cwd=second).returncode == 0
    added = run("sources", "add", "seeds/talks", given, "--today", TODAY, cwd=second)
    assert added.returncode == 0, added.stderr

    stored = _tree(first / "seeds" / "talks")
    assert stored == _tree(second / "seeds" / "talks")
    sheet = stored["facts.yaml"].decode("utf-8")
    assert f'  - id: S1\n    title: "{title}"\n' in sheet
    assert f'    accessed: "{TODAY}"\n' in sheet
    assert "\n    type: " in sheet
    originals = [name for name in stored if name.startswith("sources/original/")]
    assert len(originals) == 1
    if document != "URL":
        assert stored[originals[0]] == (documents / document).read_bytes()
    texts = [text for name, text in stored.items() if name.count("/") == 1]
    assert len(texts) == 1
    assert b"<" not in texts[0]  # the article's text, never its markup
    assert run("check", "seeds/talks", cwd=first).stderr.count("BG403") == 0  # S1 exists


def test_new_without_a_source_says_how_to_add_one_and_sources_add_fills_it(
    tmp_path: Path, documents: Path
) -> None:
    project = _project(tmp_path, "project")
    made = run("new", "talks", cwd=project)
    assert made.returncode == 0, made.stderr
    assert "1. briefgen sources add seeds/talks FILE-OR-URL" in made.stderr
    assert sorted(_tree(project / "seeds")) == ["talks/facts.yaml"]

    checked = run("check", "seeds/talks", cwd=project)
    assert checked.returncode == 1
    assert (
        "seeds/talks/facts.yaml:16:10: error BG207: sources needs at least 1 item\n"
        "    hint: store one: briefgen sources add seeds/talks FILE-OR-URL "
        "(a text file, web page or PDF)\n"
    ) in checked.stderr
    assert "Traceback" not in checked.stderr
    cited = run("cite", "seeds/talks", "delegations met", cwd=project)
    assert cited.returncode == 1
    assert "hint: store one: briefgen sources add seeds/talks FILE-OR-URL" in cited.stderr

    notes = str(documents / "notes.txt")
    added = run("sources", "add", "seeds/talks", notes, "--today", TODAY, cwd=project)
    assert added.returncode == 0, added.stderr
    assert added.stdout == "S1  sources/notes.txt (unknown: publisher, published)\n"
    sheet = (project / "seeds" / "talks" / "facts.yaml").read_text(encoding="utf-8")
    assert "\nsources:                     # add each: briefgen sources add seeds/talks" in sheet
    assert "\n  - id: S1\n    title: \"Talks in Geneva\"\n" in sheet
    again = run("check", "seeds/talks", cwd=project)
    assert "BG207" not in again.stderr, again.stderr
    assert "BG403" not in again.stderr, again.stderr
    cited = run("cite", "seeds/talks", "delegations met on Monday", cwd=project)
    assert cited.returncode == 0, cited.stderr


@pytest.mark.parametrize(
    ("document", "code", "message"),
    [
        ("URL", "BG821", "the server answered 404"),
        ("scan.pdf", "BG826", "the PDF has no text layer"),
        ("junk.html", "BG827", "cannot tell the text's character encoding"),
        ("notes.txt notes.txt", "BG832", "the same text is already stored as S1"),
        ("missing.txt", "BG833", "cannot read the file"),
    ],
)
def test_new_refuses_a_document_it_cannot_use_and_leaves_nothing(
    tmp_path: Path, documents: Path, site: Site, document: str, code: str, message: str
) -> None:
    project = _project(tmp_path, "project")
    sources = [
        f"{site.url}/news/gone.html" if name == "URL" else str(documents / name)
        for name in document.split()
    ]
    made = run("new", "talks", *(f"--source={source}" for source in sources), cwd=project)
    assert made.returncode in (2, 3), made.stderr
    assert f"error {code}: {message}" in made.stderr, made.stderr
    assert "Traceback" not in made.stderr
    assert made.stdout == ""
    assert sorted(path.name for path in project.iterdir()) == ["briefgen.toml"]


def test_new_refuses_a_slug_that_exists_and_leaves_it_as_it_was(
    tmp_path: Path, documents: Path
) -> None:
    project = _project(tmp_path, "project")
    assert run("new", "talks", cwd=project).returncode == 0
    before = _tree(project)
    again = run("new", "talks", "--source", str(documents / "notes.txt"), cwd=project)
    assert again.returncode == 2
    assert "error BG002: that briefing already exists" in again.stderr
    assert _tree(project) == before


def test_new_says_when_seeds_is_not_a_folder(tmp_path: Path) -> None:
    project = _project(tmp_path, "project")
    (project / "seeds").write_text("not a folder\n", encoding="utf-8")
    made = run("new", "talks", cwd=project)
    assert made.returncode == 3, made.stderr
    assert made.stderr.startswith("seeds: error BG601: cannot make the briefings' folder")
    assert (project / "seeds").read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.parametrize(
    ("line", "after"),
    [
        ("sources: []   # none yet\n", "sources:   # none yet\n"),
        ("sources: [ ]\n", "sources:\n"),
        ("sources: []\r\n", "sources:\r\n"),
    ],
)
def test_an_empty_flow_list_of_sources_becomes_a_block_list(line: str, after: str) -> None:
    end = "\r\n" if line.endswith("\r\n") else "\n"
    text = f"id: x{end}{line}{end}later: 1{end}"
    _, where = load_bytes(text.encode(), "facts.yaml")
    done = append_sources(text, where, "- id: S1\n  file: a.txt\n")
    assert done == f"id: x{end}{after}  - id: S1{end}    file: a.txt{end}{end}later: 1{end}"
    data, _ = load_bytes(done.encode(), "facts.yaml")
    assert data == {"id": "x", "sources": [{"id": "S1", "file": "a.txt"}], "later": 1}


def test_a_flow_list_with_items_is_still_refused() -> None:
    from briefgen.errors import BriefError

    text = "sources: [{id: S1}]\n"
    _, where = load_bytes(text.encode(), "facts.yaml")
    with pytest.raises(BriefError) as refused:
        append_sources(text, where, "- id: S2\n")
    assert refused.value.diagnostics[0].code == "BG830"

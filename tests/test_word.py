"""The Word (.docx) and plain-text (.txt) editions of every bundled example.

The Word document is opened with python-docx: its headings use Heading styles, the
positions table's header row is marked as one, the title, author and keywords are filled,
and LibreOffice (headless, Debian's libreoffice-writer-nogui) converts it to a PDF of one
page. Both editions rebuild byte for byte, even when the clock moves. A project's
templates/reference.docx lends its styles and page setup, not its text. The plain text
wraps at 72 columns, starts and ends with the banner and carries no markup. Golden files
(tests/cases/*/expected): the .txt, and the .docx as extracted text and structure (not
bytes) of the event and the issue example.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import docx
import pypdf
import pytest
from docx.oxml.ns import qn
from docx.shared import RGBColor

from briefgen import pipeline
from briefgen.compose.compose import Edition, compose
from briefgen.errors import BriefError
from briefgen.pipeline.options import BuildOptions
from briefgen.render.text import render_text
from briefgen.render.word import render_docx
from tests.conftest import ROOT

EXAMPLES = sorted(p.name for p in (ROOT / "seeds").iterdir() if (p / "facts.yaml").is_file())
CASES = Path(__file__).parent / "cases"
GOLDEN = {"helsinki-summit-2018": "helsinki",
          "russia-us-relations-2018": "russia-us-relations-2018"}
OPTIONS = BuildOptions(formats=("docx", "txt"))
MARKUP = ("*", "#", "|", "`", "<", ">", "__", "](")


@pytest.fixture(scope="module", params=EXAMPLES)
def built(request: pytest.FixtureRequest) -> tuple[pipeline.Checked, pipeline.Built]:
    sheet = ROOT / "seeds" / request.param / "facts.yaml"
    return pipeline.check(sheet), pipeline.make(sheet, OPTIONS)


def _document(built: pipeline.Built) -> docx.document.Document:
    return docx.Document(io.BytesIO(built.files[f"{built.slug}.docx"]))


def structure(document: docx.document.Document) -> str:
    """The document as style-tagged lines: `[Heading 2] Key facts`, a table as rows."""
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            for i, row in enumerate(block.rows):
                tag = "header row" if i == 0 and _header_row(row) else "row"
                lines.append(f"[{tag}] " + " | ".join(c.text for c in row.cells))
        else:
            lines.append(f"[{block.style.name}] {block.text}")
    return "\n".join(lines) + "\n"


def document_text(document: docx.document.Document) -> str:
    """Every paragraph and table cell of the body, in order, as one text."""
    return re.sub(r"^\[[^\]]*\] ", "", structure(document), flags=re.M).replace(" | ", " ")


def _header_row(row: docx.table._Row) -> bool:
    props = row._tr.trPr
    return props is not None and props.find(qn("w:tblHeader")) is not None


def test_headings_use_heading_styles(built: tuple[pipeline.Checked, pipeline.Built]) -> None:
    checked, made = built
    page = compose(checked.brief)
    document = _document(made)
    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith("Heading")]
    assert headings[0] == ("Heading 1", page.title)
    expected = [
        *(["Key judgments"] if page.sections.get("assessments") else []),
        *(["Key facts"] if page.sections.get("key_facts") else []),
        *(part.heading for part in page.parts),
        *(["What to watch"] if page.sections.get("watch") else []),
        "Sources",
    ]
    assert headings[1:] == [("Heading 2", h) for h in expected]


def test_every_item_and_source_is_in_the_document(
        built: tuple[pipeline.Checked, pipeline.Built]) -> None:
    checked, made = built
    page = compose(checked.brief, evidence=checked.evidence)
    text = structure(_document(made))
    assert page.bottom_line.text.split("[")[0].strip() in text
    for items in page.sections.values():
        for item in items:
            for cite in item.cites:
                assert f"{cite.shown}" in text
            assert item.text.split("*")[0].split("[")[0][:40] in text
    for source in page.sources:
        assert f"[{source.n}] " in text


def test_tables_mark_their_header_row(built: tuple[pipeline.Checked, pipeline.Built]) -> None:
    document = _document(built[1])
    assert document.tables, "every bundled example has a positions table"
    for table in document.tables:
        assert _header_row(table.rows[0])
        assert [c.text for c in table.rows[0].cells] == ["Actor", "Position"]
        assert not any(_header_row(row) for row in table.rows[1:])


def test_document_properties_are_filled(built: tuple[pipeline.Checked, pipeline.Built]) -> None:
    checked, made = built
    page = compose(checked.brief)
    core = _document(made).core_properties
    assert core.title == page.title
    assert core.author == page.author
    assert core.keywords == page.keywords
    assert core.keywords
    assert core.language == page.lang
    assert core.created == core.modified
    assert core.created.date().isoformat()[: len(page.created)] == page.created


def test_plain_text_wraps_carries_the_banner_and_no_markup(
        built: tuple[pipeline.Checked, pipeline.Built]) -> None:
    checked, made = built
    page = compose(checked.brief)
    text = made.files[f"{made.slug}.txt"].decode()
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 72
    first = " ".join(" ".join(lines[:3]).split())
    last = " ".join(" ".join(lines[-3:]).split())
    assert first.startswith(page.marking)
    assert last.endswith(page.marking)
    assert not [m for m in MARKUP if m in text]
    assert "[1 ¶" in text
    assert page.title in text


def test_both_rebuild_byte_for_byte_when_the_clock_moves(
        built: tuple[pipeline.Checked, pipeline.Built], monkeypatch: pytest.MonkeyPatch) -> None:
    _, made = built
    later = time.time() + 400 * 24 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    again = pipeline.make(made.sheet, OPTIONS)
    assert again.files == made.files


def test_libreoffice_converts_the_document_to_one_page(
        built: tuple[pipeline.Checked, pipeline.Built], tmp_path: Path) -> None:
    _, made = built
    source = tmp_path / f"{made.slug}.docx"
    source.write_bytes(made.files[source.name])
    pdf = to_pdf(source, tmp_path)
    assert len(pypdf.PdfReader(pdf).pages) == 1


@pytest.mark.parametrize("slug", EXAMPLES)
def test_on_letter_paper_too_the_document_is_one_page(slug: str, tmp_path: Path) -> None:
    """Word's default paper in the US; the PDF's one-page promise holds there too."""
    made = pipeline.make(ROOT / "seeds" / slug / "facts.yaml",
                         BuildOptions(formats=("docx",), paper="Letter"))
    document = docx.Document(io.BytesIO(made.files[f"{slug}.docx"]))
    assert round(document.sections[0].page_height.inches, 1) == 11.0  # not the sheet's A4
    source = tmp_path / f"{slug}.docx"
    source.write_bytes(made.files[source.name])
    assert len(pypdf.PdfReader(to_pdf(source, tmp_path)).pages) == 1


def to_pdf(source: Path, workdir: Path) -> Path:
    """SOURCE converted by headless LibreOffice with a private profile, with a time limit."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        message = ("LIBREOFFICE NOT FOUND: the Word document's page count was NOT checked. "
                   "Install it with `apt-get install libreoffice-writer-nogui` (make test does).")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(workdir / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(workdir / "pdf"), str(source)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    pdf = workdir / "pdf" / f"{source.stem}.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.is_file(), result.stdout
    return pdf


# --- golden files of the event and the issue example ---------------------------------------------

@pytest.mark.parametrize(("slug", "case"), GOLDEN.items())
def test_text_and_word_structure_golden(slug: str, case: str,
                                        golden: Callable[[str, Path], None]) -> None:
    made = pipeline.make(ROOT / "seeds" / slug / "facts.yaml", OPTIONS)
    expected = CASES / case / "expected"
    golden(made.files[f"{slug}.txt"].decode(), expected / f"{slug}.txt")
    golden(structure(_document(made)), expected / f"{slug}.docx.txt")


# --- a project's reference document -------------------------------------------------------

def _reference(path: Path) -> None:
    """A reference document: Courier New body text, red headings, some text of its own."""
    document = docx.Document()
    document.styles["Normal"].font.name = "Courier New"
    document.styles["Heading 1"].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    document.add_paragraph("Text of the reference document itself")
    document.sections[0].left_margin = document.sections[0].right_margin = 914400 // 2
    document.save(str(path))


def test_a_reference_document_lends_its_styles_not_its_text(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "seeds" / "helsinki-summit-2018", project / "seeds" / "h")
    sheet = project / "seeds" / "h" / "facts.yaml"
    plain = _document(pipeline.make(sheet, OPTIONS))
    (project / "templates").mkdir()
    _reference(project / "templates" / "reference.docx")
    styled = _document(pipeline.make(sheet, BuildOptions(formats=("docx",), project=project)))
    assert plain.styles["Normal"].font.name == "Arial"
    assert styled.styles["Normal"].font.name == "Courier New"
    assert styled.styles["Heading 1"].font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert plain.styles["Heading 1"].font.color.rgb != RGBColor(0xC0, 0x00, 0x00)
    assert styled.sections[0].left_margin == 914400 // 2
    assert "Text of the reference document itself" not in structure(styled)
    assert structure(styled) == structure(plain)  # the same page, other styles


def test_a_broken_reference_document_is_bg631_and_a_folder_bg630(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    reference = tmp_path / "templates" / "reference.docx"
    reference.write_bytes(b"not a zip")
    options = BuildOptions(formats=("docx",), project=tmp_path)
    sheet = ROOT / "seeds" / "helsinki-summit-2018" / "facts.yaml"
    with pytest.raises(BriefError) as broken:
        pipeline.make(sheet, options)
    assert [d.code for d in broken.value.diagnostics] == ["BG631"]
    assert broken.value.diagnostics[0].where.file == str(reference)
    reference.unlink()
    reference.mkdir()
    with pytest.raises(BriefError) as folder:
        pipeline.make(sheet, options)
    assert [d.code for d in folder.value.diagnostics] == ["BG630"]
    assert "not a regular file" in folder.value.diagnostics[0].message


# --- portion marks and an audience edition's line (issue 22's page model) -----------------

def test_the_index_lists_word_and_text_with_the_word_documents_size(tmp_path: Path) -> None:
    from briefgen.site import pages as site

    made = pipeline.make(ROOT / "seeds" / "helsinki-summit-2018" / "facts.yaml", BuildOptions())
    index = site.plan([made.entry], base_url=None, project=None)["index.html"].decode()
    link = r'<a href="helsinki-summit-2018/[^"]*">([^<]*)</a>(&nbsp;<span class="size">)?'
    sized = '&nbsp;<span class="size">'
    assert re.findall(link, index)[1:] == [("HTML", ""), ("PDF", sized), ("Word", sized),
                                           ("Text", ""), ("MD", ""), ("Sources", "")]


def test_portion_marks_and_the_omits_line_are_printed_where_the_page_has_them() -> None:
    """The marked example: every item's portion mark in both formats; its TLP:CLEAR
    audience edition says it leaves material out and holds no TLP:GREEN item."""
    checked = pipeline.check(ROOT / "seeds" / "helsinki-summit-2018" / "facts.yaml")
    page = compose(checked.brief, evidence=checked.evidence)
    text = " ".join(render_text(page).split())
    word = " ".join(document_text(docx.Document(io.BytesIO(render_docx(page)))).split())
    items = [page.bottom_line, *(i for found in page.sections.values() for i in found)]
    assert {i.mark for i in items} == {"(TLP:CLEAR)", "(TLP:GREEN)"}
    for shown in (text, word):
        assert "(TLP:CLEAR) Bottom line." in shown
        for item in items:
            assert item.mark in shown
        assert "leaves out" not in shown
    public = compose(checked.brief, Edition(max_marking="TLP:CLEAR"), evidence=checked.evidence)
    assert public.omits
    word = document_text(docx.Document(io.BytesIO(render_docx(public))))
    for shown in (render_text(public), word):
        flat = " ".join(shown.split())
        assert " ".join(public.omits.split()) in flat
        assert "(TLP:GREEN)" not in flat
        assert "(TLP:CLEAR)" in flat



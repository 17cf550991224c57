"""Stage 5, render: the Page → a Word document (.docx) with python-docx. Pure.

Why python-docx and not a conversion: clearance workflows edit the Word file, so it must
be made of real parts (Heading styles the navigation pane lists, tables with a repeated
header row, the document's title, author and keywords), laid out from the same blocks as
the plain text (`render/blocks.py`). A project's `templates/reference.docx` lends its
styles, page margins, headers and letterhead (its own text is dropped); without one a
clean built-in style is used. Why the zip is written again: python-docx stamps members
and the core properties with the clock; the same page must give the same bytes, so the
dates come from the sheet and every member gets one fixed timestamp, in one order.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from briefgen.compose.page import Page
from briefgen.errors import BriefError, Diagnostic, Location
from briefgen.render.blocks import Block, Runs, layout
from briefgen.sheet.files import fix, read_regular, reason

REFERENCE = "reference.docx"  # a project's own Word styles, in its templates/ folder
MAX_REFERENCE_BYTES = 16 * 1024 * 1024
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no clock in the bytes
_PAPER = {"A4": (Mm(210), Mm(297)), "Letter": (Mm(215.9), Mm(279.4))}
_ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
# paragraph style of each block kind; those not in Word's own set are briefgen's and are
# added (plainly) when a reference document lacks them
_STYLES = {
    "banner": "Banner",
    "masthead": "Masthead",
    "subtitle": "Subtitle",
    "meta": "Meta",
    "para": "Normal",
    "bullet": "List Bullet",
    "note": "Note",
    "source": "Source",
}


def reference_document(project: Path | None) -> Reference | None:
    """The project's templates/reference.docx, read once per build; None without one.
    BriefError BG630 when it cannot be read (or is no regular file, or is too large)."""
    if project is None:
        return None
    path = project / "templates" / REFERENCE
    if not os.path.lexists(path):
        return None
    try:
        data = read_regular(path, MAX_REFERENCE_BYTES)
    except OSError as error:
        raise BriefError(
            Diagnostic(Location(str(path)), "BG630", f"cannot read the Word reference document: "
                       f"{reason(error)}", fix(path, error))
        ) from None
    if len(data) > MAX_REFERENCE_BYTES:
        raise BriefError(
            Diagnostic(Location(str(path)), "BG630", "the Word reference document is over 16 MiB",
                       "keep only styles, page setup and letterhead in it")
        )
    return Reference(str(path), data)


@dataclass(frozen=True)
class Reference:
    """A project's Word reference document: where it is (for diagnostics) and its bytes."""

    name: str
    data: bytes


def render_docx(page: Page, *, reference: Reference | None = None) -> bytes:
    """The Word document of PAGE; REFERENCE, a project's .docx, lends its styles."""
    document = _open(reference)
    if reference:
        _clear(document)
    else:
        _builtin_style(document)
    _ensure_styles(document)
    _page_size(document, page.paper)
    for block in layout(page):
        _add(document, block)
    _properties(document, page)
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip(out.getvalue())


def _open(reference: Reference | None) -> Any:
    """python-docx's blank document, or the reference one (BG631 if Word could not open it)."""
    if reference is None:
        return docx.Document()
    try:
        return docx.Document(io.BytesIO(reference.data))
    except (ValueError, KeyError, LookupError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        why = str(error).strip("'\"") or type(error).__name__  # not an OSError: no errno, no path
        raise BriefError(
            Diagnostic(
                Location(reference.name),
                "BG631",
                f"the Word reference document is not a Word document: {why}",
                "save it from Word or LibreOffice as .docx (Word Document), not .doc or .dotx",
            )
        ) from None


def _add(document: Any, block: Block) -> None:
    if block.kind == "heading":
        paragraph = document.add_paragraph(style=f"Heading {block.level}")
    elif block.kind == "table":
        _table(document, block)
        return
    else:
        paragraph = document.add_paragraph(style=_STYLES[block.kind])
    _runs(paragraph, block.runs)
    if block.url:
        paragraph.add_run(f" {block.url}")


def _runs(paragraph: Any, runs: Runs) -> None:
    for r in runs:
        run = paragraph.add_run(r.text)
        run.bold = r.bold or None
        run.italic = r.italic or None


def _table(document: Any, block: Block) -> None:
    """A Word table whose first row is marked as the header (repeated on a new page)."""
    table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
    if "Table Grid" in [s.name for s in document.styles]:
        table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    section = document.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin
    widths = (int(width * 0.3), width - int(width * 0.3))  # as the PDF's table: 30 % the actor
    for column, share in zip(table.columns, widths, strict=True):
        column.width = share  # the grid LibreOffice reads; Word reads the cells' widths
    for row, cells in zip(table.rows, block.rows, strict=True):
        for cell, runs, share in zip(row.cells, cells, widths, strict=True):
            cell.width = share
            _runs(cell.paragraphs[0], runs)
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(mark)


def _clear(document: Any) -> None:
    """Drop the reference document's own text; keep its final section (page setup, headers)."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _page_size(document: Any, paper: str) -> None:
    width, height = _PAPER.get(paper, _PAPER["A4"])
    for section in document.sections:
        section.page_width, section.page_height = width, height


def _builtin_style(document: Any) -> None:
    """briefgen's own look: Arial (Liberation Sans in LibreOffice: the same metrics), 9 pt,
    15 mm margins like the PDF, headings in the accent colour."""
    for section in document.sections:
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(15))
    styles = document.styles
    _font(styles["Normal"], 9)
    styles["Normal"].paragraph_format.space_after = Pt(2)
    styles["Normal"].paragraph_format.line_spacing = 1.0
    for level, size in ((1, 14), (2, 10), (3, 9)):
        style = styles[f"Heading {level}"]
        _font(style, size, bold=True, color=_ACCENT)
        style.paragraph_format.space_before = Pt(6 if level > 1 else 2)
        style.paragraph_format.space_after = Pt(2)
    for name in ("List Bullet", "Subtitle"):
        _font(styles[name], 9, italic=name == "Subtitle", color=RGBColor(0x33, 0x33, 0x33))
        styles[name].paragraph_format.space_after = Pt(1)
    for spaced in styles["Subtitle"].element.rPr.findall(qn("w:spacing")):
        spaced.getparent().remove(spaced)  # the template's letter-spacing
    package = document.part.package
    for rid, rel in list(package.rels.items()):  # the template's picture of an empty page
        if rel.reltype.endswith("/metadata/thumbnail"):
            package.rels.pop(rid)


def _ensure_styles(document: Any) -> None:
    """Add each paragraph style the blocks use that the document lacks."""
    styles = document.styles
    present = {s.name for s in styles}
    for level in (1, 2, 3):
        if f"Heading {level}" not in present:
            style = styles.add_style(f"Heading {level}", WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
            _font(style, (14, 10, 9)[level - 1], bold=True)
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(level - 1))
            style.element.get_or_add_pPr().append(outline)
    for kind, name in _STYLES.items():
        if name in present:
            continue
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        if kind == "banner":
            _font(style, 8, bold=True)
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind in ("meta", "note", "source"):
            _font(style, 8)


def _font(
    style: Any, size: float, *, bold: bool = False, italic: bool = False, color: Any = None
) -> None:
    """Set STYLE's font outright: Arial at SIZE (theme fonts removed, so Word uses it)."""
    font = style.font
    font.size, font.bold, font.italic = Pt(size), bold or None, italic or None
    if color is not None:
        font.color.rgb = color
        font.color.element.rPr.color.attrib.pop(qn("w:themeColor"), None)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{attr}"), "Arial")


def _properties(document: Any, page: Page) -> None:
    """Title, author, keywords, language; both dates the sheet's prepared date."""
    core = document.core_properties
    dated = _date(page.created)
    core.title = page.title
    core.subject = page.subtitle
    core.author = page.author or "briefgen"
    core.last_modified_by = page.author or "briefgen"
    core.keywords = page.keywords
    core.language = page.lang
    core.category = page.kind_label
    core.comments = ""
    core.revision = 1
    core.created = core.modified = core.last_printed = dated


def _date(text: str) -> datetime:
    """A sheet's date (2018, 2018-07 or 2018-07-16) as midnight UTC of its first day."""
    year, month, day = ([*text.split("-"), "1", "1"])[:3]
    return datetime(int(year), int(month), int(day), tzinfo=timezone.utc)


def _fixed_zip(data: bytes) -> bytes:
    """DATA's members, in python-docx's order, with one fixed timestamp and mode each."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()

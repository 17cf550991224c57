"""Every character printed, the same everywhere: names in seven scripts print with the bundled
fonts and no `.notdef`, the PDF is the same bytes when the machine has other fonts (even a
fontconfig rule that prefers them), `check` refuses a character no bundled font has, at its
field, `check` and the PDF agree on which characters print, and the web page fetches the
Arabic and CJK faces when it has such characters (and only then: tests/test_browser.py)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from html import escape
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from site_helpers import run_cli

from briefgen.pipeline import check_sheets
from briefgen.render.pages import plain
from briefgen.render.pdf import LADDER, renderer
from briefgen.verify import glyphs
from tests.conftest import EXAMPLE, ROOT
from tests.test_browser import visit
from tests.test_check import edit
from tests.test_hostile import pdftotext
from tests.test_pdf import need, run

FONTS = ROOT / "templates" / "fonts"
SLUG = EXAMPLE.name
NAMES = {  # Helsinki, the summit city, in each script
    "Cyrillic": "Хельсинки",
    "Greek": "Ελσίνκι",
    "Arabic": "هلسنكي",
    "Hebrew": "הלסינקי",
    "Chinese": "赫尔辛基",
    "Japanese": "ヘルシンキ",
    "Korean": "헬싱키",
}
TITLE = '  title: "Trump–Putin summit, Helsinki, 16 July 2018"'
PUTIN = "name: Vladimir Putin,"
CITY = "city: Helsinki,"
LAVROV = "name: Sergey Lavrov,"
ANTONOV = "name: Anatoly Antonov,"
FACES = {"Briefgen-Serif", "Briefgen-Serif-Bold", "Briefgen-Serif-Italic",
         "Briefgen-Serif-BoldItalic", "Briefgen-Sans", "Briefgen-Sans-Bold",
         "Briefgen-Arabic", "Briefgen-Arabic-Bold", "Briefgen-CJK"}
JOINED = (0xFEEB, 0xFEE0, 0xFEB4, 0xFEE8, 0xFEDC, 0xFEF2)  # هلسنكي's letters, as joined
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def scripts_sheet(folder: Path) -> Path:
    """The example with the city's name in all seven scripts: in the title (bold sans), the
    event's place (sans), actors' names (bold sans) and an agenda line (serif)."""
    shutil.copytree(EXAMPLE, folder / SLUG)
    sheet = folder / SLUG / "facts.yaml"
    n = NAMES
    edit(sheet,
         (TITLE, f'  title: "Summit, Helsinki ({n["Chinese"]}, {n["Arabic"]}), 16 July 2018"'),
         (CITY, f'city: "Helsinki ({n["Cyrillic"]})",'),
         (LAVROV, f'name: "{n["Greek"]} {n["Japanese"]} {n["Korean"]}",'),
         (ANTONOV, f'name: "{n["Hebrew"]} {n["Arabic"]}",'))
    return sheet


def build(sheet: Path, out: Path, env: dict[str, str] | None = None) -> bytes:
    """`briefgen build SHEET -o OUT` in a child process (ENV: its environment); the PDF."""
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(sheet), "-o", str(out), "-j", "1"],
        capture_output=True, text=True, timeout=300, check=False, cwd=sheet.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    assert result.returncode == 0, result.stderr
    return (out / SLUG / f"{SLUG}.pdf").read_bytes()


def shown(pdf: pikepdf.Pdf) -> dict[str, tuple[int, list[int]]]:
    """Per embedded font (subset tag dropped): its glyph count and the glyph ids drawn.

    WeasyPrint writes Type0 fonts, Identity-H, whose CIDs are the glyph ids of the font
    (HarfBuzz keeps the ids when it subsets)."""
    found: dict[str, tuple[int, list[int]]] = {}

    def entry(font: pikepdf.Object) -> tuple[int, list[int]]:
        name = str(font.BaseFont).split("+", 1)[-1]
        if name not in found:
            assert str(font.Subtype) == "/Type0", name
            descendant = font.DescendantFonts[0]
            assert str(descendant.get("/CIDToGIDMap", "/Identity")) == "/Identity", name
            program = descendant.FontDescriptor.FontFile2.read_bytes()
            with TTFont(io.BytesIO(program)) as subset:
                found[name] = (subset["maxp"].numGlyphs, [])
        return found[name]

    def walk(content: pikepdf.Object, fonts: pikepdf.Object) -> None:
        current = pikepdf.Dictionary()
        for operands, operator in pikepdf.parse_content_stream(content):
            if str(operator) == "Tf":
                current = fonts[str(operands[0])]
            elif str(operator) in ("Tj", "TJ", "'", '"'):
                shown = operands[-1]
                pieces = shown if isinstance(shown, pikepdf.Array) else [shown]
                entry(current)[1].extend(
                    int.from_bytes(bytes(p)[i:i + 2], "big") for p in pieces
                    if isinstance(p, pikepdf.String) for i in range(0, len(bytes(p)), 2))
            elif str(operator) == "Do":
                xobject = content.Resources.XObject[str(operands[0])]
                if xobject.Subtype == "/Form":
                    walk(xobject, xobject.get("/Resources", {}).get("/Font", fonts))

    for page in pdf.pages:
        walk(page.obj, page.Resources.get("/Font", pikepdf.Dictionary()))
    return found


def notdefs(pdf: pikepdf.Pdf) -> dict[str, int]:
    """How many `.notdef` glyphs (the empty box) each embedded font draws: glyph 0, or an
    id past the font's last glyph (what WeasyPrint draws for a character no font has)."""
    return {name: sum(g == 0 or g >= size for g in ids)
            for name, (size, ids) in shown(pdf).items()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    folder = tmp_path_factory.mktemp("scripts")
    sheet = scripts_sheet(folder)
    return sheet, build(sheet, folder / "out")


def test_names_in_seven_scripts_print_with_the_bundled_fonts(built: tuple[Path, bytes],
                                                            tmp_path: Path) -> None:
    _sheet, data = built
    path = tmp_path / "scripts.pdf"
    path.write_bytes(data)
    rows = run(need("pdffonts"), str(path)).splitlines()[2:]
    names = {row.split()[0].split("+", 1)[-1] for row in rows}
    assert names <= FACES, names - FACES
    assert {"Briefgen-Arabic-Bold", "Briefgen-CJK"} <= names  # the title's scripts
    with pikepdf.open(path) as pdf:
        drawn = notdefs(pdf)
    assert set(drawn) == names
    assert sum(drawn.values()) == 0, drawn
    text = "".join(BIDI_CONTROLS.sub("", pdftotext(data, tmp_path)).split())  # lines wrap
    for script, name in NAMES.items():
        assert name in text, script


def test_the_pdf_is_the_same_with_other_fonts_installed(built: tuple[Path, bytes],
                                                       tmp_path: Path) -> None:
    """Fonts in ~/.fonts and a fontconfig file that prefers one of them before any family
    a page names (`prepend_first`, as distributions ship for CJK): the layout never sees them."""
    sheet, before = built
    home = tmp_path / "home"
    (home / ".fonts").mkdir(parents=True)
    for face in ("DroidSansFallback.ttf", "LiberationSans-Regular.ttf"):
        shutil.copy(FONTS / face, home / ".fonts" / face)
    system = Path("/etc/fonts/fonts.conf")
    include = f"<include ignore_missing='yes'>{system}</include>" if system.is_file() else ""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'urn:fontconfig:fonts.dtd'>"
        f"<fontconfig>{include}<dir>{home / '.fonts'}</dir>"
        f"<cachedir>{tmp_path / 'cache'}</cachedir>"
        "<match target='pattern'><edit name='family' mode='prepend_first' binding='strong'>"
        "<string>Liberation Sans</string><string>Droid Sans Fallback</string></edit></match>"
        "</fontconfig>", encoding="utf-8")
    env = {"HOME": str(home), "FONTCONFIG_FILE": str(conf),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    after = build(sheet, tmp_path / "out", env)
    assert after == before


def test_right_to_left_names_are_shaped_and_ordered(built: tuple[Path, bytes],
                                                    tmp_path: Path) -> None:
    """Arabic letters are drawn in their joined forms (initial heh, medial lam, seen, noon,
    kaf, final yeh), never the isolated ones the cmap maps them to; and 'per <Hebrew>
    <Arabic>,' reads right to left: the Arabic word, second in the text, stands left of
    the Hebrew one."""
    _sheet, data = built
    path = tmp_path / "scripts.pdf"
    path.write_bytes(data)
    with pikepdf.open(path) as pdf:
        glyphs_of = shown(pdf)
    for face, file in (("Briefgen-Arabic", "NotoSansArabic-Regular.ttf"),
                       ("Briefgen-Arabic-Bold", "NotoSansArabic-Bold.ttf")):
        drawn = set(glyphs_of[face][1])
        with TTFont(FONTS / file, lazy=True) as font:
            cmap = font.getBestCmap()
            isolated = {font.getGlyphID(cmap[ord(c)]) for c in NAMES["Arabic"]}
            joined = {font.getGlyphID(cmap[c]) for c in JOINED}
        assert not drawn & isolated, face
        assert joined <= drawn, face
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>',
                       pdftotext(data, tmp_path, "-bbox"))
    hebrew = [(float(x), float(y)) for x, y, w in words if "\u05d0" <= w[0] <= "\u05ea"]
    arabic = [(float(x), float(y)) for x, y, w in words if "\u0600" <= w[0] <= "\u06ff"]
    pairs = [(a, h) for h in hebrew for a in arabic if abs(a[1] - h[1]) < 6]  # one line
    assert pairs, (hebrew, arabic)
    assert all(a[0] < h[0] for a, h in pairs), (hebrew, arabic)


def test_a_character_no_bundled_font_has_is_a_positioned_error(example_copy: Path) -> None:
    edit(example_copy, (PUTIN, 'name: "Vladimir Putin \U00010000",'),
         (TITLE, '  title: "Summit 😀 in Helsinki, 16 July 2018"'))
    found = [d for d in check_sheets([example_copy]).diagnostics if d.code == "BG330"]
    assert [(d.where.line, d.where.col, d.severity) for d in found] == [
        (8, 10, "error"), (28, 23, "error")]
    assert found[0].message.startswith("briefing.title holds “😀” (U+1F600 GRINNING FACE)")
    assert found[1].message.startswith(
        "actors[1].name holds “\U00010000” (U+10000 LINEAR B SYLLABLE B008 A)")
    assert "U+10000 is in none of the bundled fonts" in found[1].hint


def test_names_in_seven_scripts_check_clean(tmp_path: Path) -> None:
    report = check_sheets([scripts_sheet(tmp_path)], strict=True)
    assert report.diagnostics == ()


# Characters at the edges: spaces Liberation lacks, hyphens, ligatures, marks, kana
# punctuation, private use, characters a font has outside its unicode-range (U+0E3F in
# Noto Sans Arabic, Deseret in Droid); `check` must accept exactly those the PDF draws.
EDGES = ("\u00a0", "\u2009", "\u202f", "\u3000", "\u2010", "\u2011", "\u2212", "\ufb00",
         "\u0301", "\u05b0", "\u064b", "\u30fb", "\uff01", "\u2192", "\u20bd", "\ue000",
         "\u2713", "\u0e01", "\u0915", "\u1e9e", "\u3400", "\U00020000", "\u00ad", "\u200d",
         "\u1680", "\u2007", "\u205f", "\u0e3f", "\u2e41", "\ufe10", "\ufe6b", "\U00010400",
         "\x01", "\u0600", "\U000110bd", "\ufffe", "\U0001fffe", "\U000e0100")


@pytest.mark.parametrize("char", EDGES, ids=[f"U+{ord(c):04X}" for c in EDGES])
def test_check_and_the_pdf_agree_on_what_prints(char: str, tmp_path: Path) -> None:
    fonts_css = (ROOT / "templates" / "fonts.css").read_text(encoding="utf-8")
    pdf = renderer((ROOT / "templates",), fonts_css)
    text = escape(plain(char))  # as the pages print it: U+110BD as [U+110BD]
    for family in ("Briefgen Serif", "Briefgen Sans"):
        html = (f"<html lang=en><body style='font-family: \"{family}\", \"Briefgen Arabic\","
                f" \"Briefgen CJK\"'><p>x{text}x <b>x{text}x</b> <i>x{text}x</i></p></body></html>")
        path = tmp_path / "edge.pdf"
        path.write_bytes(pdf.layout(html, LADDER[0]).write_pdf())
        with pikepdf.open(path) as document:
            boxes = sum(notdefs(document).values())
        assert (boxes == 0) == glyphs.printable(char), (family, boxes)


def test_the_ascii_shortcut_holds_for_every_liberation_face() -> None:
    for face in sorted(FONTS.glob("Liberation*.ttf")):
        with TTFont(face, lazy=True) as font:
            cmap = font.getBestCmap()
        assert all(code in cmap for code in range(0x20, 0x7F)), face.name


def test_every_bundled_face_is_read_and_the_extra_scripts_keep_to_their_ranges() -> None:
    faces = glyphs.faces()
    assert sorted(f.name for f, _ in faces) == sorted(p.name for p in FONTS.glob("*.ttf"))
    for file, ranges in faces:
        if not file.name.startswith("Liberation"):  # never fetched, never used for Latin
            assert not any(low <= ord("z") for low, _ in ranges), file.name
            assert ranges != ((0, 0x10FFFF),), file.name


def test_a_font_the_pdf_cannot_load_is_bg610(tmp_path: Path) -> None:
    """No machine font stands in for a missing bundled one: the build says so."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project / "seeds" / SLUG)
    (project / "templates").mkdir()
    css = (ROOT / "templates" / "fonts.css").read_text(encoding="utf-8")
    (project / "templates" / "fonts.css").write_text(
        css.replace("fonts/LiberationSerif-Regular.ttf", "fonts/Missing.ttf"), encoding="utf-8")
    done = run_cli(project, "build", "--format", "pdf")
    assert done.returncode == 1, done.stderr
    assert "error BG610: a font of fonts.css cannot be loaded for the PDF" in done.stderr
    assert "Briefgen Serif" in done.stderr


def test_a_project_without_fonts_of_its_own_gets_the_bundled_ones(tmp_path: Path) -> None:
    """A project's templates/ that overrides only brief.html: fonts.css's relative URLs
    find the bundled fonts, by the same lookup rule as every template."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project / "seeds" / SLUG)
    (project / "templates").mkdir()
    (project / "templates" / "brief.html").write_text(
        '{% extends "builtin/brief.html" %}', encoding="utf-8")
    done = run_cli(project, "build", "--format", "pdf")
    assert done.returncode == 0, done.stderr
    path = project / "out" / SLUG / f"{SLUG}.pdf"
    with pikepdf.open(path) as pdf:
        assert set(notdefs(pdf)) == {"Briefgen-Serif", "Briefgen-Serif-Bold",
                                     "Briefgen-Serif-Italic", "Briefgen-Sans",
                                     "Briefgen-Sans-Bold"}


def test_the_web_page_loads_the_extra_fonts_it_needs(built: tuple[Path, bytes],
                                                    tmp_path: Path) -> None:
    """The screen edition's unicode-range at work, the other way round from the Latin page
    (tests/test_browser.py): a page with Arabic and Chinese fetches those faces."""
    sheet, _ = built
    site = sheet.parent.parent / "out"
    page = visit(site / SLUG / f"{SLUG}.html", tmp_path)
    fetched = {r.removeprefix(site.as_uri() + "/") for r in page.requests[1:]}
    assert {"assets/fonts/DroidSansFallback.ttf", "assets/fonts/NotoSansArabic-Bold.ttf",
            "assets/fonts/LiberationSerif-Regular.ttf"} <= fetched, fetched
    assert page.failures == []
    for name in NAMES.values():
        assert name in "".join(page.text.split())

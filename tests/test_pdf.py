"""The example's PDF, checked by meaning, never by bytes: one page of the right size, the
expected text, metadata and tags, only the bundled fonts, reproducible output, and (on a
50 dpi raster) ink only inside the margins.

The raster is kept as tests/artifacts/helsinki-summit-2018-a4.png (git-ignored) for a look.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from briefgen import pipeline
from briefgen.pipeline.options import BuildOptions

ROOT = Path(__file__).resolve().parent.parent
SHEET = ROOT / "seeds" / "helsinki-summit-2018" / "facts.yaml"
EXPECTED = Path(__file__).parent / "cases" / "helsinki" / "expected"
ARTIFACTS = Path(__file__).parent / "artifacts"
SLUG = "helsinki-summit-2018"
PT_PER_MM = 72 / 25.4
SIZES = {"A4": (210, 297), "Letter": (215.9, 279.4)}
BUNDLED_FACES = {"Briefgen-Serif", "Briefgen-Serif-Bold", "Briefgen-Serif-Italic",
                 "Briefgen-Serif-BoldItalic", "Briefgen-Sans", "Briefgen-Sans-Bold"}


def need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} (poppler-utils) is missing on CI")
        pytest.skip(f"{tool} (poppler-utils) is not installed: this PDF check is SKIPPED")
    return found


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.fixture(scope="module")
def made() -> dict[str, pipeline.Built]:
    return {p: pipeline.make(SHEET, BuildOptions(formats=("pdf",), paper=p)) for p in SIZES}


@pytest.fixture(scope="module")
def pdf_files(made: dict[str, pipeline.Built],
              tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    files = {}
    for paper, built in made.items():
        files[paper] = folder / f"{SLUG}-{paper}.pdf"
        files[paper].write_bytes(built.files[f"{SLUG}.pdf"])
    return files


@pytest.mark.parametrize("paper", list(SIZES))
def test_one_page_of_the_right_size(made: dict[str, pipeline.Built], paper: str) -> None:
    reader = pypdf.PdfReader(io.BytesIO(made[paper].files[f"{SLUG}.pdf"]))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    width_mm, height_mm = SIZES[paper]
    assert float(box.width) == pytest.approx(width_mm * PT_PER_MM, abs=0.5)
    assert float(box.height) == pytest.approx(height_mm * PT_PER_MM, abs=0.5)
    assert made[paper].step == "as designed"
    assert made[paper].layouts == 1


@pytest.mark.parametrize("paper", list(SIZES))
def test_pdfinfo_agrees(pdf_files: dict[str, Path], paper: str) -> None:
    info = run(need("pdfinfo"), str(pdf_files[paper]))
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert f"({paper.lower()})" in info.lower()


def test_text_matches_golden(pdf_files: dict[str, Path], request: pytest.FixtureRequest) -> None:
    """pdftotext -layout, each line's spacing collapsed; compared whitespace-insensitively."""
    text = run(need("pdftotext"), "-enc", "UTF-8", "-layout", str(pdf_files["A4"]), "-")
    lines = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip()) + "\n"
    expected = EXPECTED / f"{SLUG}.pdf.txt"
    if request.config.getoption("--update-golden"):
        expected.write_text(lines, encoding="utf-8")
    assert " ".join(lines.split()) == " ".join(expected.read_text(encoding="utf-8").split())


def test_marking_is_printed_at_top_and_bottom(pdf_files: dict[str, Path]) -> None:
    text = run(need("pdftotext"), "-enc", "UTF-8", "-layout", str(pdf_files["A4"]), "-")
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    marking = ("PUBLIC SOURCES // TLP:GREEN // Open-source press reporting; "
               "not independently verified")
    assert lines[0] == marking
    assert lines[-1] == marking


def test_metadata_and_tags(made: dict[str, pipeline.Built]) -> None:
    reader = pypdf.PdfReader(io.BytesIO(made["A4"].files[f"{SLUG}.pdf"]))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Trump–Putin summit, Helsinki, 16 July 2018"
    assert meta.author == "briefgen example"
    assert meta.creator == "briefgen"
    assert meta.subject
    assert meta.subject.startswith("Trump and Putin hold their first")
    assert "Russia–US summit" in (meta.get("/Keywords") or "")
    # dates come from the data (prepared 2026-11-23), never from the clock
    assert str(meta.get("/CreationDate", "")).startswith("D:20261123")
    assert str(meta.get("/ModDate", "")).startswith("D:20261123")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"))


def test_links_stay_inside_the_document(made: dict[str, pipeline.Built]) -> None:
    reader = pypdf.PdfReader(io.BytesIO(made["A4"].files[f"{SLUG}.pdf"]))
    annotations = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    links = [a for a in annotations if a["/Subtype"] == "/Link"]
    assert len(links) >= 30  # the [n] markers
    for link in links:
        action = link.get("/A", {})
        assert "/JS" not in action
        assert action.get("/S") in (None, "/GoTo") or str(action.get("/URI", "")).startswith(
            ("http://", "https://"))
    assert "/JavaScript" not in (reader.trailer["/Root"].get("/Names") or {})
    assert "/OpenAction" not in reader.trailer["/Root"]


def test_only_the_bundled_fonts_are_embedded(pdf_files: dict[str, Path]) -> None:
    """An unknown family would fall back silently to a host font; pdffonts shows it."""
    rows = run(need("pdffonts"), str(pdf_files["A4"])).splitlines()[2:]
    assert rows
    names = set()
    for row in rows:
        cells = row.split()
        name = cells[0].split("+", 1)[-1]  # drop the subset tag, e.g. HEABRS+
        emb = cells[-5]
        assert emb == "yes", row
        names.add(name)
    assert names <= BUNDLED_FACES, names - BUNDLED_FACES
    assert names == {"Briefgen-Serif", "Briefgen-Serif-Bold", "Briefgen-Serif-Italic",
                     "Briefgen-Sans", "Briefgen-Sans-Bold"}


def test_bytes_are_reproducible(made: dict[str, pipeline.Built]) -> None:
    again = pipeline.make(SHEET, BuildOptions(formats=("pdf",)))
    first = hashlib.sha256(made["A4"].files[f"{SLUG}.pdf"]).hexdigest()
    assert hashlib.sha256(again.files[f"{SLUG}.pdf"]).hexdigest() == first


def _raster(pdf: Path, out: Path) -> Path:
    need("pdftoppm")
    subprocess.run([need("pdftoppm"), "-r", "50", "-png", "-singlefile", str(pdf), str(out)],
                   check=True, timeout=60, capture_output=True)
    return out.with_suffix(".png")


@pytest.mark.parametrize("paper", list(SIZES))
def test_ink_stays_inside_the_margins(pdf_files: dict[str, Path], paper: str) -> None:
    image_module = pytest.importorskip("PIL.Image", reason="Pillow (a WeasyPrint dependency)")
    ARTIFACTS.mkdir(exist_ok=True)
    png = _raster(pdf_files[paper], ARTIFACTS / f"{SLUG}-{paper.lower()}")
    image = image_module.open(png).convert("L")
    width, height = image.size
    dpi = 50
    assert width == pytest.approx(SIZES[paper][0] / 25.4 * dpi, abs=2)
    pixels = image.load()
    dark = [(x, y) for y in range(height) for x in range(width) if pixels[x, y] < 128]
    assert len(dark) > 0.01 * width * height, "the page is (nearly) blank"
    edge = round(8 / 25.4 * dpi)  # 8 mm: inside the tightest (10 mm) margin
    outside = [(x, y) for x, y in dark if x < edge or x >= width - edge]
    assert outside == [], f"ink within 8 mm of the left/right edge, e.g. at {outside[:5]}"
    rows = [y for _, y in dark]
    assert min(rows) < height * 0.1
    assert max(rows) > height * 0.75


def test_the_text_golden_is_not_empty() -> None:
    """The stored PDF text still names every section (guards against an emptied golden)."""
    text = (EXPECTED / f"{SLUG}.pdf.txt").read_text(encoding="utf-8")
    for heading in ("Key judgments", "Key facts", "Agenda", "Obstacles", "Stated positions",
                    "What to watch", "Sources", "Gaps:"):
        assert heading in text


def test_an_edited_fonts_css_reaches_the_warm_renderer() -> None:
    """The Renderer is cached per process (serve rebuilds in one): the same stylesheet keeps
    it warm, an edited one (a project's fonts.css) gets a Renderer that lays out with it."""
    from briefgen.render import pdf

    roots = (ROOT / "templates",)
    css = (ROOT / "templates" / "fonts.css").read_text(encoding="utf-8")
    warm = pdf.renderer(roots, css)
    assert pdf.renderer(roots, css) is warm
    edited = pdf.renderer(roots, css + "@page { size: A5 !important }")
    page = edited.layout("<p>x</p>", pdf.LADDER[0]).pages[0]
    assert round(page.width / pdf.PX_PER_MM) == 148


def _serif_program(data: bytes) -> bytes:
    """The embedded font program of the regular 'Briefgen Serif' face."""
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if str(font["/BaseFont"]).endswith("+Briefgen-Serif"):
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                return bytes(descriptor.get_object()["/FontFile2"].get_object().get_data())
    raise AssertionError("no regular Briefgen Serif embedded")


def test_an_edited_project_fonts_css_reaches_the_next_pdf(tmp_path: Path) -> None:
    """The scenario of `briefgen serve`: one process, a project's fonts.css edited between
    two builds; the second PDF embeds the font the edited stylesheet names."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "fonts", templates / "fonts")
    css = (ROOT / "templates" / "fonts.css").read_text(encoding="utf-8")
    (templates / "fonts.css").write_text(css, encoding="utf-8")
    first = pipeline.make(SHEET, BuildOptions(("pdf",), project=tmp_path)).files[f"{SLUG}.pdf"]
    sans = css.replace("fonts/LiberationSerif-Regular.ttf", "fonts/LiberationSans-Regular.ttf")
    (templates / "fonts.css").write_text(sans, encoding="utf-8")
    second = pipeline.make(SHEET, BuildOptions(("pdf",), project=tmp_path)).files[f"{SLUG}.pdf"]
    name = "LiberationSans".encode("utf-16-be")
    assert name not in _serif_program(first)
    assert name in _serif_program(second)

"""Visual regression: each bundled example's PDF (A4 and Letter, via pdftoppm) and its web
page at 1280 and 390 px (headless Chromium) look like the committed references in
tests/visual/ (one example per kind of brief; the event's keep their first names).

Why a tolerance, not equal bytes: antialiasing differs a little between poppler and Chromium
builds; a changed layout moves whole lines. A render differs when more than TOLERANCE of its
pixels changed by more than THRESHOLD (of 255) in any channel, or when its size changed.
After an intended change: `.venv/bin/python -m pytest tests/test_visual.py --update-visual`,
look at the new PNGs, commit them. A failing compare leaves the render and a diff image in
tests/artifacts/.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from cdp import Browser, chromium
from PIL import Image, ImageChops
from shots import page_png
from site_helpers import run_cli

from briefgen import pipeline
from briefgen.pipeline.options import BuildOptions
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.slow

REFERENCES = Path(__file__).resolve().parent / "visual"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SLUG = EXAMPLE.name
# one bundled example of each kind: event, issue, country profile, organisation profile
EXAMPLES = [SLUG, "russia-us-relations-2018", "russia-profile-2018", "nato-profile-2018"]


def _name(kind: str, slug: str) -> str:
    """The reference's file name: 'pdf-a4.png' for the event, 'pdf-a4-<slug>.png' else."""
    return f"{kind}.png" if slug == SLUG else f"{kind}-{slug}.png"
TOLERANCE = 0.005  # share of pixels
THRESHOLD = 48  # per channel, 0-255
DPI = 60  # PDF renders: enough to see layout, small enough to commit


def differing(actual: Image.Image, expected: Image.Image) -> float:
    """The share of pixels of ACTUAL that differ noticeably from EXPECTED (same size)."""
    diff = ImageChops.difference(actual.convert("RGB"), expected.convert("RGB"))
    mask = diff.convert("L").point(lambda v: 255 if v > THRESHOLD // 3 else 0)
    changed = mask.histogram()[255]
    return changed / (actual.width * actual.height)


def check_render(png: bytes, name: str, request: pytest.FixtureRequest) -> None:
    reference = REFERENCES / name
    if request.config.getoption("--update-visual"):
        reference.parent.mkdir(parents=True, exist_ok=True)
        reference.write_bytes(png)
        return
    assert reference.is_file(), f"no reference {reference}: run with --update-visual"
    actual, expected = Image.open(io.BytesIO(png)), Image.open(reference)
    ARTIFACTS.mkdir(exist_ok=True)
    if actual.size != expected.size:
        (ARTIFACTS / f"actual-{name}").write_bytes(png)
        pytest.fail(f"{name}: size {actual.size} != reference {expected.size}"
                    f" (render in tests/artifacts/actual-{name})")
    share = differing(actual, expected)
    if share > TOLERANCE:
        (ARTIFACTS / f"actual-{name}").write_bytes(png)
        ImageChops.difference(actual.convert("RGB"), expected.convert("RGB")).save(
            ARTIFACTS / f"diff-{name}")
        pytest.fail(f"{name}: {share:.2%} of pixels differ (tolerance {TOLERANCE:.1%});"
                    f" see tests/artifacts/actual-{name} and diff-{name}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples, built as a site: out/."""
    project = tmp_path_factory.mktemp("visual")
    for slug in EXAMPLES:
        shutil.copytree(EXAMPLE.parent / slug, project / "seeds" / slug)
    done = run_cli(project, "build", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    return project / "out"


def _pdftoppm(pdf: bytes, tmp: Path) -> bytes:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    (tmp / "page.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", str(tmp / "page.pdf"),
                    str(tmp / "page")], check=True, timeout=60)
    return (tmp / "page.png").read_bytes()


@pytest.mark.parametrize("slug", EXAMPLES)
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_pdf_looks_like_its_reference(paper: str, slug: str, tmp_path: Path,
                                      request: pytest.FixtureRequest) -> None:
    sheet = EXAMPLE.parent / slug / "facts.yaml"
    built = pipeline.make(sheet, BuildOptions(formats=("pdf",), paper=paper))
    png = _pdftoppm(built.files[f"{slug}.pdf"], tmp_path)
    check_render(png, _name(f"pdf-{paper.lower()}", slug), request)


@pytest.mark.parametrize("slug", EXAMPLES)
@pytest.mark.parametrize("width", [1280, 390])
def test_web_page_looks_like_its_reference(site: Path, width: int, slug: str, tmp_path: Path,
                                           request: pytest.FixtureRequest) -> None:
    browser = Browser(chromium("the visual regression test"), tmp_path)
    try:
        browser.open_page()
        png = page_png(browser, (site / slug / f"{slug}.html").as_uri(), width)
    finally:
        browser.close()
    check_render(png, _name(f"web-{width}", slug), request)


def test_the_compare_sees_a_moved_line() -> None:
    """The tolerance is not so loose that a layout change passes."""
    page = Image.new("RGB", (400, 300), "white")
    moved = page.copy()
    for y in range(20, 34):  # a line of text: 14 px of dark strokes across the column
        for x in range(20, 380, 3):
            page.putpixel((x, y), (0, 0, 0))
            moved.putpixel((x, y + 16), (0, 0, 0))
    assert differing(page, page) == 0
    assert differing(page, moved) > TOLERANCE

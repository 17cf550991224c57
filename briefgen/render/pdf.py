"""Stage 5, pdf: the brief's HTML → exactly one PDF page, via WeasyPrint.

Why this shape: importing WeasyPrint costs most of a second, so it is imported here, on
first use, never on the path of `--help` or `check`. The page's two columns are two boxes
split where balancing would split them (render/columns.py, render/balance.py), not CSS
columns WeasyPrint balances by laying the flow out again and again. The page is laid out
once at the designed size, split where its text suggests, and again only if the laid-out
units' heights put the split elsewhere; only if it overflows is the mildest ladder step
predicted from the balanced height to make it fit on that paper (spacing, then margins,
then type down to a 9 pt floor; capacities measured per paper), so a tight sheet costs
one extra layout (two when it is close to the milder step's limit, each maybe once more
to balance), not a search. One page is checked two ways: the page count, and the
end-of-content marker found on that page (CSS can clip content without adding a page).
Every resource goes through `AssetFetcher` (render/fetcher.py); the layout sees the fonts
of fonts.css and none of the machine's (`fontset.bundled_only`).
"""

from __future__ import annotations

import atexit
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.errors import BriefError, Diagnostic, Location
from briefgen.render.balance import balanced, estimate
from briefgen.render.columns import STYLE, Flow, serialised
from briefgen.render.fetcher import fetcher_class
from briefgen.render.pdftags import finish
from briefgen.schema.vocabulary import PAPERS

END_MARKER = "briefgen-end"
PX_PER_MM = 96 / 25.4
LINE_HEIGHT = 1.2  # body line height, in ems (brief.css)
CLOSE = 0.03  # a prediction within 3 % of the milder rung's capacity also tries that rung
# the overflow report in lines of text: brief.css sets the body in two columns of about
# 9 words a line at 10 pt, so a share of the page is twice as many column lines
COLUMNS = 2
WORDS_PER_LINE = 9
GAP_MM = 6  # between the columns (brief.css)
PAPER_MM = {False: 210.0, True: 215.9}  # paper widths: A4, Letter (body.paper-letter)


@dataclass(frozen=True)
class Step:
    """One rung of the tightening ladder; each rung keeps the ones below it."""

    name: str
    css: str
    margin_mm: float
    font_pt: float
    capacity: tuple[float, float]  # content held relative to step 0 on A4, Letter
    # (measured on padded briefs by bench/capacity.py: re-measure after a design change)

    def holds(self, paper: str) -> float:
        """The content this rung holds on PAPER, relative to the design on the same paper."""
        return self.capacity[PAPERS.index(paper)]


_SPACING = (
    "h2{margin-top:.3rem!important;margin-bottom:.05rem!important}"
    "p{margin:.1rem 0!important}li{margin:0!important}"
    ".bottom-line{margin-top:.2rem!important}.legend{margin-top:.1rem!important}"
    "h1{margin:.1rem 0 0!important}.masthead{margin-bottom:.15rem!important}"
    "th,td{padding-top:0!important;padding-bottom:0!important}"
)
# 10 mm margins: the foot marking (fixed, 7 mm below the content) moves up to stay 5 mm
# clear of the paper's edge, where many printers cannot print
_MARGINS = "@page{margin:10mm!important}.marking-bottom{bottom:-4.5mm!important}"
LADDER = (
    Step("as designed", "", 15, 10, (1.0, 1.0)),
    Step("tighter spacing", _SPACING, 15, 10, (1.014, 1.037)),
    Step("margins 10 mm", _SPACING + _MARGINS, 10, 10, (1.116, 1.095)),
    Step(
        "type 9.5 pt",
        _SPACING + _MARGINS + "html{font-size:9.5pt!important}",
        10,
        9.5,
        (1.174, 1.153),
    ),
    Step(
        "type 9 pt (floor)",
        _SPACING + _MARGINS + "html{font-size:9pt!important}",
        10,
        9,
        (1.278, 1.255),
    ),
)


@dataclass(frozen=True)
class PdfResult:
    """A one-page PDF and how it was fitted."""

    data: bytes
    fill: float  # share of the page's content height used
    step: Step
    layouts: int
    warnings: tuple[str, ...] = ()


class Renderer:
    """One per process: keeps WeasyPrint's font set-up and parsed stylesheets warm."""

    def __init__(self, assets: tuple[Path, ...], fonts_css: str) -> None:
        from weasyprint import CSS

        from briefgen.render.fontset import bundled_only

        self.assets = assets
        self.fonts_css = fonts_css
        self.base_url = assets[0].resolve().as_uri() + "/"
        self.fetcher = fetcher_class()(assets)
        self.font_config = bundled_only()  # the bundled fonts, none of the machine's
        with _captured_warnings() as warnings:
            self.fonts = CSS(
                string=fonts_css,
                base_url=self.base_url,
                url_fetcher=self.fetcher,
                font_config=self.font_config,
            )
        lost = [w for w in warnings if w.startswith("Font-face")]
        if lost:  # no machine font stands in for it: the PDF would have no glyphs at all
            raise BriefError(
                Diagnostic(
                    Location("fonts.css"),
                    "BG610",
                    f"a font of fonts.css cannot be loaded for the PDF: {lost[0]}",
                    "the PDF uses only the fonts fonts.css names: check its url(…) paths",
                )
            )
        self._steps: dict[str, Any] = {}
        self.columns = CSS(
            string=STYLE.format(half=GAP_MM / 2),
            base_url=self.base_url,
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )

    def _step_css(self, step: Step) -> Any:
        if step.name not in self._steps:
            from weasyprint import CSS

            self._steps[step.name] = CSS(
                string=step.css or "html{}",
                base_url=self.base_url,
                url_fetcher=self.fetcher,
                font_config=self.font_config,
            )
        return self._steps[step.name]

    def layout(self, html: str, step: Step, at: int | None = None) -> Any:
        """Lay HTML out at STEP, its flow in two columns from unit AT on (estimated from the
        text when None); return WeasyPrint's Document, its `flow` the columns' `Flow`."""
        from weasyprint import HTML

        source = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        flow = Flow(source.etree_element)  # parsed, not yet read by WeasyPrint: split here
        body = source.etree_element.find("body")
        letter = body is not None and "paper-letter" in body.get("class", "").split()
        column_mm = (PAPER_MM[letter] - 2 * step.margin_mm - GAP_MM) / COLUMNS
        flow.split(estimate(flow, step.font_pt, column_mm) if at is None else at)
        document = source.render(
            stylesheets=[self.fonts, self.columns, self._step_css(step)],
            font_config=self.font_config,
            pdf_variant="pdf/ua-1",
            presentational_hints=False,
        )
        document.flow = flow
        return document

    def _balanced(self, html: str, step: Step, at: int | None) -> tuple[Any, int, float]:
        """Lay HTML out at STEP from split AT, then again where balancing would split it if
        that is elsewhere and the page would hold it there (at most twice): the document, its
        layouts, and its natural height with the columns balanced (for the ladder's plan)."""
        document, layouts = self.layout(html, step, at), 1
        while True:
            natural, better = _balanced_height(document, step)
            if better in (None, document.flow.at) or layouts > 2 or natural > 1 + CLOSE:
                return document, layouts, natural
            candidate = self.layout(html, step, better)
            layouts += 1
            if _fits(document) and not _fits(candidate):
                return document, layouts, natural
            document = candidate

    def laid_out(self, html: str) -> str:
        """HTML as laid out at the designed size, its columns split where balancing would:
        what the benchmark's plain WeasyPrint lays out, and a golden file to read."""
        return serialised(self._balanced(html, LADDER[0], None)[0].flow.root)

    def one_page(self, html: str, *, name: str, advice: str = "") -> PdfResult:
        """Fit HTML on one page and write it; BriefError BG310 (with ADVICE) if it cannot."""
        with _captured_warnings() as warnings:
            document, layouts, natural = self._balanced(html, LADDER[0], None)
            step = LADDER[0]
            for candidate in _plan(natural, _paper(document)):
                if _fits(document):
                    break
                _, at = _balanced_height(document, step)
                document, more, _ = self._balanced(html, candidate, at)
                step, layouts = candidate, layouts + more
            if not _fits(document):
                raise BriefError(_overflow_diagnostic(name, document, step, advice))
            data = document.write_pdf(pdf_variant="pdf/ua-1", finisher=finish)
        return PdfResult(data, _natural_height(document, step), step, layouts, tuple(warnings))


def _plan(natural: float, paper: str) -> list[Step]:
    """The ladder rungs to try, in order, for content NATURAL × the page on PAPER.

    The first is the mildest rung predicted to hold it, from this paper's capacities; when
    the content is within CLOSE of the rung above (milder), that one is tried first, since
    the capacities are medians and a near miss may fit. Harsher rungs follow, in case the
    prediction fell short.
    """
    if natural <= 1.0:
        return list(LADDER[1:])
    held = [s.holds(paper) for s in LADDER]
    first = max(1, next((i for i, c in enumerate(held) if c >= natural), len(LADDER) - 1))
    order = list(range(first, len(LADDER)))
    if first > 1 and natural <= held[first - 1] * (1 + CLOSE):
        order.insert(0, first - 1)
    return [LADDER[i] for i in order]


def _paper(document: Any) -> str:
    """The paper of the laid-out page: Letter is 215.9 mm wide, A4 210 mm."""
    return "Letter" if float(document.pages[0].width) > 213 * PX_PER_MM else "A4"


def _fits(document: Any) -> bool:
    return len(document.pages) == 1 and END_MARKER in document.pages[0].anchors


def _content_px(page: Any, step: Step) -> float:
    return float(page.height) - 2 * step.margin_mm * PX_PER_MM


def _end_y(document: Any) -> tuple[int, float] | None:
    for number, page in enumerate(document.pages):
        if END_MARKER in page.anchors:
            return number, float(page.anchors[END_MARKER][1])
    return None


def _natural_height(document: Any, step: Step) -> float:
    """Content height as a share of one page, read off the (possibly multi-page) layout."""
    page = document.pages[0]
    content = _content_px(page, step)
    found = _end_y(document)
    if found is None:  # the marker was clipped away: assume one page more than laid out
        return len(document.pages) + 1.0
    number, y = found
    return (number * content + y - step.margin_mm * PX_PER_MM) / content


def _balanced_height(document: Any, step: Step) -> tuple[float, int | None]:
    """DOCUMENT's natural height were its columns balanced and the page long enough (from
    its units' heights), and the split that balances them (None, and the height as laid
    out, when the flow cannot say)."""
    content = _content_px(document.pages[0], step)
    found = balanced(document.flow, document)
    if found is None:
        return _natural_height(document, step), None
    at, bottom = found
    return (bottom - step.margin_mm * PX_PER_MM) / content, at


def _overflow_diagnostic(name: str, document: Any, step: Step, advice: str) -> Diagnostic:
    share = _balanced_height(document, step)[0] - 1.0
    line_px = step.font_pt * LINE_HEIGHT * 96 / 72
    lines = max(1, math.ceil(COLUMNS * share * _content_px(document.pages[0], step) / line_px))
    return Diagnostic(
        Location(name),
        "BG310",
        f"the brief does not fit on one page, even after tightening to '{step.name}': "
        f"over by about {lines} line(s) (≈{lines * WORDS_PER_LINE} words, {share:.0%} of a page)",
        f"cut about {lines} line(s); {advice or 'shorten or drop items'}",
    )


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings and errors (refused fetches, missing glyphs)."""
    found: list[str] = []

    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = _Handler(level=logging.WARNING)
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)


_RENDERERS: dict[tuple[Path, ...], Renderer] = {}
atexit.register(_RENDERERS.clear)  # free WeasyPrint's fonts before interpreter teardown


def renderer(assets: tuple[Path, ...], fonts_css: str) -> Renderer:
    """The process's Renderer for these asset folders and this stylesheet.

    Why the stylesheet is part of the key: a warm Renderer holds the parsed fonts.css, so
    a project's edited fonts.css (`briefgen serve`) must replace it, not be ignored. One
    Renderer per folder set is kept, so edits do not pile up WeasyPrint font set-ups.
    """
    key = tuple(a.resolve() for a in assets)
    cached = _RENDERERS.get(key)
    if cached is None or cached.fonts_css != fonts_css:
        _RENDERERS[key] = Renderer(assets, fonts_css)
    return _RENDERERS[key]

"""The example page's layout against its floor, in one warm process (issue 21).

    python bench/layout.py [REPS]      # prints JSON: seconds per layout, by page

Why one process, interleaved: a layout takes a few tenths of a second, so process start-up
and font set-up would drown the difference, and a busy machine slows whichever page runs
while it is busy; each repetition lays out every page once, in turn, after a warm-up. The
pages are the committed example page (tests/cases/helsinki/expected/, the HTML the PDF step
is given), laid out three ways with the same fonts, PDF/UA-1 and stylesheets:

- "split": as the PDF step lays it out: its flow split in two boxes where balancing would
  (render/columns.py), and the split checked against the units' heights (render/balance.py)
  — every layout the fitting step makes for it at the designed size;
- "balanced": as before issue 21: `columns: 2`, balanced by WeasyPrint's repeated layouts;
- "none": the same HTML with its column declarations removed: the floor.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "tests" / "cases" / "helsinki" / "expected" / "helsinki-summit-2018.html"
COLUMNS = ".flow { columns: 2; column-gap: 6mm; }"  # brief.css's column declarations


def main() -> None:
    from weasyprint import HTML

    from briefgen.assets import builtin_templates
    from briefgen.render import pdf
    from briefgen.render.pages import read_template

    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    html = PAGE.read_text(encoding="utf-8")
    assert html.count(COLUMNS) == 1, "brief.css's column declarations moved: update COLUMNS"
    renderer = pdf.renderer((builtin_templates(),), read_template("fonts.css"))
    step = pdf.LADDER[0]

    def plain(page: str) -> Callable[[], Any]:
        def lay_out() -> Any:
            document = HTML(string=page, base_url=renderer.base_url, url_fetcher=renderer.fetcher)
            return document.render(
                stylesheets=[renderer.fonts, renderer._step_css(step)],
                font_config=renderer.font_config,
                pdf_variant="pdf/ua-1",
                presentational_hints=False,
            )

        return lay_out

    pages: dict[str, Callable[[], Any]] = {
        "split": lambda: renderer._balanced(html, step, None),
        "balanced": plain(html),
        "none": plain(html.replace(COLUMNS, "")),
    }
    layouts = renderer._balanced(html, step, None)[1]
    times: dict[str, list[float]] = {name: [] for name in pages}
    for lay_out in pages.values():  # warm-up: fonts, caches
        lay_out()
    for _ in range(reps):
        for name, lay_out in pages.items():
            started = time.perf_counter()
            lay_out()
            times[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(found) for name, found in times.items()}
    print(json.dumps({"reps": reps, "split_layouts": layouts, "median_s": medians,
                      "times_s": times}))


if __name__ == "__main__":
    main()

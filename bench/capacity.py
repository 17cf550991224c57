"""Measure the fitting ladder's capacities per paper: how much more content each rung holds
than the design, for pdf.LADDER's `capacity` (A4, Letter). Run after a design change:

    .venv/bin/python bench/capacity.py

The example's HTML is padded with one-line key facts until it is 100-130 % of a page as
designed; each padded page is laid out at every rung, and a rung's capacity is the natural
height as designed over the natural height at that rung (both as shares of their own page,
the columns balanced: what the fitting step plans with), the median over the paddings.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from briefgen import pipeline
from briefgen.assets import builtin_templates
from briefgen.compose.compose import Edition, compose
from briefgen.render import pdf
from briefgen.render.pages import read_template, render_html
from briefgen.schema.vocabulary import PAPERS

SHEET = Path(__file__).resolve().parent.parent / "seeds" / "helsinki-summit-2018" / "facts.yaml"
ITEM = "<li>Alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima. [1]</li>"


def padded(html: str, items: int) -> str:
    anchor = '<h2 id="h-key-facts">Key facts</h2>\n<ul>\n'
    assert anchor in html
    return html.replace(anchor, anchor + ITEM * items, 1)


def main() -> None:
    checked = pipeline.check(SHEET)
    renderer = pdf.renderer((builtin_templates(),), read_template("fonts.css"))
    for paper in PAPERS:
        page = compose(checked.brief, Edition(paper=paper), evidence=checked.evidence)
        html = render_html(page.for_print())
        ratios: list[list[float]] = [[] for _ in pdf.LADDER]
        for items in range(10, 34, 2):
            page = padded(html, items)
            naturals = [  # balanced, from the units' heights (render/columns.py)
                pdf._balanced_height(renderer.layout(page, step), step)[0] for step in pdf.LADDER
            ]
            if not 1.0 <= naturals[0] <= 1.35:
                continue
            print(f"{paper} +{items}: " + " ".join(f"{n:.3f}" for n in naturals))
            for r, n in enumerate(naturals):
                ratios[r].append(naturals[0] / n)
        print(paper, "capacity:", ", ".join(f"{statistics.median(r):.3f}" for r in ratios if r))


if __name__ == "__main__":
    main()

"""Stage 5, balance: where the PDF's second column starts, from the text, then from a layout.

Why two ways: the split must be chosen before the first layout, and only a layout says how
tall each unit is. The estimate reads the units' text (px per character and per block, by
kind of unit, fitted to the bundled examples' layouts), so a page usually needs one layout.
After a layout, the units' heights, each stacked below the last by their collapsed margins,
give the split balancing would choose, as WeasyPrint's `columns: 2` did: the least height
of the taller column, the first column as full as that allows. That height, not the
layout's page count, is what the ladder plans with, as floats broken over pages say little.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from briefgen.render.columns import Flow, Unit, text

# the estimate: px per character, px per block and px of a heading above a section's first
# unit, by kind of unit, at 10 pt on an 87 mm column (fitted to the bundled examples' layouts)
ESTIMATE = {
    "li": (0.304, 6.7, 19.0),
    "tr": (0.344, 9.2, 36.0),
    "p": (0.30, 8.0, 27.0),
    "small-li": (0.25, 6.0, 16.0),
    "small-p": (0.288, 4.9, 16.0),
    "block": (0.241, 22.5, 19.0),
}
# an element laid out: per page, its border top and bottom; its top and its bottom margin
Measure = tuple[dict[int, tuple[float, float]], float, float]


def estimate(flow: Flow, font_pt: float, column_mm: float) -> int:
    """The split balancing is likely to choose, from the units' text alone."""
    font = font_pt / 10
    scale = font * font * 87 / column_mm  # a line holds fewer characters of larger type
    heights = [_estimated(flow, u, scale, font) for u in flow.units]
    return _least([sum(heights[:k]) for k in range(len(heights) + 1)], heights)


def balanced(flow: Flow, document: Any) -> tuple[int, float] | None:
    """Where balancing puts FLOW's second column, from the units' heights measured on
    DOCUMENT (laid out from FLOW once split), and where the taller column would end there,
    in px from the first page's top, were the page long enough. None before a split or
    when a unit was not laid out."""
    if flow.at is None:
        return None
    boxes = _measured(document)
    if any(u.first not in boxes or u.last not in boxes for u in flow.units):
        return None
    # the units stacked in one column, each below the last by their collapsed margins
    tops, bottoms, y = [], [], 0.0
    for k, unit in enumerate(flow.units):
        if k:
            y += max(_margins(boxes, flow.closes[k - 1], bottom=True),
                     _margins(boxes, flow.opens[k], bottom=False))
        tops.append(y)
        y += _height(boxes, unit)
        bottoms.append(y)
    first = [0.0] + [_start(flow, boxes, 0) + b for b in bottoms]
    rest = [_start(flow, boxes, k) + y - tops[k] for k in range(len(flow.units))]
    rest.append(0.0)
    best = _least(first, rest, heights=False)
    # a column's box also holds its last unit's bottom margin (balancing itself ignores it)
    ends = (_margins(boxes, flow.closes[best - 1], bottom=True),
            _margins(boxes, flow.closes[-1], bottom=True))
    return best, _top(flow, boxes) + max(first[best] + ends[0], rest[best] + ends[1])


def _top(flow: Flow, boxes: dict[ET.Element, Measure]) -> float:
    """Where the columns start: below the flow's previous sibling (the title block)."""
    above = flow.before
    if above is None or 0 not in boxes.get(above, ({},))[0]:
        return 0.0
    return boxes[above][0][0][1] + boxes[above][2]


def _start(flow: Flow, boxes: dict[ET.Element, Measure], k: int) -> float:
    """The space above unit K at the top of a column: its collapsed top margins (in a
    section's continuation, whose shells' top margins columns.STYLE truncates as a column
    break does, the unit's own), and a table's header row repeated."""
    unit = flow.units[k]
    margin = _margins(boxes, flow.opens[k], bottom=False)
    head = next(unit.shells[-1].iter("thead"), None) if unit.shells else None
    if head is None or head not in boxes:
        return margin
    return margin + sum(bottom - top for top, bottom in boxes[head][0].values())


def _margins(
    boxes: dict[ET.Element, Measure], elements: tuple[ET.Element, ...], *, bottom: bool
) -> float:
    """The collapsed margin of ELEMENTS (their largest top, or BOTTOM, margin)."""
    return max(
        (boxes[e][2] if bottom else boxes[e][1] for e in elements if e in boxes), default=0.0
    )


def _least(first: list[float], rest: list[float], *, heights: bool = True) -> int:
    """The split that minimises the taller column, the first column as full as that allows.

    With HEIGHTS, REST holds the units' heights and FIRST their running sums; otherwise
    FIRST[k] and REST[k] are the two columns' heights when the second starts at unit K.
    """
    n = len(first) - 1
    if heights:
        total = first[-1]
        rest = [total - first[k] for k in range(n + 1)]
    return min(range(1, n), key=lambda k: (max(first[k], rest[k]), -k), default=1)


def _estimated(flow: Flow, unit: Unit, scale: float, font: float) -> float:
    """A unit's height in px at 10 pt on an 87 mm column, from its text: px per character
    and per block, and a section's heading (and table header row) on its first unit."""
    per_char, fixed, heading = ESTIMATE.get(_kind(flow, unit), ESTIMATE["block"])
    height = per_char * scale * len(text(unit.last)) + fixed * font
    return height + (heading * font if unit.first is not unit.last else 0.0)


def _measured(document: Any) -> dict[ET.Element, Measure]:
    """Each element's boxes: per page, its principal box's border top and bottom (the first
    box met; anonymous boxes come inside it); its first top and last bottom margin."""
    found: dict[ET.Element, Measure] = {}
    for number, page in enumerate(document.pages):
        for box in _descendants(page._page_box):
            element = getattr(box, "element", None)
            if element is None or isinstance(getattr(box, "text", None), str):
                continue
            spans, top_margin, _ = found.get(element, ({}, float(box.margin_top or 0), 0.0))
            if number in spans:
                continue
            top = float(box.border_box_y())
            spans[number] = (top, top + float(box.border_height()))
            found[element] = (spans, top_margin, float(box.margin_bottom or 0))
    return found


def _height(boxes: dict[ET.Element, Measure], unit: Unit) -> float:
    """A unit's height: from its first element's top to its last's bottom, page by page."""
    first, last = boxes[unit.first][0], boxes[unit.last][0]
    return sum(
        max(s[1] for s in (first.get(n), last.get(n)) if s)
        - min(s[0] for s in (first.get(n), last.get(n)) if s)
        for n in sorted(first.keys() | last.keys())
    )


def _descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _kind(flow: Flow, unit: Unit) -> str:
    """What sort of block a unit is, for the estimate."""
    if unit.last.tag in ("li", "tr", "p"):
        small = "sources" in flow.children[unit.child].get("class", "").split()
        return ("small-" if small else "") + unit.last.tag
    return "block"

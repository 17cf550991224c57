"""Stage 5, columns: the PDF's two columns as two explicit boxes, split where balancing would.

Why: WeasyPrint balances CSS columns (`columns: 2`) by laying the whole flow out again and
again until the second column is no taller than the first: 70–85 % of a page's layout
(issue 21). The PDF's page instead gets two `div.column` boxes side by side (floats,
brief.css `.flow.split`), each laid out once. Where the second column starts is decided
here, in the parsed page, without touching the template: the flow's sections are cut into
units the printed page may break between (an item, a table row, a paragraph; a heading stays
with the unit after it), a section cut in two continues in the second column (its list or
table in a shell of the same element, the table's header row repeated, as a CSS column
break repeats it). The first split is estimated from the units' text; after a layout the
units' measured heights say where balancing would have put it (the least height of the
taller column, the first column as full as that height allows), and the fitting step lays
the page out again only if that is elsewhere. The site's web page keeps `columns: 2`: a
browser prints it, and `make_pages` stays the same bytes with or without the PDF.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SPLIT_CLASS = "split"  # the flow's class once split
# the split flow's two boxes, 2 × HALF mm apart, added to the PDF's stylesheets (user
# stylesheets to WeasyPrint, hence !important; not in brief.css, so a project's own copy
# needs none of it); a section's continuation loses its top margin, as at a column break
STYLE = (
    "@media print{{.flow.split{{columns:auto!important}}"
    ".flow.split::after{{content:'';display:block;clear:both}}"
    ".flow.split>.column{{float:left!important;width:calc(50% - {half}mm)!important}}"
    ".flow.split>.column+.column{{float:right!important}}"
    ".flow.split .continued>:first-child{{margin-top:0!important}}}}"
)
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


@dataclass(frozen=True)
class Unit:
    """A piece of the flow the second column may start at.

    CHILD is the flow's child it belongs to; PART and ITEM place it inside a section cut in
    two (PART: the section's child after its heading; ITEM: the list item or table row in
    it, None for a part that moves whole). FIRST and LAST are the elements whose boxes
    measure it: a section's first unit starts at its heading. SHELLS are the section and
    the part a second column starting here opens with (empty for a unit that starts a child).
    """

    child: int
    part: int | None
    item: int | None
    first: ET.Element
    last: ET.Element
    shells: tuple[ET.Element, ...] = ()

    @property
    def starts_child(self) -> bool:
        return not self.shells


class Flow:
    """The page's `.flow` in a parsed page, its units, and the split it was given."""

    def __init__(self, root: ET.Element) -> None:
        self.root = root
        self.flow = next(
            (e for e in root.iter("div") if "flow" in e.get("class", "").split()), None
        )
        children = [] if self.flow is None else [c for c in self.flow if _is_element(c)]
        self.children = children
        self.units = list(_units(children))
        self.at: int | None = None
        # the margins that collapse at each unit's top and bottom in one column, unsplit
        parents = {c: p for p in root.iter() for c in p}
        stop = self.flow if self.flow is not None else root
        siblings = [] if self.flow is None else [c for c in parents[self.flow] if _is_element(c)]
        place = siblings.index(self.flow) if self.flow is not None else 0
        self.before = siblings[place - 1] if place > 0 else None
        self.opens = [_edge(u.first, parents, stop, last=False) for u in self.units]
        self.closes = [_edge(u.last, parents, stop, last=True) for u in self.units]

    def split(self, at: int) -> None:
        """Put the flow's children in two `div.column`s, the second from unit AT on."""
        if self.flow is None or not 0 < at < len(self.units):
            return
        unit = self.units[at]
        first: list[ET.Element] = self.children[: unit.child]
        second: list[ET.Element] = self.children[unit.child + 1 :]
        if unit.starts_child:
            second.insert(0, self.children[unit.child])
        else:
            kept, moved = _cut(self.children[unit.child], unit)
            first.append(kept)
            second.insert(0, moved)
        for child in self.children:
            self.flow.remove(child)
        self.flow.text = "\n"
        for members in (first, second):
            column = ET.SubElement(self.flow, "div", {"class": "column"})
            column.text, column.tail = "\n", "\n"
            column.extend(members)
        self.flow.set("class", f"{self.flow.get('class', '')} {SPLIT_CLASS}".strip())
        self.at = at

    def estimate(self, font_pt: float, column_mm: float) -> int:
        """The split balancing is likely to choose, from the units' text alone."""
        font = font_pt / 10
        scale = font * font * 87 / column_mm  # a line holds fewer characters of larger type
        heights = [_estimated(self, u, scale, font) for u in self.units]
        return _balanced([sum(heights[:k]) for k in range(len(heights) + 1)], heights)

    def balanced(self, document: Any) -> tuple[int, float] | None:
        """Where balancing puts the second column, from the units' heights measured on
        DOCUMENT (laid out from this flow once split), and where the taller
        column would end there, in px from the first page's top, were the page long enough
        (what the ladder plans with: floats broken over pages say little). None before a
        split or when a unit was not laid out."""
        if self.at is None:
            return None
        boxes = _measured(document)
        if any(u.first not in boxes or u.last not in boxes for u in self.units):
            return None
        # the units stacked in one column, each below the last by their collapsed margins
        tops, bottoms, y = [], [], 0.0
        for k, unit in enumerate(self.units):
            if k:
                y += max(_margins(boxes, self.closes[k - 1], bottom=True),
                         _margins(boxes, self.opens[k], bottom=False))
            tops.append(y)
            y += _height(boxes, unit)
            bottoms.append(y)
        first = [0.0] + [self._start(boxes, 0) + b for b in bottoms]
        rest = [self._start(boxes, k) + y - tops[k] for k in range(len(self.units))]
        rest.append(0.0)
        best = _balanced(first, rest, heights=False)
        return best, self._top(boxes) + max(first[best], rest[best])

    def _top(self, boxes: dict[ET.Element, Measure]) -> float:
        """Where the columns start: below the flow's previous sibling (the title block)."""
        above = self.before
        if above is None or 0 not in boxes.get(above, ({},))[0]:
            return 0.0
        return boxes[above][0][0][1] + boxes[above][2]

    def _start(self, boxes: dict[ET.Element, Measure], k: int) -> float:
        """The space above unit K at the top of a column: its collapsed top margins (in a
        section's continuation, whose shells' top margins brief.css truncates as a column
        break does, the unit's own), and a table's header row repeated."""
        unit = self.units[k]
        margin = _margins(boxes, self.opens[k], bottom=False)
        head = next(unit.shells[-1].iter("thead"), None) if unit.shells else None
        if head is None or head not in boxes:
            return margin
        return margin + sum(bottom - top for top, bottom in boxes[head][0].values())


# per page: border top and bottom; the top and the bottom margin
Measure = tuple[dict[int, tuple[float, float]], float, float]


def _margins(
    boxes: dict[ET.Element, Measure], elements: tuple[ET.Element, ...], *, bottom: bool
) -> float:
    """The collapsed margin of ELEMENTS (their largest top, or BOTTOM, margin)."""
    return max(
        (boxes[e][2] if bottom else boxes[e][1] for e in elements if e in boxes), default=0.0
    )


def _edge(element: ET.Element, parents: dict[ET.Element, ET.Element], stop: ET.Element,
          *, last: bool) -> tuple[ET.Element, ...]:
    """ELEMENT and the ancestors below STOP whose margins it shares: those it is the first
    (or LAST) element child of, all the way up."""
    chain = []
    while element is not stop:
        chain.append(element)
        parent = parents[element]
        kids = [c for c in parent if _is_element(c)]
        if kids[-1 if last else 0] is not element:
            break
        element = parent
    return tuple(chain)


def serialised(root: ET.Element) -> str:
    """The page as HTML text (the bench's and the goldens' copy of what WeasyPrint laid out)."""
    return "<!DOCTYPE html>\n" + ET.tostring(root, encoding="unicode", method="html")


def _balanced(first: list[float], rest: list[float], *, heights: bool = True) -> int:
    """The split that minimises the taller column, the first column as full as that allows.

    With HEIGHTS, REST holds the units' heights and FIRST their running sums; otherwise
    FIRST[k] and REST[k] are the two columns' heights when the second starts at unit K.
    """
    n = len(first) - 1
    if heights:
        total = first[-1]
        rest = [total - first[k] for k in range(n + 1)]
    return min(range(1, n), key=lambda k: (max(first[k], rest[k]), -k), default=1)


def _is_element(node: Any) -> bool:
    return isinstance(node.tag, str)


def _units(children: list[ET.Element]) -> Iterator[Unit]:
    for index, child in enumerate(children):
        kids = [c for c in child if _is_element(c)]
        if child.tag != "section" or not kids or kids[0].tag != "h2" or len(kids) < 2:
            yield Unit(index, None, None, child, child)
            continue
        heading, first = kids[0], True
        for part, element in enumerate(kids[1:]):
            items = _items(element)
            for item, piece in enumerate(items or [element]):
                shells = () if first else (child, element)
                yield Unit(index, part, item if items else None,
                           heading if first else piece, piece, shells)
                first = False


def _items(part: ET.Element) -> list[ET.Element]:
    """The pieces a part breaks between: a list's items, a table body's rows."""
    if part.tag in ("ul", "ol"):
        return [c for c in part if c.tag == "li"]
    if part.tag == "table":
        return [r for body in part.iter("tbody") for r in body if r.tag == "tr"]
    return []


def _cut(section: ET.Element, unit: Unit) -> tuple[ET.Element, ET.Element]:
    """SECTION, kept with everything before UNIT, and its continuation from UNIT on."""
    parts = [c for c in section if _is_element(c)][1:]
    part = unit.shells[-1]
    moved = _shell(section, "continued")
    if unit.item:
        items = _items(part)
        shell = _shell(part, "")
        if part.tag == "table":
            for child in part:
                if child.tag == "thead":
                    shell.append(copy.deepcopy(child))
            body = _shell(next(iter(part.iter("tbody"))), "")
            shell.append(body)
            for row in items[unit.item :]:
                next(iter(part.iter("tbody"))).remove(row)
                body.append(row)
        else:
            for item in items[unit.item :]:
                part.remove(item)
                shell.append(item)
        moved.append(shell)
    else:
        section.remove(part)
        moved.append(part)
    for later in parts[(unit.part or 0) + 1 :]:
        section.remove(later)
        moved.append(later)
    return section, moved


def _shell(element: ET.Element, extra: str) -> ET.Element:
    """An empty copy of ELEMENT without its id (the id stays on the first half)."""
    attributes = {k: v for k, v in element.attrib.items() if k != "id"}
    if extra:
        attributes["class"] = f"{attributes.get('class', '')} {extra}".strip()
    shell = ET.Element(element.tag, attributes)
    shell.text, shell.tail = element.text, element.tail
    return shell


def _estimated(flow: Flow, unit: Unit, scale: float, font: float) -> float:
    """A unit's height in px at 10 pt on an 87 mm column, from its text: px per character
    and per block, and a section's heading (and table header row) on its first unit."""
    per_char, fixed, heading = ESTIMATE.get(_kind(flow, unit), ESTIMATE["block"])
    height = per_char * scale * _chars(unit.last) + fixed * font
    return height + (heading * font if unit.first is not unit.last else 0.0)


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


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


def _chars(element: ET.Element) -> int:
    return len(_text(element))

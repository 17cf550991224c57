"""Stage 5, columns: the PDF's two columns as two explicit boxes, not balanced CSS columns.

Why: WeasyPrint balances CSS columns (`columns: 2`) by laying the whole flow out again and
again until the second column is no taller than the first: 70–85 % of a page's layout
(issue 21). The PDF's page instead gets two `div.column` boxes side by side (floats, STYLE),
each laid out once. The split is made here, in the parsed page, without touching the
template: the flow's sections are cut into units the printed page may break between (an
item, a table row, a paragraph; a heading stays with the unit after it), and a section cut
in two continues in the second column (its list or table in a shell of the same element,
the table's header row repeated, as a CSS column break repeats it), so the PDF's structure
tags and reading order are those of the balanced columns. Where to split is
render/balance.py's. The site's web page keeps `columns: 2`: a browser prints it, and
`make_pages` stays the same bytes with or without the PDF.
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


def text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())

"""Stage 5b, PDF tags: what WeasyPrint's PDF/UA tagging leaves out, added before writing.

Why a finisher and not a post-processor: WeasyPrint hands its in-memory PDF (pydyf objects)
to a callback before serialising it, with the layout still at hand, so the repairs cost a
walk over objects that already exist and stay byte-reproducible. Three repairs:

- a link annotation's /Contents is its target (`src-S1`, an internal id); a screen reader
  announces it, so it becomes the link's `aria-label` ("Source 1, paragraph 5");
- a table header cell (/TH) gets /Scope (/Column, or /Row for `<th scope="row">`), which
  WeasyPrint records only as /Headers on the data cells;
- a structure element with nothing in it (the end-of-content marker's empty `div`) is cut
  out of the tree, and its object emptied so no dangling element remains.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def finish(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: label links, scope header cells, prune empty elements."""
    import pydyf

    for page in document.pages:
        for _kind, _target, _rect, box in page.links:
            annotation = getattr(box, "link_annotation", None)
            label = box.element.get("aria-label") if box.element is not None else None
            if annotation is not None and label:
                annotation["Contents"] = pydyf.String(label)
        for box in _boxes(page._page_box):
            mark = getattr(box, "mark", None)
            if box.element_tag == "th" and mark is not None and "A" in mark:
                row = box.element.get("scope") == "row"
                mark["A"]["Scope"] = "/Row" if row else "/Column"
    root = pdf.catalog.get("StructTreeRoot")
    if root is not None:
        for kid in _kids(pdf, _resolve(pdf, root)):
            _prune(pdf, kid)


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _resolve(pdf: Any, reference: Any) -> Any:
    """The object a `n 0 R` reference (bytes) names; anything else as it is."""
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return pdf.objects[int(reference.split()[0])]
    return reference


def _kids(pdf: Any, element: Any) -> list[Any]:
    kids = element.get("K", [])
    return [_resolve(pdf, k) for k in (kids if isinstance(kids, list) else [kids])]


def _is_element(value: Any) -> bool:
    return isinstance(value, dict) and value.get("Type") == "/StructElem"


def _prune(pdf: Any, element: Any) -> bool:
    """Cut ELEMENT's empty descendants; True if ELEMENT itself holds nothing."""
    if not _is_element(element):
        return False
    kept = []
    for reference in element["K"]:
        kid = _resolve(pdf, reference)
        if _prune(pdf, kid):
            kid.clear()  # unreachable now: an empty dictionary, no stray /StructElem
        else:
            kept.append(reference)
    element["K"][:] = kept
    return not kept

"""The citation graph of a Brief: which item cites which source, in document order, and
the reader's source numbers that follow from it; `[S1]` mentions in prose are read with
the same numbers. Pure.

Why here, beside the models: verification (mentions, provenance, acceptance) and
composition both walk the same graph; one owner keeps `[n]` the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from briefgen.schema.kinds import sections
from briefgen.schema.model import Brief, Excerpt
from briefgen.sheet.load import Path_

_ID = r"[A-Za-z][A-Za-z0-9_-]*"
# `[S1]` or `[S1, S2]`, not followed by `(`: `[text](url)` is a Markdown link.
MENTION = re.compile(rf"\[({_ID}(?:,\s*{_ID})*)\](?!\()")


def resolve(text: str, numbers: dict[str, int], show: Callable[[list[str]], str]) -> str:
    """TEXT with each mention of known sources replaced by SHOW(its ids); others stay."""

    def one(m: re.Match[str]) -> str:
        ids = [i.strip() for i in m.group(1).split(",")]
        return show(ids) if all(i in numbers for i in ids) else m.group(0)

    return MENTION.sub(one, text)


def as_numbers(text: str, numbers: dict[str, int]) -> str:
    """Plain-text form: `[S1, S2]` → `[2, 1]`, for titles, attributes, feeds."""
    return resolve(text, numbers, lambda ids: f"[{', '.join(str(numbers[i]) for i in ids)}]")


BOTTOM_LINE = "bottom-line"  # the bottom line's id on the page; every listed item has its own


def object_id(section: str) -> str:
    """The page id of a section that is one object: 'bottom-line', 'question', 'mandate'."""
    return section.replace("_", "-")


def cites(brief: Brief) -> Iterator[tuple[Path_, str | Excerpt]]:
    """Every cite entry of the sheet with its document path, in document order."""
    for section in sections(brief):
        value = getattr(brief, section, None)
        for i, item in enumerate(value if isinstance(value, list) else [value] if value else []):
            base: Path_ = (section, i) if isinstance(value, list) else (section,)
            for j, ref in enumerate(item.cite):
                yield (*base, "cite", j), ref


def numbering(brief: Brief) -> dict[str, int]:
    """Source id → the reader's number: order of first citation, then uncited ones in order."""
    order: dict[str, int] = {}
    ids = [i for i in (getattr(s, "id", None) for s in brief.sources) if i is not None]
    for _, ref in cites(brief):
        sid = ref if isinstance(ref, str) else getattr(ref, "source", None)
        if isinstance(sid, str) and sid in ids:
            order.setdefault(sid, len(order) + 1)
    for sid in ids:
        order.setdefault(sid, len(order) + 1)
    return order


def item_id(brief: Brief, path: Path_) -> str:
    """The page id of the item a cite or quote PATH belongs to (brief.html's element ids)."""
    value = getattr(brief, str(path[0]))
    return value[int(path[1])].id if isinstance(value, list) else object_id(str(path[0]))

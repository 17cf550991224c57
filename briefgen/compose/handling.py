"""Stage 4, compose: the handling line of a page, its banner level and portion marks.

Why computed: the banner is the highest marking the page holds ("highest level wins"),
never typed by hand, so an edition's banner is right for what that edition holds. A
sheet that marks nothing prints its handling line as before (classification, the typed
TLP, caveats) and no portion marks; an audience's edition always carries a banner.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from briefgen.compose.page import Item
from briefgen.schema.kinds import sections
from briefgen.schema.markings import (
    TLP,
    Level,
    Scheme,
    default_marking,
    is_marked,
    marked_items,
    marking_of,
    text_of,
)
from briefgen.schema.model import Brief


class Markings:
    """The markings of FULL (the sheet as written) under SCHEME; AUDIENCE is True for an
    audience's edition, which is always marked (an unmarked item as the lowest level)."""

    def __init__(self, full: Brief, scheme: Scheme, *, audience: bool) -> None:
        self.scheme = scheme
        self.marked = audience or is_marked(full, sections(full))
        lowest = scheme.levels[0].name if scheme.levels else None
        self.default = default_marking(full) or (lowest if self.marked else None)

    def level(self, brief: Brief) -> Level | None:
        """The banner's level: the highest marking BRIEF holds; None when unmarked."""
        if not self.marked:
            return None
        held = (marking_of(x, self.default) for _, x in marked_items(brief, sections(brief)))
        name = self.scheme.highest(held)
        if name is None:
            return None
        return self.scheme.find(name) or Level(name)  # `check` refuses unknown ones

    def banner(self, brief: Brief) -> str:
        level = self.level(brief)
        return level.printed if level else ""

    def banner_class(self, brief: Brief) -> str:
        level = self.level(brief)
        return level.css if level else ""

    def line(self, brief: Brief) -> str:
        """The handling line at the top and bottom of every page: the classification (a
        project with its own scheme prints one only where set), the banner, the caveats."""
        h = brief.briefing.handling
        level = self.level(brief)
        own = self.scheme != TLP and "classification" not in h.model_fields_set
        parts = [] if own else [h.classification]
        if level is not None:
            parts.append(level.printed)
        elif h.tlp:
            parts.append(f"TLP:{h.tlp}")
        return " // ".join([*parts, *h.caveats])

    @staticmethod
    def omits(level: str | None) -> str:
        """The line an audience's edition carries, saying that it leaves material out."""
        if level is None:
            return ""
        return f"This edition is for readers at {level}: material marked above it is left out."

    def portion(self, item: Any) -> str:
        """ITEM's portion mark, `(TLP:AMBER)`; "" on an unmarked sheet."""
        if not self.marked:
            return ""
        name = marking_of(item, self.default)
        level = self.scheme.find(name)
        return level.portion if level else f"({name})" if name else ""

    def gap(self, gap: Any) -> str:
        """GAP's text as printed, after its portion mark on a marked sheet."""
        return " ".join(p for p in (self.portion(gap), text_of(gap)) if p)

    def portions(
        self, brief: Brief, found: dict[str, tuple[Item, ...]]
    ) -> dict[str, tuple[Item, ...]]:
        """FOUND (section → items, in sheet order) with each item's portion mark."""
        if not self.marked:
            return found
        marked = {}
        for section, items in found.items():
            value = getattr(brief, section, None)
            sources = value if isinstance(value, list) else [value] if value else []
            pairs = zip(items, sources, strict=True)
            marked[section] = tuple(dataclasses.replace(i, mark=self.portion(x)) for i, x in pairs)
        return marked

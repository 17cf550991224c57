"""Handling levels: the ordered markings a project uses, and the marking of each item.

Why one ordered list: every portion of a brief carries its own marking, the banner is
the highest marking present ("highest level wins"), and an audience's edition holds
nothing above its level; all three compare levels, so they compare them in one place.
The default is FIRST's Traffic Light Protocol 2.0; a project may declare its own scheme
in briefgen.toml (project/audiences.py reads it). Pure: no pydantic, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Level:
    """One marking: NAME is what a sheet writes, LABEL what the banner prints, SHORT the
    portion mark before each item; COLOUR FIRST's text colour on black, for TLP."""

    name: str
    label: str = ""
    short: str = ""
    colour: str = ""

    @property
    def printed(self) -> str:
        """The banner's words for this level."""
        return self.label or self.name

    @property
    def portion(self) -> str:
        """The portion mark: `(TLP:AMBER)`, or the scheme's short form in brackets."""
        return f"({self.short or self.name})"

    @property
    def css(self) -> str:
        """The HTML class of the banner: `marking-tlp-amber-strict` (letters and digits)."""
        word = "".join(c if c.isalnum() else "-" for c in self.name.lower()).strip("-")
        return f"marking-{word}"


@dataclass(frozen=True)
class Scheme:
    """The project's levels, lowest first."""

    levels: tuple[Level, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)

    def find(self, name: str | None) -> Level | None:
        """The level called NAME, or None (unknown or unmarked)."""
        return next((level for level in self.levels if level.name == name), None)

    def rank(self, name: str | None) -> int:
        """NAME's place, 0 for the lowest; an unknown name or None ranks as the lowest
        (`check` has already refused unknown names, BG220)."""
        names = self.names
        return names.index(name) if name in names else 0

    def highest(self, names: Iterable[str | None]) -> str | None:
        """The highest of NAMES (None when none is given)."""
        given = [n for n in names if n is not None]
        return max(given, key=self.rank) if given else None


# FIRST, Traffic Light Protocol 2.0 (first.org/tlp): black background, these text colours.
TLP = Scheme(
    (
        Level("TLP:CLEAR", colour="#FFFFFF"),
        Level("TLP:GREEN", colour="#33FF00"),
        Level("TLP:AMBER", colour="#FFC000"),
        Level("TLP:AMBER+STRICT", colour="#FFC000"),
        Level("TLP:RED", colour="#FF2B2B"),
    )
)


def default_marking(brief: Any) -> str | None:
    """The marking of BRIEF's items that state none: `handling.marking`, else the TLP of a
    sheet written before markings (`handling.tlp: AMBER` is `TLP:AMBER`), else None."""
    handling = getattr(getattr(brief, "briefing", None), "handling", None)
    if handling is None:
        return None
    if getattr(handling, "marking", None):
        return str(handling.marking)
    tlp = getattr(handling, "tlp", None)
    return f"TLP:{tlp}" if tlp else None


def marked_items(brief: Any, sections: Iterable[str]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every source and item of BRIEF in SECTIONS with its document path, in sheet order."""
    for section in ("sources", *sections, "gaps"):
        value = getattr(brief, section, None)
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield (section, i), item
        elif value is not None:
            yield (section,), value


def text_of(gap: Any) -> str:
    """A gap's text, whether written as text or as {text, marking}."""
    return gap if isinstance(gap, str) else str(getattr(gap, "text", ""))


def marking_of(item: Any, default: str | None) -> str | None:
    """ITEM's own marking, or the sheet's DEFAULT."""
    return getattr(item, "marking", None) or default


def is_marked(brief: Any, sections: Iterable[str]) -> bool:
    """True when BRIEF uses markings: `handling.marking`, or any source or item marked. A
    sheet with only the `handling.tlp` of before markings prints as it did (no portion
    marks); its editions for an audience read the TLP as its default marking."""
    handling = getattr(getattr(brief, "briefing", None), "handling", None)
    if getattr(handling, "marking", None):
        return True
    return any(getattr(item, "marking", None) for _, item in marked_items(brief, sections))

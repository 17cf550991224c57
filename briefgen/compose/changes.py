"""What changed in a briefing since its published version: items by id, and the page fill.

Why: a rebuild that says only `built 1` leaves the editor to diff two PDFs. The manifest
records, per published briefing, a digest of every item of every section (by item id) and
how full its page was; a rebuild compares the new briefing with that record and says
"key facts: 1 edited; page 87% → 91% full". A record written before these were kept (an
older manifest) has neither: then nothing is claimed about what changed. Pure.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import BaseModel

from briefgen.schema.budgets import items_of
from briefgen.schema.kinds import every_section, sections
from briefgen.schema.model import Brief

if TYPE_CHECKING:
    from briefgen.compose.revisions import Comparison

Digests = dict[str, dict[str, str]]  # section → item id (or '#n' without one) → digest


def digests(brief: Brief) -> Digests:
    """Each section's items by id, each with a digest of its content."""
    found: Digests = {}
    for section in sections(brief):
        items = items_of(brief, section)
        found[section] = {_id(item, n): item_digest(item) for n, item in enumerate(items, start=1)}
    return found


@dataclass(frozen=True)
class Change:
    """A built briefing against its published version (None: there was none)."""

    new: bool = False
    sections: dict[str, tuple[int, int, int]] = field(
        default_factory=dict
    )  # added, removed, edited
    fill: tuple[float, float] | None = None  # before, after; only when it moved

    @classmethod
    def of(cls, comparison: Comparison, fill: tuple[float | None, float | None]) -> Change:
        """The terminal line's change: COMPARISON's counts, and the page FILL before and after."""
        return dataclasses.replace(
            compare(None, fill[0], {}, fill[1]), sections=comparison.counts()
        )

    def __str__(self) -> str:
        """'new', or what changed ('' when nothing the reader sees did)."""
        if self.new:
            return "new"
        parts = []
        for section, counts in self.sections.items():
            verbs = ("added", "removed", "edited")
            said = [f"{n} {what}" for n, what in zip(counts, verbs, strict=True) if n]
            parts.append(f"{section.replace('_', ' ')}: {', '.join(said)}")
        if self.fill is not None:
            parts.append(f"page {self.fill[0]:.0%} → {self.fill[1]:.0%} full")
        return "; ".join(parts)


def compare(
    before: Digests | None, fill_before: float | None, after: Digests, fill_after: float | None
) -> Change:
    """AFTER against BEFORE (None: never published, or by a manifest that kept no digests)."""
    sections: dict[str, tuple[int, int, int]] = {}
    for section in every_section() if before else ():
        old, new = (before or {}).get(section, {}), after.get(section, {})
        counts = (
            sum(k not in old for k in new),
            sum(k not in new for k in old),
            sum(k in old and old[k] != d for k, d in new.items()),
        )
        if any(counts):
            sections[section] = counts
    moved = None
    if (
        fill_before is not None
        and fill_after is not None
        and f"{fill_before:.0%}" != f"{fill_after:.0%}"
    ):
        moved = (fill_before, fill_after)  # as printed: a change too small to show is none
    return Change(sections=sections, fill=moved)


def _id(item: BaseModel, n: int) -> str:
    ident = getattr(item, "id", None)
    return ident if isinstance(ident, str) else f"#{n}"


def item_digest(item: BaseModel) -> str:
    """A digest of everything ITEM says (an unset review_by left out: digests recorded
    before it existed stay the same)."""
    unset = {"review_by"} if getattr(item, "review_by", "") is None else None
    return hashlib.sha256(item.model_dump_json(exclude=unset).encode()).hexdigest()[:16]


def content_digest(brief: Brief) -> str:
    """A digest of the whole sheet as read: a new one means a new edition of the briefing."""
    return hashlib.sha256(brief.model_dump_json().encode()).hexdigest()[:32]

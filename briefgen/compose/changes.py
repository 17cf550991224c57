"""What changed in a briefing since its published version: items by id, and the page fill.

Why: a rebuild that says only `built 1` leaves the editor to diff two PDFs. The manifest
records, per published briefing, a digest of every item of every section (by item id) and
how full its page was; a rebuild compares the new briefing with that record and says
"key facts: 1 edited; page 87% → 91% full". A record written before these were kept (an
older manifest) has neither: then nothing is claimed about what changed. Pure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from pydantic import BaseModel

from briefgen.schema.budgets import items_of
from briefgen.schema.kinds import every_section, sections
from briefgen.schema.model import Brief

Digests = dict[str, dict[str, str]]  # section → item id (or '#n' without one) → digest


def digests(brief: Brief) -> Digests:
    """Each section's items by id, each with a digest of its content."""
    found: Digests = {}
    for section in sections(brief):
        items = items_of(brief, section)
        found[section] = {_id(item, n): _digest(item) for n, item in enumerate(items, start=1)}
    return found


@dataclass(frozen=True)
class Change:
    """A built briefing against its published version (None: there was none)."""

    new: bool = False
    sections: dict[str, tuple[int, int, int]] = field(
        default_factory=dict
    )  # added, removed, edited
    fill: tuple[float, float] | None = None  # before, after; only when it moved

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


def _digest(item: BaseModel) -> str:
    return hashlib.sha256(item.model_dump_json().encode()).hexdigest()[:16]

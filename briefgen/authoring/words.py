"""Authoring aid: every word budget of a sheet at once, for `briefgen words`.

Why: `check` reports an overrun one warning at a time; while writing, the editor wants the
whole table (each field, each section, the body) to see where words can go. The counts
are budgets.py's own, so the table and the warnings never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.schema.budgets import (
    BODY_LIMIT,
    field_budget_paths,
    section_budgets,
    section_words,
)
from briefgen.schema.kinds import KINDS
from briefgen.schema.model import Brief
from briefgen.sheet.load import dotted
from briefgen.verify.budgets import field_budgets


@dataclass(frozen=True)
class Row:
    """One line of the table: a field, a section's total, or the body's."""

    path: str  # 'key_facts[0].text', 'key_facts', or 'body'
    kind: str  # 'field', 'section' or 'body'
    words: int
    budget: int
    items: int | None = None  # sections: how many items, and how many fit
    most: int | None = None

    @property
    def over(self) -> bool:
        """True when the words or the items exceed what the page holds."""
        return self.words > self.budget or (self.most is not None and (self.items or 0) > self.most)

    def as_dict(self) -> dict[str, object]:
        """Plain data for `words --format json` (keys documented in the README)."""
        return {
            "path": self.path,
            "kind": self.kind,
            "words": self.words,
            "budget": self.budget,
            "over": self.over,
            "items": self.items,
            "max_items": self.most,
        }


def table(brief: Brief) -> list[Row]:
    """Every budgeted field, then each section's total after its fields, then the body."""
    fields = field_budgets(brief)
    counts = section_words(brief)
    rows = [Row(dotted(p), "field", n, limit) for p, n, limit in fields if p[0] not in counts]
    for section, (limit, most) in section_budgets(brief).items():
        rows += [Row(dotted(p), "field", n, b) for p, n, b in fields if p[0] == section]
        value = getattr(brief, section, None)
        items = len(value) if isinstance(value, list) else None
        rows.append(
            Row(
                section,
                "section",
                counts[section],
                limit,
                items,
                most if items is not None else None,
            )
        )
    rows.append(Row("body", "body", sum(counts.values()), BODY_LIMIT))
    return rows


def budget_table() -> str:
    """The budgets as the README shows them, words / items per kind (a test keeps the two
    the same)."""
    paths = field_budget_paths()
    per_kind = {kind: section_budgets(kind) for kind in KINDS}
    sections = list(dict.fromkeys(s for budgets in per_kind.values() for s in budgets))
    lines = [
        f"| section | {' | '.join(KINDS)} | fields (words each) |",
        "|---" * (len(KINDS) + 2) + "|",
    ]
    for section in sections:
        inside = [f"`{p}` ≤ {n}" for p, n in paths if p.split(".")[0].rstrip("[]") == section]
        cells = [
            f"{b[section][0]} / {b[section][1]}" if section in b else "—"
            for b in per_kind.values()
        ]
        lines.append(f"| `{section}` | {' | '.join(cells)} | {', '.join(inside)} |")
    others = [f"`{p}` ≤ {n}" for p, n in paths if p.split(".")[0].rstrip("[]") not in sections]
    body = " | ".join(str(BODY_LIMIT) for _ in KINDS)
    lines.append(f"| body (all sections) | {body} | {', '.join(others)} |")
    return "\n".join(lines) + "\n"

"""What changed between two editions of one briefing, item by item, for its readers.

Why a snapshot: an edition's files are immutable once published, so the next edition
cannot re-read the old sheet. Each published edition leaves a small snapshot in the
manifest (per section, per item id: the reader's label, the printed text, a digest of
the whole item, and a judgment's likelihood and confidence); two snapshots give the
changes page (added, removed and edited items, the old and new text with the words
inserted and deleted, a judgment whose likelihood or confidence moved) and the build's
terminal line, from the one `Comparison`. Pure.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from briefgen.compose.page import Item
from briefgen.schema.kinds import every_section
from briefgen.schema.model import LIKELIHOOD

Snapshot = dict[str, dict[str, dict[str, str]]]  # section → item id → what the reader saw
Diff = tuple[tuple[str, str, str], ...]  # ("" | "ins" | "del", words, space after) runs


def snapshot(
    items: Mapping[str, tuple[Item, ...]],
    labels: Mapping[str, Mapping[str, str]],
    digests: Mapping[str, Mapping[str, str]],
    judged: Mapping[str, tuple[str, str]],
) -> Snapshot:
    """An edition as its reader saw it: ITEMS (section → page items), the reader's LABELS
    and DIGESTS per section and item id, and JUDGED (judgment id → likelihood, confidence)."""
    found: Snapshot = {}
    for section, listed in items.items():
        entries = {}
        for item in listed:
            entry = {
                "label": labels.get(section, {}).get(item.id, item.id),
                "text": reader_text(item),
                "digest": digests.get(section, {}).get(item.id, ""),
            }
            if item.id in judged:
                entry["likelihood"], entry["confidence"] = judged[item.id]
            entries[item.id] = entry
        found[section] = entries
    return found


def reader_text(item: Item) -> str:
    """One item as one line of text: its lead-in, label, text, note and further lines."""
    label = f"{item.label}:" if item.label else ""
    parts = [item.lead, label, item.text, f"({item.note})" if item.note else "", *item.extra]
    return " ".join(" ".join(p.split()) for p in parts if p and p.strip())


@dataclass(frozen=True)
class ItemChange:
    """One item that was added, removed or edited between two editions."""

    section: str
    label: str
    what: str  # "added", "removed", "edited"
    old: str = ""
    new: str = ""
    diff: Diff = ()
    moved: tuple[str, ...] = ()  # "likelihood: unlikely (20–45%) → likely (55–80%)"


@dataclass(frozen=True)
class Comparison:
    """Every changed item, section by section in page order."""

    items: tuple[ItemChange, ...] = ()

    def counts(self) -> dict[str, tuple[int, int, int]]:
        """Per section with a change: how many items were added, removed and edited."""
        found: dict[str, list[int]] = {}
        for c in self.items:
            row = found.setdefault(c.section, [0, 0, 0])
            row[("added", "removed", "edited").index(c.what)] += 1
        return {s: (r[0], r[1], r[2]) for s, r in found.items()}


def compare_editions(before: Snapshot, after: Snapshot) -> Comparison:
    """AFTER against BEFORE: by item id, an item whose digest differs is edited."""
    changes: list[ItemChange] = []
    for section in every_section():
        old, new = before.get(section, {}), after.get(section, {})
        for ident, entry in new.items():
            was = old.get(ident)
            if was is None:
                changes.append(ItemChange(section, entry["label"], "added", new=entry["text"]))
            elif was.get("digest") != entry.get("digest"):
                changes.append(_edited(section, was, entry))
        for ident, was in old.items():
            if ident not in new:
                changes.append(ItemChange(section, was["label"], "removed", old=was["text"]))
    return Comparison(tuple(changes))


def _edited(section: str, was: dict[str, str], now: dict[str, str]) -> ItemChange:
    moved = tuple(
        f"{key}: {_term(key, was[key])} → {_term(key, now[key])}"
        for key in ("likelihood", "confidence")
        if key in was and key in now and was[key] != now[key]
    )
    return ItemChange(
        section, now["label"], "edited", was["text"], now["text"],
        words_diff(was["text"], now["text"]), moved,
    )


def _term(key: str, value: str) -> str:
    if key == "likelihood" and value in LIKELIHOOD:
        term, span = LIKELIHOOD[value]
        return f"{term} ({span})"
    return value.replace("-", " ")


def words_diff(old: str, new: str) -> Diff:
    """OLD → NEW as runs of kept, deleted and inserted words (spaces stay with the text)."""
    a, b = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    runs: list[tuple[str, str, str]] = []

    def run(op: str, words: list[str]) -> None:
        text = "".join(words)
        runs.append((op, text.rstrip(), text[len(text.rstrip()) :]))

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            run("", a[i1:i2])
            continue
        if op in ("delete", "replace"):
            run("del", a[i1:i2])
        if op in ("insert", "replace"):
            run("ins", b[j1:j2])
    return tuple(runs)

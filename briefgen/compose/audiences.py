"""Stage 4, compose: an audience's edition of a Brief, holding nothing above its level.

Why on the data, before numbering: material left out of a template is still in the page
model, and a page model feeds the sources page, the search index, the feed and the
metadata; hidden content is how static sites leak. Here every item marked above the
level is removed from the Brief itself, with every source only those items cited, the
judgments that rested only on them and the watch items that only signalled those, so
the edition's numbering is its own and dense and nothing downstream can show the rest.
Pure: a Brief in, a Brief out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from briefgen.errors import BriefError, Diagnostic, Location
from briefgen.schema.kinds import sections
from briefgen.schema.markings import Scheme, default_marking, marked_items, marking_of
from briefgen.schema.model import Brief
from briefgen.sheet.load import Path_
from briefgen.verify.provenance import Found

LEAVE_OUT = "leave-out"  # verify/markings.py's word, in if_withheld


def for_audience(brief: Brief, scheme: Scheme, level: str, *, sheet: str = "") -> Brief:
    """BRIEF as an edition for readers at LEVEL: every item and source marked above it
    left out (an unmarked one counts as the lowest level). BriefError (BG344) when the
    bottom line is above LEVEL, or a judgment resting partly on withheld items has no
    `if_withheld` for LEVEL (BG342); SHEET names the file in those."""
    default = default_marking(brief)
    limit = scheme.rank(level)

    def above(item: Any) -> bool:
        return scheme.rank(marking_of(item, default)) > limit

    if above(brief.bottom_line):
        raise BriefError(_refused(sheet, "BG344", (
            f"the bottom line is marked {marking_of(brief.bottom_line, default)}, above "
            f"this edition's {level}: the edition would have no bottom line"
        ), "write a bottom line for the lowest audience and mark it so, or build this "
           "audience at a higher level"))
    withheld = {
        ident
        for path, item in marked_items(brief, sections(brief))
        if path[0] != "sources" and above(item) and (ident := getattr(item, "id", None))
    }
    update: dict[str, Any] = {}
    for section in sections(brief)[1:]:
        value = getattr(brief, section, None)
        if isinstance(value, list):
            update[section] = [x for x in value if not above(x)]
        elif value is not None and above(value):
            update[section] = None
    update["gaps"] = [g for g in brief.gaps if not above(g)]
    update["assessments"] = _judgments(update["assessments"], withheld, level, sheet)
    kept_judgments = {j.id for j in update["assessments"]}
    update["watch"] = _watch(update.get("watch", []), kept_judgments)
    if brief.bottom_line.judgment not in kept_judgments | {None}:
        update["bottom_line"] = brief.bottom_line.model_copy(update={"judgment": None})
    edition = brief.model_copy(update=update)
    return edition.model_copy(update={"sources": _sources(brief, edition, above)})


def _judgments(found: list[Any], withheld: set[str], level: str, sheet: str) -> list[Any]:
    """The judgments an edition prints: one resting only on withheld items is left out;
    one resting partly on them prints what its `if_withheld` says for LEVEL."""
    kept = []
    for j in found:
        basis = list(getattr(j, "rests_on", []))
        gone = [i for i in basis if i in withheld]
        if not gone:
            kept.append(j)
            continue
        if len(gone) == len(basis):
            continue
        instead = j.if_withheld.get(level) if isinstance(j.if_withheld, dict) else j.if_withheld
        if instead is None:
            raise BriefError(_refused(sheet, "BG342", (
                f"{j.id} rests on {', '.join(gone)}, left out of the {level} edition, and its "
                f"if_withheld says nothing for {level}"
            ), f"add `{level}: <the statement this edition prints>` or `{level}: {LEAVE_OUT}` "
               "under its if_withheld"))
        if instead != LEAVE_OUT:
            kept.append(j.model_copy(update={"statement": instead, "rests_on": []}))
    return kept


def _watch(found: list[Any], judgments: set[str]) -> list[Any]:
    """Watch items of the edition: those still signalling a judgment it prints."""
    kept = []
    for w in found:
        signals = [s for s in w.signals if s in judgments]
        if signals:
            same = signals == list(w.signals)
            kept.append(w if same else w.model_copy(update={"signals": signals}))
    return kept


def _sources(brief: Brief, edition: Brief, above: Any) -> list[Any]:
    """The sources an edition lists: not above its level, and cited by an item it prints
    (or by no item of the whole sheet: a listed background source stays listed)."""

    def cited(sheet: Brief) -> set[str]:
        return {
            ref if isinstance(ref, str) else ref.source
            for path, item in marked_items(sheet, sections(sheet))
            if path[0] != "sources"
            for ref in getattr(item, "cite", None) or []
        }

    used, anywhere = cited(edition), cited(brief)
    return [
        s for s in brief.sources
        if not above(s) and (s.id in used or s.id not in anywhere)
    ]


def _refused(sheet: str, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(Location(sheet), code, message, hint)


def evidence_for(
    evidence: Mapping[Path_, Found], full: Brief, edition: Brief
) -> dict[Path_, Found]:
    """EVIDENCE (by FULL's document paths) at EDITION's paths: an item left out takes its
    evidence with it, so no highlight on the sources page points at it."""
    moved: dict[Path_, Path_] = {}
    for section in sections(full):
        before, after = getattr(full, section, None), getattr(edition, section, None)
        if isinstance(before, list):
            now = {getattr(x, "id", None): k for k, x in enumerate(after or [])}
            for i, x in enumerate(before):
                if (k := now.get(getattr(x, "id", None))) is not None:
                    moved[(section, i)] = (section, k)
        elif before is not None and after is not None:
            moved[(section,)] = (section,)
    found: dict[Path_, Found] = {}
    for path, where in evidence.items():
        for n in (2, 1):
            if path[:n] in moved:
                found[(*moved[path[:n]], *path[n:])] = where
                break
    return found

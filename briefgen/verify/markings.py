"""Stage 3, markings: every marking is a level of the project's scheme, no item is marked
lower than a source it cites, a typed banner is not lower than the items, and a judgment
resting on items above its own level says what an edition without them prints.

Why at `check`: an audience's edition leaves out what is above its level; an item marked
lower than its evidence, or a judgment printed without part of its basis, would carry
withheld material into it. Positioned at the marking, like every other finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from briefgen.errors import Diagnostic
from briefgen.schema.cites import MENTION
from briefgen.schema.kinds import sections
from briefgen.schema.markings import Scheme, default_marking, marked_items, marking_of
from briefgen.schema.model import Brief
from briefgen.sheet.load import Path_, SourceMap, dotted

LEAVE_OUT = "leave-out"  # if_withheld's word for "this edition prints no such judgment"
_HANDLING = ("briefing", "handling")


def check(brief: Brief, where: SourceMap, scheme: Scheme) -> list[Diagnostic]:
    """Every marking finding of BRIEF under SCHEME (all errors)."""
    unknown = list(_unknown(brief, where, scheme))
    if unknown:  # the comparisons below would rank an unknown level as the lowest
        return unknown
    return [*_below_sources(brief, where, scheme), *_banner(brief, where, scheme),
            *_rests_on(brief, where, scheme)]


def _error(where: SourceMap, path: Path_, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(where.at(path), code, message, hint, "error")


def _unknown(brief: Brief, where: SourceMap, scheme: Scheme) -> Iterator[Diagnostic]:
    """BG220: a marking (an item's, the sheet's default, an if_withheld key) that is no level."""
    given: list[tuple[Path_, str]] = []
    handling = getattr(getattr(brief, "briefing", None), "handling", None)
    if handling is not None and getattr(handling, "marking", None):
        given.append(((*_HANDLING, "marking"), handling.marking))
    for path, item in marked_items(brief, sections(brief)):
        if getattr(item, "marking", None):
            given.append(((*path, "marking"), item.marking))
        alternatives = getattr(item, "if_withheld", None)
        if isinstance(alternatives, dict):
            given += [((*path, "if_withheld", key), key) for key in alternatives]
    known = ", ".join(scheme.names)
    for path, name in given:
        if scheme.find(name) is None:
            yield _error(
                where, path, "BG220", f"unknown marking '{name}' in {dotted(path)}",
                f"use one of the project's levels: {known} (briefgen.toml `levels`)",
            )


def _cited(item: Any) -> Iterator[tuple[int | None, str]]:
    """The sources ITEM cites: (its cite index, id), and `[S1]` mentions in its text (None)."""
    for j, ref in enumerate(getattr(item, "cite", None) or []):
        sid = ref if isinstance(ref, str) else getattr(ref, "source", None)
        if sid is not None:  # a salvaged cite entry may lack its source
            yield j, sid
    texts = [item] if isinstance(item, str) else [
        value for name, value in item if name != "cite" and isinstance(value, str)
    ]
    for text in texts:
        for m in MENTION.finditer(text):
            yield from ((None, i.strip()) for i in m.group(1).split(","))


def _below_sources(brief: Brief, where: SourceMap, scheme: Scheme) -> Iterator[Diagnostic]:
    """BG340: an item marked lower than a source it cites or names."""
    default = default_marking(brief)
    levels = {
        s.id: marking_of(s, default)
        for s in getattr(brief, "sources", None) or []
        if getattr(s, "id", None)
    }
    for path, item in marked_items(brief, sections(brief)):
        if path[0] == "sources":
            continue
        own = marking_of(item, default)
        for j, sid in _cited(item):
            theirs = levels.get(sid)
            if theirs is None or scheme.rank(theirs) <= scheme.rank(own):
                continue
            at = (*path, "marking") if getattr(item, "marking", None) else (
                (*path, "cite", j) if j is not None else path
            )
            yield _error(
                where, at, "BG340",
                f"{_name(item, path)} is marked {own or 'lower'} but cites {sid}, marked {theirs}",
                f"mark it {theirs} or higher, or rest it on a source marked {own or 'as low'}: "
                "an edition for a lower level would carry what the source may not share",
            )
            break


def _banner(brief: Brief, where: SourceMap, scheme: Scheme) -> Iterator[Diagnostic]:
    """BG341: a banner typed by hand (`handling.tlp`) lower than a marked item."""
    tlp = getattr(getattr(getattr(brief, "briefing", None), "handling", None), "tlp", None)
    if not tlp:
        return
    default = default_marking(brief)
    typed = f"TLP:{tlp}"
    for path, item in marked_items(brief, sections(brief)):
        own = marking_of(item, default)
        if scheme.rank(own) > scheme.rank(typed):
            yield _error(
                where, (*_HANDLING, "tlp"), "BG341",
                f"the banner is typed as {typed}, but {_name(item, path)} is marked {own}",
                "remove handling.tlp: the banner is computed as the highest marking present "
                "(handling.marking sets the marking of items that state none)",
            )
            return


def _rests_on(brief: Brief, where: SourceMap, scheme: Scheme) -> Iterator[Diagnostic]:
    """BG342: a judgment resting on items above its own level and on others, with no word
    on what such an edition prints; BG343: rests_on names no item."""
    default = default_marking(brief)
    items = {
        i: marking_of(item, default)
        for _, item in marked_items(brief, sections(brief))
        if (i := getattr(item, "id", None))
    }
    for n, judgment in enumerate(getattr(brief, "assessments", None) or []):
        path: Path_ = ("assessments", n)
        own = scheme.rank(marking_of(judgment, default))
        above = []
        basis = getattr(judgment, "rests_on", None) or []
        name = _name(judgment, path)
        for k, ident in enumerate(basis):
            if ident not in items:
                yield _error(
                    where, (*path, "rests_on", k), "BG343",
                    f"{name} rests on '{ident}', which is no item of this sheet",
                    "name the id of a key fact, position or other item",
                )
            elif scheme.rank(items[ident]) > own:
                above.append(ident)
        ranks = [scheme.rank(items[i]) for i in basis if i in items]
        needed = [  # the editions that print the judgment without part of its basis
            level.name
            for r, level in enumerate(scheme.levels)
            if ranks and own <= r and min(ranks) <= r < max(ranks)
        ]
        alternative = getattr(judgment, "if_withheld", None)
        missing = (
            needed if alternative is None
            else [n for n in needed if n not in alternative] if isinstance(alternative, dict)
            else []
        )
        if missing:
            yield _error(
                where, (*path, "if_withheld" if alternative is not None else "rests_on"), "BG342",
                f"{name} rests on {', '.join(above) or 'items'} marked above the judgment"
                f" itself: the {', '.join(missing)} edition(s) need to know what to print",
                f"add `if_withheld:` with the statement such an edition prints, or "
                f"`if_withheld: {LEAVE_OUT}` (a mapping gives one per edition level)",
            )


def _name(item: Any, path: Path_) -> str:
    return str(getattr(item, "id", None) or dotted(path))

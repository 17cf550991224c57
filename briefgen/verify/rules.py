"""Stage 3a, rules: analytic checks on a Brief (references, wording, budgets).

Why here and not in the models: each check points at the exact node that breaks it,
and most are warnings (a word budget, a hedge) that `--strict` turns into failures.
They also run on what validated of a sheet with schema errors (`validate.Salvage`), so
scalar fields are read with `getattr(..., None)`: a field that failed is absent there.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from pydantic import BaseModel

from briefgen.errors import Diagnostic
from briefgen.schema.model import LIKELIHOOD, SECTIONS, Brief
from briefgen.sheet.load import Path_, SourceMap, dotted
from briefgen.verify import budgets

_SCALE_WORDS = re.compile(
    r"\b(almost no chance|very unlikely|unlikely|roughly even (chance|odds)|likely|very likely"
    r"|almost certain(ly)?|remote|highly improbable|improbabl[ey]|probabl[ey]|highly probable"
    r"|nearly certain)\b",
    re.IGNORECASE,
)
_HEDGES = re.compile(r"\b(may|might|could|possibly|perhaps)\b", re.IGNORECASE)
_CONFIDENCE = re.compile(r"\b(low|moderate|high)[- ]confidence\b|\bconfiden(t|ce)\b", re.IGNORECASE)
_QUOTE_MARKS = re.compile(r"[\"“”„‟«»]|(?<!\w)['‘’](?=\w)[^'‘’]*\w['‘’](?!\w)")


def check(
    brief: Brief,
    where: SourceMap,
    unchecked: frozenset[str] = frozenset(),
    *,
    partial: bool = False,
) -> list[Diagnostic]:
    """Every rule finding for BRIEF, errors and warnings, in no particular order.

    A reference to a name in UNCHECKED (the texts of parts that failed the schema) is not
    reported: the item it names may be among them. A PARTIAL brief (what validated of a
    failed sheet) may lack whole sections, so no actor is called unreferenced in it.
    TODOs: see `placeholders`.
    """
    return [
        *_ids(brief, where),
        *_references(brief, where, unchecked, partial),
        *_speech(brief, where),
        *_wording(brief, where),
        *budgets.check(brief, where),
    ]


def _warn(where: SourceMap, path: Path_, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(where.at(path), code, message, hint, "warning")


def _error(where: SourceMap, path: Path_, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(where.at(path), code, message, hint, "error")


def _items(brief: Brief) -> Iterator[tuple[Path_, BaseModel]]:
    for section in ("actors", "sources", *SECTIONS[1:]):
        for i, item in enumerate(getattr(brief, section)):
            yield (section, i), item


def _ids(brief: Brief, where: SourceMap) -> Iterator[Diagnostic]:
    first: dict[str, Path_] = {}
    for path, item in _items(brief):
        ident = getattr(item, "id", None)
        if ident is None:
            continue
        if ident in first:
            line = where.at((*first[ident], "id")).line
            yield _error(
                where,
                (*path, "id"),
                "BG301",
                f"duplicate id '{ident}' (first at line {line})",
                "ids must be unique across the whole sheet",
            )
        else:
            first[ident] = path


def _references(
    brief: Brief, where: SourceMap, unchecked: frozenset[str], partial: bool
) -> Iterator[Diagnostic]:
    actors: list[str] = [i for a in brief.actors if (i := getattr(a, "id", None))]
    judgments: list[str] = [i for a in brief.assessments if (i := getattr(a, "id", None))]
    refs: list[tuple[Path_, str, list[str], str]] = []
    subject = brief.briefing
    refs += [  # a salvaged briefing may lack its event: getattr
        (("briefing", "event", "participants", i), p, actors, "actor")
        for i, p in enumerate(getattr(getattr(subject, "event", None), "participants", []))
    ]
    refs += [
        (("positions", i, "actor"), p.actor, actors, "actor")
        for i, p in enumerate(brief.positions)
        if getattr(p, "actor", None) is not None
    ]
    for section, name in (("agenda", "raised_by"), ("obstacles", "parties")):
        for i, item in enumerate(getattr(brief, section)):
            refs += [
                ((section, i, name, j), a, actors, "actor")
                for j, a in enumerate(getattr(item, name))
            ]
    for i, w in enumerate(brief.watch):
        refs += [
            (("watch", i, "signals", j), s, judgments, "assessment")
            for j, s in enumerate(w.signals)
        ]
    if brief.bottom_line.judgment is not None:
        refs.append(
            (("bottom_line", "judgment"), brief.bottom_line.judgment, judgments, "assessment")
        )
    for path, ident, known, kind in refs:
        if ident not in known and ident not in unchecked:
            close = difflib.get_close_matches(ident, known, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else f"add it to the {kind}s list"
            yield _error(where, path, "BG302", f"unknown {kind} '{ident}'", hint)
    named = {ident for _, ident, _, kind in refs if kind == "actor"} | unchecked
    named |= set(getattr(getattr(subject, "issue", None), "involved", []))  # ids or names
    kind_list = {"event": " or participants", "issue": " or involved"}.get(
        getattr(subject, "kind", "event"), ""
    )
    if partial:
        return
    for i, actor in enumerate(brief.actors):  # like an uncited source (BG404)
        if getattr(actor, "id", None) not in named | {None}:
            yield _warn(
                where,
                ("actors", i, "id"),
                "BG318",
                f"actor {actor.id} is never referenced",
                f"name it in a position, raised_by, parties{kind_list}, or remove it",
            )


def _speech(brief: Brief, where: SourceMap) -> Iterator[Diagnostic]:
    for i, p in enumerate(brief.positions):
        speech = getattr(p, "speech", None)
        if speech == "direct" and p.quote is None:
            yield _error(
                where,
                ("positions", i, "speech"),
                "BG312",
                "direct speech needs a verbatim 'quote'",
                "add the quoted words from the source, or use speech: indirect",
            )
        if speech == "indirect" and p.quote is not None:
            yield _warn(
                where,
                ("positions", i, "quote"),
                "BG313",
                "a quote is given but speech is 'indirect'",
                "use speech: direct",
            )
        if _QUOTE_MARKS.search(getattr(p, "summary", None) or ""):
            yield _warn(
                where,
                ("positions", i, "summary"),
                "BG306",
                "quotation marks inside a paraphrase",
                "put verbatim words in 'quote' (checked against the source)",
            )


def _wording(brief: Brief, where: SourceMap) -> Iterator[Diagnostic]:
    for i, fact in enumerate(brief.key_facts):
        if m := _SCALE_WORDS.search(getattr(fact, "text", None) or ""):
            yield _warn(
                where,
                ("key_facts", i, "text"),
                "BG305",
                f"likelihood word '{m.group(0)}' in a key fact",
                "facts are reported, not judged; move the judgment to assessments",
            )
    for i, a in enumerate(brief.assessments):
        path = ("assessments", i, "statement")
        statement = getattr(a, "statement", None) or ""
        if getattr(a, "likelihood", "not-assessed") != "not-assessed":
            term = LIKELIHOOD[a.likelihood][0]
            if statement and not re.search(rf"\b{term}\b", statement, re.IGNORECASE):
                yield _warn(
                    where,
                    path,
                    "BG308",
                    f"statement does not use its likelihood term '{term}'",
                    "readers map the words to the printed range; use the term",
                )
        if m := _HEDGES.search(statement):
            yield _warn(
                where,
                path,
                "BG307",
                f"hedge word '{m.group(0)}' in a judgment",
                "use a likelihood term, or likelihood: not-assessed",
            )
        if m := _CONFIDENCE.search(statement):
            yield _warn(
                where,
                path,
                "BG311",
                f"confidence wording '{m.group(0)}' in the statement",
                "confidence is printed in its own sentence from 'confidence'",
            )
    if (j := brief.bottom_line.judgment) is not None:
        judged = next((a for a in brief.assessments if getattr(a, "id", None) == j), None)
        if judged and getattr(judged, "likelihood", "not-assessed") != "not-assessed":
            term = LIKELIHOOD[judged.likelihood][0]
            text = getattr(brief.bottom_line, "text", None) or ""
            if text and not re.search(rf"\b{term}\b", text, re.IGNORECASE):
                yield _warn(
                    where,
                    ("bottom_line", "text"),
                    "BG314",
                    f"the bottom line states {j} without its term '{term}'",
                    "use the same likelihood word as the judgment",
                )


def placeholders(data: object, where: SourceMap, path: Path_ = ()) -> Iterator[Diagnostic]:
    """`briefgen new` writes TODO placeholders; none may reach a published page.

    Why on the loaded data, not the Brief: a TODO must show even where the schema
    refused the field or its item (the scaffold's TODO dates, a typo next to it).
    """
    if isinstance(data, str) and "TODO" in data:
        yield _error(
            where,
            path,
            "BG315",
            f"{dotted(path)} still holds a TODO placeholder",
            "replace it with content from the sources",
        )
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from placeholders(value, where, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from placeholders(value, where, (*path, i))

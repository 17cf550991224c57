"""Stage 3a, rules: analytic checks on a Brief (references, wording, budgets).

Why here and not in the models: each check points at the exact node that breaks it,
and most are warnings (a word budget, a hedge) that `--strict` turns into failures.
They also run on what validated of a sheet with schema errors (`validate.Salvage`), so
scalar fields are read with `getattr(..., None)`: a field that failed is absent there.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterator

from pydantic import BaseModel

from briefgen.errors import Diagnostic
from briefgen.schema.budgets import items_of
from briefgen.schema.kinds import TABLE, sections
from briefgen.schema.model import LIKELIHOOD, Brief
from briefgen.schema.schemapath import model_in
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
# Fields of a kind's own sections that name actors by id, and those that name them by id or
# by name (a name that is no actor id is no error there): both count as referencing one.
_ACTOR_IDS = ("raised_by", "parties")
_ACTOR_NAMES = ("backers", "holder", "members", "body", "partner")


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
        *_unknown(brief, where),
        *budgets.check(brief, where),
    ]


def _warn(where: SourceMap, path: Path_, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(where.at(path), code, message, hint, "warning")


def _error(where: SourceMap, path: Path_, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(where.at(path), code, message, hint, "error")


def _items(brief: Brief) -> Iterator[tuple[Path_, BaseModel]]:
    for section in ("actors", "sources", *sections(brief)):
        value = getattr(brief, section, None)
        for i, item in enumerate(value if isinstance(value, list) else []):
            yield (section, i), item


def _own(brief: Brief) -> Iterator[tuple[str, int, BaseModel]]:
    """Each item of the kind's own sections: (section, index, item)."""
    for section in TABLE[brief.KIND].sections:
        for i, item in enumerate(items_of(brief, section)):
            yield section, i, item


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
    loose: set[str] = set()  # named by id or by name
    for section, i, item in _own(brief):
        for name in _ACTOR_IDS:
            refs += [
                ((section, i, name, j), a, actors, "actor")
                for j, a in enumerate(getattr(item, name, None) or [])
            ]
        for name in _ACTOR_NAMES:
            value = getattr(item, name, None)
            loose |= set(value) if isinstance(value, list) else {value} if value else set()
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
    named = {ident for _, ident, _, kind in refs if kind == "actor"} | unchecked | loose
    named |= set(getattr(getattr(subject, "issue", None), "involved", []))  # ids or names
    if partial:
        return
    for i, actor in enumerate(brief.actors):  # like an uncited source (BG404)
        if getattr(actor, "id", None) not in named | {None}:
            yield _warn(
                where,
                ("actors", i, "id"),
                "BG318",
                f"actor {actor.id} is never referenced",
                f"name it in {_naming(brief)}, or remove it",
            )


def _naming(brief: Brief) -> str:
    """Where this kind's sheet names actors: 'a position, raised_by, parties or participants'."""
    row = TABLE[brief.KIND]
    models = [model_in(row.sheet.model_fields[s].annotation) for s in row.sections]
    subject = model_in(row.header.model_fields[brief.KIND].annotation)
    fields = [n for n in (*_ACTOR_IDS, *_ACTOR_NAMES) if any(n in m.model_fields for m in models)]
    fields += [n for n in ("participants", "involved") if n in subject.model_fields]
    places = ["a position", *fields]
    return ", ".join(places[:-1]) + " or " + places[-1]


def _unknown(brief: Brief, where: SourceMap) -> Iterator[Diagnostic]:
    """A section stated unknown must be empty: the page cannot say both."""
    for i, section in enumerate(getattr(brief, "unknown", [])):
        if items_of(brief, section):
            yield _error(
                where,
                ("unknown", i),
                "BG319",
                f"{section} is listed as unknown but has items",
                f"remove '{section}' from unknown, or remove its items",
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


def one_per_placeholder(found: list[Diagnostic]) -> list[Diagnostic]:
    """FOUND with one finding per TODO placeholder: a value that still says TODO is one
    problem, not also a wrong date (BG205) or an excerpt not found in its source (BG402).
    The placeholder's finding keeps a schema error's hint (what the value must look like)."""
    todo = {(d.where.file, d.where.line, d.where.col) for d in found if d.code == "BG315"}
    hints: dict[tuple[object, ...], str] = {}
    kept = []
    for d in found:
        at = (d.where.file, d.where.line, d.where.col)
        if d.code != "BG315" and at in todo and d.where.line is not None:
            if d.code.startswith("BG2") and (d.hint or " must be " in d.message):
                wanted = d.message.split(" must be ", 1)[-1].rsplit(", got ", 1)[0]
                hints[at] = d.hint or f"it must be {wanted}"
            continue
        kept.append(d)
    return [
        dataclasses.replace(d, hint=f"{d.hint} ({hints[at]})")
        if d.code == "BG315" and (at := (d.where.file, d.where.line, d.where.col)) in hints
        else d
        for d in kept
    ]


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

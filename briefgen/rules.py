"""Stage 3a, rules: analytic checks on a Brief (references, wording, budgets).

Why here and not in the models: each check points at the exact node that breaks it,
and most are warnings (a word budget, a hedge) that `--strict` turns into failures.
They also run on what validated of a sheet with schema errors (`validate.Salvage`), so
scalar fields are read with `getattr(..., None)`: a field that failed is absent there.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator

from pydantic import BaseModel

from briefgen.errors import Diagnostic
from briefgen.load import Path_, SourceMap, dotted
from briefgen.model import LIKELIHOOD, SECTIONS, Brief, Words, words

BODY_LIMIT = 400
SECTION_BUDGETS = {  # words, items (briefing-format.md §2.2)
    "bottom_line": (50, 1),
    "key_facts": (65, 4),
    "agenda": (50, 5),
    "obstacles": (45, 5),
    "positions": (105, 6),
    "assessments": (55, 2),
    "watch": (30, 3),
}
_COUNTED = {
    "bottom_line": ("text",),
    "key_facts": ("text",),
    "agenda": ("topic", "detail"),
    "obstacles": ("issue", "detail"),
    "positions": ("summary", "quote"),
    "assessments": ("statement", "basis"),
    "watch": ("indicator",),
}
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
        *_budgets(brief, where),
    ]


def section_words(brief: Brief) -> dict[str, int]:
    """Body words per section, as the budgets count them."""
    counts = {}
    for section, fields in _COUNTED.items():
        value = getattr(brief, section)
        items = value if isinstance(value, list) else [value]
        counts[section] = sum(words(getattr(i, f, None) or "") for i in items for f in fields)
    return counts


def over_budget(brief: Brief) -> list[str]:
    """Sections whose words exceed their budget, as 'key_facts (72/65 words)'."""
    counts = section_words(brief)
    return [
        f"{s} ({counts[s]}/{limit} words)"
        for s, (limit, _) in SECTION_BUDGETS.items()
        if counts[s] > limit
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
    refs += [
        (("briefing", "event", "participants", i), p, actors, "actor")
        for i, p in enumerate(brief.briefing.event.participants)
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
    if partial:
        return
    for i, actor in enumerate(brief.actors):  # like an uncited source (BG404)
        if getattr(actor, "id", None) not in named | {None}:
            yield _warn(
                where,
                ("actors", i, "id"),
                "BG318",
                f"actor {actor.id} is never referenced",
                "name it in a position, raised_by, parties or participants, or remove it",
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


def _budgets(brief: Brief, where: SourceMap) -> Iterator[Diagnostic]:
    yield from _field_budgets(brief, where)
    counts = section_words(brief)
    for section, (limit, most) in SECTION_BUDGETS.items():
        value = getattr(brief, section)
        if counts[section] > limit:
            yield _warn(
                where,
                (section,),
                "BG303",
                f"{section} has {counts[section]} words; its budget is {limit}",
                "cut words here: the page holds about 400 body words",
            )
        if isinstance(value, list) and len(value) > most:
            yield _warn(
                where,
                (section,),
                "BG309",
                f"{section} has {len(value)} items; at most {most} fit the page",
                "keep the most important ones",
            )
    total = sum(counts.values())
    if total > BODY_LIMIT:
        yield _error(
            where,
            (),
            "BG304",
            f"the body has {total} words; the limit is {BODY_LIMIT}",
            "sections over budget: " + (", ".join(over_budget(brief)) or "none"),
        )


def _field_budgets(brief: Brief, where: SourceMap) -> Iterator[Diagnostic]:
    for path, value, limit in _strings(brief, ()):
        if limit is not None and words(value) > limit:
            yield _warn(
                where,
                path,
                "BG303",
                f"{dotted(path)} has {words(value)} words; its budget is {limit}",
                "shorten it",
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


def _strings(value: object, path: Path_) -> Iterator[tuple[Path_, str, int | None]]:
    """Every text in the sheet: (path, text, its word budget or None), in document order."""
    if isinstance(value, BaseModel):
        limits = _limits(type(value))
        for name in type(value).model_fields:
            field_value = getattr(value, name, None)
            if isinstance(field_value, str):
                yield (*path, name), field_value, limits.get(name)
            else:
                yield from _strings(field_value, (*path, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield (*path, i), item, None
            else:
                yield from _strings(item, (*path, i))


@functools.cache
def _limits(model: type[BaseModel]) -> dict[str, int]:
    """The Words(n) budget of each field of MODEL that has one."""
    found = {}
    for name, info in model.model_fields.items():
        limit = next((m.limit for m in info.metadata if isinstance(m, Words)), None)
        if limit is None:
            limit = _words_in(info.annotation)
        if limit is not None:
            found[name] = limit
    return found


def _words_in(annotation: object) -> int | None:
    """Find Words(n) inside `Annotated[...] | None` annotations."""
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, Words):
            return meta.limit
    for arg in getattr(annotation, "__args__", ()):
        if (found := _words_in(arg)) is not None:
            return found
    return None

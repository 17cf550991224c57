"""Stage 3c, mentions: free text names a source as `[S1]`; the reader sees its number.

Why: the page numbers sources [1], [2] in order of first citation, so a source id in
prose ("S1's publisher") means nothing to the reader, and a number typed by hand goes
stale when a cite moves. Free text writes `[S1]` (or `[S1, S2]`) and every format prints
the reader's number, `[2]`, linked like a citation. A bracketed id that names no source
is an error; a bare source id in prose is a warning. Pure.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator

from pydantic import BaseModel

from briefgen.errors import Diagnostic
from briefgen.schema.cites import MENTION, numbering
from briefgen.schema.model import Brief
from briefgen.sheet.load import Path_, SourceMap, dotted

_NOT_PROSE = {
    "id", "actor", "source", "excerpt", "quote", "file", "sha256", "url", "judgment", "marking"
}
_REFERENCE_LISTS = {
    "cite", "participants", "raised_by", "parties", "signals", "unknown", "rests_on"
}


def check(
    brief: Brief, where: SourceMap, unchecked: frozenset[str] = frozenset()
) -> list[Diagnostic]:
    """Mentions of unknown sources (errors) and bare source ids in prose (warnings).

    A name in UNCHECKED (text of a part that failed the schema) may be a source that
    failed: mentioning it is not "unknown".
    """
    numbers = numbering(brief)
    known = list(numbers)
    any_bare = _any_bare(tuple(known))
    found = []
    for path, text in prose(brief, ()):
        for m in MENTION.finditer(text):
            for ident in (i.strip() for i in m.group(1).split(",")):
                if ident not in known and ident not in unchecked and any(
                    c.isdigit() for c in ident
                ):
                    close = difflib.get_close_matches(ident, known, n=1, cutoff=0.5)
                    found.append(
                        Diagnostic(
                            where.at(path),
                            "BG403",
                            f"{dotted(path)} mentions unknown source '[{ident}]'",
                            f"did you mean '[{close[0]}]'?"
                            if close
                            else f"[…] names a source by its id: {', '.join(known)}",
                        )
                    )
        if path[0] == "sources" and path[-1] == "title":
            continue  # the publisher's words, not the analyst's: a title may say "S1"
        if not any_bare.search(text):
            continue  # the usual case: no id at all (a bare one would show in TEXT too)
        bare = MENTION.sub(" ", text)
        for sid in known:
            if any(c.isdigit() for c in sid) and _bare(sid).search(bare):
                found.append(
                    Diagnostic(
                        where.at(path),
                        "BG411",
                        f"{dotted(path)} names source {sid} by its id, which the page never shows",
                        f"write [{sid}]: the page prints it as [{numbers[sid]}]",
                        "warning",
                    )
                )
    return found


@functools.cache
def _bare(sid: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(sid)}(?![\w-])")


@functools.cache
def _any_bare(known: tuple[str, ...]) -> re.Pattern[str]:
    """Any of KNOWN as a bare id: one search tells whether a text needs the others.

    Why one pattern: most texts name no source, and `check` reads every text of every
    sheet; a search per source id per text was a tenth of its time."""
    ids = sorted((re.escape(i) for i in known if any(c.isdigit() for c in i)), key=len)
    if not ids:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile(rf"(?<![\w-])(?:{'|'.join(reversed(ids))})(?![\w-])")


def prose(value: object, path: Path_) -> Iterator[tuple[Path_, str]]:
    """Every free text of the sheet, with its path: what may carry a mention."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in _NOT_PROSE and name not in _REFERENCE_LISTS:
                yield from prose(getattr(value, name, None), (*path, name))  # None: failed
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from prose(item, (*path, i))
    elif isinstance(value, str):
        yield path, value

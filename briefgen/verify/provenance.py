"""Stage 3b, provenance: every cite resolves and every quoted passage is in its source.

Why: trust is the product. A quote or excerpt must appear in the stored source text as
whole words (passages.py says what is forgiven and what is not), long enough to mean
something (MIN_WORDS), and the stored text must be the one the facts were curated from
(its sha256). What verification finds is the evidence the pages use: for every quote and
excerpt, the source, paragraph and span it was found at (`Found`), so rendering never
searches again. When a passage is not found, the closest passage and a word-level
difference are shown so the editor can fix the wording; when another stored source of the
sheet holds it as it stands, that source is named instead (it was cited under the wrong one).
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from briefgen.errors import Diagnostic, Location
from briefgen.schema.cites import cites
from briefgen.schema.model import Brief, Excerpt
from briefgen.sheet.load import Path_, SourceMap, dotted
from briefgen.verify.passages import Folded, Hit, closest, find, fold, whole_words, word_spans
from briefgen.verify.sources import StoredText

MIN_WORDS = {"quote": 2, "excerpt": 4}  # fewer proves nothing / cannot be found again


@dataclass(frozen=True)
class Found:
    """Where a verified quote or excerpt is: the evidence the pages link to and highlight."""

    source: str
    paragraph: int  # 1-based, as the sources page numbers them
    start: int  # [start, end): a span of the stored text, on word boundaries
    end: int


Evidence = dict[Path_, Found]  # by the path of the cite entry, or of a position's quote


@dataclass(frozen=True)
class Verified:
    """Every provenance finding, and where each verified passage was found."""

    diagnostics: list[Diagnostic]
    evidence: Evidence


def verify(
    brief: Brief,
    where: SourceMap,
    stored: dict[str, StoredText],
    unchecked: frozenset[str] = frozenset(),
    failed: frozenset[Path_] = frozenset(),
) -> Verified:
    """Every provenance finding for BRIEF, and where each quote and excerpt was found.

    Names in UNCHECKED (texts of parts that failed the schema, see `validate.Salvage`) may
    be sources that failed: a cite of one is neither unknown nor checkable, and a source
    they mention is not reported as never cited. FAILED are the paths of values that
    failed: a source whose `file` failed cannot be searched either.
    """
    known = {getattr(s, "id", None) for s in brief.sources} - {None}
    unsure = unchecked - known  # cited names that may be sources which failed the schema
    unsure |= {
        sid
        for i, source in enumerate(brief.sources)
        if ("sources", i, "file") in failed  # its text could not be read: no verdict
        and isinstance(sid := getattr(source, "id", None), str)
    }
    found: list[Diagnostic] = []
    evidence: Evidence = {}
    for path, result in [
        *_cites(brief, where, stored, unsure, unchecked),
        *_quotes(brief, where, stored, unsure, failed),
    ]:
        if isinstance(result, Found):
            evidence[path] = result
        else:
            found.append(result)
    return Verified([*_files(brief, where, stored), *found], evidence)


def _files(brief: Brief, where: SourceMap, stored: dict[str, StoredText]) -> Iterator[Diagnostic]:
    for i, source in enumerate(brief.sources):
        got = stored.get(getattr(source, "id", None) or "")
        if got is None:
            continue
        at = where.at(("sources", i, "file"))
        if got.text is None:
            yield Diagnostic(
                at,
                "BG405",
                f"source file '{source.file}' is {got.problem}",
                got.fix,
            )
        elif source.sha256 is None:
            yield Diagnostic(
                at,
                "BG410",
                f"source {source.id} has no sha256",
                f"add `sha256: {got.sha256}` to pin the text",
                "warning",
            )
        elif source.sha256 != got.sha256:
            yield Diagnostic(
                where.at(("sources", i, "sha256")),
                "BG406",
                f"source file '{source.file}' changed since the facts were curated",
                f"re-check the facts against it, then set sha256: {got.sha256}",
            )


Finding = tuple[Path_, Diagnostic | Found]


def _cites(
    brief: Brief,
    where: SourceMap,
    stored: dict[str, StoredText],
    unsure: frozenset[str],
    unchecked: frozenset[str],
) -> Iterator[Finding]:
    known = [s.id for s in brief.sources if getattr(s, "id", None) is not None]
    used = set(unchecked)
    for path, ref in cites(brief):
        ident = ref if isinstance(ref, str) else getattr(ref, "source", None)
        if ident is None:
            continue
        used.add(ident)
        if ident in unsure:
            continue
        if ident not in known:
            close = difflib.get_close_matches(ident, known, n=1, cutoff=0.5)
            yield (
                path,
                Diagnostic(
                    where.at(path if isinstance(ref, str) else (*path, "source")),
                    "BG403",
                    f"cite names unknown source '{ident}'",
                    f"did you mean '{close[0]}'?" if close else "add it to sources",
                ),
            )
        elif isinstance(ref, Excerpt) and getattr(ref, "excerpt", None) is not None:
            result = _passage(
                ref.excerpt, [ident], "excerpt", (*path, "excerpt"), where, stored, unsure
            )
            if result:
                yield path, result
    for i, source in enumerate(brief.sources):
        if getattr(source, "id", None) not in used | {None}:
            yield (
                ("sources", i),
                Diagnostic(
                    where.at(("sources", i, "id")),
                    "BG404",
                    f"source {source.id} is never cited",
                    "cite it from an item, or remove it",
                    "warning",
                ),
            )


def _quotes(
    brief: Brief,
    where: SourceMap,
    stored: dict[str, StoredText],
    unsure: frozenset[str],
    failed: frozenset[Path_],
) -> Iterator[Finding]:
    for i, position in enumerate(brief.positions):
        quote: str | None = getattr(position, "quote", None)
        if quote is None:
            continue
        if any(p[:3] == ("positions", i, "cite") for p in failed):
            continue  # its sources are not all known: "not found" or "cannot check" misleads
        path: Path_ = ("positions", i, "quote")
        ids = [r if isinstance(r, str) else getattr(r, "source", "") for r in position.cite]
        if result := _passage(quote, ids, "quote", path, where, stored, unsure):
            yield path, result


def _passage(
    passage: str,
    ids: list[str],
    what: str,
    path: Path_,
    where: SourceMap,
    stored: dict[str, StoredText],
    unsure: frozenset[str] = frozenset(),
) -> Diagnostic | Found | None:
    """Where PASSAGE is, as whole words, in the first of the sources IDS that has it."""
    at = where.at(path)
    code = "BG401" if what == "quote" else "BG402"
    count = len(word_spans(passage))
    if count < MIN_WORDS[what]:
        least = MIN_WORDS[what]
        return Diagnostic(
            at,
            code,
            f"{what} is too short to verify: {count} word{'s' * (count != 1)}, "
            f"at least {least} needed",
            f"cite {least} or more whole words, exactly as the source has them"
            if what == "excerpt"
            else f"quote {least} or more whole words; one word shows nothing of what was said",
        )
    if unsure.intersection(ids):
        return None  # a cited source failed the schema: "not found" or "cannot check" misleads
    readable = {i: stored[i] for i in ids if i in stored and stored[i].folded is not None}
    if not readable:
        if not any(i in stored for i in ids):
            return Diagnostic(
                at,
                "BG409",
                f"{dotted(path)} cannot be checked: no cited source has a stored file",
                "store the source text and set its 'file'",
                "warning",
            )
        return None
    needle = fold(passage)
    flawed: tuple[str, StoredText, Hit] | None = None
    for ident, got in readable.items():
        assert got.text is not None
        assert got.folded is not None
        hit = find(needle, got.text, got.folded)
        if hit is not None and not hit.problem:
            return Found(ident, _paragraph(got, hit.start), hit.start, hit.end)
        if hit is not None and flawed is None:
            flawed = (ident, got, hit)
    if any(i in stored and stored[i].text is None for i in ids):
        return None  # an unreadable source (already BG405) may hold it: "not found" would mislead
    if flawed is not None:
        return _flawed(what, code, at, *flawed)
    if elsewhere := _elsewhere(needle, ids, stored):
        ident, got, hit = elsewhere
        line = (got.text or "").count("\n", 0, hit.start) + 1
        return Diagnostic(
            at,
            code,
            f"{what} not found in {', '.join(sorted(readable))}",
            f"the {what} is in {ident} (¶{_paragraph(got, hit.start)}, line {line}): cite {ident}",
        )
    return _not_found(passage, what, code, at, readable)


def _paragraph(got: StoredText, start: int) -> int:
    """The 1-based number of the paragraph of GOT holding START, as the sources page has it."""
    return bisect_right(got.paragraphs, start, key=lambda p: p[0])


def _elsewhere(
    needle: Folded, ids: list[str], stored: dict[str, StoredText]
) -> tuple[str, StoredText, Hit] | None:
    """The first stored source of the sheet, not among IDS, that holds NEEDLE as it stands.

    Why: a passage pasted under the wrong source is the likeliest miss when it is verbatim;
    naming the source that has it beats the closest passage of one that does not."""
    for ident, got in stored.items():
        if ident in ids or got.text is None or got.folded is None:
            continue
        hit = find(needle, got.text, got.folded)
        if hit is not None and not hit.problem:
            return ident, got, hit
    return None


def _flawed(
    what: str, code: str, at: Location, ident: str, got: StoredText, hit: Hit
) -> Diagnostic:
    assert got.text is not None
    line = got.text.count("\n", 0, hit.start) + 1
    if hit.problem == "break":
        last = got.text.count("\n", 0, hit.end) + 1
        return Diagnostic(
            at,
            code,
            f"{what} runs across a paragraph break in {ident} (lines {line}-{last})",
            f"cite one paragraph; if the passage really goes on, break the line in the {what} "
            "where the source does",
        )
    where = {"start": "starts inside a word", "end": "ends inside a word"}
    return Diagnostic(
        at,
        code,
        f"{what} {where.get(hit.problem, 'starts and ends inside words')} of {ident}",
        f"{what} whole words; {ident} line {line} reads: "
        f"{whole_words(got.text, hit.start, hit.end)}",
    )


def _not_found(
    passage: str, what: str, code: str, at: Location, readable: dict[str, StoredText]
) -> Diagnostic:
    near = {i: closest(passage, got.text or "", got.paragraphs) for i, got in readable.items()}
    ident = max(near, key=lambda i: near[i].ratio)
    best, text = near[ident], readable[ident].text or ""
    line = text.count("\n", 0, best.start) + 1
    return Diagnostic(
        at,
        code,
        f"{what} not found in {', '.join(sorted(readable))}",
        f"closest passage in {ident} (line {line}, {best.ratio:.0%} alike; the {what} "
        f"{best.difference}): {best.shown}",
    )

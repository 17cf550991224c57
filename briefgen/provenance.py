"""Stage 3b, provenance: every cite resolves and every quoted passage is in its source.

Why: trust is the product. A quote or excerpt must appear in the stored source text
(after normalising whitespace, quote marks, dashes and case), and the stored text must
be the one the facts were curated from (its sha256). When a passage is not found, the
closest passage of the source is shown so the editor can fix the wording.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import Diagnostic
from briefgen.load import Path_, SourceMap, dotted
from briefgen.model import SECTIONS, Brief, Excerpt, Source

MAX_SOURCE_BYTES = 2 * 1024 * 1024
_QUOTES = str.maketrans(
    dict.fromkeys("“”„‟«»″", '"') | dict.fromkeys("‘’‚‛′`´", "'") | dict.fromkeys("‐‑‒–—―−", "-")
)


@dataclass(frozen=True)
class StoredText:
    """A source's stored text, read once per check; `text` is None when unreadable."""

    text: str | None
    sha256: str = ""
    problem: str = ""
    folded: str = ""  # normalise(text), computed once: every excerpt is searched in it


def normalise(text: str) -> str:
    """Fold what editors and web pages vary: quotes, dashes, whitespace, case, compat forms."""
    # fold quotes before NFKC too: it would split ″ into two primes and ´ into a space + accent
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES)).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().casefold()


def read_sources(brief: Brief, folder: Path) -> dict[str, StoredText]:
    """Read every source's stored file (inside FOLDER only), keyed by source id."""
    return {
        s.id: _read(s, folder)
        for s in brief.sources
        if getattr(s, "id", None) is not None and s.file is not None
    }


def _read(source: Source, folder: Path) -> StoredText:
    assert source.file is not None
    root = folder.resolve()
    try:
        path = (root / source.file).resolve()
    except (OSError, ValueError):  # ValueError: a NUL written as "\0" in the sheet
        return StoredText(None, problem="not a usable file name")
    if not path.is_relative_to(root):
        return StoredText(None, problem="outside the fact sheet's folder")
    try:
        if not path.is_file():
            return StoredText(
                None, problem="not found" if not path.exists() else "not a regular file"
            )
        raw = path.read_bytes()[: MAX_SOURCE_BYTES + 1]
    except OSError as error:
        return StoredText(None, problem=error.strerror or "unreadable")
    if len(raw) > MAX_SOURCE_BYTES:
        return StoredText(None, problem=f"larger than {MAX_SOURCE_BYTES >> 20} MiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return StoredText(None, problem="not UTF-8 text")
    return StoredText(text, hashlib.sha256(raw).hexdigest(), folded=normalise(text))


def verify(
    brief: Brief,
    where: SourceMap,
    stored: dict[str, StoredText],
    unchecked: frozenset[str] = frozenset(),
) -> list[Diagnostic]:
    """Every provenance finding for BRIEF, given the stored texts of its sources.

    Names in UNCHECKED (texts of parts that failed the schema, see `validate.Salvage`) may
    be sources that failed: a cite of one is neither unknown nor checkable, and a source
    they mention is not reported as never cited.
    """
    known = {getattr(s, "id", None) for s in brief.sources} - {None}
    unsure = unchecked - known  # cited names that may be sources which failed the schema
    return [
        *_files(brief, where, stored),
        *_cites(brief, where, stored, unsure, unchecked),
        *_quotes(brief, where, stored, unsure),
    ]


def cites(brief: Brief) -> Iterator[tuple[Path_, str | Excerpt]]:
    """Every cite entry of the sheet with its document path, in document order."""
    for section in SECTIONS:
        value = getattr(brief, section)
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            base: Path_ = (section, i) if isinstance(value, list) else (section,)
            for j, ref in enumerate(item.cite):
                yield (*base, "cite", j), ref


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
                "store the source text next to facts.yaml, under sources/",
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


def _cites(
    brief: Brief,
    where: SourceMap,
    stored: dict[str, StoredText],
    unsure: frozenset[str],
    unchecked: frozenset[str],
) -> Iterator[Diagnostic]:
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
            yield Diagnostic(
                where.at(path if isinstance(ref, str) else (*path, "source")),
                "BG403",
                f"cite names unknown source '{ident}'",
                f"did you mean '{close[0]}'?" if close else "add it to sources",
            )
        elif isinstance(ref, Excerpt) and getattr(ref, "excerpt", None) is not None:
            yield from _passage(
                ref.excerpt, [ident], (*path, "excerpt"), where, stored, "BG402", unsure
            )
    for i, source in enumerate(brief.sources):
        if getattr(source, "id", None) not in used | {None}:
            yield Diagnostic(
                where.at(("sources", i, "id")),
                "BG404",
                f"source {source.id} is never cited",
                "cite it from an item, or remove it",
                "warning",
            )


def _quotes(
    brief: Brief, where: SourceMap, stored: dict[str, StoredText], unsure: frozenset[str]
) -> Iterator[Diagnostic]:
    for i, position in enumerate(brief.positions):
        if position.quote is None:
            continue
        ids = [r if isinstance(r, str) else getattr(r, "source", "") for r in position.cite]
        path = ("positions", i, "quote")
        yield from _passage(position.quote, ids, path, where, stored, "BG401", unsure)


def _passage(
    passage: str,
    ids: list[str],
    path: Path_,
    where: SourceMap,
    stored: dict[str, StoredText],
    code: str,
    unsure: frozenset[str] = frozenset(),
) -> Iterator[Diagnostic]:
    if unsure.intersection(ids):
        return  # a cited source failed the schema: "not found" or "cannot check" would mislead
    readable = {i: stored[i] for i in ids if i in stored and stored[i].text is not None}
    texts = {i: got.text for i, got in readable.items()}
    if not texts:
        if not any(i in stored for i in ids):
            yield Diagnostic(
                where.at(path),
                "BG409",
                f"{dotted(path)} cannot be checked: no cited source has a stored file",
                "store the source text and set its 'file'",
                "warning",
            )
        return
    needle = normalise(passage)
    if any(needle in got.folded for got in readable.values()):
        return
    if any(i in stored and stored[i].text is None for i in ids):
        return  # an unreadable source (already BG405) may hold it: "not found" would mislead
    best = max(
        ((*closest(needle, t), i) for i, t in texts.items() if t is not None),
        key=lambda found: found[1],
    )
    shown, ratio, line, source_id = best
    what = "quote" if code == "BG401" else "excerpt"
    yield Diagnostic(
        where.at(path),
        code,
        f"{what} not found in {', '.join(sorted(texts))}",
        f'closest passage in {source_id} (line {line}, {ratio:.0%} alike): "{shown}"',
    )


def paragraphs(text: str) -> list[str]:
    """A stored text's paragraphs as the sources page numbers them: its non-empty lines."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def locate(passage: str, text: str) -> int | None:
    """The 1-based paragraph of TEXT that holds PASSAGE, if one does."""
    needle = normalise(passage)
    return next(
        (n for n, p in enumerate(paragraphs(text), start=1) if needle in normalise(p)), None
    )


def closest(needle: str, text: str) -> tuple[str, float, int]:
    """The passage of TEXT most like NEEDLE (already normalised): (passage, ratio, line)."""
    words = list(re.finditer(r"\S+", text))
    size = max(1, len(needle.split()))
    best = ("", 0.0, 1)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    for k in range(max(1, len(words) - size + 1)):
        chunk = words[k : k + size]
        start, end = chunk[0].start(), chunk[-1].end()
        matcher.set_seq1(normalise(text[start:end]))
        if matcher.real_quick_ratio() <= best[1] or matcher.quick_ratio() <= best[1]:
            continue
        ratio = matcher.ratio()
        if ratio > best[1]:
            best = (re.sub(r"\s+", " ", text[start:end]), ratio, text.count("\n", 0, start) + 1)
    return best

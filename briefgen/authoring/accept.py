"""`briefgen sources accept`: record a stored source's new sha256 after a deliberate change.

Why: the sha256 pins the text the facts were curated from (BG406). When a stored text is
corrected on purpose, the way forward must not be editing the hash by hand: `review`
says which quotes and excerpts citing a changed source no longer verify, with the
word-level difference provenance.py computes for any misquote, and `record` rewrites
only the sha256 values in the sheet's text (comments and layout stay).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.schema.cites import cites
from briefgen.schema.model import Brief, Excerpt
from briefgen.schema.validate import validate
from briefgen.sheet.edit import line_end, locked, read_for_edit, write_sheet
from briefgen.sheet.load import Path_, SourceMap, load_bytes, read_sheet
from briefgen.verify.provenance import Evidence, verify
from briefgen.verify.sources import read_sources


@dataclass(frozen=True)
class Change:
    """A source whose stored text no longer has its recorded sha256."""

    id: str
    file: str
    index: int  # in the sheet's sources list
    old: str | None
    new: str
    broken: tuple[Diagnostic, ...]  # the quotes and excerpts citing it that no longer verify


@dataclass(frozen=True)
class Review:
    """What `accept` would record for one sheet."""

    sheet: Path
    changes: tuple[Change, ...]
    unchanged: tuple[str, ...]  # named ids whose text still has its recorded hash

    @property
    def broken(self) -> tuple[Diagnostic, ...]:
        """Every quote and excerpt that would no longer verify."""
        return tuple(d for change in self.changes for d in change.broken)


def review(sheet: Path, ids: list[str]) -> Review:
    """The sources of SHEET (or only IDS) whose stored text changed, and what it breaks."""
    data, where = read_sheet(sheet)
    brief = validate(data, where)
    known = [s.id for s in brief.sources]
    if unknown := [i for i in ids if i not in known]:
        raise BriefError(
            *(
                Diagnostic(
                    Location(str(sheet)),
                    "BG840",
                    f"no source '{i}' in the sheet",
                    f"sources are {', '.join(known)}",
                )
                for i in unknown
            ),
            exit_code=EXIT_USAGE,
        )
    stored = read_sources(brief, sheet.parent)
    chosen = [(n, s) for n, s in enumerate(brief.sources) if not ids or s.id in ids]
    unreadable = [
        Diagnostic(
            where.at(("sources", n, "file")),
            "BG841",
            f"source {s.id} has no readable stored text"
            + (f": '{s.file}' is {stored[s.id].problem}" if s.id in stored else ""),
            "store its text and set 'file' first",
        )
        for n, s in chosen
        if (s.id in ids or s.id in stored) and (s.id not in stored or stored[s.id].text is None)
    ]
    if unreadable:
        raise BriefError(*unreadable, exit_code=EXIT_USAGE)
    found = verify(brief, where, stored)
    changes = tuple(
        Change(
            s.id,
            str(s.file),
            n,
            s.sha256,
            stored[s.id].sha256,
            _broken(brief, where, s.id, found.evidence, found.diagnostics),
        )
        for n, s in chosen
        if s.id in stored and stored[s.id].sha256 != s.sha256
    )
    moved = {c.id for c in changes}
    return Review(sheet, changes, tuple(i for i in ids if i not in moved))


def _broken(
    brief: Brief, where: SourceMap, ident: str, evidence: Evidence, found: list[Diagnostic]
) -> tuple[Diagnostic, ...]:
    """The BG401/BG402 findings of the passages that cite IDENT and were not found."""
    paths: list[Path_] = [
        path
        for path, ref in cites(brief)
        if isinstance(ref, Excerpt) and ref.source == ident and path not in evidence
    ]
    for i, position in enumerate(brief.positions):
        refs = [r if isinstance(r, str) else r.source for r in position.cite]
        path: Path_ = ("positions", i, "quote")
        if position.quote is not None and ident in refs and path not in evidence:
            paths.append(path)
    spots = {where.at((*p, "excerpt") if p[-1] != "quote" else p) for p in paths}
    return tuple(d for d in found if d.code in ("BG401", "BG402") and d.where in spots)


def record(accepted: Review) -> list[str]:
    """Write each changed source's new sha256 into the sheet's text; return their ids."""
    sheet = accepted.sheet
    with locked(sheet):  # no other briefgen edit in between; an editor's save is caught
        raw, data, where = read_for_edit(sheet)
        lines = raw.decode("utf-8").splitlines(keepends=True)
        for change in accepted.changes:
            _unmoved(data, where, change)
            at = where.values.get(("sources", change.index, "sha256"))
            if at is None:
                lines = _add_hash(lines, where, change)
                _, where = _reload(lines, sheet)
                continue
            line, col = at
            text = lines[line - 1]
            head, tail = text[: col - 1], text[col - 1 :]
            assert change.old is not None
            lines[line - 1] = head + tail.replace(change.old, change.new, 1)
        write_sheet(sheet, "".join(lines), expected=raw)
    return [c.id for c in accepted.changes]


def _unmoved(data: object, where: SourceMap, change: Change) -> None:
    """Refuse if the sheet was edited since `review` (say, while the prompt waited)."""
    items = data.get("sources") if isinstance(data, dict) else None
    item = items[change.index] if isinstance(items, list) and change.index < len(items) else {}
    if not isinstance(item, dict) or (item.get("id"), item.get("sha256")) != (
        change.id,
        change.old,
    ):
        raise BriefError(
            Diagnostic(
                Location(where.file),
                "BG843",
                "the fact sheet changed while the change was being reviewed",
                "run `briefgen sources accept` again",
            ),
            exit_code=EXIT_USAGE,
        )


def _add_hash(lines: list[str], where: SourceMap, change: Change) -> list[str]:
    """LINES with `sha256: NEW` after the source's `file:` line, in a block mapping."""
    key = where.keys.get(("sources", change.index, "file"))
    if key is None or not re.fullmatch(r"\s*(- )?", lines[key[0] - 1][: key[1] - 1]):
        raise BriefError(
            Diagnostic(
                where.at(("sources", change.index)),
                "BG842",
                f"cannot add the sha256 of {change.id} here",
                f"add `sha256: {change.new}` to the source by hand",
            ),
        )
    indent = " " * (key[1] - 1)
    newline = line_end("".join(lines))  # a CRLF sheet stays CRLF
    head = [*lines[: key[0]]]
    if not head[-1].endswith("\n"):  # `file:` on the last line, without a line end
        head[-1] += newline
    return [*head, f"{indent}sha256: {change.new}{newline}", *lines[key[0] :]]


def _reload(lines: list[str], sheet: Path) -> tuple[object, SourceMap]:
    return load_bytes("".join(lines).encode("utf-8"), str(sheet))

"""`briefgen new`: scaffold seeds/<slug>/ with the sources stored and hashed.

The sheet is written from a template, not by PyYAML's emitter (which folds U+0085 and
friends inside quoted scalars); every value is a JSON string, which is valid YAML.
Placeholders say TODO, and `check` refuses TODO, so nothing half-written gets published:
an event's type is a TODO too, not a guess such as `summit`. Each kind gets its own
sections (kinds.TABLE's skeleton), and none of another kind's.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from pathlib import Path

from briefgen.errors import EXIT_IO, EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.schema.jsonschema import schema_text
from briefgen.schema.kinds import KINDS, TABLE
from briefgen.sheet.files import reason
from briefgen.verify.sources import MAX_SOURCE_BYTES, read_bounded

SCHEMA_FILE = Path("schema/fact-sheet.schema.json")

_SOURCE = """\
  - id: S{n}
    title: {title}
    publisher: unknown          # the outlet, when the text names it
    published: unknown          # YYYY-MM-DD, YYYY-MM or YYYY when the text says
    type: news-article
    file: {file}
    sha256: {sha256}
"""

_BODY = """\
bottom_line:
  text: "TODO: what happens, the main judgment with its likelihood word, so what."
  cite: [S1]

key_facts:                      # 3-4 dated, reported facts; no hedging
  - id: F1
    text: "TODO: one reported fact, at most 18 words."
    cite:
      - {{source: S1, excerpt: "TODO: the verbatim passage it rests on"}}

actors: []                      # {{id, name, role, affiliation, type}}

{skeleton}
assessments:
  - id: J1
    statement: "TODO: X is likely to ..."
    likelihood: likely          # almost-no-chance ... almost-certain, or not-assessed
    confidence: low             # low | moderate | high
    basis: "TODO: why, in at most ten words."
    cite: [S1]

watch: []                       # {{id, indicator, signals: [J1], direction, cite}}
"""


def scaffold(slug: str, sources: list[Path], *, root: Path, kind: str = "event") -> Path:
    """Create ROOT/seeds/SLUG/facts.yaml and sources/ for a brief of KIND (kinds.KINDS);
    return the sheet's path."""
    if kind not in TABLE:
        raise _usage(kind, f"'{kind}' is not a briefing kind", f"use one of {', '.join(KINDS)}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", slug):
        raise _usage(slug, f"'{slug}' is not a slug", "use lower-case letters, digits and '-'")
    folder = root / "seeds" / slug
    if folder.exists():
        raise _usage(str(folder), "that briefing already exists", "choose another slug")
    stored = _store_sources(sources, folder / "sources")
    entries = "".join(
        _SOURCE.format(
            n=n,
            title=_q(_title_of(text, path)),
            file=_q(f"sources/{path.name}"),
            sha256=hashlib.sha256(text).hexdigest(),
        )
        for n, (path, text) in enumerate(stored, start=1)
    )
    sheet = folder / "facts.yaml"
    body = _BODY.format(skeleton=TABLE[kind].skeleton)
    sheet.write_text(_header(slug, kind) + entries + "\n" + body, encoding="utf-8")
    schema = root / SCHEMA_FILE
    if not schema.exists():
        schema.parent.mkdir(parents=True, exist_ok=True)
        schema.write_text(schema_text(), encoding="utf-8")
    return sheet


def _header(slug: str, kind: str) -> str:
    return f"""\
# yaml-language-server: $schema=../../{SCHEMA_FILE.as_posix()}
schema_version: "1"

briefing:
  id: {slug}
  title: "TODO: at most twelve words"
  kind: {kind:<24}# event | issue | country | organization
{TABLE[kind].scaffold}\
  prepared: {{date: "TODO"}}      # YYYY-MM-DD; add as_of for the information cut-off
  handling: {{classification: "PUBLIC SOURCES"}}

sources:
"""


def _store_sources(sources: list[Path], target: Path) -> list[tuple[Path, bytes]]:
    texts = [(source, _read_source(source)) for source in sources]  # all, before writing
    target.mkdir(parents=True)
    stored: list[tuple[Path, bytes]] = []
    for source, text in texts:
        name = target / source.name
        if name.exists():
            name = target / f"{source.stem}-{len(stored) + 1}{source.suffix}"
        try:
            name.write_bytes(text)
        except OSError as error:
            raise _io(source, f"cannot store the source: {reason(error)}") from None
        stored.append((name, text))
    return stored


def _read_source(source: Path) -> bytes:
    """SOURCE's bytes, refusing what is not a regular file or is over the source limit.

    Why: `--source /dev/zero` would copy until the disk is full, and a FIFO would hang.
    """
    try:
        text = read_bounded(source)
    except OSError as error:
        raise _io(source, f"cannot read the source: {reason(error)}") from None
    if text is None:
        raise _usage(
            str(source),
            "the source is not a regular file (a device, FIFO or socket)",
            "save the text to a file and pass that",
        )
    if len(text) > MAX_SOURCE_BYTES:
        raise _usage(
            str(source),
            f"the source is larger than {MAX_SOURCE_BYTES >> 20} MiB",
            "store the passages the briefing cites, not the whole document",
        )
    return text


def _io(source: Path, message: str) -> BriefError:
    return BriefError(Diagnostic(Location(str(source)), "BG601", message), exit_code=EXIT_IO)


def _title_of(raw: bytes, path: Path) -> str:
    first = next(
        (line.strip() for line in raw.decode("utf-8", "replace").splitlines() if line.strip()),
        path.stem,
    )
    return first[:200]


def _q(text: str) -> str:
    """A YAML double-quoted scalar that survives U+0085, U+2028 and U+2029."""
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("\x85", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")


def _usage(where: str, message: str, hint: str) -> BriefError:
    return BriefError(Diagnostic(Location(where), "BG002", message, hint), exit_code=EXIT_USAGE)


def next_steps(sheet: Path) -> list[tuple[str, str]]:
    """The three commands that take a new sheet to a preview: (command, what it is for).

    Why printed by `new`: the first thing after scaffolding is not obvious (replace the
    TODOs with sourced text); each command is shell-quoted so it can be copied as is."""
    folder = shlex.quote(str(sheet.parent))
    return [
        (f"${{EDITOR:-vi}} {shlex.quote(str(sheet))}", "replace every TODO"),
        (f'briefgen cite {folder} "words from a source"', "find an excerpt; paste its line"),
        (f"briefgen check {folder} && briefgen serve", "check it, then preview it"),
    ]

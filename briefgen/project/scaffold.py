"""`briefgen new`: scaffold seeds/<slug>/facts.yaml, a sheet to fill, with no source yet.

The sheet is written from a template, not by PyYAML's emitter (which folds U+0085 and
friends inside quoted scalars); every value is a JSON string, which is valid YAML.
Placeholders say TODO, and `check` refuses TODO, so nothing half-written gets published:
an event's type is a TODO too, not a guess such as `summit`. Each kind gets its own
sections (kinds.TABLE's skeleton), and none of another kind's. Its `sources: []` is
filled by `briefgen sources add` (authoring/ingest.py), which is also how `new --source`
stores its documents (authoring/starting.py): one ingestion path, one kind of entry.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

from briefgen.errors import EXIT_IO, EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.schema.jsonschema import schema_text
from briefgen.schema.kinds import KINDS, TABLE
from briefgen.sheet.files import reason

SCHEMA_FILE = Path("schema/fact-sheet.schema.json")

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


def planned(slug: str, *, root: Path, kind: str = "event") -> Path:
    """The folder ROOT/seeds/SLUG a new brief of KIND (kinds.KINDS) would get; refuse a
    bad kind or slug, or a briefing that exists (checked before anything is downloaded)."""
    if kind not in TABLE:
        raise _usage(kind, f"'{kind}' is not a briefing kind", f"use one of {', '.join(KINDS)}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", slug):
        raise _usage(slug, f"'{slug}' is not a slug", "use lower-case letters, digits and '-'")
    folder = root / "seeds" / slug
    if folder.exists() or folder.is_symlink():
        raise _usage(str(folder), "that briefing already exists", "choose another slug")
    return folder


def scaffold(slug: str, *, root: Path, kind: str = "event") -> Path:
    """Create ROOT/seeds/SLUG/facts.yaml for a brief of KIND, with no source yet; return
    the sheet's path. The folder is made here, never reused (another run's stays its own)."""
    folder = planned(slug, root=root, kind=kind)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # seeds/ is a file, a symlink to nothing, not writable
        raise _io(
            folder.parent,
            f"cannot make the briefings' folder: {reason(error)}",
            "seeds/ holds one folder per briefing: make it a plain folder",
        ) from None
    try:
        folder.mkdir()
    except FileExistsError:
        raise _usage(str(folder), "that briefing already exists", "choose another slug") from None
    except OSError as error:
        raise _io(folder, f"cannot make the briefing's folder: {reason(error)}") from None
    sheet = folder / "facts.yaml"
    body = _BODY.format(skeleton=TABLE[kind].skeleton)
    try:
        sheet.write_text(_header(slug, kind) + "\n" + body, encoding="utf-8")
    except OSError as error:
        shutil.rmtree(folder, ignore_errors=True)  # made just above: this run's own
        raise _io(sheet, f"cannot write the fact sheet: {reason(error)}") from None
    return sheet


def write_schema(root: Path) -> None:
    """ROOT/schema/fact-sheet.schema.json, for editors, unless the project has one."""
    schema = root / SCHEMA_FILE
    if not schema.exists():
        schema.parent.mkdir(parents=True, exist_ok=True)
        schema.write_text(schema_text(), encoding="utf-8")


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

sources: []                     # add each: briefgen sources add seeds/{slug} FILE|URL
"""


def _q(text: str) -> str:
    """A YAML double-quoted scalar that survives U+0085, U+2028 and U+2029."""
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("\x85", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")


def _io(path: Path, message: str, hint: str = "") -> BriefError:
    return BriefError(Diagnostic(Location(str(path)), "BG601", message, hint), exit_code=EXIT_IO)


def _usage(where: str, message: str, hint: str) -> BriefError:
    return BriefError(Diagnostic(Location(where), "BG002", message, hint), exit_code=EXIT_USAGE)


def next_steps(sheet: Path, *, sourced: bool = True) -> list[tuple[str, str]]:
    """The commands that take a new sheet to a preview: (command, what it is for).

    Why printed by `new`: the first thing after scaffolding is not obvious (store the
    sources, replace the TODOs with sourced text); each command is shell-quoted so it can
    be copied as is. A sheet made without a source is told first how to add one."""
    folder = shlex.quote(str(sheet.parent))
    add = (f"briefgen sources add {folder} FILE-OR-URL", "store a source: text, web page, PDF")
    return [
        *([] if sourced else [add]),
        (f"${{EDITOR:-vi}} {shlex.quote(str(sheet))}", "replace every TODO"),
        (f'briefgen cite {folder} "words from a source"', "find an excerpt; paste its line"),
        (f"briefgen check {folder} && briefgen serve", "check it, then preview it"),
    ]

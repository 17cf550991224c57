"""briefgen.toml's handling levels and named audiences: what they may be, and their values.

Why apart from settings.py: both are tables, not plain values, and an audience's level
must be one of the levels; settings.py hands each over here and positions what comes back.

    levels = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]     # or tables:
    levels = [{name = "OFFICIAL", short = "O"}, {name = "SECRET", label = "UK SECRET", short = "S"}]

    [audiences.partners]            # `briefgen build` also writes this edition
    max_marking = "TLP:GREEN"       # nothing above this level
    output = "out-partners"         # its own site, relative to the project folder
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.errors import Diagnostic, Location, inert
from briefgen.schema.markings import TLP, Level, Scheme

LEVELS_EXPECTED = "a list of level names, lowest first, or of {name, label, short} tables"
LEVELS_HINT = 'e.g. levels = ["OFFICIAL", "SECRET"]; the default is TLP 2.0 (TLP:CLEAR … TLP:RED)'
AUDIENCES_EXPECTED = "tables of max_marking and output, one per audience"
AUDIENCES_HINT = '[audiences.partners] max_marking = "TLP:GREEN", output = "out-partners"'
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")


@dataclass(frozen=True)
class Audience:
    """A named readership: its edition holds nothing above MAX_MARKING, in OUTPUT."""

    name: str
    max_marking: str
    output: Path


def levels(value: object) -> Scheme | str:
    """The scheme VALUE declares, or what is wrong with it."""
    if not isinstance(value, list) or not value:
        return "found no list of levels"
    found: list[Level] = []
    for entry in value:
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            return "found a level without a name"
        extra = set(entry) - {"name", "label", "short"}
        if extra:
            return f"found '{sorted(extra)[0]}' in a level (known: name, label, short)"
        texts = [entry.get(k, "") for k in ("name", "label", "short")]
        if not all(isinstance(t, str) and inert(t) == t for t in texts) or not texts[0].strip():
            return "found an empty name or a control character"
        if "//" in "".join(texts) or any(t != t.strip() for t in texts):
            return "found '//' or spaces around a name (the handling line joins parts with //)"
        found.append(Level(*texts))
    names = [level.name for level in found]
    if len(set(names)) != len(names):
        return "found a level named twice"
    known = {level.name: level for level in TLP.levels}
    return Scheme(tuple(known.get(level.name, level) if not (level.label or level.short)
                        else level for level in found))


def audiences(value: object, scheme: Scheme) -> tuple[Audience, ...] | str:
    """The audiences VALUE names (by name, sorted), or what is wrong with them."""
    if not isinstance(value, dict):
        return "found no table"
    found = []
    for name, table in sorted(value.items()):
        if not _NAME.fullmatch(name):
            return f"found the audience name '{inert(name)}' (letters, digits, - and _)"
        if not isinstance(table, dict) or set(table) != {"max_marking", "output"}:
            return f"found audience '{name}' without exactly max_marking and output"
        level, output = table["max_marking"], table["output"]
        if not isinstance(level, str) or scheme.find(level) is None:
            return f"found audience '{name}' at '{inert(str(level))}', which is no level"
        if not isinstance(output, str) or not output.strip() or "\0" in output:
            return f"found audience '{name}' without a usable output folder"
        found.append(Audience(name, level, Path(output)))
    folders = [a.output for a in found]
    if len(set(folders)) != len(folders):
        return "found two audiences sharing an output folder"
    return tuple(found)


def check(table: dict[str, Any], value: object) -> tuple[str, str] | None:
    """(BG703, what is wrong) with the audiences VALUE of TABLE (the whole file), else None:
    each at a level of the file's scheme, each in its own folder, none in `output`'s."""
    scheme = levels(table["levels"]) if "levels" in table else TLP
    found = audiences(value, scheme if isinstance(scheme, Scheme) else TLP)
    if isinstance(found, str):
        return "BG703", found
    main = Path(str(table.get("output", "out")))
    for a in found:
        if a.output == main or main in a.output.parents or a.output in main.parents:
            return "BG703", f"found audience '{a.name}' inside or around `output` ({main})"
    return None


def unknown_level(name: str, scheme: Scheme, origin: str) -> Diagnostic:
    """BG220 for a level given on the command line (or by a caller) that is no level."""
    return Diagnostic(
        Location(origin),
        "BG220",
        f"unknown marking '{inert(name)}'",
        f"use one of the project's levels: {', '.join(scheme.names)} (briefgen.toml `levels`)",
    )

"""Sharded builds: which shard a sheet falls in, and the record a part carries for `merge`.

Why a record: `build --shard I/N -o part-I` runs on one CI runner, `merge` on another, maybe
hours apart. A part says which shard of how many it is, the settings key it was built
with and the whole sheet set it was cut from, so a part that is missing, given twice,
stale or built with other settings is refused by name instead of merged into a site that
a plain `build` would not make. Which shard holds a sheet is a hash of its name in the
manifest (sha256, never Python's per-process `hash()`), so every runner agrees.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import EXIT_IO, EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.publish import manifest
from briefgen.sheet.files import reason

NAME = ".briefgen-part.json"
VERSION = 1
_SPEC = re.compile(r"([0-9]{1,4})/([0-9]{1,4})")


@dataclass(frozen=True)
class Shard:
    """Shard INDEX of COUNT (1-based, as `--shard 2/4` and a CI matrix count)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`I/N` with 1 ≤ I ≤ N, or BG645 (exit 2)."""
        found = _SPEC.fullmatch(text.strip())
        if found is None or not 1 <= int(found[1]) <= int(found[2]):
            raise _refuse(
                Path(text), "BG645", f"not a shard: {text!r}",
                "write I/N with 1 <= I <= N, e.g. --shard 2/4", EXIT_USAGE,
            )
        return cls(int(found[1]), int(found[2]))

    def holds(self, name: str) -> bool:
        """True when the sheet NAME (its name in the manifest) falls in this shard."""
        digest = hashlib.sha256(name.encode()).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True)
class Part:
    """A part folder as `merge` reads it: its record and its manifest."""

    folder: Path
    shard: Shard
    settings: str
    sheets: tuple[str, ...]  # the whole sheet set the shard was cut from, sorted
    manifest: manifest.Manifest


def dumps(shard: Shard, settings: str, sheets: Iterable[str]) -> bytes:
    """The part record's bytes (sorted: a part rebuilt from the same inputs is unchanged)."""
    doc = {
        "briefgen-part": VERSION,
        "shard": shard.index,
        "of": shard.count,
        "settings": settings,
        "sheets": sorted(sheets),
    }
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()


def read(folder: Path) -> Part:
    """The part in FOLDER, or BG640: no part record, or one that cannot be read."""
    try:
        doc = json.loads((folder / NAME).read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or doc.get("briefgen-part") != VERSION:
            raise ValueError
        shard = Shard(int(doc["shard"]), int(doc["of"]))
        sheets = tuple(str(s) for s in doc["sheets"])
        settings = str(doc["settings"])
    except FileNotFoundError:
        raise _refuse(
            folder, "BG640", "not a part of a sharded build (no part record)",
            f"give the folders written by `briefgen build --shard I/N` (they hold {NAME})",
            EXIT_USAGE,
        ) from None
    except OSError as error:
        raise _refuse(folder, "BG640", f"cannot read the part: {reason(error)}", "",
                      EXIT_IO) from None
    except (ValueError, KeyError, TypeError):
        raise _refuse(
            folder, "BG640", "the part record is damaged or of another briefgen version",
            "build the part again with `briefgen build --shard I/N`", EXIT_USAGE,
        ) from None
    return Part(folder, shard, settings, sheets, manifest.read(folder))


def check(parts: list[Part], *, settings: str, keys: dict[str, str]) -> None:
    """Refuse a part set that `merge` must not publish, each with its own code: a part
    given twice or two of one shard (BG642), a shard missing or parts of different counts
    (BG643), built with other settings (BG641), or stale: cut from another sheet set, or
    a briefing built from inputs that have changed since (BG644). KEYS: each current
    sheet's name → the key of its inputs now."""
    counts = sorted({p.shard.count for p in parts})
    if len(counts) > 1:
        raise _refuse(parts[0].folder, "BG643",
                      f"the parts come from builds of {' and '.join(map(str, counts))} shards",
                      "build every part with the same N")
    seen: dict[int, Part] = {}
    for part in parts:
        if (twin := seen.get(part.shard.index)) is not None:
            what = "is given twice" if _same(twin.folder, part.folder) else (
                f"is shard {part.shard} like {twin.folder}")
            raise _refuse(part.folder, "BG642", f"the part {what}",
                          "give each shard's part once")
        seen[part.shard.index] = part
    missing = [i for i in range(1, counts[0] + 1) if i not in seen] if counts else [1]
    if missing:
        names = ", ".join(f"{i}/{counts[0] if counts else '?'}" for i in missing)
        raise _refuse(Path(parts[0].folder if parts else "."), "BG643",
                      f"shard {names} is missing", "give every shard's part to merge")
    for part in parts:
        if part.settings != settings or part.manifest.settings != settings:
            raise _refuse(
                part.folder, "BG641", "the part was built with other settings "
                "(templates, options, briefgen's code or its renderers' versions)",
                "merge with the options the parts were built with, or build them again",
            )
    for part in parts:
        if set(part.sheets) != set(keys):
            gone = sorted(set(part.sheets) - set(keys))
            new = sorted(set(keys) - set(part.sheets))
            which = f"{new[0]} is new" if new else f"{gone[0]} is gone"
            raise _refuse(part.folder, "BG644",
                          f"the part is stale: it was cut from another set of sheets ({which})",
                          "build every part again from the same checkout")
        for name, key in sorted(keys.items()):
            if not part.shard.holds(name):
                continue
            record = part.manifest.briefings.get(name)
            if record is None or record.key != key:
                what = "has no briefing in it" if record is None else "changed since it was built"
                raise _refuse(part.folder, "BG644", f"the part is stale: {name} {what}",
                              "build this shard again, then merge")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def refuse_overlap(folders: list[Path], out: Path) -> None:
    """BG649: the site would replace (or sit inside) a part it is merged from, which the
    atomic swap would lose halfway; the parts and the site are separate folders."""
    site = out.resolve()
    for folder in folders:
        part = folder.resolve()
        if part == site or part in site.parents or site in part.parents:
            raise _refuse(
                folder, "BG649", f"the site folder {out} overlaps this part",
                "merge into a folder of its own: briefgen merge part-1 ... part-N -o out",
            )


def _refuse(
    where: Path, code: str, message: str, hint: str, exit_code: int = EXIT_USAGE
) -> BriefError:
    return BriefError(Diagnostic(Location(str(where)), code, message, hint), exit_code=exit_code)

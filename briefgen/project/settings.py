"""A project's settings: `briefgen.toml`, where it is, what it says, and what wins.

Why a file: paper, base URL, strictness and the organisation were flags repeated on every
command. Precedence is fixed: a command-line flag (or its environment variable), then
`briefgen.toml`, then the built-in default. The project root is the nearest folder at or
above the working folder that holds `briefgen.toml` (as git finds `.git`); outside a
project the working folder is the root. Every value goes through one check (`_check`),
whatever its source, with the same code and sentence: positioned in the file like a
sheet's (`briefgen.toml:3:1`), or at the flag or variable it came from (`--base-url`,
`BRIEFGEN_BASE_URL`). A flag must not let in what the file refuses.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from briefgen.errors import EXIT_IO, EXIT_USAGE, BriefError, Diagnostic, Location, inert
from briefgen.project import audiences, install, tomlerrors
from briefgen.project.audiences import Audience
from briefgen.project.paths import unusable
from briefgen.schema.markings import TLP, Scheme
from briefgen.schema.vocabulary import FORMATS, PAPERS
from briefgen.sheet.files import fix, read_regular, reason

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FILE = "briefgen.toml"
MAX_BYTES = 64 * 1024
# What a build adds to the output folder's name beside it: `.NAME.briefgen-staging-XXXXXXXX`.
OUTPUT_ROOM = len(".") + len(".briefgen-staging-") + 8


@dataclass(frozen=True)
class Settings:
    """What a project sets; ROOT is the folder holding seeds/, templates/ and the file."""

    root: Path = Path()
    found: bool = False  # True when ROOT holds a briefgen.toml
    organisation: str = ""
    paper: str = "A4"
    base_url: str | None = None
    output: Path = Path("out")  # relative to ROOT unless given on the command line
    strict: bool = False
    marking: str | None = None  # handling.classification of sheets that set none
    audience: str | None = None  # briefing.audience of sheets that set none
    jobs: int | None = None  # None: all cores
    install: str | None = None  # how the generated workflow installs briefgen (install.py)
    formats: tuple[str, ...] = FORMATS  # the files of each briefing `build` writes
    keep_editions: int | None = None  # earlier editions kept per briefing; None: all
    scheme: Scheme = TLP  # `levels`: the handling levels, lowest first (audiences.py)
    audiences: tuple[Audience, ...] = ()  # `[audiences.NAME]`: editions `build` also writes


# key → (what it must be, hint); the order is the documented one
KEYS: dict[str, tuple[str, str]] = {
    "organisation": ("a text", 'the name shown on every page and in the feed, e.g. "Policy Unit"'),
    "paper": ("A4 or Letter", "sheets with their own render.paper keep it"),
    "base_url": ("an http:// or https:// URL", 'e.g. "https://example.org/briefs/"'),
    "output": ("a folder name", 'relative to the project folder, e.g. "public"'),
    "strict": ("true or false", "without quotes: strict = true"),
    "marking": ("a text", 'the classification of sheets that set none, e.g. "OFFICIAL"'),
    "audience": ("a text", 'the audience of sheets that set none, e.g. "Minister"'),
    "jobs": ("a whole number of at least 1", "worker processes for PDFs, e.g. jobs = 2"),
    "install": (install.EXPECTED, install.HINT),
    "formats": (
        f"a list of formats out of {', '.join(FORMATS)}",
        'e.g. formats = ["html", "pdf", "docx"]; the default is all of them',
    ),
    "keep_editions": ("a whole number of at least 1", "earlier editions kept, e.g. 10"),
    "levels": (audiences.LEVELS_EXPECTED, audiences.LEVELS_HINT),
    "audiences": (audiences.AUDIENCES_EXPECTED, audiences.AUDIENCES_HINT),
}
# key → the flag that sets it, where a diagnostic points when no other origin is known
FLAGS = {
    "output": "--out",
    "paper": "--paper",
    "base_url": "--base-url",
    "strict": "--strict",
    "jobs": "--jobs",
    "formats": "--format",
}


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above START holding briefgen.toml, as a path relative to
    START (`.`, `..`, …) so diagnostics stay short; None outside any project."""
    for up, folder in enumerate([start, *start.parents]):
        if os.path.lexists(folder / FILE):  # a pipe or a link too: `load` says what is wrong
            return Path(*[".."] * up) if up else Path()
    return None


def discover(start: Path) -> Settings:
    """The settings of the project START (the working folder) is in, or the defaults.

    The root is relative to START (`.` outside a project), as every path the CLI prints is.
    """
    root = find_root(start)
    if root is None:
        return Settings()
    return load(root, base=start)


def load(root: Path, *, base: Path = Path()) -> Settings:
    """Read and validate ROOT/briefgen.toml (ROOT relative to BASE); BriefError with every
    problem found, positioned as ROOT/briefgen.toml:LINE:COL."""
    path = root / FILE
    try:  # without blocking: a named pipe called briefgen.toml is refused, not waited on
        data = read_regular(base / path, MAX_BYTES)
    except OSError as error:
        raise BriefError(
            Diagnostic(
                Location(str(path)),
                "BG704",
                f"cannot read the settings: {reason(error)}",
                fix(path, error),
            ),
            exit_code=EXIT_IO,
        ) from None
    if len(data) > MAX_BYTES:
        raise _refused(Diagnostic(Location(str(path)), "BG700", "the settings file is over 64 KiB"))
    try:
        text = data.decode("utf-8")
        table = tomllib.loads(text)
    except UnicodeDecodeError as error:
        raise _refused(tomlerrors.not_utf8(str(path), data, error)) from None
    except tomllib.TOMLDecodeError as error:
        raise _refused(tomlerrors.syntax(str(path), text, error)) from None
    values = _validated(table, text, str(path))
    output = values.get("output")
    if output is not None and (why := unusable(base / root / output, name_room=OUTPUT_ROOM)):
        line, col = tomlerrors.value_position(text, tomlerrors.key_position(text, "output")[0])
        raise _refused(_bad(Location(str(path), line, col), "output", ("BG703", f"found {why}")))
    return Settings(root=root, found=True, **values)


def resolve(
    settings: Settings,
    *,
    output: Path | None = None,
    paper: str | None = None,
    base_url: str | None = None,
    strict: bool | None = None,
    jobs: int | None = None,
    formats: tuple[str, ...] | None = None,
    origins: Mapping[str, str] | None = None,
) -> Settings:
    """SETTINGS with every flag that was given (not None) put over it, each checked as the
    file's value is; BriefError (exit 2) at the flag, or at the origin ORIGINS names for it
    (the CLI passes `BRIEFGEN_BASE_URL` when the value came from the environment).

    An `output` flag is taken as given (relative to the working folder); the file's
    `output` is relative to the project root.
    """
    flags: dict[str, object] = {"output": output, "paper": paper, "base_url": base_url}
    flags |= {"strict": strict, "jobs": jobs, "formats": formats}
    found = check_values(flags, {**FLAGS, **(origins or {})})
    if found:
        raise _refused(*found)
    merged = dataclasses.replace(
        settings,
        paper=settings.paper if paper is None else paper,
        base_url=settings.base_url if base_url is None else base_url,
        strict=settings.strict if strict is None else strict,
        jobs=settings.jobs if jobs is None else jobs,
        formats=settings.formats if formats is None else formats,
    )
    where = output if output is not None else settings.root / settings.output
    return dataclasses.replace(merged, output=where)


def check_values(values: Mapping[str, object], origins: Mapping[str, str]) -> list[Diagnostic]:
    """The diagnostics of VALUES (key → value; None means unset), each at its origin
    (key → a flag, a variable or a name): the file's checks, for values of any source."""
    found = []
    for key, value in values.items():
        if value is None:
            continue
        shown = os.fspath(value) if isinstance(value, os.PathLike) else value
        problem = _check(key, shown)
        if problem is None and key == "output":
            why = unusable(str(shown), name_room=OUTPUT_ROOM)
            problem = ("BG703", f"found {why}") if why else None
        if problem is None:
            continue
        bad = _bad(Location(origins.get(key, key)), key, problem)
        if problem[0] == "BG702" and isinstance(shown, str):  # a flag's or variable's text
            bad = _bad(bad.where, key, ("BG702", f"found '{shown}'"))
            bad = dataclasses.replace(bad, hint=f"give {KEYS[key][0]}")
        found.append(bad)
    return found


def _bad(where: Location, key: str, problem: tuple[str, str]) -> Diagnostic:
    """The one sentence for a bad value of KEY, whatever its source."""
    code, message = problem
    expected, hint = KEYS[key]
    return Diagnostic(where, code, f"{key} must be {expected}; {message}", hint)


def _validated(table: dict[str, Any], text: str, file: str) -> dict[str, Any]:
    """The known keys of TABLE, checked; BriefError listing every bad or unknown key."""
    found: list[Diagnostic] = []
    values: dict[str, Any] = {}
    for key, value in table.items():
        line, col = tomlerrors.key_position(text, key)
        if key not in KEYS:
            close = difflib.get_close_matches(key, list(KEYS), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(KEYS)}"
            found.append(
                Diagnostic(Location(file, line, col), "BG701", f"unknown setting '{key}'", hint)
            )
            continue
        problem = _check(key, value) if key != "audiences" else audiences.check(table, value)
        if problem is None:
            values[key] = {"output": Path, "formats": tuple}.get(key, lambda v: v)(value)
            continue
        vline, vcol = tomlerrors.value_position(text, line)
        found.append(_bad(Location(file, vline or line, vcol or col), key, problem))
    if found:
        raise _refused(*found)
    if "levels" in values:
        values["scheme"] = audiences.levels(values.pop("levels"))
    if "audiences" in values:
        values["audiences"] = audiences.audiences(values["audiences"], values.get("scheme", TLP))
    return values


def _check(key: str, value: object) -> tuple[str, str] | None:
    """(code, what is wrong) when VALUE is no good for KEY, else None."""
    if key == "formats":
        return _formats(value)
    if key == "levels":
        scheme = audiences.levels(value)
        return ("BG703", scheme) if isinstance(scheme, str) else None
    if key == "strict":
        return None if isinstance(value, bool) else ("BG702", f"found {_kind(value)}")
    if key in ("jobs", "keep_editions"):
        if isinstance(value, bool) or not isinstance(value, int):
            return "BG702", f"found {_kind(value)}"
        return None if value >= 1 else ("BG703", f"found {value}")
    if not isinstance(value, str):
        return "BG702", f"found {_kind(value)}"
    if key == "paper" and value not in PAPERS:
        return "BG703", f"found '{value}'"
    if key == "base_url" and not _web_address(value):
        return "BG703", f"found '{value}'"
    if key == "output" and not value.strip():
        return "BG703", "found an empty text"
    if key == "output" and "\0" in value:
        return "BG703", "found a name holding NUL"
    if key in ("organisation", "marking", "audience") and (inert(value) != value or not value):
        return "BG703", "found an empty text or a control character"
    if key == "install" and isinstance(problem := install.parse(value), str):
        return "BG703", problem
    return None


def _formats(value: object) -> tuple[str, str] | None:
    """A list (or tuple) of known format names, none twice: `formats = ["html", "pdf"]`."""
    if not isinstance(value, (list, tuple)):
        return "BG702", f"found {_kind(value)}"
    if not all(isinstance(v, str) for v in value):
        return "BG702", "found a list holding something other than texts in quotes"
    unknown = [repr(v) for v in value if v not in FORMATS]
    if unknown or not value or len(set(value)) < len(value):
        return "BG703", f"found {', '.join(unknown)}" if unknown else "found none or a repeat"
    return None


def _web_address(value: str) -> bool:
    """An http(s) URL with a host and nothing a page, a feed or a terminal could trip on:
    no space, quote, angle bracket, control, bidi or other invisible character."""
    if not re.fullmatch(r"""https?://[^\s<>"'`\\^{|}]+""", value) or not value.isprintable():
        return False
    try:
        return bool(urlsplit(value).hostname)
    except ValueError:  # "http://[::1": an unclosed IPv6 address
        return False


def _kind(value: object) -> str:
    """VALUE's TOML type in words (never a Python type name)."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a text in quotes"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return "a date or time"


def _refused(*found: Diagnostic) -> BriefError:
    return BriefError(*found, exit_code=EXIT_USAGE)


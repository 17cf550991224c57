"""A project's settings: `briefgen.toml`, where it is, what it says, and what wins.

Why a file: paper, base URL, strictness and the organisation were flags repeated on every
command. Precedence is fixed: a command-line flag, then `briefgen.toml`, then the built-in
default. The project root is the nearest folder at or above the working folder that holds
`briefgen.toml` (as git finds `.git`); outside a project the working folder is the root.
Mistakes in the file are positioned diagnostics like a sheet's, `briefgen.toml:3:1`.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.errors import EXIT_IO, EXIT_USAGE, BriefError, Diagnostic, Location, inert
from briefgen.project import install
from briefgen.schema.vocabulary import PAPERS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FILE = "briefgen.toml"
MAX_BYTES = 64 * 1024


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
}


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above START holding briefgen.toml, as a path relative to
    START (`.`, `..`, …) so diagnostics stay short; None outside any project."""
    for up, folder in enumerate([start, *start.parents]):
        if (folder / FILE).is_file():
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
    try:
        with (base / path).open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise BriefError(
            Diagnostic(
                Location(str(path)),
                "BG704",
                f"cannot read the settings: {(error.strerror or str(error)).lower()}",
                "fix its permissions",
            ),
            exit_code=EXIT_IO,
        ) from None
    if len(data) > MAX_BYTES:
        raise _refused(Diagnostic(Location(str(path)), "BG700", "the settings file is over 64 KiB"))
    try:
        text = data.decode("utf-8")
        table = tomllib.loads(text)
    except UnicodeDecodeError:
        raise _refused(
            Diagnostic(Location(str(path)), "BG700", "the settings file is not UTF-8 text")
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise _refused(_syntax(str(path), text, error)) from None
    return Settings(root=root, found=True, **_validated(table, text, str(path)))


def resolve(
    settings: Settings,
    *,
    output: Path | None = None,
    paper: str | None = None,
    base_url: str | None = None,
    strict: bool | None = None,
    jobs: int | None = None,
) -> Settings:
    """SETTINGS with every flag that was given (not None) put over it.

    An `output` flag is taken as given (relative to the working folder); the file's
    `output` is relative to the project root.
    """
    merged = dataclasses.replace(
        settings,
        paper=settings.paper if paper is None else paper,
        base_url=settings.base_url if base_url is None else base_url,
        strict=settings.strict if strict is None else strict,
        jobs=settings.jobs if jobs is None else jobs,
    )
    where = output if output is not None else settings.root / settings.output
    return dataclasses.replace(merged, output=where)


def _validated(table: dict[str, Any], text: str, file: str) -> dict[str, Any]:
    """The known keys of TABLE, checked; BriefError listing every bad or unknown key."""
    found: list[Diagnostic] = []
    values: dict[str, Any] = {}
    for key, value in table.items():
        line, col = _key_position(text, key)
        if key not in KEYS:
            close = difflib.get_close_matches(key, list(KEYS), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(KEYS)}"
            found.append(
                Diagnostic(Location(file, line, col), "BG701", f"unknown setting '{key}'", hint)
            )
            continue
        problem = _check(key, value)
        if problem is None:
            values[key] = Path(value) if key == "output" else value
            continue
        code, message = problem
        vline, vcol = _value_position(text, line)
        expected, hint = KEYS[key]
        found.append(
            Diagnostic(
                Location(file, vline or line, vcol or col),
                code,
                f"{key} must be {expected}; {message}",
                hint,
            )
        )
    if found:
        raise _refused(*found)
    return values


def _check(key: str, value: object) -> tuple[str, str] | None:
    """(code, what is wrong) when VALUE is no good for KEY, else None."""
    if key == "strict":
        return None if isinstance(value, bool) else ("BG702", f"found {_kind(value)}")
    if key == "jobs":
        if isinstance(value, bool) or not isinstance(value, int):
            return "BG702", f"found {_kind(value)}"
        return None if value >= 1 else ("BG703", f"found {value}")
    if not isinstance(value, str):
        return "BG702", f"found {_kind(value)}"
    if key == "paper" and value not in PAPERS:
        return "BG703", f"found '{value}'"
    if key == "base_url" and not re.fullmatch(r"""https?://[^\s<>"']+""", value):
        return "BG703", f"found '{value}'"
    if key == "output" and not value.strip():
        return "BG703", "found an empty text"
    if key in ("organisation", "marking", "audience") and (inert(value) != value or not value):
        return "BG703", "found an empty text or a control character"
    if key == "install" and isinstance(problem := install.parse(value), str):
        return "BG703", problem
    return None


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


def _key_position(text: str, key: str) -> tuple[int | None, int | None]:
    """Line and column of top-level KEY (a `key =` line, or a `[key]` table) in TEXT.

    tomllib keeps no positions; the file is small and flat, so scanning lines suffices.
    """
    name = re.escape(key)
    pattern = re.compile(rf"""^(\s*\[*\s*)(["']?){name}\2\s*[=.\]]""")
    for number, line in enumerate(text.splitlines(), start=1):
        match = pattern.match(line)
        if match:
            return number, len(match.group(1)) + 1
    return None, None


def _value_position(text: str, line: int | None) -> tuple[int | None, int | None]:
    """Where the value on LINE starts (after `=`)."""
    if line is None:
        return None, None
    found = re.search(r"=\s*", text.splitlines()[line - 1])
    return (line, found.end() + 1) if found else (None, None)


def _syntax(file: str, text: str, error: Exception) -> Diagnostic:
    """BG700 at the line and column tomllib names ("end of document": the last line)."""
    message = str(error)
    at = re.search(r"\(at line (\d+), column (\d+)\)$", message)
    lines = text.splitlines() or [""]
    line, col = (int(at[1]), int(at[2])) if at else (len(lines), len(lines[-1]) + 1)
    plain = re.sub(r"\s*\(at [^)]*\)$", "", message)
    hint = 'settings look like key = "text", key = true or key = 2, one per line'
    if plain.startswith("Cannot overwrite"):
        plain, hint = "a setting is given twice", "keep one of them; TOML allows each key once"
    return Diagnostic(
        Location(file, line, col), "BG700", f"TOML syntax: {plain[:1].lower()}{plain[1:]}", hint
    )


def _refused(*found: Diagnostic) -> BriefError:
    return BriefError(*found, exit_code=EXIT_USAGE)


"""Stage 2b, messages: one pydantic error → one plain, positioned Diagnostic.

Keyed on pydantic's error `type`, not its English, so the wording is ours and stable:
each type maps to one code, a sentence that says what was expected and what was found,
and a hint ("did you mean 'title'?") where one helps. No Python type names, no URLs.
"""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Callable
from pathlib import Path

from pydantic_core import ErrorDetails

from briefgen.errors import Diagnostic, Location
from briefgen.schema.countries import suggest
from briefgen.schema.headers import COUNTRY_ERROR
from briefgen.schema.kind_messages import bad_kind, other_kind, other_section
from briefgen.schema.kinds import KIND_ERROR, KINDS, OWNERS
from briefgen.schema.schemapath import bounds, fields_at
from briefgen.sheet.load import Path_, SourceMap, dotted

_PATTERNS = {  # regex → (what was expected, hint)
    r"^[A-Za-z][A-Za-z0-9_-]*$": (
        "an id: a letter, then letters, digits, '-' or '_'",
        "ids look like S1, F2 or lavrov",
    ),
    r"^[a-z0-9][a-z0-9-]*$": (
        "a slug of lower-case letters, digits and '-'",
        "e.g. helsinki-summit-2018",
    ),
    r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$": (
        "a date YYYY-MM-DD, YYYY-MM or YYYY",
        "e.g. 2018-07-16, 2018-07 or 2018",
    ),
    r"^([0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?|unknown)$": (
        "a date YYYY-MM-DD, YYYY-MM or YYYY, or 'unknown'",
        "write 'unknown' when the source does not say",
    ),
    r"""^https?://[^\s<>"']+$""": ("an http:// or https:// URL", "other schemes are refused"),
    r"^[0-9a-f]{64}$": (
        "a SHA-256 in 64 lower-case hex digits",
        "run `sha256sum FILE`, or let `briefgen new` fill it in",
    ),
    r"^[A-Z]{2}$": ("a two-letter ISO 3166 country code", "e.g. FI"),
    r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$": ("a language tag", "e.g. en or en-GB"),
}
_TYPE_CODES = {
    "string_type",
    "int_type",
    "bool_type",
    "list_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "float_type",
    "int_from_float",
    "literal_error_type",
}


def diagnose(e: ErrorDetails, data: object, where: SourceMap) -> Diagnostic:
    """The Diagnostic for pydantic error E (its loc already a document path)."""
    path: Path_ = tuple(e["loc"])
    kind = e["type"]
    handler = _HANDLERS.get(kind) or (_wrong_type if kind in _TYPE_CODES else _fallback)
    code, message, hint, at = handler(e, path, data, where)
    return Diagnostic(at, code, message, hint)


Handled = tuple[str, str, str, Location]


def _missing(_e: ErrorDetails, path: Path_, _data: object, where: SourceMap) -> Handled:
    parent = dotted(path[:-1]) or "the top level"
    return (
        "BG201",
        f"missing required field '{path[-1]}' in {parent}",
        _missing_hint(path),
        where.at(path[:-1]),
    )


def _missing_hint(path: Path_) -> str:
    if path == ("schema_version",):
        return 'add `schema_version: "1"` at the top'
    if path[-1] == "cite":
        return "every item needs at least one source, e.g. `cite: [S1]`"
    return f"add `{path[-1]}:` here; `briefgen schema` lists every field"


def _unknown(_e: ErrorDetails, path: Path_, data: object, where: SourceMap) -> Handled:
    name = str(path[-1])
    if path[:-1] == ("briefing",) and name in KINDS:
        return other_kind(name, data, where.at(path, key=True))
    if len(path) == 1 and name in OWNERS:
        return other_section(name, data, where.at(path, key=True))
    known = fields_at(path[:-1], data)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = (
        f"did you mean '{close[0]}'?"
        if close
        else (f"allowed here: {', '.join(known)}" if known else "remove it")
    )
    where_ = dotted(path[:-1]) or "the top level"
    return ("BG204", f"unknown field '{name}' in {where_}", hint, where.at(path, key=True))


# ICD 203's second row and everyday words, mapped to the slug a sheet must use.
_SYNONYMS = {
    "remote": "almost-no-chance",
    "highly-improbable": "very-unlikely",
    "improbable": "unlikely",
    "roughly-even-odds": "roughly-even-chance",
    "even-chance": "roughly-even-chance",
    "probable": "likely",
    "probably": "likely",
    "highly-probable": "very-likely",
    "nearly-certain": "almost-certain",
    "medium": "moderate",
}


def _literal(e: ErrorDetails, path: Path_, _data: object, where: SourceMap) -> Handled:
    expected = str((e.get("ctx") or {}).get("expected", ""))
    choices = [c.strip(" '") for c in expected.replace(" or ", ", ").split(",")]
    value = e.get("input")
    written = "-".join(str(value).lower().replace("_", " ").split())
    alias = _SYNONYMS.get(written)
    close = (
        [written]
        if written in choices
        else [alias]
        if alias in choices
        else (difflib.get_close_matches(str(value), choices, n=1, cutoff=0.5))
    )
    hint = f"did you mean '{close[0]}'?" if isinstance(value, str) and close else ""
    return (
        "BG203",
        f"{dotted(path)} must be one of {expected}, "
        f"got {_quote(value) if isinstance(value, str) else kind(value)}",
        hint,
        where.at(path),
    )


def _pattern(e: ErrorDetails, path: Path_, _data: object, where: SourceMap) -> Handled:
    pattern = str((e.get("ctx") or {}).get("pattern", ""))
    expected, hint = _PATTERNS.get(pattern, (f"text matching {pattern}", ""))
    if expected.startswith("a date") and "date_note" in fields_at(path[:-1], _data):
        hint += "; put uncertainty in the date_note"
    return (
        "BG205",
        f"{dotted(path)} must be {expected}, got {_quote(e.get('input'))}",
        hint,
        where.at(path),
    )


def _country(e: ErrorDetails, path: Path_, data: object, where: SourceMap) -> Handled:
    """BG213: two capitals ISO 3166 does not assign; the hint is the code of the country
    named next to it (`country:` of a location, `name:` of a country profile)."""
    code, parent = str(e.get("input")), data
    for part in path[:-1]:
        if isinstance(parent, dict) and isinstance(part, str):
            parent = parent.get(part)
        elif isinstance(parent, list) and isinstance(part, int) and part < len(parent):
            parent = parent[part]
    key = "country" if path[-1] == "country_code" else "name"
    named = parent.get(key) if isinstance(parent, dict) else None
    close = suggest(code, named if isinstance(named, str) else None)
    hint = f"did you mean {close}?" if close else "an ISO 3166-1 alpha-2 code, e.g. FI for Finland"
    return (
        "BG213",
        f"{dotted(path)}: '{code}' is no ISO 3166 country code",
        hint,
        where.at(path),
    )


def _value_error(e: ErrorDetails, path: Path_, _data: object, where: SourceMap) -> Handled:
    reason = str((e.get("ctx") or {}).get("error", e["msg"]))
    if path and path[-1] in {
        "date",
        "start_date",
        "end_date",
        "published",
        "accessed",
        "said_on",
        "since",
        "by",
        "review_by",
        "valid_until",
        "as_of",
    }:
        return (
            "BG206",
            f"{dotted(path)} is not a real date: {reason}",
            "check the month and the day",
            where.at(path),
        )
    hint = (
        "a policy question or dispute has no place: make it an issue brief (kind: issue)"
        if path[-1:] == ("location",)
        else ""
    )
    return ("BG209", f"{dotted(path) or 'the sheet'}: {reason}", hint, where.at(path))


def _too_short(e: ErrorDetails, path: Path_, _data: object, where: SourceMap) -> Handled:
    ctx = e.get("ctx") or {}
    if e["type"] == "string_too_short":
        return (
            "BG207",
            f"{dotted(path)} is empty",
            "write the text or remove the field",
            where.at(path),
        )
    need = ctx.get("min_length", 1)
    folder = shlex.quote(str(Path(where.file).parent))
    return (
        "BG207",
        f"{dotted(path)} needs at least {need} item{'s' if need != 1 else ''}",
        f"store one: briefgen sources add {folder} FILE-OR-URL (a text file, web page or PDF)"
        if path == ("sources",)
        else "",
        where.at(path),
    )


def _too_long(e: ErrorDetails, path: Path_, _data: object, where: SourceMap) -> Handled:
    limit = (e.get("ctx") or {}).get("max_length")
    unit = "characters" if e["type"] == "string_too_long" else "items"
    return (
        "BG208",
        f"{dotted(path)} has more than {limit} {unit}",
        "a one-page brief needs far less; shorten it",
        where.at(path),
    )


def _range(e: ErrorDetails, path: Path_, _data: object, where: SourceMap) -> Handled:
    ctx = e.get("ctx") or {}
    low, high = bounds(path)
    low, high = ctx.get("ge", low), ctx.get("le", high)
    span = (
        f"from {low} to {high}"
        if low is not None and high is not None
        else (f"at least {low}" if low is not None else f"at most {high}")
    )
    hint = (
        "Admiralty credibility runs from 1 (confirmed) to 6 (cannot be judged)"
        if path and path[-1] == "credibility"
        else ""
    )
    return (
        "BG210",
        f"{dotted(path)} must be {span}, got {kind(e.get('input'))}",
        hint,
        where.at(path),
    )


def _wrong_type(e: ErrorDetails, path: Path_, _data: object, where: SourceMap) -> Handled:
    wanted = {
        "string_type": "text",
        "int_type": "a whole number",
        "bool_type": "true or false",
        "list_type": "a list",
        "float_type": "a number",
    }.get(e["type"], "a mapping")
    value = e.get("input")
    hint = ""
    if wanted == "text" and isinstance(value, (int, float, bool)):
        hint = "put the value in quotes so it stays text"
    elif value is None:
        hint = "the value is empty: fill it in or remove the line"
    elif wanted == "true or false" and isinstance(value, str):
        hint = "write true or false (YAML 1.2: yes/no/on/off are text)"
    elif wanted == "a list" and not isinstance(value, list):
        hint = "start each entry on its own line with '- ', or use [a, b]"
    return ("BG202", f"{dotted(path)} must be {wanted}, got {kind(value)}", hint, where.at(path))


def _kind(e: ErrorDetails, path: Path_, data: object, where: SourceMap) -> Handled:
    if isinstance(e.get("input"), dict):
        return bad_kind(e, path, where)
    return _wrong_type({**e, "type": "dict_type"}, path, data, where)  # briefing: a list


def _fallback(_e: ErrorDetails, path: Path_, _data: object, where: SourceMap) -> Handled:
    return (  # pydantic's own sentence would name Python types: say what we can
        "BG200",
        f"{dotted(path) or 'the sheet'} has a value the schema does not accept",
        "`briefgen schema` describes every field",
        where.at(path),
    )


_HANDLERS: dict[str, Callable[[ErrorDetails, Path_, object, SourceMap], Handled]] = {
    "missing": _missing,
    KIND_ERROR: _kind,
    COUNTRY_ERROR: _country,
    "extra_forbidden": _unknown,
    "literal_error": _literal,
    "string_pattern_mismatch": _pattern,
    "value_error": _value_error,
    "too_short": _too_short,
    "string_too_short": _too_short,
    "too_long": _too_long,
    "string_too_long": _too_long,
    "greater_than_equal": _range,
    "less_than_equal": _range,
}


def kind(value: object) -> str:
    """The user's value as a phrase: 'the number 1.1', 'a list', 'nothing'."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"the text {_quote(value)}"


def _quote(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return repr(text[:60] + ("…" if len(text) > 60 else ""))

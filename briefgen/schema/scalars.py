"""The fact sheet's scalar field types: dates, ids, texts, URLs, and word budgets.

Why apart from the models: these say what one value may be (and what editors are told
through the JSON Schema); `model.py` says how the values fit together into a briefing.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema


class Closed(BaseModel):
    """The base of every fact-sheet model: strict, frozen, and closed to unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


@dataclass(frozen=True)
class Words:
    """Word budget of one field (briefing-format.md §2.2); over it is a warning."""

    limit: int


@dataclass(frozen=True)
class Counted:
    """A field without a budget of its own whose words count toward its section's (a
    position's quote, an organisation's notable members)."""


_DATE_RE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_MAYBE_DATE_RE = r"^([0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?|unknown)$"
_DATE_PARTS = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def _year(value: object) -> object:
    """An unquoted year (`as_of: 2018`) is a number to YAML; it is a partial date here."""
    if type(value) is int and 1000 <= value <= 9999:
        return str(value)
    return value


def _calendar_date(value: str) -> str:
    """Refuse month 13 and 30 February; VALUE already matched the pattern."""
    m = _DATE_PARTS.fullmatch(value)
    if m is None:  # 'unknown'
        return value
    year, month, day = (int(p) if p else None for p in m.groups())
    if month is not None and not 1 <= month <= 12:
        msg = f"month {month} does not exist"
        raise ValueError(msg)
    if month is not None and day is not None:
        assert year is not None
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            msg = f"day {day} does not exist in {year}-{month:02d}"
            raise ValueError(msg)
    return value


def _date_schema(pattern: str, description: str, examples: list[str]) -> WithJsonSchema:
    """Editors see what `check` accepts: the pattern, or a bare four-digit year."""
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": pattern},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
            "description": description,
            "examples": examples,
        }
    )


Date = Annotated[
    str,
    Field(pattern=_DATE_RE),
    BeforeValidator(_year),
    AfterValidator(_calendar_date),
    _date_schema(
        _DATE_RE, "ISO date YYYY-MM-DD, or partial YYYY-MM / YYYY.", ["2018-07-16", "2018-07"]
    ),
]
MaybeDate = Annotated[
    str,
    Field(pattern=_MAYBE_DATE_RE),
    BeforeValidator(_year),
    AfterValidator(_calendar_date),
    _date_schema(
        _MAYBE_DATE_RE,
        "ISO date (partial allowed), or 'unknown' when the source does not say.",
        ["2018-07", "unknown"],
    ),
]
Id = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_-]*$",
        max_length=64,
        description="Identifier, unique in the file.",
        examples=["S1", "F2"],
    ),
]
Slug = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        max_length=80,
        description="Lower-case slug used for file names.",
    ),
]
Line = Annotated[str, Field(min_length=1, max_length=300)]
Text = Annotated[
    str,
    Field(
        min_length=1,
        max_length=2000,
        description="Plain text; inline *emphasis* allowed, no links; [S1] names a source.",
    ),
]
# No `\"` in patterns: JSON Schema tools compile them as ECMA-262 with the u flag, where it is
# an invalid escape (check-jsonschema crashed on every sheet with a url).
Url = Annotated[
    str, Field(pattern=r"""^https?://[^\s<>"']+$""", max_length=2000, description="An http(s) URL.")
]


def words(text: str) -> int:
    """Count words the way the budgets do: runs of letters or digits."""
    return len(re.findall(r"[\w’'-]+", text))

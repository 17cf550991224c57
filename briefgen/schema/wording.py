"""How values read on the page: dates written out, parts joined. Pure, no pydantic.

Why in the schema package: the kinds' header lines are written from their dates, and every
later stage (page, index, feed) must write a date the same way.
"""

from __future__ import annotations

UNKNOWN = "unknown"  # what a sheet says where its sources are silent
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(value: str | None) -> str:
    """'2018-07-16' → '16 July 2018', '2018-07' → 'July 2018'; no locale involved."""
    if not value or value == UNKNOWN:
        return "undated" if value == UNKNOWN else ""
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    return f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def join(*parts: str) -> str:
    """The non-empty PARTS, comma-separated."""
    return ", ".join(p for p in parts if p)


def present(*parts: str) -> tuple[str, ...]:
    """The non-empty PARTS."""
    return tuple(p for p in parts if p)

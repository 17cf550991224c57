"""The briefing's header models, one per kind: event, issue, country and organisation.

Why one model per kind: each kind has its own required fields (a policy fight has no
city, a country profile no start date), and each kind's subject sits under the key of
the same name (`kind: issue` → `issue:`). Why `kind` may be left out: sheets written
before kinds existed describe an event, so no `kind` means `event` and they keep working.
The sections each kind adds to the page are kinds.py's; these models say only what a
brief is about.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from briefgen.schema.countries import COUNTRIES
from briefgen.schema.scalars import Closed, Date, Id, Line, Slug, Words
from briefgen.schema.wording import format_date, join, present

COUNTRY_ERROR = "country_code"


def _assigned(code: str) -> str:
    """Two capitals are not enough: the code must be one ISO 3166 assigns (BG213)."""
    if code not in COUNTRIES:
        raise PydanticCustomError(COUNTRY_ERROR, "no ISO 3166 country code", {"code": code})
    return code


_CODE = Annotated[
    str,
    Field(pattern=r"^[A-Z]{2}$", json_schema_extra={"enum": sorted(COUNTRIES)}),
    AfterValidator(_assigned),
]
EventType = Literal["summit", "meeting", "visit", "conference", "negotiation", "election", "other"]
EVENT_TYPES = typing.get_args(EventType)


class Place(Closed):
    """Where the event happens."""

    city: Line | None = None
    country: Line | None = None
    country_code: _CODE | None = None
    venue: Line | None = None

    @model_validator(mode="after")
    def _named(self) -> Place:
        if self.city is None and self.venue is None:
            msg = "a location needs a 'city' or a 'venue'"
            raise ValueError(msg)
        return self


class Event(Closed):
    """The event the brief is about (`kind: event`)."""

    name: Line
    type: EventType = "other"
    start_date: Date
    end_date: Date | None = None
    date_note: Line | None = Field(
        None, description="Why the dates are uncertain, e.g. 'inferred from [S2]'; printed."
    )
    location: Place
    participants: list[Id] = Field(default_factory=list, max_length=20)


class Issue(Closed):
    """The policy question or dispute the brief is about (`kind: issue`): no place, no date."""

    name: Line = Field(description="The issue, e.g. 'Russia–US relations'.")
    involved: list[Line] = Field(
        default_factory=list,
        max_length=10,
        description="Jurisdictions or organisations involved: actor ids (printed as the "
        "actor's name) or names.",
    )
    since: Date | None = Field(None, description="Since when it has been an issue, if known.")


class Country(Closed):
    """The country a profile describes (`kind: country`)."""

    name: Line
    code: _CODE | None = Field(None, description="ISO 3166 alpha-2 code, e.g. FI.")
    as_of: Date = Field(description="The date the profile describes the country as of.")


class Organization(Closed):
    """The body an organisation profile describes (`kind: organization`)."""

    name: Line
    acronym: Line | None = None
    headquarters: Line | None = None
    as_of: Date = Field(description="The date the profile describes the body as of.")


class Prepared(Closed):
    """When and by whom the brief was written."""

    date: Date
    as_of: Date | None = Field(None, description="Information cut-off.")
    by: Line | None = None


class Handling(Closed):
    """The marking printed at the top and bottom of the page."""

    classification: Line = "UNCLASSIFIED"
    tlp: Literal["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"] | None = None
    caveats: list[Line] = Field(default_factory=list, max_length=5)
    marking: Line | None = Field(
        None,
        description="Handling level of every item and source that states none, e.g. "
        "TLP:GREEN (briefgen.toml's `levels`).",
    )


@dataclass(frozen=True)
class Subject:
    """What a brief is about, as the page and the site's index show it, whatever its kind.

    DATE and PLACE are what the index sorts and filters by; HEADER is the line under the
    title (only what the kind has); KEYWORDS go to the HTML and PDF metadata.
    """

    date: str
    place: str
    header: tuple[str, ...]
    keywords: tuple[str, ...]


class Header(Closed):
    """What every kind of brief says about itself.

    Each kind answers `subject` (and a profile `current`) for itself: adding a kind is one
    model here, its sheet and row in kinds.TABLE, and its templates; no other module asks
    which kind it has.
    """

    id: Slug
    title: Annotated[Line, Words(12)]
    subtitle: Line | None = None
    prepared: Prepared
    audience: Line | None = None
    purpose: Literal["inform", "prepare-meeting", "decision"] = "inform"
    handling: Handling = Field(default_factory=Handling)
    language: Annotated[str, Field(pattern=r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = "en"
    if TYPE_CHECKING:
        kind: str  # each kind's model declares its own Literal

    def subject(self, names: Mapping[str, str]) -> Subject:
        """The subject of this brief; NAMES maps actor ids to the names printed for them."""
        raise NotImplementedError

    def current(self) -> tuple[tuple[str, ...], str] | None:
        """Where the sheet says the date its information is current to, and that date: the
        information cut-off (`prepared.as_of`), a profile's own `as_of`; None without one.
        The masthead prints it once, labelled, beside the day the brief was prepared."""
        as_of = getattr(getattr(self, "prepared", None), "as_of", None)  # salvaged: absent
        return (("briefing", "prepared", "as_of"), as_of) if as_of else None


class EventBriefing(Header):
    """A brief about an event: a summit, a meeting, a visit, an election."""

    kind: Literal["event"] = Field("event", description="No kind means event.")
    event: Event

    def subject(self, names: Mapping[str, str]) -> Subject:
        """An event's start date and country (or city); its dates, place and participants."""
        e, where = self.event, self.event.location
        when = format_date(e.start_date)
        if e.end_date:
            when += f" – {format_date(e.end_date)}"
        if e.date_note:
            when += f" ({e.date_note.rstrip('.')})"
        place = join(where.venue or "", where.city or "", where.country or "")
        keywords = (
            e.name,
            *([e.type] if e.type != "other" else []),
            *(names[p] for p in e.participants if p in names),
            *([where.country_code] if where.country_code else []),
        )
        header = present(f"Event: {e.name}", when, place)
        return Subject(e.start_date, where.country or where.city or "", header, keywords)


class IssueBriefing(Header):
    """A brief about a policy question or dispute."""

    kind: Literal["issue"]
    issue: Issue

    def subject(self, names: Mapping[str, str]) -> Subject:
        """An issue has no date or place of its own: the information cut-off, no place."""
        i = self.issue
        involved = tuple(names.get(x, x) for x in i.involved)
        since = f"since {format_date(i.since)}" if i.since else ""
        header = present(f"Issue: {i.name}", join(*involved), since)
        return Subject(self.prepared.as_of or self.prepared.date, "", header, (i.name, *involved))


class CountryBriefing(Header):
    """A profile of a country as of a date."""

    kind: Literal["country"]
    country: Country

    def subject(self, _names: Mapping[str, str]) -> Subject:
        """A country profile: its as-of date and the country."""
        c = self.country
        code = f" ({c.code})" if c.code else ""
        header = present(f"Country profile: {c.name}{code}")
        return Subject(c.as_of, c.name, header, (c.name, *([c.code] if c.code else [])))

    def current(self) -> tuple[tuple[str, ...], str] | None:
        """A profile is as of its own date."""
        return ("briefing", "country", "as_of"), self.country.as_of


class OrganizationBriefing(Header):
    """A profile of an organisation as of a date."""

    kind: Literal["organization"]
    organization: Organization

    def subject(self, _names: Mapping[str, str]) -> Subject:
        """An organisation profile: its as-of date and its headquarters."""
        o = self.organization
        acronym = f" ({o.acronym})" if o.acronym else ""
        header = present(f"Organisation profile: {o.name}{acronym}", o.headquarters or "")
        keywords = (o.name, *([o.acronym] if o.acronym else []))
        return Subject(o.as_of, o.headquarters or "", header, keywords)

    def current(self) -> tuple[tuple[str, ...], str] | None:
        """A profile is as of its own date."""
        return ("briefing", "organization", "as_of"), self.organization.as_of



"""The sections each kind of brief adds to the shared ones: their item models.

Why per kind: an event brief has an agenda and obstacles; an issue brief states its
question and the options or scenarios; an organisation profile its mandate, leadership,
membership, structure and recent decisions; a country profile its government and
leaders, key indicators, and relations and disputes (briefing-format.md §8b, from CRS
In Focus, foreign-ministry country briefs, the World Factbook's entry layout and
organisations' own fact sheets). Every item cites its sources, like every other item.
A section can also be stated `unknown` (kinds.py), which is what a profile says where
its sources are silent. Which kind has which section is kinds.TABLE's.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from briefgen.schema.model import Cite, Likelihood, Marking, Reviewed
from briefgen.schema.scalars import Counted, Date, Id, Line, Text, Words

Names = Annotated[list[Line], Counted(), Field(max_length=12)]  # actor ids or names


# --- event --------------------------------------------------------------------------------


class AgendaItem(Reviewed):
    """A topic expected on the table."""

    id: Id
    topic: Annotated[Line, Words(4)]
    detail: Annotated[Line, Words(12)] | None = None
    raised_by: list[Id] = Field(default_factory=list, max_length=10)
    status: Literal["confirmed", "expected", "speculated"] = "expected"
    cite: Cite
    marking: Marking | None = None


class Obstacle(Reviewed):
    """A point of friction."""

    id: Id
    issue: Annotated[Line, Words(10)]
    detail: Annotated[Line, Words(12)] | None = None
    parties: list[Id] = Field(default_factory=list, max_length=10)
    since: Date | None = None
    cite: Cite
    marking: Marking | None = None


# --- issue --------------------------------------------------------------------------------


class Question(Reviewed):
    """The question an issue brief answers, and why it matters now (CRS In Focus)."""

    text: Annotated[Text, Words(25)] = Field(description="The question, in one sentence.")
    why_now: Annotated[Line, Words(15)] | None = Field(
        None, description="Why it matters now: the trigger, the deadline."
    )
    cite: Cite
    marking: Marking | None = None


class Option(Reviewed):
    """A course a party could take, or a way things could go: with its likelihood if judged."""

    id: Id
    option: Annotated[Line, Words(5)] = Field(description="Its name, e.g. 'Sanctions relief'.")
    detail: Annotated[Line, Words(14)] | None = None
    likelihood: Likelihood | None = Field(
        None, description="For a scenario: how likely (ICD 203 term), printed with its range."
    )
    backers: Names = Field(
        default_factory=list, description="Who argues for it: actor ids or names."
    )
    cite: Cite
    marking: Marking | None = None


# --- organisation -------------------------------------------------------------------------


class Mandate(Reviewed):
    """What the organisation is for: its purpose and founding document."""

    text: Annotated[Text, Words(25)] = Field(description="Its purpose, in one sentence.")
    founded: Date | None = None
    founding_document: Annotated[Line, Words(8)] | None = Field(
        None, description="e.g. a treaty."
    )
    cite: Cite
    marking: Marking | None = None


class Office(Reviewed):
    """A post and who holds it: an organisation's leadership, a country's leaders.

    A profile is as of its date: the holder is current to it, or the entry says its own.
    """

    id: Id
    office: Annotated[Line, Words(5)] = Field(description="The post, e.g. 'Secretary General'.")
    holder: Annotated[Line, Words(5)] = Field(
        description="Who holds it: an actor id (printed as the actor's name) or a name."
    )
    since: Date | None = None
    as_of: Date | None = Field(
        None, description="The date it is current to, if not the profile's as_of."
    )
    cite: Cite
    marking: Marking | None = None


class Membership(Reviewed):
    """Who belongs: how many, notable members, how one joins (what the sources give)."""

    count: Annotated[int, Field(ge=1)] | None = None
    members: Names = Field(
        default_factory=list, description="Notable members: actor ids or names."
    )
    joining: Annotated[Line, Words(14)] | None = Field(None, description="How a member joins.")
    as_of: Date | None = None
    cite: Cite
    marking: Marking | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Membership:
        if self.count is None and not self.members and self.joining is None:
            msg = "membership needs a 'count', 'members' or 'joining'"
            raise ValueError(msg)
        return self


class Feature(Reviewed):
    """One aspect of how the organisation works: a body, a decision rule, its budget."""

    id: Id
    aspect: Annotated[Line, Words(4)] = Field(description="e.g. 'Decision rule', 'Budget'.")
    detail: Annotated[Line, Words(14)]
    cite: Cite
    marking: Marking | None = None


class Decision(Reviewed):
    """A recent decision of the organisation."""

    id: Id
    decision: Annotated[Line, Words(14)]
    date: Date | None = None
    body: Line | None = Field(
        None, description="The body or actor that decided: an actor id or a name."
    )
    cite: Cite
    marking: Marking | None = None


# --- country ------------------------------------------------------------------------------


class Figure(Reviewed):
    """A key indicator: its value, unit, the date it is for, and its source."""

    id: Id
    name: Annotated[Line, Words(4)] = Field(description="e.g. 'Population', 'GDP growth'.")
    value: int | float
    unit: Annotated[Line, Words(4)] = Field(description="e.g. 'million people', '% a year'.")
    as_of: Date = Field(description="The year or date the value is for.")
    cite: Cite
    marking: Marking | None = None


class Relation(Reviewed):
    """The country's relation with another party: a partnership, a strain, a dispute."""

    id: Id
    partner: Annotated[Line, Words(4)] = Field(
        description="The other party: an actor id (printed as the actor's name) or a name."
    )
    state: Literal["cooperative", "mixed", "strained", "dispute"] | None = None
    summary: Annotated[Text, Words(14)]
    since: Date | None = None
    cite: Cite
    marking: Marking | None = None

"""The fact-sheet schema v1: pydantic models, the single source of truth.

Why strict, frozen and closed: the strict loader already decided what is text and what
is a number; `strict=True` stops pydantic from undoing that (`"yes"` → True), and
`extra="forbid"` turns a typo such as `titel:` into an error. Word budgets are
`Words(n)` metadata (scalars.py) read by `budgets.py`, not validators: they warn, they do
not reject.
Cross-references (cites, actors, judgments) are checked later, where each can be located.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from briefgen.scalars import Date, Id, Line, MaybeDate, Slug, Text, Url, Words

SCHEMA_VERSION = "1"

LIKELIHOOD = {  # ICD 203 row 1 terms and ranges (briefing-format.md §4.1)
    "almost-no-chance": ("almost no chance", "1–5%"),
    "very-unlikely": ("very unlikely", "5–20%"),
    "unlikely": ("unlikely", "20–45%"),
    "roughly-even-chance": ("roughly even chance", "45–55%"),
    "likely": ("likely", "55–80%"),
    "very-likely": ("very likely", "80–95%"),
    "almost-certain": ("almost certain", "95–99%"),
}
UNKNOWN = "unknown"
# The briefing's cited sections, in page order (briefing-format.md §2.2).
SECTIONS = ("bottom_line", "key_facts", "agenda", "obstacles", "positions", "assessments", "watch")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Excerpt(_Model):
    """A cite that also points at a verbatim passage of the stored source."""

    source: Id = Field(description="Source id, e.g. S1.")
    excerpt: Annotated[str, Field(min_length=3, max_length=1000)] = Field(
        description="Verbatim text from the source's stored file; briefgen checks it."
    )
    locator: Line | None = Field(None, description="Where in the source, e.g. '¶6'.")


SourceRef = Annotated[Id | Excerpt, Field(description="A source id, or {source, excerpt}.")]
Cite = Annotated[
    list[SourceRef],
    Field(min_length=1, max_length=10, description="The sources this item rests on."),
]


class Place(_Model):
    """Where the event happens."""

    city: Line | None = None
    country: Line | None = None
    country_code: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    venue: Line | None = None

    @model_validator(mode="after")
    def _named(self) -> Place:
        if self.city is None and self.venue is None:
            msg = "a location needs a 'city' or a 'venue'"
            raise ValueError(msg)
        return self


class Event(_Model):
    """The event the brief is about."""

    name: Line
    type: Literal[
        "summit", "meeting", "visit", "conference", "negotiation", "election", "other"
    ] = "other"
    start_date: Date
    end_date: Date | None = None
    date_note: Line | None = Field(
        None, description="Why the dates are uncertain, e.g. 'inferred from [S2]'; printed."
    )
    location: Place
    participants: list[Id] = Field(default_factory=list, max_length=20)


class Prepared(_Model):
    """When and by whom the brief was written."""

    date: Date
    as_of: Date | None = Field(None, description="Information cut-off.")
    by: Line | None = None


class Handling(_Model):
    """The marking printed at the top and bottom of the page."""

    classification: Line = "UNCLASSIFIED"
    tlp: Literal["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"] | None = None
    caveats: list[Line] = Field(default_factory=list, max_length=5)


class Briefing(_Model):
    """Metadata of the brief."""

    id: Slug
    title: Annotated[Line, Words(12)]
    subtitle: Line | None = None
    event: Event
    prepared: Prepared
    audience: Line | None = None
    purpose: Literal["inform", "prepare-meeting", "decision"] = "inform"
    handling: Handling = Field(default_factory=Handling)
    language: Annotated[str, Field(pattern=r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = "en"


class Actor(_Model):
    """Someone whose positions the brief reports."""

    id: Id
    name: Line
    role: Line | None = None
    affiliation: Line | None = None
    type: Literal["person", "organization", "state", "media", "group"] | None = None


class Source(_Model):
    """A source the brief rests on; `file` is its stored text, relative to the sheet."""

    id: Id
    title: Line
    publisher: Line = Field(description="The outlet, or 'unknown' when the text does not say.")
    author: Line | None = None
    published: MaybeDate = Field(description="Publication date, or 'unknown'.")
    date_note: Line | None = None
    accessed: Date | None = None
    type: Literal[
        "news-article",
        "wire",
        "broadcast-transcript",
        "official-statement",
        "press-conference",
        "interview",
        "report",
        "social-media",
        "other",
    ] = "other"
    url: Url | None = None
    file: Annotated[str, Field(min_length=1, max_length=255)] | None = Field(
        None, description="Stored text, relative to the fact sheet's folder."
    )
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    language: Line | None = None
    reliability: Literal["A", "B", "C", "D", "E", "F"] | None = None
    notes: Line | None = None

    @model_validator(mode="after")
    def _located(self) -> Source:
        if self.url is None and self.file is None:
            msg = "a source needs a 'url' or a stored 'file'"
            raise ValueError(msg)
        if self.sha256 is not None and self.file is None:
            msg = "'sha256' describes a stored 'file', which is missing"
            raise ValueError(msg)
        return self


class BottomLine(_Model):
    """The conclusion first (BLUF)."""

    text: Annotated[Text, Words(50)]
    cite: Cite
    judgment: Id | None = Field(None, description="The assessment it states, e.g. J1.")


class Fact(_Model):
    """Reported information: dated, cited, not hedged."""

    id: Id
    text: Annotated[Text, Words(18)]
    date: Date | None = None
    cite: Cite
    credibility: Annotated[int, Field(ge=1, le=6)] | None = None


class AgendaItem(_Model):
    """A topic expected on the table."""

    id: Id
    topic: Annotated[Line, Words(4)]
    detail: Annotated[Line, Words(12)] | None = None
    raised_by: list[Id] = Field(default_factory=list, max_length=10)
    status: Literal["confirmed", "expected", "speculated"] = "expected"
    cite: Cite


class Obstacle(_Model):
    """A point of friction."""

    id: Id
    issue: Annotated[Line, Words(10)]
    detail: Annotated[Line, Words(12)] | None = None
    parties: list[Id] = Field(default_factory=list, max_length=10)
    since: Date | None = None
    cite: Cite


class Position(_Model):
    """What an actor said: a paraphrase, and a verbatim quote only if the source has one."""

    id: Id
    actor: Id
    on: Line | None = None
    summary: Annotated[Text, Words(16)]
    quote: Annotated[str, Field(min_length=2, max_length=500)] | None = None
    speech: Literal["direct", "indirect"]
    said_on: Date | None = None
    venue: Line | None = None
    via: Line | None = Field(None, description="First intermediary, e.g. Sputnik.")
    stance: Literal["supportive", "neutral", "sceptical", "opposed"] | None = None
    cite: Cite
    credibility: Annotated[int, Field(ge=1, le=6)] | None = None


class Assessment(_Model):
    """The author's judgment: likelihood and confidence kept apart, with a basis."""

    id: Id
    statement: Annotated[Text, Words(18)]
    likelihood: Literal[(*LIKELIHOOD, "not-assessed")]  # type: ignore[valid-type]
    high_impact: bool = False
    confidence: Literal["low", "moderate", "high"]
    basis: Annotated[Text, Words(10)]
    assumptions: list[Line] = Field(default_factory=list, max_length=5)
    alternatives: list[Line] = Field(default_factory=list, max_length=5)
    horizon: Line | None = None
    cite: Cite


class Indicator(_Model):
    """Something observable that would move a judgment."""

    id: Id
    indicator: Annotated[Line, Words(10)]
    signals: Annotated[list[Id], Field(min_length=1, max_length=5)]
    direction: Literal["raises", "lowers", "either"] = "either"
    by: Date | None = None
    cite: Cite


class RenderSettings(_Model):
    """Page settings for this brief."""

    paper: Literal["A4", "Letter"] | None = Field(
        None, description="Paper size; default: the build's --paper (A4)."
    )


class Brief(_Model):
    """One fact sheet (`seeds/<slug>/facts.yaml`)."""

    schema_version: Literal["1"] = Field(description="Fact-sheet schema version.")
    briefing: Briefing
    actors: list[Actor] = Field(default_factory=list, max_length=30)
    sources: Annotated[list[Source], Field(min_length=1, max_length=12)]
    bottom_line: BottomLine
    key_facts: Annotated[list[Fact], Field(min_length=1, max_length=12)]
    agenda: list[AgendaItem] = Field(default_factory=list, max_length=12)
    obstacles: list[Obstacle] = Field(default_factory=list, max_length=12)
    positions: list[Position] = Field(default_factory=list, max_length=12)
    assessments: Annotated[list[Assessment], Field(min_length=1, max_length=6)]
    watch: list[Indicator] = Field(default_factory=list, max_length=8)
    gaps: list[Line] = Field(default_factory=list, max_length=10)
    render: RenderSettings = Field(default_factory=RenderSettings)

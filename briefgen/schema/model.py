"""The fact-sheet schema v1: pydantic models, the single source of truth.

Why strict, frozen and closed: the strict loader already decided what is text and what
is a number; `strict=True` stops pydantic from undoing that (`"yes"` → True), and
`extra="forbid"` turns a typo such as `titel:` into an error. Word budgets are
`Words(n)` metadata (scalars.py) read by `budgets.py`, not validators: they warn, they do
not reject.
Cross-references (cites, actors, judgments) are checked later, where each can be located.
Here: what every kind of brief has. The `briefing` header, one model per kind, is
headers.py's; the sections a kind adds are sections.py's, and each kind's sheet (these
shared fields plus its own sections) is kinds.py's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from briefgen.schema.headers import Header
from briefgen.schema.scalars import Closed, Counted, Date, Id, Line, MaybeDate, Text, Url, Words
from briefgen.schema.vocabulary import Paper
from briefgen.schema.wording import UNKNOWN as UNKNOWN

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
Likelihood = Literal[(*LIKELIHOOD,)]  # type: ignore[valid-type]
Marking = Annotated[
    Line,
    Field(
        description="Handling level of this item, e.g. TLP:AMBER (briefgen.toml's `levels`); "
        "default: briefing.handling.marking."
    ),
]


class Excerpt(Closed):
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


class Reviewed(Closed):
    """What every item of a section may carry: the day its statement should be checked."""

    review_by: Date | None = Field(
        None,
        description="Check this again by then; after it, `check` warns and the page marks "
        "the item as due for review.",
    )


class Withdrawal(Closed):
    """When and why a source was withdrawn (rescinded, discredited, retracted)."""

    date: Date
    reason: Line


class Actor(Closed):
    """Someone whose positions the brief reports."""

    id: Id
    name: Line
    role: Line | None = None
    affiliation: Line | None = None
    type: Literal["person", "organization", "state", "media", "group"] | None = None


class Source(Closed):
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
    marking: Marking | None = None
    review_by: Date | None = Field(None, description="Check this source again by then.")
    valid_until: Date | None = Field(
        None, description="The day after which what this source says no longer holds."
    )
    status: Literal["current", "withdrawn"] = Field(
        "current", description="'withdrawn': every item citing it is flagged until re-sourced."
    )
    withdrawal: Withdrawal | None = Field(
        None, description="With status 'withdrawn': {date, reason}."
    )

    @model_validator(mode="after")
    def _withdrawn(self) -> Source:
        if self.status == "withdrawn" and self.withdrawal is None:
            msg = "a withdrawn source needs 'withdrawal: {date: …, reason: …}'"
            raise ValueError(msg)
        if self.status != "withdrawn" and self.withdrawal is not None:
            msg = "'withdrawal' describes a withdrawn source: add 'status: withdrawn'"
            raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _located(self) -> Source:
        if self.url is None and self.file is None:
            msg = "a source needs a 'url' or a stored 'file'"
            raise ValueError(msg)
        if self.sha256 is not None and self.file is None:
            msg = "'sha256' describes a stored 'file', which is missing"
            raise ValueError(msg)
        return self


class BottomLine(Reviewed):
    """The conclusion first (BLUF)."""

    text: Annotated[Text, Words(50)]
    cite: Cite
    judgment: Id | None = Field(None, description="The assessment it states, e.g. J1.")
    marking: Marking | None = None


class Fact(Reviewed):
    """Reported information: dated, cited, not hedged."""

    id: Id
    text: Annotated[Text, Words(18)]
    date: Date | None = None
    cite: Cite
    credibility: Annotated[int, Field(ge=1, le=6)] | None = None
    marking: Marking | None = None


class Position(Reviewed):
    """What an actor said: a paraphrase, and a verbatim quote only if the source has one."""

    id: Id
    actor: Id
    on: Line | None = None
    summary: Annotated[Text, Words(16)]
    quote: Annotated[str, Field(min_length=2, max_length=500), Counted()] | None = None
    speech: Literal["direct", "indirect"]
    said_on: Date | None = None
    venue: Line | None = None
    via: Line | None = Field(None, description="First intermediary, e.g. Sputnik.")
    stance: Literal["supportive", "neutral", "sceptical", "opposed"] | None = None
    cite: Cite
    credibility: Annotated[int, Field(ge=1, le=6)] | None = None
    marking: Marking | None = None


class Assessment(Reviewed):
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
    marking: Marking | None = None
    rests_on: list[Id] = Field(
        default_factory=list,
        max_length=10,
        description="Items this judgment rests on (key facts, positions...): an edition "
        "that leaves out all of them leaves it out too.",
    )
    if_withheld: Text | dict[str, Text] | None = Field(
        None,
        description="What an edition that leaves out some of rests_on prints instead: a "
        "statement, 'leave-out', or either per edition level.",
    )


class Indicator(Reviewed):
    """Something observable that would move a judgment."""

    id: Id
    indicator: Annotated[Line, Words(10)]
    signals: Annotated[list[Id], Field(min_length=1, max_length=5)]
    direction: Literal["raises", "lowers", "either"] = "either"
    by: Date | None = None
    cite: Cite
    marking: Marking | None = None


class Gap(Closed):
    """What the sources do not say, with a marking of its own (a plain text gap takes the
    sheet's default)."""

    text: Line
    marking: Marking | None = None


class RenderSettings(Closed):
    """Page settings for this brief."""

    paper: Paper | None = Field(
        None, description="Paper size; default: the build's --paper (A4)."
    )


class Brief(Closed):
    """One fact sheet (`seeds/<slug>/facts.yaml`): what every kind of brief has.

    Each kind's sheet (kinds.py) adds its own sections and narrows `briefing` to its kind's
    header; `kinds.parse` reads a sheet as the kind it declares. Stated positions are
    shared: what an actor says belongs on an event brief, an issue brief and a profile.
    """

    KIND: ClassVar[str] = "event"  # each kind's sheet says its own

    schema_version: Literal["1"] = Field(description="Fact-sheet schema version.")
    briefing: Header
    actors: list[Actor] = Field(default_factory=list, max_length=30)
    sources: Annotated[list[Source], Field(min_length=1, max_length=12)]
    bottom_line: BottomLine
    key_facts: Annotated[list[Fact], Field(min_length=1, max_length=12)]
    positions: list[Position] = Field(default_factory=list, max_length=12)
    assessments: Annotated[list[Assessment], Field(min_length=1, max_length=6)]
    watch: list[Indicator] = Field(default_factory=list, max_length=8)
    gaps: list[Gap | Line] = Field(default_factory=list, max_length=10)
    render: RenderSettings = Field(default_factory=RenderSettings)
    if TYPE_CHECKING:
        unknown: Sequence[str]  # each kind's sheet declares the sections it may name

"""The kinds of brief, in one table: for each, its header, its sheet, its label, its
scaffold, and its own sections in page order with their headings and budgets.

Why a sheet per kind: an event brief has an agenda and obstacles, an issue brief a
question and options, an organisation profile a mandate and membership, a country
profile its government and indicators (briefing-format.md §8b). Each kind's sheet is
the shared fields (model.Brief) plus its own sections, closed to the others, so the JSON
Schema has a branch per kind and `check` names a section of another kind as such.
Adding a kind, or a section to a kind, is a row of TABLE (with its model in sections.py)
and its items in compose; the page order, budgets, scaffold and schema follow from it.
Why `kind` may be left out: sheets written before kinds existed describe an event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union

from pydantic import Discriminator, Field, Tag, TypeAdapter

from briefgen.schema.headers import (
    CountryBriefing,
    EventBriefing,
    Header,
    IssueBriefing,
    OrganizationBriefing,
)
from briefgen.schema.model import Brief
from briefgen.schema.sections import (
    AgendaItem,
    Decision,
    Feature,
    Figure,
    Mandate,
    Membership,
    Obstacle,
    Office,
    Option,
    Question,
    Relation,
)

_UNKNOWN = "Sections the sources are silent on: each is printed with its heading as unknown."


def _many() -> Any:
    return Field(default_factory=list, max_length=12)


class EventBrief(Brief):
    """An event brief: a summit, a meeting, a visit, an election (no `kind` means this)."""

    KIND: ClassVar[str] = "event"
    briefing: EventBriefing
    agenda: list[AgendaItem] = _many()
    obstacles: list[Obstacle] = _many()
    unknown: list[Literal["agenda", "obstacles", "positions"]] = Field(
        default_factory=list, max_length=3, description=_UNKNOWN
    )


class IssueBrief(Brief):
    """An issue brief: a policy question or dispute, the parties' positions, the options."""

    KIND: ClassVar[str] = "issue"
    briefing: IssueBriefing
    question: Question | None = None
    options: list[Option] = _many()
    unknown: list[Literal["question", "positions", "options"]] = Field(
        default_factory=list, max_length=3, description=_UNKNOWN
    )


class OrganizationBrief(Brief):
    """An organisation profile: mandate, leadership, membership, structure, decisions."""

    KIND: ClassVar[str] = "organization"
    briefing: OrganizationBriefing
    mandate: Mandate | None = None
    leadership: list[Office] = _many()
    membership: Membership | None = None
    structure: list[Feature] = _many()
    decisions: list[Decision] = _many()
    unknown: list[
        Literal["mandate", "leadership", "membership", "structure", "decisions", "positions"]
    ] = Field(default_factory=list, max_length=6, description=_UNKNOWN)


class CountryBrief(Brief):
    """A country profile: government and leaders, key indicators, relations and disputes."""

    KIND: ClassVar[str] = "country"
    briefing: CountryBriefing
    government: list[Office] = _many()
    indicators: list[Figure] = _many()
    relations: list[Relation] = _many()
    unknown: list[Literal["government", "indicators", "relations", "positions"]] = Field(
        default_factory=list, max_length=4, description=_UNKNOWN
    )


@dataclass(frozen=True)
class Section:
    """One section of the page: its heading, and its budget in body words and items."""

    heading: str
    words: int
    items: int


@dataclass(frozen=True)
class Kind:
    """One kind of brief. SECTIONS are its own, in page order (they sit between the key
    facts and what to watch); SCAFFOLD is the subject block `briefgen new --kind` writes
    under the key of the same name, SKELETON its sections."""

    header: type[Header]
    sheet: type[Brief]
    label: str
    sections: dict[str, Section]
    scaffold: str
    skeleton: str


# What every kind has, around its own sections (briefing-format.md §2.2). The page puts the
# key judgments right under the bottom line; the sheet (and the source numbering) keeps
# this order.
BEFORE = {"bottom_line": Section("Bottom line", 50, 1), "key_facts": Section("Key facts", 65, 4)}
AFTER = {"assessments": Section("Key judgments", 55, 2), "watch": Section("What to watch", 30, 3)}
_POSITIONS = "  # {id, actor, speech: direct|indirect, summary, quote, cite}"
_UNKNOWN_LINE = "unknown: []                     # sections the sources are silent on, e.g. [{0}]\n"

# The one table of kinds. Each kind's own sections share the 200 body words the shared
# ones leave (400 in all, briefing-format.md §2.2).
TABLE: dict[str, Kind] = {
    "event": Kind(
        EventBriefing,
        EventBrief,
        "Event brief",
        {
            "agenda": Section("Agenda", 50, 5),
            "obstacles": Section("Obstacles", 45, 5),
            "positions": Section("Stated positions", 105, 6),
        },
        """\
  event:
    name: "TODO: the event"
    type: "TODO"                # summit|meeting|visit|conference|negotiation|election|other
    start_date: "TODO"          # YYYY-MM-DD; end_date and date_note if needed
    location: {city: "TODO"}    # city and/or venue; country, country_code
""",
        f"""\
agenda: []                      # {{id, topic, detail, raised_by: [actor], status, cite}}
obstacles: []                   # {{id, issue, detail, parties: [actor], since, cite}}
positions: []                 {_POSITIONS}
""",
    ),
    "issue": Kind(
        IssueBriefing,
        IssueBrief,
        "Issue brief",
        {
            "question": Section("The question", 40, 1),
            "positions": Section("Positions of the parties", 85, 5),
            "options": Section("Options and scenarios", 75, 4),
        },
        """\
  issue:                        # a policy question or dispute: no place, no date needed
    name: "TODO: the question or dispute"
    involved: ["TODO: a jurisdiction, an organisation or an actor id"]
""",
        f"""\
question:
  text: "TODO: the question this brief answers, in one sentence."
  why_now: "TODO: why it matters now, or remove this line"
  cite: [S1]
positions: []                 {_POSITIONS}
options: []                     # options or scenarios: {{id, option, detail, likelihood, cite}}
""",
    ),
    "country": Kind(
        CountryBriefing,
        CountryBrief,
        "Country profile",
        {
            "government": Section("Government and leaders", 50, 6),
            "indicators": Section("Key indicators", 45, 6),
            "relations": Section("Relations and disputes", 65, 4),
            "positions": Section("Stated positions", 40, 2),
        },
        """\
  country:
    name: "TODO: the country"
    code: "TODO"                # ISO 3166 alpha-2, e.g. FI; or remove
    as_of: "TODO"               # YYYY-MM-DD: the date the profile describes
""",
        f"""\
government:                     # head of state and of government, ruling party, next election
  - id: G1
    office: "TODO: e.g. President"
    holder: "TODO: actor id or name"
    cite: [S1]
indicators: []                  # {{id, name, value, unit, as_of, cite}}
relations: []                   # relations and disputes: {{id, partner, state, summary, cite}}
{_UNKNOWN_LINE.format("indicators")}""",
    ),
    "organization": Kind(
        OrganizationBriefing,
        OrganizationBrief,
        "Organisation profile",
        {
            "mandate": Section("Mandate", 30, 1),
            "leadership": Section("Leadership", 20, 2),
            "membership": Section("Membership", 25, 1),
            "structure": Section("Structure and budget", 25, 2),
            "decisions": Section("Recent decisions", 40, 3),
            "positions": Section("Positions", 60, 3),
        },
        """\
  organization:
    name: "TODO: the organisation"
    acronym: "TODO"             # e.g. NATO; or remove
    headquarters: "TODO"        # e.g. Brussels; or remove
    as_of: "TODO"               # YYYY-MM-DD: the date the profile describes
""",
        f"""\
mandate:                        # or remove it and list it under unknown:
  text: "TODO: what the organisation is for, in one sentence."
  cite: [S1]
leadership:                     # {{id, office, holder: actor id or name, since, as_of, cite}}
  - id: L1
    office: "TODO: e.g. Secretary General"
    holder: "TODO: actor id or name"
    cite: [S1]
membership:                     # count, members, joining (any of them), cite
  members: ["TODO: a notable member"]
  cite: [S1]
structure: []                   # structure or budget: {{id, aspect, detail, cite}}
decisions: []                   # recent decisions: {{id, decision, date, by, cite}}
positions: []                 {_POSITIONS}
{_UNKNOWN_LINE.format("structure, decisions")}""",
    ),
}
KINDS = tuple(TABLE)
KIND_LABELS = {name: k.label for name, k in TABLE.items()}  # what the masthead calls each
SHEETS: dict[str, type[Brief]] = {name: k.sheet for name, k in TABLE.items()}
KIND_ERROR = "briefing_kind"  # pydantic error type of a `kind` that is none of KINDS
# Every kind's own sections: what a section of another kind is named by (BG212).
OWNERS: dict[str, tuple[str, ...]] = {}
for _name, _kind in TABLE.items():
    for _section in _kind.sections:
        OWNERS[_section] = (*OWNERS.get(_section, ()), _name)


def every_section() -> tuple[str, ...]:
    """Every kind's sections, shared and own, in one order (the event's first)."""
    own = (s for kind in TABLE.values() for s in kind.sections)
    return tuple(dict.fromkeys([*BEFORE, *own, *AFTER]))


def sections(brief: Brief) -> tuple[str, ...]:
    """BRIEF's cited sections in sheet order: the shared ones around its kind's own."""
    return tuple(budgets(brief.KIND))


def budgets(kind: str) -> dict[str, Section]:
    """Each section of KIND with its heading and budget, in sheet order."""
    return {**BEFORE, **TABLE[kind].sections, **AFTER}


def fields_in_order(sheet: type[Brief]) -> list[str]:
    """SHEET's fields as a sheet is written: header, actors and sources, the sections in
    sheet order, then the rest (what a hint lists as allowed at the top level)."""
    first = ["schema_version", "briefing", "actors", "sources", *budgets(sheet.KIND)]
    return [*first, *(f for f in sheet.model_fields if f not in first)]


def kind_of(value: Any) -> Any:
    """The kind a briefing VALUE declares: its `kind`, or 'event' when it names none."""
    if isinstance(value, dict):
        return value.get("kind", "event")
    return getattr(value, "kind", None)


def _sheet_kind(value: Any) -> str:
    """The tag of a whole sheet: its briefing's kind (an unknown one fails as KIND_ERROR)."""
    if isinstance(value, dict):
        briefing = value.get("briefing")
    else:
        briefing = getattr(value, "briefing", None)
    found = kind_of(briefing) if isinstance(briefing, dict | Header) else "event"
    return found if isinstance(found, str) else f"<{type(found).__name__}>"


def sheet_of(data: Any) -> type[Brief]:
    """The sheet model for DATA; an unknown kind is read as an event (salvage, hints)."""
    return SHEETS.get(_sheet_kind(data), EventBrief)


if TYPE_CHECKING:  # every kind's sheet is a Brief; code narrows with isinstance where it must
    Sheet = Brief
else:
    Sheet = Annotated[
        Union[tuple(Annotated[m, Tag(k)] for k, m in SHEETS.items())],  # noqa: UP007
        Discriminator(
            _sheet_kind,
            custom_error_type=KIND_ERROR,
            custom_error_message="kind is not one of the briefing kinds",
        ),
    ]
_ADAPTER: TypeAdapter[Brief] = TypeAdapter(Sheet)


def parse(data: object) -> Brief:
    """DATA as the sheet of the kind it declares; pydantic's ValidationError if it is not
    one (its locations start with the kind)."""
    return _ADAPTER.validate_python(data)


def json_schema(generator: Any) -> dict[str, Any]:
    """The JSON Schema of every kind's sheet, by GENERATOR (jsonschema.py shapes it)."""
    return _ADAPTER.json_schema(schema_generator=generator)

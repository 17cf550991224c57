"""One briefing's record on the shared pages: what the index, feed and sitemap show of it.

Why a plain dataclass (no pydantic, no Jinja): the manifest keeps one per briefing, and the
no-op path reads the manifest, so this module must import nothing heavy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Entry:
    """What the index and feed need to know of one briefing."""

    slug: str
    title: str
    event: str
    event_date: str
    when: str
    place: str
    as_of: str
    updated: str
    summary: str
    author: str
    files: dict[str, int] = field(default_factory=dict)  # file name → size in bytes
    kind: str = "event"  # briefing.kind (records written before kinds existed: events)
    header: str = ""  # the kind's header line, as under the page's title
    country: str = ""  # the place the index filters by

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the manifest."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        """The entry a manifest recorded (FILES copied, so the record stays unshared)."""
        return cls(**{**data, "files": dict(data.get("files", {}))})

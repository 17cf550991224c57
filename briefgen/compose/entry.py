"""One briefing's record on the shared pages: what the index, feed and sitemap show of it.

Why a plain dataclass (no pydantic, no Jinja): the manifest keeps one per briefing, and the
no-op path reads the manifest, so this module must import nothing heavy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields


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
    edition: str = ""  # the day this edition was first published (the build date)
    earlier: str = ""  # the labels of its earlier editions, oldest first, space-separated

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for the manifest."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Entry:
        """The entry a manifest recorded; KeyError, TypeError or ValueError when it is not
        one (the manifest is then ignored and everything rebuilt)."""
        texts = {name: data[name] for name in _TEXTS if name in data}
        if not all(isinstance(v, str) for v in texts.values()):
            msg = "an entry's fields are texts"
            raise TypeError(msg)
        files = data.get("files", {})
        if not isinstance(files, dict):
            msg = "an entry's files map names to sizes"
            raise TypeError(msg)
        sizes = {str(name): int(size) for name, size in files.items()}
        return cls(**{k: str(v) for k, v in texts.items()}, files=sizes)


_TEXTS = tuple(f.name for f in fields(Entry) if f.name != "files")  # from_dict runs per briefing

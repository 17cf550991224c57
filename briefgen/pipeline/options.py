"""How a build goes: the one settings value every command hands to the pipeline.

Why one value: `briefgen.toml`, the flags and the defaults meet once, in the CLI
(`project.settings.resolve`); from then on `BuildOptions.from_settings` is the only place
that turns settings into build options, so no command re-lists their fields.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.schema.markings import TLP, Scheme
from briefgen.schema.vocabulary import FORMATS

if TYPE_CHECKING:
    from briefgen.compose.compose import Edition
    from briefgen.project.settings import Settings


@dataclass(frozen=True)
class BuildOptions:
    """How to build: what goes into every briefing (the settings key hashes those, see
    `settings`) and how the run goes (force, keep_going, wait, jobs)."""

    formats: tuple[str, ...] = FORMATS
    paper: str = "A4"
    strict: bool = False
    project: Path | None = None
    base_url: str | None = None
    force: bool = False
    keep_going: bool = False
    wait: bool = False
    jobs: int = 1
    organisation: str = ""  # briefgen.toml: shown on every page and in the feed
    marking: str | None = None  # briefgen.toml: classification of sheets that set none
    audience: str | None = None  # briefgen.toml: audience of sheets that set none
    search: bool = False  # index the staged site with Pagefind (briefgen[search])
    today: str | None = None  # the build date (--today): stale items, edition dates
    keep_editions: int | None = None  # briefgen.toml: earlier editions kept (None: all)
    scheme: Scheme = TLP  # briefgen.toml `levels`: the handling levels, lowest first
    max_marking: str | None = None  # an audience's edition: nothing above this level

    def __post_init__(self) -> None:
        """Refuse what briefgen.toml would refuse (a `javascript:` base_url, jobs = 0), so
        a library caller cannot pass around the one check every setting goes through."""
        from briefgen.errors import EXIT_USAGE, BriefError
        from briefgen.project.audiences import unknown_level
        from briefgen.project.settings import check_values

        values = {
            "paper": self.paper,
            "base_url": self.base_url,
            "jobs": self.jobs,
            "organisation": self.organisation or None,
            "marking": self.marking,
            "audience": self.audience,
            "formats": self.formats,
        }
        found = check_values(values, {k: f"BuildOptions.{k}" for k in values})
        if self.max_marking is not None and self.scheme.find(self.max_marking) is None:
            found.append(unknown_level(self.max_marking, self.scheme, "--max-marking"))
        if found:
            raise BriefError(*found, exit_code=EXIT_USAGE)

    @classmethod
    def from_settings(cls, settings: Settings, **how: object) -> BuildOptions:
        """The options a project's resolved SETTINGS give, plus HOW this command runs
        (formats, force, keep_going, wait, search): the one mapping from settings.

        `jobs` is capped (`workers.decide_jobs`); a CLI that wants to say so decides itself
        and passes the result as HOW's `jobs`."""
        from briefgen.pipeline.workers import BUILD_WORKER_BYTES, decide_jobs

        jobs = how.pop("jobs", None)
        if not isinstance(jobs, int):
            jobs = decide_jobs(settings.jobs, per_worker=BUILD_WORKER_BYTES).jobs
        given = cls(
            paper=settings.paper,
            strict=settings.strict,
            project=settings.root,
            base_url=settings.base_url,
            jobs=jobs,
            organisation=settings.organisation,
            marking=settings.marking,
            audience=settings.audience,
            formats=settings.formats,
            keep_editions=settings.keep_editions,
            scheme=settings.scheme,
        )
        return dataclasses.replace(given, **how)  # type: ignore[arg-type]

    def edition(self) -> Edition:
        """What of these options reaches every page (compose's one input besides the sheet)."""
        from briefgen.compose.compose import Edition

        return Edition(
            paper=self.paper,
            organisation=self.organisation,
            base_url=self.base_url,
            formats=self.formats,
            marking=self.marking,
            audience=self.audience,
            today=self.today,
            scheme=self.scheme,
            max_marking=self.max_marking,
        )

    def settings(self) -> dict[str, object]:
        """The options that change the output (the settings key hashes them)."""
        return {
            "formats": self.formats,
            "paper": self.paper,
            "strict": self.strict,
            "base_url": self.base_url,
            "organisation": self.organisation,
            "marking": self.marking,
            "audience": self.audience,
            "search": self.search,
            "keep_editions": self.keep_editions,
            "levels": [dataclasses.astuple(level) for level in self.scheme.levels],
            "max_marking": self.max_marking,
        }

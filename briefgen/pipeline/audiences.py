"""Audience editions: the full site and one site per audience, each built on its own
(not the dated editions over time: publish/editions.py).

Why each a whole build: an audience's site is a separate tree with its own index, feed,
sitemap, search index and manifest, so nothing of the full edition can reach it through
a shared page, and each is published atomically and incrementally as any site is (the
edition's level is part of its settings key). `build` with no choice writes the full
edition, then every audience briefgen.toml names; `--max-marking` or `--audience` one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.pipeline.building import BuildReport, build
from briefgen.pipeline.options import BuildOptions

if TYPE_CHECKING:
    from briefgen.pipeline.making import Built
    from briefgen.project.audiences import Audience


@dataclass(frozen=True)
class AudienceSite:
    """One site to build: its audience's name ("" for the full edition), level and folder."""

    name: str
    max_marking: str | None
    out: Path


def audience_sites(
    out: Path,
    root: Path,
    audiences: Sequence[Audience],
    *,
    max_marking: str | None = None,
    audience: str | None = None,
    out_given: bool = False,
    shard: bool = False,
) -> tuple[AudienceSite, ...]:
    """The sites a build writes: with MAX_MARKING, that edition into OUT; with AUDIENCE,
    that audience's (into OUT when OUT_GIVEN, else its own folder under ROOT); otherwise
    the full edition into OUT and every audience into its folder. BriefError (BG221) for
    an audience briefgen.toml does not name. A SHARD build writes the one edition chosen
    (the full one by default) into its part folder, never the audiences' folders."""
    if max_marking is not None:
        return (AudienceSite("", max_marking, out),)
    if audience is not None:
        chosen = [a for a in audiences if a.name == audience]
        if not chosen:
            known = ", ".join(a.name for a in audiences) or "none"
            raise BriefError(
                Diagnostic(
                    Location("--audience"),
                    "BG221",
                    f"no audience '{audience}' in briefgen.toml",
                    f"audiences: {known}; declare one as [audiences.NAME]",
                ),
                exit_code=EXIT_USAGE,
            )
        a = chosen[0]
        return (AudienceSite(a.name, a.max_marking, out if out_given else root / a.output),)
    if shard:
        return (AudienceSite("", None, out),)
    return (AudienceSite("", None, out), *(AudienceSite(a.name, a.max_marking, root / a.output)
                                      for a in audiences))


def build_audiences(
    sheets: Sequence[Path],
    chosen: Sequence[AudienceSite],
    options: BuildOptions,
    *,
    on_built: Callable[[Built], None] | None = None,
    on_site: Callable[[AudienceSite], None] | None = None,
    build: Callable[..., BuildReport] = build,
) -> Iterator[tuple[AudienceSite, BuildReport]]:
    """Build SHEETS once per edition in CHOSEN, in order, each a site of its own; stops
    after an edition that failed (the caller sees its report). BUILD builds one site
    (`building.build`, or a shard's part or a Dask run: `shards.build_scaled`)."""
    for edition in chosen:
        if on_site is not None:
            on_site(edition)
        given = dataclasses.replace(options, max_marking=edition.max_marking)
        report = build(sheets, edition.out, given, on_built=on_built)
        yield edition, report
        if report.failed and not report.published:
            return

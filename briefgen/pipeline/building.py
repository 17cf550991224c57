"""Stages 6–7 for many sheets: briefings → the static site, published atomically.

Incremental (the manifest says what changed), atomic (a staging folder swapped in whole),
one build at a time (a lock). Workers run `make` per sheet; this module stages what they
return and writes the shared pages.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.assets import template_dirs
from briefgen.errors import Diagnostic, Location
from briefgen.pipeline.making import Built, _make
from briefgen.pipeline.options import BuildOptions
from briefgen.publish.keys import Stamps
from briefgen.schema.vocabulary import briefing_path

if TYPE_CHECKING:
    from briefgen.compose.entry import Entry
    from briefgen.pipeline.workers import Outcome
    from briefgen.publish import editions, manifest
    from briefgen.publish.records import Record
    from briefgen.publish.stage import Stage

# What runs `make` over the sheets to rebuild (default: `workers.run`'s process pool; the
# Dask executor is another, pipeline/cluster.py): yields an Outcome per sheet, in order.
Runner = Callable[[Callable[[Path], Built], list[Path]], Generator["Outcome[Built]", None, None]]


@dataclass(frozen=True)
class BuildReport:
    """What a build made, kept, failed and healed; nothing of a failed sheet is written."""

    out: Path
    built: tuple[Built, ...] = ()
    kept: tuple[str, ...] = ()
    failed: tuple[tuple[Path, tuple[Diagnostic, ...]], ...] = ()
    up_to_date: bool = False
    published: bool = False
    healed: tuple[str, ...] = ()  # published files found missing or changed, now restored
    unhealed: tuple[str, ...] = ()  # damaged files of briefings that failed (--keep-going)


def build(
    sheets: Iterable[Path],
    out: Path,
    options: BuildOptions | None = None,
    *,
    on_built: Callable[[Built], None] | None = None,
    runner: Runner | None = None,
) -> BuildReport:
    """Build every sheet into the static site OUT: incremental, atomic, one build at a time.

    ON_BUILT is called as each briefing finishes (the CLI prints its line then); RUNNER
    runs the briefings (default: the worker processes of `workers.run`).
    """
    from briefgen.publish import manifest
    from briefgen.publish import stage as publish

    options = options or BuildOptions()
    paths = list(sheets)
    with publish.locked(out, wait=options.wait, sheets=paths):
        publish.clean_leftovers(out)  # of killed runs, even when nothing else is to be done
        settings = manifest.settings_key(
            template_dirs=template_dirs(options.project), **options.settings()
        )
        stamps = Stamps(publish.beside(out, "stamps.json"))
        plan = manifest.plan(
            out, paths, settings=settings, project=options.project, force=options.force,
            stamps=stamps, today=options.today,
            withheld_names=options.max_marking is not None,
        )
        report = (
            BuildReport(out, kept=plan.unchanged, up_to_date=True)
            if plan.up_to_date
            else _publish(out, plan, options, on_built, stamps, runner)
        )
        if report.up_to_date or report.published:  # a failed build writes nothing but its lock
            stamps.save()
        return report


def _publish(
    out: Path,
    plan: manifest.Plan,
    options: BuildOptions,
    on_built: Callable[[Built], None] | None,
    stamps: Stamps,
    runner: Runner | None = None,
) -> BuildReport:
    """Render the planned sheets into a staging folder and swap it in if all went well."""
    from briefgen.publish import editions, manifest
    from briefgen.publish import stage as publish

    store = editions.Store(publish.beside(out, "editions"))
    with publish.staged(out) as stage:
        report, merged = stage_briefings(out, plan, options, on_built, runner, stage, store)
        if merged is None:  # leaving the block throws the staging away
            return report
        _write_site(stage, merged.records, options)
        if options.search:
            from briefgen.site import search

            for rel, data in search.index(stage.path).items():
                stage.write(rel, data)
        published = dict(stage.published)
        stage.write(manifest.NAME, manifest.written(plan, merged.records, published))
        stage.commit()
    store.prune({d for r in merged.records.values() for _, d in r.edition_files()})
    for rel, digest in published.items():  # what was just written needs no reading next time
        stamps.published(out / rel, digest)
    return dataclasses.replace(report, published=True)


def stage_briefings(
    out: Path,
    plan: manifest.Plan,
    options: BuildOptions,
    on_built: Callable[[Built], None] | None,
    runner: Runner | None,
    stage: Stage,
    store: editions.Store,
) -> tuple[BuildReport, manifest.Merged | None]:
    """Render the planned sheets into STAGE, settle each edition against the published one
    and carry (or restore from STORE) every archived edition file: what a site and a
    shard's part share. The merged records, or None when a failure stops the build."""
    from briefgen.pipeline import workers
    from briefgen.pipeline.revising import revise
    from briefgen.publish import editions, manifest

    names, project = plan.names, options.project
    taken = {r.slug: s for s, r in plan.keep.items()}
    taken |= {r.slug: (project or Path()) / n for n, r in plan.carry.items()}
    before = {s: plan.old.briefings.get(names[s]) for s in plan.rebuild}
    priors = {s: editions.prior(r) for s, r in before.items()}
    task = functools.partial(_make, options=options, priors=priors)
    run = runner or functools.partial(workers.run, jobs=options.jobs)
    outcomes = run(task, list(plan.rebuild))
    settle = functools.partial(
        revise, out=out, recorded=plan.old.files, stage=stage, store=store, options=options
    )
    with contextlib.closing(outcomes):  # Ctrl-C or a failure here stops the workers now
        built, failed = _render_into(stage, outcomes, taken, on_built, before, settle)
    report = BuildReport(out, tuple(built), plan.unchanged, tuple(failed), healed=plan.damaged)
    if failed and not options.keep_going:
        return report, None
    fresh = {
        b.sheet: manifest.Fresh(
            b.slug, b.entry, b.sections, b.fill, b.content, b.published, b.snapshot,
            b.before, b.editions, b.expires,
        )
        for b in built
    }
    merged = manifest.merge(plan, fresh, (sheet for sheet, _ in failed))
    for rel, digest in merged.keep:
        stage.keep(rel, digest)
    keep, restore = editions.carried(merged.records, set(plan.damaged), set(stage.published))
    for rel, digest in keep:
        if not stage.keep(rel, digest):
            restore += ((rel, digest),)
    lost = tuple(rel for rel, digest in restore if not _restore(stage, store, rel, digest))
    report = dataclasses.replace(
        report,
        healed=tuple(r for r in merged.healed if r not in lost),
        unhealed=merged.unhealed + lost,
    )
    return report, merged


def _render_into(
    stage: Stage,
    outcomes: Iterable[Outcome[Built]],
    slugs: dict[str, Path],
    on_built: Callable[[Built], None] | None,
    before: dict[Path, Record | None],
    settle: Callable[..., Built],
) -> tuple[list[Built], list[tuple[Path, tuple[Diagnostic, ...]]]]:
    """Write each built briefing into the stage as it arrives, with its edition settled
    against its published version (BEFORE; `revising.revise`); collect the failures."""
    built: list[Built] = []
    failed: list[tuple[Path, tuple[Diagnostic, ...]]] = []
    for outcome in outcomes:
        sheet, result = outcome.sheet, outcome.result
        if result is None:
            failed.append((sheet, outcome.diagnostics))
            continue
        if result.slug in slugs:
            failed.append(
                (
                    sheet,
                    (
                        Diagnostic(
                            Location(str(sheet)),
                            "BG606",
                            f"briefing id '{result.slug}' is also used by {slugs[result.slug]}",
                            "ids name output folders; make them unique",
                        ),
                    ),
                )
            )
            continue
        slugs[result.slug] = sheet
        for name, data in result.files.items():
            stage.write(briefing_path(result.slug, name), data)
        settled = settle(result, before.get(sheet))
        done = dataclasses.replace(settled, files={})  # the bytes are staged
        built.append(done)
        if on_built is not None:
            on_built(done)
    return built, failed


def _restore(stage: Stage, store: editions.Store, rel: str, digest: str) -> bool:
    """Put an archived file back from the editions store; False when it is not there."""
    data = store.get(digest)
    if data is None:
        return False
    stage.write(rel, data)
    return True


def _write_site(stage: Stage, records: dict[str, manifest.Record], options: BuildOptions) -> None:
    for name, data in shared_pages([r.entry for r in records.values()], options).items():
        stage.write(name, data)


def shared_pages(entries: list[Entry], options: BuildOptions) -> dict[str, bytes]:
    """The site's shared pages (index, feed, 404, sitemap, assets) for ENTRIES: the one
    place build and preview make them, so the preview's index is the published one."""
    from briefgen.site import pages as site

    return site.plan(
        entries,
        base_url=options.base_url,
        project=options.project,
        organisation=options.organisation,
        search=options.search,
    )

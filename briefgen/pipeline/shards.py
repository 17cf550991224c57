"""Sharded builds: one shard's briefings into a part folder, and the parts merged into the site.

Why: past a few thousand briefings one runner takes hours; a CI matrix of N runners each
builds `--shard I/N` (the sheets whose name hashes to I, see `publish.parts.Shard`), and
one more merges. A part is a briefgen folder of its own (marker, manifest, stamps, lock),
so it is incremental exactly like a site: a rebuilt part reuses its previous output and
rewrites only the briefings whose inputs changed. `merge` checks the parts
(`publish.parts.check`), writes the shared pages once from the parts' records and
publishes atomically, as `build` does; the merged tree is byte-identical to a plain build.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from briefgen.assets import template_dirs
from briefgen.errors import EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.pipeline.building import BuildReport, Runner, shared_pages, stage_briefings
from briefgen.pipeline.making import Built
from briefgen.pipeline.options import BuildOptions
from briefgen.publish import manifest, parts
from briefgen.publish import stage as publish
from briefgen.publish.keys import Stamps, input_key, sheet_inputs
from briefgen.publish.parts import Shard


@dataclass(frozen=True)
class Merged:
    """What `merge` published: how many parts and briefings, into OUT."""

    out: Path
    parts: int
    briefings: int


def build_part(
    sheets: Iterable[Path],
    out: Path,
    options: BuildOptions,
    shard: Shard,
    *,
    on_built: Callable[[Built], None] | None = None,
    runner: Runner | None = None,
) -> BuildReport:
    """Build SHARD of SHEETS into the part folder OUT: its briefings, its manifest and the
    part record; no shared page. Incremental and atomic like `build`."""
    paths = list(sheets)
    with publish.locked(out, wait=options.wait, sheets=paths):
        publish.clean_leftovers(out)
        settings = _settings(options)
        stamps = Stamps(publish.beside(out, "stamps.json"))
        names = {s: manifest.name_of(s, options.project) for s in paths}
        mine = [s for s in paths if shard.holds(names[s])]
        plan = manifest.plan(
            out, mine, settings=settings, project=options.project, force=options.force,
            stamps=stamps,
        )
        held = set(mine)  # a part holds its shard's briefings only, never carried ones
        plan = dataclasses.replace(
            plan,
            rebuild=tuple(s for s in plan.rebuild if s in held),
            keep={s: r for s, r in plan.keep.items() if s in held},
            carry={},
        )
        record = parts.dumps(shard, settings, names.values())
        if plan.up_to_date and _recorded(out) == record:
            report = BuildReport(out, kept=plan.unchanged, up_to_date=True)
        else:
            report = _publish_part(out, plan, options, record, on_built, runner, stamps)
        if report.up_to_date or report.published:
            stamps.save()
        return report


def _publish_part(
    out: Path,
    plan: manifest.Plan,
    options: BuildOptions,
    record: bytes,
    on_built: Callable[[Built], None] | None,
    runner: Runner | None,
    stamps: Stamps,
) -> BuildReport:
    """`building._publish` without the shared pages, plus the part record."""
    from briefgen.publish import editions

    store = editions.Store(publish.beside(out, "editions"))
    with publish.staged(out) as stage:
        report, merged = stage_briefings(out, plan, options, on_built, runner, stage, store)
        if merged is None:  # leaving the block throws the staging away
            return report
        stage.write(parts.NAME, record)
        published = dict(stage.published)
        stage.write(manifest.NAME, manifest.written(plan, merged.records, published))
        stage.commit()
    store.prune({d for r in merged.records.values() for _, d in r.edition_files()})
    for rel, digest in published.items():
        stamps.published(out / rel, digest)
    return dataclasses.replace(report, published=True)


def merge(
    folders: Iterable[Path], sheets: Iterable[Path], out: Path, options: BuildOptions
) -> Merged:
    """Merge the part FOLDERS of SHEETS into the site OUT: refused unless they are every
    shard once, built with these OPTIONS from these sheets as they are now (see
    `parts.check`); the shared pages are written once and the site swapped in atomically."""
    paths = list(sheets)
    folders = list(folders)
    parts.refuse_overlap(folders, out)
    with publish.locked(out, wait=options.wait, sheets=paths):
        publish.clean_leftovers(out)
        settings = _settings(options)
        stamps = Stamps(publish.beside(out, "stamps.json"))
        found = [parts.read(folder) for folder in folders]
        recorded = {n: r for p in found for n, r in p.manifest.briefings.items()}
        keys = {}
        for sheet in paths:
            name = manifest.name_of(sheet, options.project)
            known = recorded[name].inputs if name in recorded else None
            keys[name] = input_key(settings, sheet_inputs(sheet, known, stamps))
        parts.check(found, settings=settings, keys=keys)
        records = {
            n: r for p in found for n, r in p.manifest.briefings.items() if p.shard.holds(n)
        }
        _unique_slugs(records)
        with publish.staged(out) as stage:
            for part in found:
                _copy_briefings(stage, part, records)
            for name, data in shared_pages([r.entry for r in records.values()], options).items():
                stage.write(name, data)
            if options.search:
                from briefgen.site import search

                for rel, data in search.index(stage.path).items():
                    stage.write(rel, data)
            published = dict(stage.published)
            stage.write(manifest.NAME, manifest.dumps(
                manifest.Manifest(settings, records, published)))
            stage.commit()
        for rel, digest in published.items():
            stamps.published(out / rel, digest)
        stamps.save()
        return Merged(out, len(found), len(records))


def _copy_briefings(
    stage: publish.Stage, part: parts.Part, records: dict[str, manifest.Record]
) -> None:
    """Stage PART's briefing files, each checked against the hash its manifest recorded."""
    for name, record in sorted(part.manifest.briefings.items()):
        if name not in records or records[name] is not record:
            continue
        for rel in (*record.files, *(rel for rel, _ in record.edition_files())):
            try:
                data = (part.folder / rel).read_bytes()
            except OSError:
                data = b""
            stage.write(rel, data)
            if stage.published[rel] != part.manifest.files.get(rel):
                raise BriefError(Diagnostic(
                    Location(str(part.folder / rel)), "BG644",
                    "the part is stale: this file is missing or changed since it was built",
                    "build this shard again, then merge",
                ), exit_code=EXIT_USAGE)


def _unique_slugs(records: dict[str, manifest.Record]) -> None:
    """Two sheets of different shards with one id: BG606, as a plain build says."""
    seen: dict[str, str] = {}
    for name, record in sorted(records.items()):
        if record.slug in seen:
            raise BriefError(Diagnostic(
                Location(name), "BG606",
                f"briefing id '{record.slug}' is also used by {seen[record.slug]}",
                "ids name output folders; make them unique",
            ))
        seen[record.slug] = name


def _settings(options: BuildOptions) -> str:
    return manifest.settings_key(template_dirs=template_dirs(options.project), **options.settings())


def _recorded(out: Path) -> bytes | None:
    """The part record OUT holds now, if any."""
    try:
        return (out / parts.NAME).read_bytes()
    except OSError:
        return None


def build_scaled(
    sheets: Iterable[Path],
    out: Path,
    options: BuildOptions,
    *,
    shard: str | None = None,
    executor: str = "processes",
    scheduler: str | None = None,
    on_built: Callable[[Built], None] | None = None,
) -> BuildReport:
    """`build`, or with SHARD (`I/N`) `build_part`; with EXECUTOR "dask" the briefings run
    on the Dask SCHEDULER's workers (a LocalCluster of `options.jobs` workers when None),
    started only when a briefing needs building."""
    from briefgen.pipeline import building

    part = Shard.parse(shard) if shard else None
    with contextlib.ExitStack() as stack:
        runner: Runner | None = None
        if executor == "dask":
            from briefgen.pipeline import cluster

            cluster.require()
            runner = cluster.on_demand(stack, scheduler, workers=options.jobs)
        if part is not None:
            return build_part(sheets, out, options, part, on_built=on_built, runner=runner)
        return building.build(sheets, out, options, on_built=on_built, runner=runner)

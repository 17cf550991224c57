"""A rebuilt briefing's editions, in the main process: archive, compare, changes page.

Why here and not in the worker: archiving reads the live site and writes the stage and
the editions store, which only the process holding the build lock may do. The worker has
already decided which edition the briefing is (`publish.editions.next_labels`); this
module archives the published edition when a new one replaces it, writes the changes
page, and says what changed on the terminal — both from the one comparison.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import Diagnostic, Location

if TYPE_CHECKING:
    from briefgen.pipeline.making import Built
    from briefgen.pipeline.options import BuildOptions
    from briefgen.publish.editions import Store
    from briefgen.publish.records import Record
    from briefgen.publish.stage import Stage


def revise(
    built: Built,
    was: Record | None,
    *,
    out: Path,
    recorded: dict[str, str],
    stage: Stage,
    store: Store,
    options: BuildOptions,
) -> Built:
    """BUILT (its files staged) with its edition settled against WAS, its published
    record: the old edition archived if this is a new one, the changes page staged, and
    the terminal line's change set."""
    from briefgen.compose.changes import Change, compare
    from briefgen.compose.revisions import compare_editions
    from briefgen.publish.editions import archive
    from briefgen.schema.vocabulary import briefing_path
    from briefgen.site.changes import changes_pages

    if was is None:
        return dataclasses.replace(built, change=Change(new=True))
    kept = {e.label: e for e in was.editions}
    warnings = built.warnings
    if built.new_edition:
        label = built.earlier[-1]
        archived, files, lost = archive(out, was, label, recorded, store)
        for rel, data in files.items():
            stage.write(rel, data)
        kept[label] = archived
        if lost:
            warnings += (_lost(built.sheet, label, lost),)
    editions = tuple(kept[label] for label in built.earlier if label in kept)
    before = was.snapshot if built.new_edition else was.before
    now = built.snapshot or {}
    latest = compare_editions(was.snapshot, now) if was.snapshot is not None else None
    entry = built.entry
    if before is not None and built.earlier:
        page = latest if built.new_edition and latest else compare_editions(before, now)
        pages = changes_pages(
            page,
            slug=built.slug,
            title=entry.title,
            lang=built.lang,
            kind=entry.kind,
            edition=built.published or "",
            previous=built.earlier[-1],
            formats=options.formats,
            project=options.project,
        )
        for name, data in pages.items():
            stage.write(briefing_path(built.slug, name), data)
        sizes = entry.files | {n: len(d) for n, d in pages.items()}
        entry = dataclasses.replace(entry, files=dict(sorted(sizes.items())))
    change = (
        Change.of(latest, (was.fill, built.fill))
        if latest is not None
        else compare(was.sections, was.fill, built.sections or {}, built.fill)
    )
    return dataclasses.replace(
        built, entry=entry, change=change, warnings=warnings, editions=editions,
        before=before,
    )


def _lost(sheet: Path, label: str, names: tuple[str, ...]) -> Diagnostic:
    return Diagnostic(
        Location(str(sheet)),
        "BG620",
        f"the edition {label} was archived without {', '.join(names)}: the published "
        "file was missing or changed, so it could not be kept as it was",
        "nothing to do now; keep the output folder's files as briefgen writes them",
        severity="warning",
    )

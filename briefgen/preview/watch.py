"""`briefgen serve`'s live preview: watch the sheets, show an edit in two phases.

Why two phases: a web page is ready in a few hundredths of a second, a PDF takes the
better part of a second. So on a save the changed briefing is checked and its Markdown
and HTML rendered (exactly the bytes `build` publishes: the same function renders them)
and shown from memory at once; then the ordinary incremental, atomic `build` publishes
everything, PDF included, into the output folder. Open pages hear of each phase over
server-sent events (briefgen/preview/server.py).

Why watchfiles: the kernel says what changed (no polling, no stat of every file twice a
second), so only the briefing whose folder changed is rendered again.

Why two callbacks: REPORT takes the preview's own lines, REPORT_DIAGNOSTICS the problems
found; the CLI prints those as `check` does (one function, `cli.options.print_diagnostics`),
so nothing here decides how a diagnostic looks.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import BriefError, Diagnostic
from briefgen.preview.server import start
from briefgen.preview.state import EVERY, State

if TYPE_CHECKING:
    from briefgen.compose.entry import Entry
    from briefgen.pipeline.options import BuildOptions

Report = Callable[[str], None]
ReportDiagnostics = Callable[[Sequence[Diagnostic]], None]

_EDITOR_TEMP = re.compile(r"(\.sw[a-p]|\.swpx|~|\.tmp|\.bak)$|^(\.#|#.*#$|4913$)")


def run(
    out: Path,
    options: BuildOptions,
    *,
    seeds: Path,
    templates: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    report: Report = print,
    report_diagnostics: ReportDiagnostics,
) -> None:
    """Serve OUT at once, show every briefing's page, then build; re-show what changes
    under SEEDS or TEMPLATES until interrupted (KeyboardInterrupt ends it cleanly)."""
    from briefgen.publish import stage as publish

    sheets = _sheets(seeds.parent, report_diagnostics)
    publish.accept(out, sheets)  # the folders `build` would refuse are never served
    state = State()
    stop = threading.Event()
    # Watch before the first build: a save made while it runs is shown after it, not lost.
    batches = _watching([p.resolve() for p in (seeds, templates) if p.is_dir()], out, stop)
    server = start(out, host, port, state, report)
    try:
        shown = _show(sheets, options, state, report, report_diagnostics, every=True, out=out)
        if not (out / "index.html").is_file():  # no site yet: the index need not wait
            state.hold_site(_site_pages(shown, options))
        state.ready.set()
        _publish(out, options, seeds.parent, state, report, report_diagnostics)
        state.settled.set()
        while True:
            try:
                changed = batches.get(timeout=1)  # a timeout keeps Ctrl-C prompt
            except queue.Empty:
                continue
            sheets = _sheets(seeds.parent, report_diagnostics)
            every = _touches(changed, templates)
            chosen = sheets if every else _owners(changed, sheets)
            if not chosen and not _touches(changed, seeds):
                continue
            report(f"changed: {', '.join(sorted({str(s.parent) for s in chosen})) or 'files'}")
            _show(chosen, options, state, report, report_diagnostics, every=every, out=out)
            _publish(out, options, seeds.parent, state, report, report_diagnostics)
    finally:
        stop.set()
        state.close()
        server.shutdown()
        server.server_close()
        state.join_clients(timeout=5)


def editor_temp(name: str) -> bool:
    """Is NAME an editor's scratch file (vim's .swp and 4913, emacs' .#x and #x#, x~)?
    Saving those is not saving the sheet: they never trigger a rebuild."""
    return bool(_EDITOR_TEMP.search(name)) or name.startswith(".")


def _watching(
    folders: list[Path], out: Path, stop: threading.Event
) -> queue.Queue[set[Path]]:
    """Watch FOLDERS in a thread, returning once the watch is in place (so no save made
    after this returns is missed); each burst of saves arrives on the queue."""
    batches: queue.Queue[set[Path]] = queue.Queue()
    ready = threading.Event()

    def pump() -> None:
        for batch in _changes(folders, out, stop):
            ready.set()  # the first (empty) batch: the watcher exists and is watching
            if batch:
                batches.put(batch)
        ready.set()

    threading.Thread(target=pump, name="briefgen-watch", daemon=True).start()
    ready.wait(timeout=10)
    return batches


def _changes(folders: list[Path], out: Path, stop: threading.Event) -> Iterable[set[Path]]:
    """Sets of changed paths under FOLDERS, a burst of saves at a time (empty while idle),
    until STOP."""
    import watchfiles

    if not folders:  # nothing to watch (yet): nothing ever arrives
        yield set()
        return
    skip = out.resolve()

    def wanted(_change: object, path: str) -> bool:
        real = Path(path)
        return not editor_temp(real.name) and not real.is_relative_to(skip)

    # yield_on_timeout: an empty set every RUST_TIMEOUT ms while idle, the first of which
    # says the watch is in place (watchfiles has no other "ready" signal)
    for batch in watchfiles.watch(
        *folders, watch_filter=wanted, step=30, debounce=800, stop_event=stop,
        yield_on_timeout=True, rust_timeout=100,
    ):
        yield {Path(path) for _, path in batch}


def _touches(changed: set[Path], folder: Path) -> bool:
    root = folder.resolve()
    return any(p.is_relative_to(root) for p in changed)


def _owners(changed: set[Path], sheets: list[Path]) -> list[Path]:
    """The sheets whose folder (the sheet or a stored source) holds a changed path."""
    return [s for s in sheets if _touches(changed, s.parent)]


def _sheets(root: Path, report_diagnostics: ReportDiagnostics) -> list[Path]:
    from briefgen.project.discover import find_sheets

    try:
        return find_sheets(root)
    except BriefError as error:
        report_diagnostics(error.diagnostics)
        return []


def _show(
    sheets: list[Path],
    options: BuildOptions,
    state: State,
    report: Report,
    report_diagnostics: ReportDiagnostics,
    *,
    every: bool = False,
    out: Path | None = None,
) -> list[Entry]:
    """Phase 1: check SHEETS and show their pages from memory; tell their open pages.
    The index entries of those shown (as editions of what OUT has published)."""
    from briefgen import pipeline

    entries = []
    for sheet in sheets:
        name = str(sheet)
        try:
            built = pipeline.make_pages(sheet, options, out=out)
        except BriefError as error:
            report(
                f"{sheet.parent}: {len(error.diagnostics)} problem(s); showing the last good page"
            )
            report_diagnostics(error.diagnostics)
            state.update(name, None, error.diagnostics)
            continue
        state.update(name, (built.slug, built.files), built.warnings)
        entries.append(built.entry)
    one = len(sheets) == 1 and not every
    state.events.send("reload", state.slug_of(str(sheets[0])) if one else EVERY)
    return entries


def _site_pages(entries: list[Entry], options: BuildOptions) -> dict[str, bytes]:
    """The index and feed of the briefings shown (their PDFs not yet made), made by the
    same code as the build's."""
    from briefgen.pipeline.building import shared_pages

    return shared_pages(entries, options)


def _publish(
    out: Path,
    options: BuildOptions,
    root: Path,
    state: State,
    report: Report,
    report_diagnostics: ReportDiagnostics,
) -> None:
    """Phase 2: the ordinary incremental build (PDFs too) publishes the site; the pages
    shown from memory give way to the published files; tell every open page."""
    from briefgen import pipeline

    problems: dict[str, tuple[Diagnostic, ...]] = {}
    try:
        sheets = pipeline.resolve_sheets((), root)
        result = pipeline.build(sheets, out, options)
        problems = {str(s): found for s, found in result.failed}
        problems |= {str(b.sheet): b.warnings for b in result.built if b.warnings}
        report(
            f"built {len(result.built)}, unchanged {len(result.kept)}, failed {len(result.failed)}"
        )
        report_diagnostics([d for found in problems.values() for d in found])
    except BriefError as error:
        problems = {"": error.diagnostics}
        report("build failed; still serving the last good site")
        report_diagnostics(error.diagnostics)
    for slug in state.published(problems):  # shown from memory, but failed (a PDF overflow)
        state.events.send("reload", slug)
    state.events.send("built", EVERY)

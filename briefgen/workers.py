"""Run `make` over many sheets, in worker processes when there is more than one core.

Why processes: WeasyPrint's layout holds the GIL (threads gave no gain) and sharing its
font set-up across threads corrupts memory. Each worker keeps one warm Renderer (font
configuration and parsed stylesheets) for all the sheets it is given; results come back
in input order, so the output is identical to `--jobs 1`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from briefgen.errors import BriefError, Diagnostic

Outcome = tuple[Path, Any]  # (sheet, Built) or (sheet, tuple of Diagnostics)


def default_jobs() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


CHECK_MODULES = (
    "briefgen.validate",
    "briefgen.rules",
    "briefgen.provenance",
    "briefgen.chronology",
    "briefgen.mentions",
)
BUILD_MODULES = (*CHECK_MODULES, "briefgen.render", "briefgen.pdf", "briefgen.site", "weasyprint")


def run(
    task: Callable[..., Any],
    sheets: list[Path],
    *,
    jobs: int,
    options: dict[str, Any],
    preload: tuple[str, ...] = BUILD_MODULES,
    minimum: int = 2,
) -> Iterator[Outcome]:
    """Yield (sheet, result) for every sheet, in order; errors become diagnostics.

    Runs in this process when JOBS is 1 or there are fewer than MINIMUM sheets (starting
    workers costs more than a few cheap tasks); PRELOAD is imported once for all workers.
    """
    if jobs <= 1 or len(sheets) < max(2, minimum):
        for sheet in sheets:
            yield sheet, _call(task, sheet, options)
        return
    context = multiprocessing.get_context("forkserver")
    # Import once in the fork server, not once per worker: each worker starts warm. Pango
    # and the fonts are set up after the fork, in the worker (sharing them is unsafe).
    context.set_forkserver_preload(["briefgen.pipeline", *preload])
    workers = min(jobs, len(sheets))
    chunk = max(1, min(8, len(sheets) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        results = pool.map(
            _call, [task] * len(sheets), sheets, [options] * len(sheets), chunksize=chunk
        )
        yield from zip(sheets, results, strict=True)


def _call(task: Callable[..., Any], sheet: Path, options: dict[str, Any]) -> Any:
    try:
        return task(sheet, **options)
    except BriefError as error:
        return tuple(error.diagnostics)


def failed(result: Any) -> bool:
    """True when RESULT is a tuple of diagnostics rather than a built briefing."""
    return isinstance(result, tuple) and all(isinstance(d, Diagnostic) for d in result)

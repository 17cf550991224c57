"""Run `make` over many sheets, in worker processes when there is more than one core.

Why processes: WeasyPrint's layout holds the GIL (threads gave no gain) and sharing its
font set-up across threads corrupts memory. Each worker keeps one warm Renderer (font
configuration and parsed stylesheets) for all the sheets it is given; results come back
in input order, so the output is identical to `--jobs 1`.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from briefgen.errors import BriefError, Diagnostic

_PR_SET_PDEATHSIG = 1
R = TypeVar("R")


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """One sheet's result: what the task returned, or the diagnostics it failed with."""

    sheet: Path
    result: R | None = None
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def failed(self) -> bool:
        """True when the task raised a BriefError instead of returning."""
        return self.result is None


def default_jobs() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


PRELOAD = "briefgen.pipeline.making"  # what every worker runs: make, and check through it
CHECK_MODULES = (
    "briefgen.pipeline.checking",
    "briefgen.schema.validate",
    "briefgen.verify.rules",
    "briefgen.verify.provenance",
    "briefgen.verify.chronology",
    "briefgen.verify.mentions",
)
BUILD_MODULES = (
    *CHECK_MODULES,
    "briefgen.compose.compose",
    "briefgen.render.pages",
    "briefgen.render.pdf",
    "briefgen.site.pages",
    "weasyprint",
)


def run(
    task: Callable[[Path], R],
    sheets: list[Path],
    *,
    jobs: int,
    preload: tuple[str, ...] = BUILD_MODULES,
    minimum: int = 2,
) -> Iterator[Outcome[R]]:
    """Yield an Outcome for every sheet, in order; a BriefError becomes its diagnostics.

    TASK must pickle (a module-level function, or a functools.partial of one).

    Runs in this process when JOBS is 1 or there are fewer than MINIMUM sheets (starting
    workers costs more than a few cheap tasks); PRELOAD is imported once for all workers.
    """
    if jobs <= 1 or len(sheets) < max(2, minimum):
        for sheet in sheets:
            yield _call(task, sheet)
        return
    context = multiprocessing.get_context("forkserver")
    # Import once in the fork server, not once per worker: each worker starts warm. Pango
    # and the fonts are set up after the fork, in the worker (sharing them is unsafe).
    context.set_forkserver_preload([PRELOAD, *preload])
    workers = min(jobs, len(sheets))
    chunk = max(1, min(8, len(sheets) // (workers * 8)))
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_watch, initargs=(os.getpid(),)
    ) as pool:
        yield from pool.map(_call, [task] * len(sheets), sheets, chunksize=chunk)


def _watch(main: int) -> None:
    """Worker initializer: exit as soon as the main process MAIN dies, however it dies.

    Why: a worker blocks on its task queue, whose write end it holds itself, so it never
    sees EOF when a SIGKILLed build leaves it; while it lives, so do the fork server (it
    waits for every client to close its "alive" pipe) and the resource tracker. A
    parent-death signal alone cannot help: a worker's parent is the fork server, not the
    main process. So a thread waits on a pidfd of MAIN (polling where there is none), and
    the worker also dies with the fork server (PR_SET_PDEATHSIG).
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if hasattr(libc, "prctl"):
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    try:
        handle: int | None = os.pidfd_open(main)
    except (AttributeError, OSError):  # no pidfd (Linux < 5.3), or MAIN is already gone
        handle = None
    threading.Thread(target=_exit_with, args=(main, handle), daemon=True).start()


def _exit_with(main: int, handle: int | None) -> None:
    if handle is not None:
        select.select([handle], [], [])  # readable once MAIN has exited
    else:
        while _alive(main):
            time.sleep(0.5)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _call(task: Callable[[Path], R], sheet: Path) -> Outcome[R]:
    try:
        return Outcome(sheet, task(sheet))
    except BriefError as error:
        return Outcome(sheet, diagnostics=tuple(error.diagnostics))

"""Run `make` over many sheets, in worker processes when there is more than one core.

Why processes: WeasyPrint's layout holds the GIL (threads gave no gain) and sharing its
font set-up across threads corrupts memory. Each worker keeps one warm Renderer (font
configuration and parsed stylesheets) for all the sheets it is given; results come back
in input order, so the output is identical to `--jobs 1`.

How many: never more than the cores this process may use, nor (for PDF workers) than the
available memory holds (`decide_jobs`); `jobs = 500` in a settings file must not start
500 renderers. Ctrl-C is the main process's alone: the fork server and the workers ignore
it, so it ends the run once, cleanly, without a worker's traceback.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from briefgen.errors import BriefError, Diagnostic

_PR_SET_PDEATHSIG = 1
R = TypeVar("R")
# What one PDF worker may need: about twice the peak measured on the examples (85 MB RSS
# per worker, 100 MB rendering in the main process), for larger sheets and more fonts.
BUILD_WORKER_BYTES = 200 << 20


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


@dataclass(frozen=True)
class Jobs:
    """How many workers a run gets, and, when fewer than asked, why (for the user)."""

    jobs: int
    note: str = ""


def usable_cores() -> int:
    """All the cores this process may use (its CPU affinity, not the machine's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


PRELOAD = "briefgen.pipeline.making"  # what every worker runs: make, and check through it


def available_memory() -> int | None:
    """Bytes of memory this process could still use: MemAvailable, or less under a cgroup
    (container) limit; None when the system does not say."""
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as info:  # noqa: PTH123 - procfs
            for line in info:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    with contextlib.suppress(OSError, ValueError):
        cgroup = Path("/sys/fs/cgroup")
        limit = (cgroup / "memory.max").read_text(encoding="ascii").strip()
        if limit != "max":
            used = int((cgroup / "memory.current").read_text(encoding="ascii"))
            found.append(max(0, int(limit) - used))
    return min(found) if found else None


def decide_jobs(asked: int | None, *, per_worker: int | None = None) -> Jobs:
    """The workers a run gets for ASKED (None: as many as useful): at most the usable
    cores and, with PER_WORKER bytes each, what the available memory holds; at least 1.
    The note says why when fewer than ASKED (the CLI prints it, once)."""
    cores = usable_cores()
    ceiling, why = cores, f"this machine lets briefgen use {cores} core(s)"
    memory = available_memory() if per_worker else None
    if per_worker and memory is not None and memory // per_worker < ceiling:
        ceiling = memory // per_worker
        why = f"{memory >> 20} MiB of memory is available, about {per_worker >> 20} MiB per worker"
    jobs = max(1, min(cores if asked is None else asked, ceiling))
    if asked is None or jobs >= asked:
        return Jobs(jobs)
    return Jobs(jobs, f"using {jobs} worker(s), not the {asked} asked: {why}")


CHECK_MODULES = (
    "briefgen.pipeline.checking",
    "briefgen.schema.validate",
    "briefgen.verify.rules",
    "briefgen.verify.provenance",
    "briefgen.verify.chronology",
    "briefgen.verify.mentions",
    "briefgen.verify.glyphs",
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
    fork: bool = False,
) -> Generator[Outcome[R], None, None]:
    """Yield an Outcome for every sheet, in order; a BriefError becomes its diagnostics.

    TASK must pickle (a module-level function, or a functools.partial of one). Close the
    generator (`contextlib.closing`) when not reading it to the end: the workers stop then.

    Runs in this process when JOBS is 1 or there are fewer than MINIMUM sheets (starting
    workers costs more than a few cheap tasks); PRELOAD is imported once for all workers.
    With FORK the workers are copies of this process instead (see `_context`).
    """
    if jobs <= 1 or len(sheets) < max(2, minimum):
        for sheet in sheets:
            yield _call(task, sheet)
        return
    context = _context(preload, fork=fork)
    workers = min(jobs, len(sheets), usable_cores())
    chunk = max(1, min(8, len(sheets) // (workers * 8)))
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_watch, initargs=(os.getpid(),)
    )
    finished = False
    try:
        with _sigint_deferred():  # workers start here: each is known to the pool when it ends
            results = pool.map(_call, [task] * len(sheets), sheets, chunksize=chunk)
        yield from results
        finished = True
    finally:
        if finished:
            pool.shutdown()
        else:  # Ctrl-C, or the caller stopped early: do not wait for the queued sheets
            _abandon(pool)


def _context(preload: tuple[str, ...], *, fork: bool) -> multiprocessing.context.BaseContext:
    """How workers start. From the fork server by default: it imports PRELOAD once, and
    each worker sets up Pango and the fonts after the fork (sharing them is unsafe).

    With FORK (`check`: no fonts, no threads, its modules already imported here) workers
    are plain copies of this process: starting a fork server would import everything a
    second time, about 0.3 s of a check that takes a second. The pool forks all its
    workers at once, before its own thread starts (CPython does so for "fork").
    """
    if fork and "fork" in multiprocessing.get_all_start_methods():
        for module in preload:
            importlib.import_module(module)
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD, *preload])
    _start_forkserver()
    return context


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """SIGINT held back in this thread while the block runs, delivered after it.

    Why around starting workers: a Ctrl-C between the fork server forking a worker and
    the pool recording it leaves a worker the pool cannot stop; it starts after this
    process has gone and dies with a traceback. The delay is the fork server's start.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _start_forkserver() -> None:
    """Start the fork server with SIGINT blocked, as multiprocessing starts its resource
    tracker: it inherits the mask, so a Ctrl-C while it imports PRELOAD (a second or so)
    cannot print its traceback; it ignores SIGINT itself once it is ready. A Ctrl-C meant
    for this process waits the few milliseconds and is then delivered here."""
    # First the tracker: starting it unblocks SIGINT again (it blocks it for its own start).
    multiprocessing.resource_tracker.ensure_running()
    with _sigint_deferred():
        multiprocessing.forkserver.ensure_running()


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Stop POOL now: cancel what has not started and end the workers (their results are
    not wanted; each also ends by itself when this process ends, see `_watch`).

    Why the pending items go first: a Ctrl-C inside `pool.map` has already cancelled the
    futures not yet running; ending the workers makes the pool's thread fail every pending
    item, and setting a result on a cancelled future raises in that thread (a traceback
    after "interrupted", CPython 3.11). Those items are dropped before the workers end."""
    pending = getattr(pool, "_pending_work_items", None) or {}
    for work_id, item in list(pending.items()):
        if item.future.cancelled():
            pending.pop(work_id, None)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.terminate()
    # Then wait for the pool's thread, which sees the workers gone at once: left running,
    # it races Python's exit handler over its wake-up pipe (an OSError traceback, 3.11).
    pool.shutdown(wait=True, cancel_futures=True)


def _watch(main: int) -> None:
    """Worker initializer: exit as soon as the main process MAIN dies, however it dies.

    Why: a worker blocks on its task queue, whose write end it holds itself, so it never
    sees EOF when a SIGKILLed build leaves it; while it lives, so do the fork server (it
    waits for every client to close its "alive" pipe) and the resource tracker. A
    parent-death signal alone cannot help: a worker's parent is the fork server, not the
    main process. So a thread waits on a pidfd of MAIN (polling where there is none), and
    the worker also dies with the fork server (PR_SET_PDEATHSIG).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the main process
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

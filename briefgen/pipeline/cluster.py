"""The Dask executor: `build --executor dask` runs each briefing's work on Dask workers.

Why: past one machine's cores, a scheduler that can reach many machines (or a
`LocalCluster` on this one) does the per-briefing work — check, compose, render, fit the
PDF — with `client.map`; the results (the files' bytes) come back to this process, which
stages and publishes them exactly as a plain build does, so the site is the same bytes and
a failed build leaves it untouched. A worker lost mid-build is Dask's to retry: its tasks
are run again on another worker (a briefing is a pure function of its inputs). Dask is
optional (`briefgen[dask]`); without it, asking for it is BG646.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any, TypeVar

from briefgen.errors import EXIT_IO, EXIT_USAGE, BriefError, Diagnostic, Location
from briefgen.pipeline.workers import Outcome
from briefgen.sheet.files import reason

R = TypeVar("R")
CONNECT_SECONDS = 30  # how long to wait for a scheduler given by address


def require() -> None:
    """BG646 (exit 2) unless the Dask extra is installed."""
    if importlib.util.find_spec("distributed") is None:
        raise BriefError(
            Diagnostic(
                Location("--executor"), "BG646", "the Dask executor is not installed",
                "pip install 'briefgen[dask]', or build without --executor dask",
            ),
            exit_code=EXIT_USAGE,
        )


def on_demand(
    stack: contextlib.ExitStack[bool | None], scheduler: str | None, *, workers: int
) -> Callable[[Callable[[Path], R], list[Path]], Generator[Outcome[R], None, None]]:
    """A runner that connects (or starts the LocalCluster) on its first call with sheets,
    closed with STACK: an up-to-date build starts no cluster."""
    started: list[Callable[[Callable[[Path], R], list[Path]], Generator[Outcome[R], None, None]]]
    started = []

    def run(task: Callable[[Path], R], sheets: list[Path]) -> Generator[Outcome[R], None, None]:
        if not sheets:
            return _none()
        if not started:
            started.append(stack.enter_context(executor(scheduler, workers=workers)))
        return started[0](task, sheets)

    return run


def _none() -> Generator[Outcome[R], None, None]:
    yield from ()


@contextlib.contextmanager
def executor(
    scheduler: str | None, *, workers: int
) -> Iterator[Callable[[Callable[[Path], R], list[Path]], Generator[Outcome[R], None, None]]]:
    """A runner for `build(runner=…)` on the Dask SCHEDULER at that address, or on a
    LocalCluster of WORKERS single-threaded worker processes started (and stopped) here."""
    require()
    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # its notes are not ours
    with contextlib.ExitStack() as stack:
        try:
            if scheduler:
                client = stack.enter_context(
                    Client(scheduler, timeout=CONNECT_SECONDS)  # type: ignore[no-untyped-call]
                )
            else:
                cluster = stack.enter_context(
                    LocalCluster(  # type: ignore[no-untyped-call]
                        n_workers=workers, threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=logging.CRITICAL,
                    )
                )
                client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as error:
            where = scheduler or "LocalCluster"
            raise _lost(where, f"cannot start or reach it: {_why(error)}") from None

        def run(
            task: Callable[[Path], R], sheets: list[Path]
        ) -> Generator[Outcome[R], None, None]:
            return _results(client, task, sheets, scheduler or "LocalCluster")

        yield run


def _results(
    client: Any, task: Callable[[Path], R], sheets: list[Path], where: str
) -> Generator[Outcome[R], None, None]:
    """Map TASK over SHEETS on CLIENT's workers; yield the Outcomes in input order."""
    from distributed import CancelledError
    from distributed.comm.core import CommClosedError
    from distributed.scheduler import KilledWorker

    futures = client.map(_attempt, sheets, task=task, pure=False) if sheets else []
    finished = False
    try:
        for future in futures:
            try:
                yield future.result()
            except (KilledWorker, CommClosedError, CancelledError, OSError, TimeoutError) as error:
                raise _lost(where, f"{type(error).__name__}: {_why(error)}") from None
        finished = True
    finally:
        if not finished:  # a failure, Ctrl-C or the caller stopped early
            with contextlib.suppress(Exception):
                client.cancel(futures)


def _attempt(sheet: Path, *, task: Callable[[Path], R]) -> Outcome[R]:
    """On a worker: TASK's result for SHEET, or the diagnostics of its BriefError (the
    same Outcome the process pool returns, so a failing briefing is reported alike)."""
    try:
        return Outcome(sheet, task(sheet))
    except BriefError as error:
        return Outcome(sheet, diagnostics=tuple(error.diagnostics))


def _lost(where: str, why: str) -> BriefError:
    return BriefError(
        Diagnostic(
            Location(where), "BG647", f"the Dask cluster failed the build: {why}",
            "check the scheduler and its workers; nothing was published",
        ),
        exit_code=EXIT_IO,
    )


def _why(error: BaseException) -> str:
    """ERROR in words: an OSError's reason without `[Errno N]` or a path (files.reason);
    Dask's own errors (a timeout, a closed connection) say what happened in their text."""
    if isinstance(error, OSError) and error.errno is not None:
        return reason(error)
    return str(error) or "no reason given"

"""What `briefgen serve` shows and tells: pages held in memory, problems, page events.

Why a module of its own: the watcher (briefgen/preview/watch.py) writes this state and the
web server's threads (briefgen/preview/server.py) read it; one lock guards it, here.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

from briefgen.errors import Diagnostic

EVERY = "*"  # an event for every briefing (a template changed, several sheets did)
MAX_CLIENTS = 32  # open event streams; each holds a thread


class Events:
    """Numbered events for open pages. The last few are kept: a page that connects after
    an event (it was loading) replays what it missed, so no save goes unseen."""

    def __init__(self, keep: int = 64) -> None:
        self._ready = threading.Condition()
        self._log: deque[tuple[int, str, str]] = deque(maxlen=keep)
        self.seq = 0
        self.closed = False

    def send(self, kind: str, data: str) -> None:
        with self._ready:
            self.seq += 1
            self._log.append((self.seq, kind, data))
            self._ready.notify_all()

    def after(self, seq: int, timeout: float) -> list[tuple[int, str, str]] | None:
        """The events after SEQ, waiting up to TIMEOUT for one; None once closed."""
        with self._ready:
            self._ready.wait_for(lambda: self.closed or self.seq != seq, timeout)
            if self.closed:
                return None
            if seq > self.seq or (self._log and seq < self._log[0][0] - 1):
                # a page of an earlier server (restarted), or more missed than kept
                return [(self.seq, "reload", EVERY)]
            return [e for e in self._log if e[0] > seq]

    def close(self) -> None:
        with self._ready:
            self.closed = True
            self._ready.notify_all()


@dataclass
class State:
    """What the server shows: pages held in memory, the problems, the open streams."""

    events: Events = field(default_factory=Events)
    pages: dict[str, dict[str, bytes]] = field(default_factory=dict)  # slug → name → bytes
    # ("" holds the index and feed until the first build, when there is no site yet)
    slugs: dict[str, str] = field(default_factory=dict)  # sheet → its last good slug
    problems: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)  # by sheet
    ready: threading.Event = field(default_factory=threading.Event)  # every page shown once
    settled: threading.Event = field(default_factory=threading.Event)  # first build done
    clients: set[threading.Thread] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def update(
        self,
        sheet: str,
        shown: tuple[str, dict[str, bytes]] | None,
        problems: tuple[Diagnostic, ...],
    ) -> None:
        """SHEET's fresh pages (slug, files), or None when it failed: its last good
        published page comes back."""
        with self.lock:
            self.problems[sheet] = problems
            if shown is None:
                self.pages.pop(self.slugs.get(sheet, ""), None)
            else:
                self.slugs[sheet] = shown[0]
                self.pages[shown[0]] = shown[1]

    def slug_of(self, sheet: str) -> str:
        with self.lock:
            return self.slugs.get(sheet, EVERY)

    def published(self, problems: dict[str, tuple[Diagnostic, ...]]) -> list[str]:
        """The site was published with PROBLEMS: drop the pages held in memory; the
        slugs of those whose sheet failed after all (their page goes back)."""
        with self.lock:
            back = sorted(
                slug for s, slug in self.slugs.items() if s in problems and slug in self.pages
            )
            self.pages.clear()
            self.problems = dict(problems)
            return back

    def hold_site(self, files: dict[str, bytes]) -> None:
        """Show FILES (the index, feed, site.css) until the first build publishes them."""
        with self.lock:
            self.pages[""] = files

    def page(self, parts: list[str]) -> bytes | None:
        """The held bytes of the page PARTS name (no parts: the index), or None."""
        if len(parts) > 2:
            return None
        folder, name = ["", *(parts or ["index.html"])] if len(parts) < 2 else parts
        with self.lock:
            return self.pages.get(folder, {}).get(name)

    def all_problems(self) -> list[Diagnostic]:
        with self.lock:
            return [d for sheet in sorted(self.problems) for d in self.problems[sheet]]

    def enter(self) -> bool:
        with self.lock:
            if len(self.clients) >= MAX_CLIENTS or self.events.closed:
                return False
            self.clients.add(threading.current_thread())
            return True

    def leave(self) -> None:
        with self.lock:
            self.clients.discard(threading.current_thread())

    def close(self) -> None:
        self.ready.set()
        self.settled.set()
        self.events.close()

    def join_clients(self, timeout: float) -> None:
        with self.lock:
            threads = list(self.clients)
        for thread in threads:
            thread.join(timeout)

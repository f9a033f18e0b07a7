"""Noticing commits to a SQLite database the moment they happen, in this process or another one.

``commit_signal(engine)`` is the one signal of a database file in this process. Two sources end in
``CommitSignal.notify``:

- this process: ``signal_commits(sessions, engine)`` makes every session of the database signal
  after its commit, so the writing service (register forms, the local API, the online UI) wakes
  whoever waits at once;
- other processes (another program on the same file, a script, the demo-data command): while
  anybody listens, a watcher thread reads ``PRAGMA data_version`` every few milliseconds on a
  connection of its own. SQLite changes that value whenever any other connection committed to the
  file, so one cheap read replaces polling tables.

Listeners get an ``asyncio.Event`` that is set from any thread (``call_soon_threadsafe``); they
clear it, look for work, and wait on it again. Signals may be spurious (a commit that changed
nothing they care about); they are never late by more than the watcher's interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
WATCH_SECONDS = 0.005  # how often the watcher reads data_version


class CommitSignal:
    def __init__(self, path: str | None, interval: float = WATCH_SECONDS) -> None:
        self.path, self.interval = path, interval
        self._lock = threading.Lock()
        self._listeners: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._callbacks: list[Callable[[], None]] = []
        self._watched = False
        self._conn: sqlite3.Connection | None = None  # used by the watcher thread only
        self._seen: int | None = None
        self._retry_at = 0.0

    def notify(self) -> None:
        """A commit happened (callable from any thread)."""
        with self._lock:
            listeners = list(self._listeners)
        for loop, flag in listeners:
            with contextlib.suppress(RuntimeError):  # that loop is closed
                loop.call_soon_threadsafe(flag.set)

    @contextlib.contextmanager
    def watching(self, callback: Callable[[], None]) -> Iterator[None]:
        """While the block runs, call ``callback`` in the watcher thread whenever another
        connection committed (it must be quick and must not raise)."""
        with self._lock:
            self._callbacks.append(callback)
            self._start_watching()
        try:
            yield
        finally:
            with self._lock:
                self._callbacks.remove(callback)
                self._stop_when_idle()

    def _start_watching(self) -> None:
        if self.path is not None and not self._watched:
            self._watched = True
            _WATCHER.add(self)

    @contextlib.contextmanager
    def listen(self) -> Iterator[asyncio.Event]:
        """An event set on every commit while the block runs (inside a running event loop)."""
        listener = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._listeners.add(listener)
            self._start_watching()
        try:
            yield listener[1]
        finally:
            with self._lock:
                self._listeners.discard(listener)
                self._stop_when_idle()

    def _stop_when_idle(self) -> None:
        if not self._listeners and not self._callbacks and self._watched:
            self._watched = False
            _WATCHER.remove(self)

    def check(self) -> None:
        """In the watcher thread: signal when another connection committed since the last look."""
        if time.monotonic() < self._retry_at:
            return
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(self.path or "", timeout=1.0, check_same_thread=False)
            (version,) = self._conn.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error as exc:
            log.warning("cannot watch %s for commits (%s); retrying in a second", self.path, exc)
            if self._conn is not None:
                self._conn.close()
            self._conn, self._seen, self._retry_at = None, None, time.monotonic() + 1.0
            return
        if self._seen is not None and version != self._seen:
            self.notify()
            for callback in list(self._callbacks):
                callback()
        self._seen = version

    def forget_version(self) -> None:
        """Watching stopped: the next look takes a fresh starting point."""
        self._seen = None


class _Watcher:
    """One thread reads ``data_version`` of every watched file in turn (a sync computer may serve
    many company databases; one thread keeps the wake-ups off the others' way)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._signals: set[CommitSignal] = set()
        self._running = False

    def add(self, signal: CommitSignal) -> None:
        with self._lock:
            self._signals.add(signal)
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="commit-watch", daemon=True).start()

    def remove(self, signal: CommitSignal) -> None:
        with self._lock:
            self._signals.discard(signal)
        signal.forget_version()

    def _run(self) -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            with self._lock:
                signals = list(self._signals)
                if not signals:
                    self._running = False
                    return
            for signal in signals:
                signal.check()


_WATCHER = _Watcher()
_signals: dict[Any, CommitSignal] = {}
_signals_guard = threading.Lock()


def commit_signal(engine: Engine) -> CommitSignal:
    """The commit signal of the engine's database (one per file and process). Other databases and
    in-memory SQLite get a signal that only this process's sessions set."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    file = database if database and database != ":memory:" and not database.startswith("file:") else None
    key: Any = file or id(engine)
    with _signals_guard:
        if key not in _signals:
            _signals[key] = CommitSignal(file)
        return _signals[key]


def signal_commits(sessions: sessionmaker[Session], engine: Engine) -> CommitSignal:
    """Make every session of ``sessions`` signal the database's commits."""
    signal = commit_signal(engine)
    event.listen(sessions, "after_commit", lambda _session: signal.notify())
    return signal

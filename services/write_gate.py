"""One queue per SQLite file for this process's writers, in front of ``BEGIN IMMEDIATE``.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps in growing
steps (1, 2, 5, 10 … 100 ms) and looks again. Under load a waiting writer keeps missing the short
moments the lock is free and a write that needs a millisecond waits a hundred. Writers of the
same process therefore queue on a Python lock first (``WriteGate.hold``): the next one starts the
moment the previous one committed, and SQLite's busy handler is left to writers of other
processes only.

A thread that already holds the gate (a write opened inside another) passes without queueing,
as before (SQLite then decides); a writer that waited as long as the busy timeout goes ahead
without the gate, so the gate never turns a slow write into a hang.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine

WAIT_SECONDS = 30.0  # as long as the busy timeout (services.db)


class WriteGate:
    def __init__(self, *, queue: bool = True) -> None:
        self.queue = queue  # False: a gate that never waits (databases other than SQLite files)
        self._lock = threading.Lock()
        self._owner: int | None = None

    def enter(self) -> bool:
        """Queue for the gate; True when this call holds it (then ``leave`` must follow)."""
        me = threading.get_ident()
        if not self.queue or self._owner == me:
            return False
        if not self._lock.acquire(timeout=WAIT_SECONDS):
            return False
        self._owner = me
        return True

    @property
    def busy(self) -> bool:
        """Whether a writer of this process holds the gate."""
        return self._lock.locked()

    def leave(self, held: bool) -> None:
        """End what ``enter`` returned ``held`` for (from any thread)."""
        if held:
            self._owner = None
            self._lock.release()


_OPEN = WriteGate(queue=False)
_gates: dict[str, WriteGate] = {}
_guard = threading.Lock()


def write_gate(engine: Engine) -> WriteGate:
    """The gate of the engine's SQLite file (one per file and process), else one that never waits."""
    if engine.url.get_backend_name() != "sqlite":
        return _OPEN
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return _OPEN
    with _guard:
        gate = _gates.get(database)
        if gate is None:
            gate = _gates[database] = WriteGate()
        return gate

"""SQLite online database: wake the waiting pulls of the tenants another process wrote to.

In-process writes wake pulls through ``TenantNotifier`` at once; PostgreSQL carries other
instances' writes by LISTEN/NOTIFY. On SQLite, another process (a second server on the same
file, a script) is noticed through ``services.commits``: whenever some other connection
committed, one read of every tenant's sequence says which tenants changed, and only their
listeners are woken, instead of every waiting pull re-reading the database.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator

from sqlalchemy import Engine

from services.commits import commit_signal
from services.sync.server.notify import TenantNotifier

log = logging.getLogger(__name__)


class SqliteWakeups:
    def __init__(self, engine: Engine, notifier: TenantNotifier) -> None:
        self._notifier = notifier
        self._signal = commit_signal(engine)
        self._seqs: dict[int, int] = {}
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._waiting = 0
        self._watch: contextlib.ExitStack | None = None

    @property
    def watched(self) -> bool:
        """Whether other processes' commits are noticed (a file, not an in-memory database)."""
        return self._signal.path is not None

    @contextlib.contextmanager
    def while_waiting(self) -> Iterator[None]:
        """Around a waiting pull: the database is watched while at least one pull waits."""
        with self._lock:
            self._waiting += 1
            if self._waiting == 1 and self._signal.path is not None:
                self._watch = contextlib.ExitStack()
                self._watch.enter_context(self._signal.watching(self._changed))
        try:
            yield
        finally:
            with self._lock:
                self._waiting -= 1
                if self._waiting == 0 and self._watch is not None:
                    self._watch.close()
                    self._watch = None

    def _changed(self) -> None:
        """In the watcher thread: notify every tenant whose sequence moved."""
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(self._signal.path or "", timeout=1.0, check_same_thread=False)
            rows = self._conn.execute("SELECT id, seq FROM tenants").fetchall()
        except sqlite3.Error as exc:  # the next commit tries again
            log.warning("cannot read the tenants' sequences: %s", exc)
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            return
        for tenant_id, seq in rows:
            if self._seqs.get(tenant_id) != seq:
                self._seqs[tenant_id] = seq
                self._notifier.notify(tenant_id)

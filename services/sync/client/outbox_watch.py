"""Wake a company's push loop when its outbox may hold something, with one read for all companies.

One Business Software database holds several companies, and the sync computer runs one agent per
company. Every commit to the file (``services.commits``) used to wake every agent's push loop, and
each read its outbox: with N companies, N reads per commit. Here one watch per database file and
event loop reads the head of every company's outbox in one query per wake-up and wakes only the
agents whose outbox is not empty or whose head moved. A wake-up may be spurious; the push loop
still looks every ``outbox_poll`` seconds on its own, so a missed one only delays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Iterator

from sqlalchemy import Engine

from services.commits import commit_signal
from services.sync.client.db import read_tx

log = logging.getLogger(__name__)


class OutboxWatch:
    def __init__(self, engine: Engine, key: tuple[int, int]) -> None:
        self._engine, self._key = engine, key
        self._members: dict[int, set[asyncio.Event]] = {}
        self._heads: dict[int, int] = {}
        self._task: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def listen(self, company_id: int) -> Iterator[asyncio.Event]:
        """An event set when the company's outbox may have changed (inside the running loop)."""
        event = asyncio.Event()
        self._members.setdefault(company_id, set()).add(event)
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())
        try:
            yield event
        finally:
            found = self._members.get(company_id)
            if found is not None:
                found.discard(event)
                if not found:
                    del self._members[company_id]
            if not self._members:
                if self._task is not None:
                    self._task.cancel()
                    self._task = None
                _watches.pop(self._key, None)

    async def _run(self) -> None:
        with commit_signal(self._engine).listen() as committed:
            while self._members:
                await committed.wait()
                committed.clear()  # before reading: a commit from now on sets it again
                try:
                    heads = await asyncio.to_thread(self._read)
                except sqlite3.Error as exc:  # the push loops still look on their own
                    log.warning("cannot read the outbox heads: %s", exc)
                    continue
                for company_id, events in list(self._members.items()):
                    head = heads.get(company_id, 0)
                    if head or head != self._heads.get(company_id, 0):
                        for event in events:
                            event.set()
                self._heads = heads

    def _read(self) -> dict[int, int]:
        with read_tx(self._engine) as conn:
            rows = conn.execute("SELECT company_id, MAX(id) FROM sync_outbox GROUP BY company_id").fetchall()
        return {int(company): int(top) for company, top in rows}


_watches: dict[tuple[int, int], OutboxWatch] = {}


def outbox_watch(engine: Engine) -> OutboxWatch:
    """The watch of ``engine``'s database in the running event loop."""
    key = (id(engine), id(asyncio.get_running_loop()))
    watch = _watches.get(key)
    if watch is None:
        watch = _watches[key] = OutboxWatch(engine, key)
    return watch

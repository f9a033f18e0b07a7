"""Notices of committed changes to a company's records, inside this process (live screens).

The register service, the local API and the sync agent's pull publish here after their transaction
committed: which company, which table, which records (UUIDs) and by whom. Open lists and forms
subscribe per company and refresh what they show; nobody polls a table.

There is one hub per company database in a process (``ChangeHub.of``): every set of services built
on that database in this process publishes to and hears from the same hub.

A subscriber registers from its event loop; each notice reaches it on that loop
(``call_soon_threadsafe``), whatever thread published it. A subscriber whose loop is closed is
dropped.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)
SYNC = "sync"  # ``by`` of changes that arrived from the Online Desktop


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordsChanged:
    company_id: int
    table: str
    uuids: frozenset[str]
    by: str = ""  # who changed them: a user's name, or ``SYNC``


Listener = Callable[[RecordsChanged], None]


@dataclass(eq=False)
class _Subscription:
    loop: asyncio.AbstractEventLoop
    listener: Listener


class ChangeHub:
    _hubs: dict[str, ChangeHub] = {}
    _hubs_lock = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: dict[int, set[_Subscription]] = defaultdict(set)

    @classmethod
    def of(cls, database_url: str) -> ChangeHub:
        """The hub of one company database in this process."""
        with cls._hubs_lock:
            return cls._hubs.setdefault(database_url, cls())

    def subscribe(self, company_id: int, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` (on the caller's loop) for every change of the company; returns the
        function that ends the subscription."""
        sub = _Subscription(asyncio.get_running_loop(), listener)
        with self._lock:
            self._subs[company_id].add(sub)

        def unsubscribe() -> None:
            with self._lock:
                subs = self._subs.get(company_id)
                if subs is not None:
                    subs.discard(sub)
                    if not subs:
                        del self._subs[company_id]

        return unsubscribe

    def publish(self, company_id: int, *, table: str, uuids: Iterable[str], by: str = "") -> None:
        notice = RecordsChanged(company_id=company_id, table=table, uuids=frozenset(uuids), by=by)
        if not notice.uuids:
            return
        with self._lock:
            subs = list(self._subs.get(company_id, ()))
        for sub in subs:
            try:
                sub.loop.call_soon_threadsafe(sub.listener, notice)
            except RuntimeError:  # the subscriber's loop is closed
                log.debug("dropping a change subscriber whose loop is closed")
                with self._lock:
                    self._subs.get(company_id, set()).discard(sub)

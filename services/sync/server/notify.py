"""Wake-ups for long-polling pulls: a write to a tenant wakes the pulls waiting on that tenant.

Writers may run in worker threads (the HTTP handlers do their database work there, the online
UI calls services through ``run.io_bound``), so a notification crosses into each waiter's event
loop with ``call_soon_threadsafe``. Only writes in this process notify; pulls also re-check the
database every few hundred milliseconds, which covers other processes and server instances.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(eq=False)
class Waiter:
    loop: asyncio.AbstractEventLoop
    event: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait(self, seconds: float) -> bool:
        """True when woken by a write, False after ``seconds``."""
        try:
            await asyncio.wait_for(self.event.wait(), seconds)
        except TimeoutError:
            return False
        return True


class TenantNotifier:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[int, set[Waiter]] = defaultdict(set)

    def register(self, tenant_id: int) -> Waiter:
        """Register before checking for changes, so a write in between is not missed."""
        waiter = Waiter(asyncio.get_running_loop())
        with self._lock:
            self._waiters[tenant_id].add(waiter)
        return waiter

    def discard(self, tenant_id: int, waiter: Waiter) -> None:
        with self._lock:
            self._waiters[tenant_id].discard(waiter)
            if not self._waiters[tenant_id]:
                del self._waiters[tenant_id]

    def notify(self, tenant_id: int) -> None:
        with self._lock:
            waiters = list(self._waiters.get(tenant_id, ()))
        for waiter in waiters:
            try:
                waiter.loop.call_soon_threadsafe(waiter.event.set)
            except RuntimeError:  # the waiter's loop is closed
                self.discard(tenant_id, waiter)

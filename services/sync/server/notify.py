"""Wake-ups: a write to a tenant wakes whoever waits on that tenant in this process.

Two kinds of listeners, both per tenant:

- **waiting pulls** (``register`` / ``discard``): a long-polling pull registers a ``Waiter``
  before it checks the database and waits on it;
- **subscribers** (``subscribe`` / ``Subscription.close``): anything else that shows a tenant's
  live data, e.g. an Online Desktop page that refreshes its rows. The callback gets the tenant
  id; it runs in the event loop that subscribed (or, subscribed outside a loop, in the thread
  that notifies) and must be quick: schedule the refresh, do not do it inline. Close the
  subscription when the page goes away (``client.on_disconnect``)::

      subscription = notifier.subscribe(tenant_id, lambda _tenant: refresh.set())
      client.on_disconnect(subscription.close)

Writers call ``notify`` after their transaction committed (a listener woken earlier would not see
the change yet). Writers may run in worker threads, so a wake-up crosses into each listener's
event loop with ``call_soon_threadsafe``.

**Other instances.** On PostgreSQL every write transaction also sends ``NOTIFY`` on the
deployment's channel (``wake_channel``, payload the tenant id; see ``store.bump_seq``), and each
instance keeps one ``LISTEN`` connection (``listen.PostgresWakeups``) that calls ``notify`` here:
a write through one instance wakes the pulls and pages of every instance. While that connection
is up, waiting pulls re-read the database only as a slow safety net (``recheck_seconds``: 5 s);
without it (the connection lost) they re-read every 0.2 s. On a SQLite file, other processes'
commits are noticed through ``data_version`` (``sqlite_wakeups``), so there too the re-check is
the 5 s safety net (``SyncServer._recheck_seconds``). After the connection was (re)established,
every listener is woken once (``notify_all``): notifications sent meanwhile are lost.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

IN_PROCESS_RECHECK = 0.2  # seconds between database re-checks of a waiting pull, no LISTEN
SAFETY_NET_RECHECK = 5.0  # the same while the LISTEN connection is up

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=16)
def wake_channel(database: str | None) -> str:
    """The NOTIFY channel of one deployment: named after its online database (at most 63 bytes)."""
    name = re.sub(r"[^a-z0-9_]", "_", (database or "").lower())
    return f"online_desktop_writes_{name}"[:63]


class _Listener:
    def wake(self, tenant_id: int) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


@dataclass(eq=False)
class Waiter(_Listener):
    loop: asyncio.AbstractEventLoop
    event: asyncio.Event = field(default_factory=asyncio.Event)

    def wake(self, tenant_id: int) -> None:
        self.loop.call_soon_threadsafe(self.event.set)

    async def wait(self, seconds: float) -> bool:
        """True when woken by a write, False after ``seconds``."""
        try:
            await asyncio.wait_for(self.event.wait(), seconds)
        except TimeoutError:
            return False
        return True


@dataclass(eq=False)
class Subscription(_Listener):
    """A subscriber's handle: ``close()`` (or ``TenantNotifier.unsubscribe``) ends it; idempotent."""

    notifier: TenantNotifier
    tenant_id: int
    callback: Callable[[int], None]
    loop: asyncio.AbstractEventLoop | None

    def wake(self, tenant_id: int) -> None:
        if self.loop is None:
            self._call(tenant_id)
        else:
            self.loop.call_soon_threadsafe(self._call, tenant_id)

    def _call(self, tenant_id: int) -> None:
        try:
            self.callback(tenant_id)
        except Exception:  # a subscriber's fault must not reach the writer
            log.exception("a wake-up subscriber failed")

    def close(self) -> None:
        self.notifier.unsubscribe(self)


class TenantNotifier:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[int, set[_Listener]] = defaultdict(set)
        self._cross_instance = False

    # --- waiting pulls --------------------------------------------------------------------------

    def register(self, tenant_id: int) -> Waiter:
        """Register before checking for changes, so a write in between is not missed."""
        waiter = Waiter(asyncio.get_running_loop())
        self._add(tenant_id, waiter)
        return waiter

    def discard(self, tenant_id: int, waiter: Waiter) -> None:
        self._remove(tenant_id, waiter)

    # --- subscribers ----------------------------------------------------------------------------

    def subscribe(self, tenant_id: int, callback: Callable[[int], None]) -> Subscription:
        """Call ``callback(tenant_id)`` after every committed write to the tenant, until closed."""
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        subscription = Subscription(self, tenant_id, callback, loop)
        self._add(tenant_id, subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._remove(subscription.tenant_id, subscription)

    def listeners(self, tenant_id: int) -> int:
        """How many pulls and subscribers wait on the tenant in this process."""
        with self._lock:
            return len(self._listeners.get(tenant_id, ()))

    # --- writers and the cross-instance link ------------------------------------------------------

    def notify(self, tenant_id: int) -> None:
        """Wake the tenant's listeners in this process (after the write committed)."""
        with self._lock:
            listeners = list(self._listeners.get(tenant_id, ()))
        self._wake(tenant_id, listeners)

    def notify_all(self) -> None:
        """Wake every listener of every tenant (notifications may have been missed)."""
        with self._lock:
            everyone = [(t, list(found)) for t, found in self._listeners.items()]
        for tenant_id, listeners in everyone:
            self._wake(tenant_id, listeners)

    def set_cross_instance(self, up: bool) -> None:
        """Told by the LISTEN connection whether other instances' writes reach this process."""
        self._cross_instance = up

    @property
    def cross_instance(self) -> bool:
        return self._cross_instance

    @property
    def recheck_seconds(self) -> float:
        """How long a waiting pull may wait before it re-reads the database anyway."""
        return SAFETY_NET_RECHECK if self._cross_instance else IN_PROCESS_RECHECK

    def _wake(self, tenant_id: int, listeners: list[_Listener]) -> None:
        for listener in listeners:
            try:
                listener.wake(tenant_id)
            except RuntimeError:  # the listener's loop is closed
                self._remove(tenant_id, listener)

    def _add(self, tenant_id: int, listener: _Listener) -> None:
        with self._lock:
            self._listeners[tenant_id].add(listener)

    def _remove(self, tenant_id: int, listener: _Listener) -> None:
        with self._lock:
            found = self._listeners.get(tenant_id)
            if found is not None:
                found.discard(listener)
                if not found:
                    del self._listeners[tenant_id]

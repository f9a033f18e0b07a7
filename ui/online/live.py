"""Online Desktop pages that follow the company account's changes as they are committed (a colleague's
save, a push from the Business Software), woken by the sync server's notifier per account
(``services.sync.server.notify``): no table is polled. The header's staleness notice is re-read
(one row) every half minute.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from nicegui import background_tasks

from services.container import OnlineServices
from ui.components.live import when_gone

log = logging.getLogger(__name__)
WAIT = 30.0  # seconds per wait; a wake-up ends it at once


def watch_tenant(online: OnlineServices, tenant_id: int, on_change: Callable[[], None]) -> None:
    """``on_change`` after every committed write to the account while the page is open."""
    notifier = online.sync_server.notifier

    async def follow() -> None:
        waiter = notifier.register(tenant_id)
        try:
            while True:
                woken = await waiter.wait(WAIT)
                notifier.discard(tenant_id, waiter)
                waiter = notifier.register(tenant_id)  # before reading, so no write is missed
                if woken:
                    on_change()
        except asyncio.CancelledError:
            raise
        finally:
            notifier.discard(tenant_id, waiter)

    task = background_tasks.create(follow(), name="online live")
    when_gone(task.cancel)

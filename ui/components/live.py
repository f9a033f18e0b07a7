"""Live screens: refresh what a page shows when a change arrives, without polling tables.

``Refresher(work)`` runs ``work`` (async) soon after it is poked, one run at a time; pokes during a
run cause exactly one more run, so a burst of changes costs at most two refreshes. It runs in the
page's context (notifications work), and stops with the page (the browser tab closed).
``when_gone(stop)`` calls ``stop`` when the page's client is deleted (ends subscriptions, tasks).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import background_tasks, ui

log = logging.getLogger(__name__)


class Refresher:
    def __init__(self, work: Callable[[], Awaitable[Any]]) -> None:
        self._work = work
        self._parent = ui.context.slot.parent
        self._client = ui.context.client
        self._running = self._again = False

    def poke(self, *_args: Any) -> None:
        if self._client.id not in self._client.instances:  # the page is gone
            return
        if self._running:
            self._again = True
            return
        self._running = True
        background_tasks.create(self._run(), name="live refresh")

    async def _run(self) -> None:
        try:
            while True:
                self._again = False
                with self._parent:
                    await self._work()
                if not self._again:
                    return
        except Exception:  # a refresh that fails leaves the page as it was; the next change tries again
            log.debug("live refresh failed", exc_info=True)
        finally:
            self._running = False


def when_gone(stop: Callable[[], Any]) -> None:
    """Call ``stop`` when this page's client goes away."""
    ui.context.client.on_delete(stop)

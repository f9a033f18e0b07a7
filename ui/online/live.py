"""Online Desktop pages that follow the company account's changes as they are committed (a colleague's
save, a push from the Business Software), through the sync server's notifier per account
(``TenantNotifier.subscribe``, woken across server instances on PostgreSQL): no table is polled.
The header's staleness notice is re-read (one row) every half minute (``frame``).
"""

from __future__ import annotations

from collections.abc import Callable

from services.container import OnlineServices
from ui.components.live import when_gone


def watch_tenant(online: OnlineServices, tenant_id: int, on_change: Callable[[], None]) -> None:
    """``on_change`` (on this page's loop) after every committed write to the account while the
    page is open."""
    subscription = online.sync_server.notifier.subscribe(tenant_id, lambda _tenant: on_change())
    when_gone(subscription.close)

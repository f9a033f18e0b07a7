"""The contract on the Online Desktop's pages: modules outside it have no tile and no page, an
expired contract shows why everything is read-only and offers no way to change anything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nicegui.testing import User
from sqlalchemy import update

from models.online import Tenant
from tests.ui.test_online_id_pages import log_in
from tests.ui.test_online_workspace_pages import PASSWORD, account, online_side


def set_contract(app_env: Path, tenant_id: int, **values: object) -> None:
    services = online_side(app_env)
    assert services.db.online is not None
    with services.db.online.begin() as s:
        s.execute(update(Tenant).where(Tenant.id == tenant_id).values(**values))
    services.db.dispose()


async def test_modules_outside_the_contract_have_no_tile_and_their_page_says_why(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    mine = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.1)
    services.db.dispose()
    set_contract(app_env, mine.tenant_id, modules="contacts,activities")
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-tile-contacts")
    await user.should_not_see(marker="online-tile-sales_orders")
    await user.should_not_see(marker="online-tile-products")
    await user.open(f"/online/c/{mine.tenant_uuid}/sales_orders")
    await user.should_see(marker="online-refused", content="not part of your company's service contract")


async def test_an_expired_contract_shows_why_and_what_to_do_and_nothing_can_be_changed(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    mine = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.1)
    services.db.dispose()
    set_contract(app_env, mine.tenant_id, contract_valid_until=dt.date(2026, 1, 31))
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="contract-expired")
    await user.should_see("Service contract expired on Jan 31, 2026")
    await user.should_see("Manage licence information")
    await user.open(f"/online/c/{mine.tenant_uuid}/contacts")
    await user.should_see("Entries: 30")
    await user.should_see(marker="contract-expired")
    await user.should_not_see(marker="online-new")

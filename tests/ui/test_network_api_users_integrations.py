"""Network computers, API users with their sessions, integrations and the Sync tab, as a user sees them."""

from __future__ import annotations

from pathlib import Path

from nicegui.testing import User

from services.config import Settings
from services.container import build_services
from tests.ui.test_licence_journey import (
    add_online_desktop_to,
    arrive_at,
    create_and_open_company,
    open_add_on_products,
    seen,
)


def hold_initial_sync_lock(data_dir: Path, *, release: bool = False) -> None:
    """What the sync area does around the initial sync, done from outside the page."""
    services = build_services(Settings(data_dir=data_dir, computer_name="TEST-PC"))
    try:
        company = next(c for c in services.local.companies.list_companies() if c.name == "Müller GmbH")
        if release:
            services.local.sync_lock.release(company.id)
        else:
            services.local.sync_lock.acquire(company.id, "initial-sync")
    finally:
        services.db.dispose()


async def test_this_computer_is_listed_as_the_system_database_host(user: User) -> None:
    await create_and_open_company(user)
    await user.open("/registers/network-computers")
    await user.should_see(marker="computer-TEST-PC")
    with user.scope(marker="computer-TEST-PC"):
        await user.should_see("System database")
        await user.should_see("this computer")


async def test_an_api_session_is_listed_and_logged_out_from_business_software(user: User) -> None:
    await create_and_open_company(user)
    await user.open("/registers/api-users")
    (await seen(user, "api-user-create")).click()
    (await seen(user, "api-user-name")).type("shop-sync")
    (await seen(user, "api-user-save")).click()
    await user.should_see("Note the secret now: it is shown only once.")
    secret = next(iter((await seen(user, "api-user-secret")).elements)).value  # type: ignore[attr-defined]
    login = await user.http_client.post("/api/local/v1/login", json={"name": "shop-sync", "secret": secret})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    assert (await user.http_client.get("/api/local/v1/contacts", headers=headers)).status_code == 200
    await user.open("/registers/api-users")
    await user.should_see("1 session(s) logged in")
    (await seen(user, "api-sessions-logout-all")).click()
    await user.should_see(marker="api-sessions-none")
    assert (await user.http_client.get("/api/local/v1/contacts", headers=headers)).status_code == 401


async def test_an_integration_is_opened_and_closed_but_not_opened_during_the_initial_sync(
    user: User, app_env: Path
) -> None:
    await create_and_open_company(user)
    await user.open("/registers/integrations")
    (await seen(user, "integration-name")).type("Webshop")
    (await seen(user, "integration-register")).click()
    await user.should_see(marker="integration-Webshop")
    (await seen(user, "integration-toggle-Webshop")).click()
    await user.should_see(marker="integration-state-Webshop", content="Open")
    (await seen(user, "integration-toggle-Webshop")).click()
    await user.should_see(marker="integration-state-Webshop", content="Closed")
    hold_initial_sync_lock(app_env)
    (await seen(user, "integration-toggle-Webshop")).click()
    await user.should_see("Locked: the initial synchronisation is running. Please try again later.")
    await user.should_see(marker="integration-state-Webshop", content="Closed")
    hold_initial_sync_lock(app_env, release=True)
    (await seen(user, "integration-toggle-Webshop")).click()
    await user.should_see(marker="integration-state-Webshop", content="Open")


async def test_the_settings_page_says_how_to_activate_before_the_restart(user: User) -> None:
    await create_and_open_company(user)
    await user.open("/settings/online-desktop")
    await user.should_see(marker="od-inactive")
    await open_add_on_products(user)
    await add_online_desktop_to(user, "Müller GmbH")
    await user.should_see("Restart Business Software to activate the add-on product.")
    await user.open("/settings/online-desktop")
    await user.should_see(marker="od-inactive")


async def test_the_sync_tab_saves_the_sync_computer_and_offers_no_interval(user: User) -> None:
    await create_and_open_company(user)
    await open_add_on_products(user)
    await add_online_desktop_to(user, "Müller GmbH")
    await user.should_see("Restart Business Software to activate the add-on product.")
    (await seen(user, "restart")).click()
    await arrive_at(user, "/")
    await user.open("/settings/online-desktop?tab=sync")
    await user.should_see("TEST-PC (System database, this computer)")
    await user.should_see("That is why there is no interval to set.")
    await user.should_not_see(marker="sync-interval")
    (await seen(user, "sync-save")).click()
    await user.should_see("The synchronisation settings were saved.")

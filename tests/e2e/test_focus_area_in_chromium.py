"""In a real browser: the focus area's Online ID login and "Open Online Desktop" in a new tab,
logged in through a single-use link; the same link opened again gets a clear page."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Page, expect

from models.online import Membership, OnlineId, Tenant
from services.db import make_engine, make_session_factory
from services.secrets.passwords import hash_password
from tests.e2e.conftest import LogIn, Screenshot
from tests.live_server import ServerFactory
from tests.services.local.licensing_factories import prepare_connectable_company

ADDRESS, PASSWORD = "anna@mueller.example", "Wolken-Kratzer-Blau-8"


def online_member(data_dir: Path) -> str:
    """An active Online ID, Super User of the company account "Müller GmbH"; its UUID."""
    engine = make_engine(f"sqlite:///{data_dir / 'online.sqlite3'}")
    try:
        with make_session_factory(engine).begin() as s:
            person = OnlineId(email=ADDRESS, password_hash=hash_password(PASSWORD), status="active")
            tenant = Tenant(name="Müller GmbH", seats=5)
            s.add_all([person, tenant])
            s.flush()
            s.add(Membership(tenant_id=tenant.id, online_id_id=person.id, role="super_user", active=True))
            return tenant.uuid
    finally:
        engine.dispose()


async def test_the_focus_area_opens_the_online_desktop_logged_in_through_a_single_use_link(
    page: Page, start_server: ServerFactory, tmp_path: Path, log_in: LogIn, screenshot: Screenshot
) -> None:
    data_dir = tmp_path / "prepared"
    prepare_connectable_company(data_dir)
    tenant = online_member(data_dir)
    server = start_server(data_dir=data_dir)

    await log_in(page, server)
    card = page.locator(".q-card", has=page.get_by_text("Müller GmbH", exact=True))
    await card.get_by_role("button", name="Open").click()
    await page.get_by_test_id("tile-focus-online-desktop").click()
    await expect(page.get_by_text("Focus area")).to_be_visible()
    await page.get_by_label("E-mail address").fill(ADDRESS)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_text(f"Logged in with the Online ID {ADDRESS}.")).to_be_visible()
    await screenshot(page, "focus-area")

    async with page.context.expect_page() as opened:
        await page.get_by_role("link", name="Open Online Desktop").click()
    online = await opened.value
    await expect(online).to_have_url(re.compile(rf"/online/c/{tenant}$"))
    await expect(online.get_by_test_id("online-company")).to_have_text("Müller GmbH")
    await screenshot(online, "online-desktop")

    answer = await page.request.get(server.url + "/focus/online-desktop/open", max_redirects=0)
    assert answer.status == 303
    link = answer.headers["location"]
    assert "/id/focus?token=" in link and PASSWORD not in link
    fresh = await page.context.browser.new_context(locale="en-US")  # type: ignore[union-attr]
    try:
        first = await fresh.new_page()
        await first.goto(link)
        await expect(first).to_have_url(re.compile(rf"/online/c/{tenant}$"))
        again = await fresh.new_page()
        await again.goto(link)
        await expect(
            again.get_by_text("This link to the Online Desktop has already been used.")
        ).to_be_visible()
        await expect(again.get_by_role("button", name="Log in")).to_be_visible()
        await screenshot(again, "used-link")
    finally:
        await fresh.close()

"""A Super User invites an employee in a real browser; the employee opens the mail in the built-in
mailbox, sets a password and lands in the company."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import Browser, Page, expect

from models.online import Membership, OnlineEmployee, OnlineId, Tenant
from services.config import Settings
from services.container import build_services
from services.secrets.passwords import hash_password
from tests.e2e.conftest import Screenshot
from tests.live_server import LiveServer

PASSWORD = "Blue-Tomato-Sunrise-7"
NEW_PASSWORD = "Green-Harbour-Lantern-5"


def company_with_employee(server: LiveServer) -> str:
    """Müller GmbH with Super User anna@example.com and the employee Ben Adler (not invited yet)."""
    services = build_services(Settings(data_dir=server.data_dir, role="online"))
    assert services.db.online is not None
    try:
        with services.db.online.begin() as s:
            anna = OnlineId(
                email="anna@example.com",
                full_name="Anna Berg",
                password_hash=hash_password(PASSWORD),
                status="active",
            )
            tenant = Tenant(name="Müller GmbH", seats=5)
            s.add_all([anna, tenant])
            s.flush()
            s.add(Membership(tenant_id=tenant.id, online_id_id=anna.id, role="super_user", active=True))
            s.add(
                OnlineEmployee(
                    tenant_id=tenant.id,
                    uuid=str(uuid.uuid4()),
                    seq=1,
                    first_name="Ben",
                    last_name="Adler",
                    email="ben@example.com",
                )
            )
            return tenant.uuid
    finally:
        services.db.dispose()


async def test_an_invited_employee_joins_through_the_mailed_link(
    page: Page, browser: Browser, live_server: LiveServer, screenshot: Screenshot
) -> None:
    tenant_uuid = company_with_employee(live_server)
    await page.goto(live_server.url + "/id/login")
    await page.get_by_label("E-mail address").fill("anna@example.com")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page.get_by_test_id("online-company")).to_have_text("Müller GmbH")

    await page.goto(f"{live_server.url}/online/c/{tenant_uuid}/users")
    await expect(page.get_by_test_id("status-ben@example.com")).to_contain_text("Not invited")
    await expect(page.get_by_test_id("seat-counter")).to_have_text(
        "Seats: 5 · used: 1 · pending: 0 · left: 4"
    )
    await page.get_by_test_id("invite-ben@example.com").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_label("E-mail")).to_have_value("ben@example.com")
    await expect(dialog.get_by_text("check the spam folder")).to_be_visible()
    await dialog.get_by_label("Personal message (optional)").fill("Willkommen im Team!")
    await screenshot(page, "invite-dialog")
    await dialog.get_by_role("button", name="Send invitation").click()
    await expect(page.get_by_test_id("status-ben@example.com")).to_contain_text("Invited (pending, expires")
    await expect(page.get_by_test_id("seat-counter")).to_have_text(
        "Seats: 5 · used: 1 · pending: 1 · left: 3"
    )
    await screenshot(page, "invited")

    # Ben, in his own browser: the mailbox, the link, a password, and he is in the company.
    context = await browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    ben = await context.new_page()
    try:
        await ben.goto(live_server.url + "/mail")
        await ben.get_by_role("link", name="Invitation to Müller GmbH in Online Desktop").click()
        await expect(ben.get_by_text("Willkommen im Team!")).to_be_visible()
        await ben.get_by_role("link", name="Accept invitation", exact=True).click()
        await expect(ben).to_have_url(re.compile(r"/id/invitation\?token="))
        await expect(ben.get_by_test_id("invitation-company")).to_have_text("Company account: Müller GmbH")
        await ben.get_by_label("New password").fill(NEW_PASSWORD)
        await ben.get_by_label("Repeat password").fill(NEW_PASSWORD)
        await screenshot(ben, "accept")
        await ben.get_by_role("button", name="Set password and join").click()
        await expect(ben).to_have_url(re.compile(rf"/online/c/{tenant_uuid}$"))
        await expect(ben.get_by_test_id("online-company")).to_have_text("Müller GmbH")
        await screenshot(ben, "joined")
    finally:
        await context.close()

    await page.reload()
    await expect(page.get_by_test_id("status-ben@example.com")).to_have_text("Active")
    await expect(page.get_by_test_id("seat-counter")).to_have_text(
        "Seats: 5 · used: 2 · pending: 0 · left: 3"
    )

"""In a real browser: the connection wizard from the desktop tile to the finished initial sync.

The company (with some contacts) is prepared through the services before the server starts; the
server's start is the restart that activates the Online Desktop add-on. The person has no Online
ID yet: they create one in step 4, follow the link from the built-in mailbox in a second tab, set
a password, come back and log in; "Run" creates the company account and the initial sync copies
every row to the Online Desktop database, which the test counts.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Page, expect
from sqlalchemy import func, select

from models.local import Contact
from models.online import Membership, OnlineContact, OnlineId, Tenant
from services.db import make_engine, make_session_factory
from tests.e2e.conftest import LogIn, Screenshot
from tests.live_server import ServerFactory
from tests.services.local.licensing_factories import prepare_connectable_company

PASSWORD = "Wolken-Kratzer-Blau-8"
ADDRESS = "anna@mueller.example"  # the linked employee's address, proposed as the Online ID


async def test_the_wizard_creates_an_online_id_connects_the_company_and_the_initial_sync_finishes(
    page: Page, start_server: ServerFactory, tmp_path: Path, log_in: LogIn, screenshot: Screenshot
) -> None:
    data_dir = tmp_path / "prepared"
    contacts = prepare_connectable_company(data_dir, contacts=120)
    server = start_server(data_dir=data_dir)

    await log_in(page, server)
    card = page.locator(".q-card", has=page.get_by_text("Müller GmbH", exact=True))
    await card.get_by_role("button", name="Open").click()
    await page.get_by_test_id("tile-connect-online-desktop").click()
    await expect(page).to_have_url(re.compile(r"/settings/online-desktop/connect$"))
    await expect(page.get_by_text("Connection wizard").first).to_be_visible()

    # 1 prerequisites: Connect runs the check; all green, the wizard goes on by itself
    await page.get_by_test_id("wizard-next-prerequisites").click()
    await expect(page.get_by_text("All prerequisites are met.")).to_be_visible()
    await expect(page.get_by_test_id("prereq-10")).to_have_attribute("data-status", "ok")
    await screenshot(page, "1-prerequisites")
    # 2 Connect, 3 service contract: Next
    await expect(page.get_by_text("“Müller GmbH” to Online Desktop")).to_be_visible()
    await page.get_by_test_id("wizard-next-connect").click()
    await expect(page.get_by_text("User seats")).to_be_visible()
    await page.get_by_test_id("wizard-next-service").click()

    # 4 Online ID: create one by e-mail link
    await page.get_by_role("tab", name="Create an Online ID").click()
    new_email = page.get_by_label("E-mail address (user name)").last
    await expect(new_email).to_have_value(ADDRESS)
    await page.get_by_role("button", name="Send link").click()
    await expect(page.get_by_text(f"We have sent an e-mail to {ADDRESS}.")).to_be_visible()
    await expect(page.get_by_text("Please check your spam folder too.")).to_be_visible()
    await expect(page.get_by_role("button", name="Send again")).to_be_visible()
    await screenshot(page, "4-online-id-sent")

    mailbox = await page.context.new_page()
    await mailbox.goto(server.url + "/mail")
    await mailbox.get_by_role("link", name="Confirm your Online ID").click()
    await mailbox.get_by_role("link", name="Set password", exact=True).click()
    await mailbox.get_by_label("New password").fill(PASSWORD)
    await mailbox.get_by_label("Repeat password").fill(PASSWORD)
    await mailbox.get_by_role("button", name="Set password and activate Online ID").click()
    await expect(mailbox.get_by_text("Your Online ID is active. Log in now.")).to_be_visible()
    await mailbox.close()

    await page.get_by_role("tab", name="I have an Online ID").click()
    email = page.get_by_label("E-mail address (user name)").first
    await expect(email).to_have_value(ADDRESS)
    await page.get_by_label("Password", exact=True).fill("not-the-password")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_text("The e-mail address or password is wrong").first).to_be_visible()
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_text(f"Logged in as {ADDRESS}")).to_be_visible()
    await page.get_by_test_id("wizard-next-online_id").click()

    # 5 registration information, 6 now, 7 run
    await expect(page.get_by_test_id("wizard-reg-registration_number")).to_have_text("HRB 98765")
    await screenshot(page, "5-registration")
    await page.get_by_test_id("wizard-next-registration").click()
    await expect(page.get_by_text("When should the initial synchronisation start?")).to_be_visible()
    await page.get_by_test_id("wizard-next-when").click()
    await expect(page.get_by_test_id("wizard-summary")).to_contain_text(ADDRESS)
    await page.get_by_test_id("wizard-run").click()

    await expect(page.get_by_text("The company database is connected to Online Desktop.")).to_be_visible(
        timeout=45_000
    )  # Run hashes, creates and connects
    await expect(page.get_by_text("Initial synchronisation finished.")).to_be_visible(timeout=60_000)
    await expect(page.locator(".q-notification")).to_have_count(0, timeout=15_000)  # notices have faded
    await screenshot(page, "status-window")

    online = make_session_factory(make_engine(f"sqlite:///{data_dir / 'online.sqlite3'}"))
    with online() as s:
        tenant = s.scalars(select(Tenant)).one()
        synced = s.scalar(
            select(func.count())
            .select_from(OnlineContact)
            .where(OnlineContact.tenant_id == tenant.id, OnlineContact.deleted.is_(False))
        )
        role = s.scalar(
            select(Membership.role)
            .join(OnlineId, OnlineId.id == Membership.online_id_id)
            .where(OnlineId.email == ADDRESS)
        )
    assert tenant.name == "Müller GmbH" and role == "super_user"
    assert synced == contacts > 0
    rows = await page.get_by_test_id("wizard-status-rows").inner_text()
    assert int(rows.replace(",", "")) >= contacts

    # The Online ID now works on the same data in the Online Desktop: an edit there reaches the
    # Business Software database within seconds.
    await page.goto(server.url + "/id/login")
    await page.get_by_label("E-mail address").fill(ADDRESS)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page.get_by_test_id("online-company")).to_have_text("Müller GmbH")
    await expect(page.get_by_test_id("online-stale")).to_have_count(0)  # it has just synchronised
    await page.get_by_test_id("online-tile-contacts").click()
    await expect(page.get_by_text(f"Entries: {contacts}")).to_be_visible()
    first = page.locator(".q-table tbody tr").first
    name = (await first.locator("td").nth(1).inner_text()).strip()
    await first.click()
    await page.get_by_label("City").fill("Online-Stadt")
    await page.get_by_test_id("save").click()
    await expect(page.get_by_text("Saved.")).to_be_visible()
    await screenshot(page, "online-contacts")

    local = make_session_factory(make_engine(f"sqlite:///{data_dir / 'business.sqlite3'}"))
    for _ in range(100):
        with local() as s:
            city = s.scalar(select(Contact.city).where(Contact.name == name))
        if city == "Online-Stadt":
            break
        await page.wait_for_timeout(100)
    assert city == "Online-Stadt"

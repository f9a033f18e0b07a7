"""Acceptance: in a real browser a user opens a company, creates a contact and finds it again."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.e2e.conftest import LogIn, Screenshot
from tests.live_server import ServerFactory

NEW_CONTACT = "Zebrafink Gartenbau 4711"


async def test_a_new_contact_is_saved_and_found_through_the_list_search(
    page: Page, start_server: ServerFactory, log_in: LogIn, screenshot: Screenshot
) -> None:
    live_server = start_server(env={"SAMPLE_DEMO_DATA": "true"})  # a contact among the demo contacts
    await log_in(page, live_server)
    sample = page.locator(".q-card", has=page.get_by_text("Beispielfirma / Sample company"))
    await sample.get_by_role("button", name="Open").click()
    await expect(page.get_by_test_id("company-name")).to_have_text("Beispielfirma / Sample company")

    await page.get_by_test_id("tile-contacts").click()
    await expect(page).to_have_url(re.compile(r"/registers/contacts$"))
    rows = page.locator(".q-table tbody tr")
    await expect(rows.first).to_be_visible()  # the sample company comes with demo contacts

    await page.get_by_role("button", name="New").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Name", exact=True).fill(NEW_CONTACT)
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()

    await page.get_by_label("Search").fill("Zebrafink")

    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(NEW_CONTACT)
    await screenshot(page, "contact-found")

"""In a real browser: a register list shows its count and page buttons on first open, the numbers
grouped the way the language writes them ("1–25 of 1,234" / "1–25 von 1.234")."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Page, expect

from tests.e2e.conftest import LogIn, Screenshot
from tests.live_server import ServerFactory
from tests.services.local.licensing_factories import prepare_connectable_company


async def test_the_contacts_list_shows_count_and_pages_on_first_open_in_both_languages(
    page: Page, start_server: ServerFactory, tmp_path: Path, log_in: LogIn, screenshot: Screenshot
) -> None:
    data_dir = tmp_path / "prepared"
    assert prepare_connectable_company(data_dir, contacts=1234) == 1234
    server = start_server(data_dir=data_dir)

    await log_in(page, server)
    card = page.locator(".q-card", has=page.get_by_text("Müller GmbH", exact=True))
    await card.get_by_role("button", name="Open").click()
    await expect(page).to_have_url(re.compile(r"/$"))
    await page.get_by_test_id("tile-contacts").click()
    await expect(page).to_have_url(re.compile(r"/registers/contacts$"))

    pager = page.locator(".q-table__bottom")
    await expect(page.locator(".q-table tbody tr")).to_have_count(25)
    await expect(pager).to_contain_text("1–25 of 1,234")
    await expect(pager).to_contain_text("Rows per page")
    await pager.get_by_role("button", name="Next page").click()  # the page buttons are there at once
    await expect(pager).to_contain_text("26–50 of 1,234")
    await screenshot(page, "english")

    await page.get_by_test_id("language").get_by_text("DE", exact=True).click()  # reloads the page
    await expect(pager).to_contain_text("1–25 von 1.234")
    await expect(pager).to_contain_text("Einträge pro Seite")
    await screenshot(page, "german")

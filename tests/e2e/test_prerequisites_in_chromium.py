"""In a real browser: the coloured prerequisites list shows a red row, the user fixes it, re-checks, green.

The company is prepared through the services before the server starts, with the Online Desktop
add-on bound but not yet activated: the server's start is the restart that activates it.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Page, expect

from tests.e2e.conftest import LogIn, Screenshot
from tests.live_server import ServerFactory
from tests.services.local.licensing_factories import prepare_connectable_company


async def test_a_red_prerequisite_is_fixed_in_the_ui_and_turns_green_after_checking_again(
    page: Page, start_server: ServerFactory, tmp_path: Path, log_in: LogIn, screenshot: Screenshot
) -> None:
    data_dir = tmp_path / "prepared"
    prepare_connectable_company(data_dir, open_integration=True)
    server = start_server(data_dir=data_dir)

    await log_in(page, server)
    card = page.locator(".q-card", has=page.get_by_text("Müller GmbH", exact=True))
    await card.get_by_role("button", name="Open").click()
    await expect(page).to_have_url(re.compile(r"/$"))
    await page.get_by_test_id("tile-connect-online-desktop").click()

    await expect(page).to_have_url(re.compile(r"/settings/online-desktop/connect$"))
    await page.get_by_test_id("wizard-next-prerequisites").click()  # Connect: the system checks
    row = page.get_by_test_id("prereq-8")
    await expect(row).to_have_attribute("data-status", "failed")
    await expect(row).to_have_class(re.compile(r"bg-red-1"))
    await expect(row).to_contain_text("Open integrations: Webshop")
    await expect(page.get_by_test_id("prereq-1")).to_have_attribute("data-status", "ok")
    await expect(page.get_by_test_id("prereq-1")).to_have_class(re.compile(r"bg-green-1"))
    await expect(page.get_by_text("One prerequisite is not met.")).to_be_visible()
    await screenshot(page, "red")

    await row.get_by_role("button", name="Fix").click()
    await expect(page).to_have_url(re.compile(r"/registers/integrations$"))
    webshop = page.locator(".q-card", has=page.get_by_text("Webshop", exact=True))
    await webshop.get_by_role("button", name="Close").click()
    await expect(webshop.get_by_text("Closed", exact=True)).to_be_visible()

    await page.get_by_role("button", name="Back to the connection wizard").click()
    await expect(page).to_have_url(re.compile(r"/settings/online-desktop/connect$"))
    await expect(page.get_by_test_id("prereq-8")).to_have_attribute("data-status", "ok")
    await expect(page.get_by_test_id("prereq-8")).to_have_class(re.compile(r"bg-green-1"))
    await expect(page.get_by_text("All prerequisites are met.")).to_be_visible()
    await screenshot(page, "green")

"""A user in a real browser logs in, sees the company databases and opens the sample company."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.e2e.conftest import LogIn, Screenshot
from tests.live_server import LiveServer


async def test_the_administrator_logs_in_and_opens_the_sample_company_desktop(
    page: Page, live_server: LiveServer, log_in: LogIn, screenshot: Screenshot
) -> None:
    await log_in(page, live_server)
    await expect(page.get_by_text("Company databases").first).to_be_visible()
    sample = page.get_by_text("Beispielfirma / Sample company")
    await expect(sample).to_be_visible()
    await screenshot(page, "company-list")

    card = page.locator(".q-card", has=sample)
    await card.get_by_role("button", name="Open").click()

    await expect(page).to_have_url(re.compile(r"/$"))
    await expect(page.get_by_test_id("company-name")).to_have_text("Beispielfirma / Sample company")
    for menu in ("File", "View", "Functions", "Help"):
        await expect(page.get_by_role("button", name=menu, exact=True)).to_be_visible()
    await screenshot(page, "desktop")


async def test_a_wrong_password_keeps_the_visitor_on_the_login_page(
    page: Page, shared_live_server: LiveServer
) -> None:
    await page.goto(shared_live_server.url + "/login")
    await page.get_by_label("User name").fill("admin")
    await page.get_by_label("Password").fill("not-the-password")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_text("User name or password is wrong.")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"/login$"))

"""A person creates an Online ID in a real browser, using only the built-in mailbox."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.e2e.conftest import Screenshot
from tests.live_server import LiveServer

ADDRESS = "frida@example.com"
PASSWORD = "Blue-Tomato-Sunrise-7"


async def test_sign_up_follow_the_mailed_link_set_a_password_log_in_and_the_link_is_then_used(
    page: Page, live_server: LiveServer, screenshot: Screenshot
) -> None:
    await page.goto(live_server.url + "/id/")
    await page.get_by_label("E-mail address").fill(ADDRESS)
    await page.get_by_role("button", name="Create Online ID").click()
    await expect(page.get_by_text(f"We have sent an e-mail to {ADDRESS}.")).to_be_visible()
    await expect(page.get_by_text("Please check your spam folder as well.")).to_be_visible()
    await screenshot(page, "check-email")

    await page.get_by_role("link", name="Open the built-in mailbox").click()
    await page.get_by_role("link", name="Confirm your Online ID").click()
    await expect(page.get_by_text("Confirm your Online ID", exact=True)).to_be_visible()
    await expect(page.get_by_text(ADDRESS, exact=True)).to_be_visible()
    await screenshot(page, "mail")
    await page.get_by_role("link", name="Set password", exact=True).click()

    await expect(page).to_have_url(re.compile(r"/id/verify\?token="))
    verify_url = page.url
    await expect(page.get_by_text(f"Online ID: {ADDRESS}")).to_be_visible()
    await page.get_by_label("New password").fill(PASSWORD)
    await page.get_by_label("Repeat password").fill(PASSWORD)
    await page.get_by_role("button", name="Set password and activate Online ID").click()

    await expect(page).to_have_url(re.compile(r"/id/login$"))
    await expect(page.get_by_text("Your Online ID is active. Log in now.")).to_be_visible()
    await expect(page.get_by_label("E-mail address")).to_have_value(ADDRESS)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()

    await expect(page).to_have_url(re.compile(r"/online$"))
    await expect(page.get_by_text(f"Logged in as {ADDRESS}")).to_be_visible()
    await screenshot(page, "online-desktop")

    await page.goto(verify_url)
    await expect(page.get_by_text("Link already used")).to_be_visible()
    await expect(page.get_by_text("This link has already been used.")).to_be_visible()
    await expect(page.get_by_role("button", name="Send a new link")).to_be_visible()
    await screenshot(page, "link-used")

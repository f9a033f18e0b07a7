"""The steps of the whole journey (``test_journey.py``), in either language.

Every label is looked up in the catalogue for the journey's language, so one walk covers German
and English. ``Journey.step`` ends each step: it checks the page's text against the other
language's catalogue (``page_language.py``) and saves a screenshot under the test's temporary
folder; with ``JOURNEY_SCREENSHOTS=1`` the steps of ``TOUR_STEPS`` also go to
``docs/screenshots/tour/`` (the README's tour).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Locator, Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

from services.i18n import translate
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.page_language import assert_in_language
from tests.live_server import ROOT, LiveServer

TOUR = ROOT / "docs" / "screenshots" / "tour"
# The steps the README's tour shows (JOURNEY_SCREENSHOTS=1 writes them to TOUR).
TOUR_STEPS = {
    ("de", "prerequisite-red"),
    ("en", "status-window"),
    ("en", "focus-area"),
    ("en", "invited"),
    ("en", "edit-in-business-software"),
    ("de", "stale"),
}
VIEWPORT = {"width": 1200, "height": 760}
NO_NOTICES = ".q-notifications { display: none !important; }"
LOCALES = {"de": "de-DE", "en": "en-US"}
COMPANY = {
    "name": "Müller GmbH",
    "street": "Hauptstraße 1",
    "postal_code": "80331",
    "city": "München",
    "country": "Deutschland",
    "phone": "+49 89 123456",
    "email": "info@mueller.example",
    "registration_number": "HRB 98765",
}
PASSWORD = "Wolken-Kratzer-Blau-8"
COLLEAGUE_PASSWORD = "Green-Harbour-Lantern-5"


@dataclass
class Journey:
    lang: str
    browser: Browser
    shots: Path
    server: LiveServer | None = None
    page: Page = field(init=False)
    context: BrowserContext = field(init=False)
    count: int = 0
    timings: list[tuple[str, float]] = field(default_factory=list)
    _started: float = field(default_factory=time.monotonic)

    async def open(self) -> None:
        self.context = await self.new_context()
        self.page = await self.context.new_page()

    async def new_context(self) -> BrowserContext:
        context = await self.browser.new_context(locale=LOCALES[self.lang], viewport=VIEWPORT)  # type: ignore[arg-type]
        context.set_default_timeout(30_000)
        return context

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def t(self, key: str, **params: Any) -> str:
        return translate(key, self.lang, **params)

    async def step(self, name: str, page: Page | None = None) -> None:
        """The end of a step: the page is in the journey's language, and photographed."""
        page = page or self.page
        await assert_in_language(page, self.lang, name)  # passing notices included
        self.count += 1
        file = f"{self.lang}-{self.count:02d}-{name}.png"
        self.shots.mkdir(parents=True, exist_ok=True)
        # The pictures leave passing notices out (rather than waiting seconds for them to fade).
        await page.screenshot(path=str(self.shots / file), style=NO_NOTICES)
        if os.environ.get("JOURNEY_SCREENSHOTS") == "1" and (self.lang, name) in TOUR_STEPS:
            TOUR.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(TOUR / f"{self.lang}-{name}.png"), style=NO_NOTICES)
        self.timings.append((name, round(time.monotonic() - self._started, 1)))

    # --- Business Software -------------------------------------------------------------------

    async def log_in(self) -> None:
        page = self.page
        await page.goto(self.url + "/login")
        await page.get_by_label(self.t("auth.username")).fill("admin")
        await page.get_by_label(self.t("auth.password")).fill(ADMIN_PASSWORD)
        await self.step("login")
        await page.get_by_role("button", name=self.t("auth.login")).click()
        await expect(page).to_have_url(re.compile(r"/companies$"))

    async def create_company(self) -> None:
        page = self.page
        await page.get_by_role("button", name=self.t("company.create")).click()
        dialog = page.get_by_role("dialog")
        for name, value in COMPANY.items():
            await dialog.get_by_label(self.t(f"company.{name}"), exact=True).fill(value)
        await dialog.get_by_text(self.t("company.with_demo_data")).click()
        await self.step("create-company")
        await dialog.get_by_role("button", name=self.t("action.create")).click()
        await expect(page.get_by_test_id("company-name")).to_have_text(COMPANY["name"], timeout=60_000)
        await self.step("desktop")

    async def menu(self, *keys: str) -> None:
        """Walk a menu path of the menu bar: the top entry, then the entries of its sub-menus."""
        top, *entries = keys
        await self.page.get_by_role("button", name=self.t(top), exact=True).click()
        for key in entries:
            await self.page.locator(".q-menu .q-item", has_text=self.t(key)).first.click()

    async def add_online_desktop(self) -> None:
        page = self.page
        await self.menu("menu.help", "menu.about", "licensing.menu.manage")
        await page.get_by_role("tab", name=self.t("licensing.tab.addons")).click()
        await page.get_by_text(self.t("licensing.addon.online-desktop"), exact=True).click()
        await page.get_by_role("button", name=self.t("licensing.addons.add")).click()
        dialog = page.get_by_role("dialog")
        await dialog.get_by_text(self.t("company.sample_badge")).click()
        await dialog.get_by_role("button", name=self.t("action.ok")).click()
        refused = self.t("licensing.sample_refused")
        await expect(dialog.get_by_text(refused)).to_be_visible()  # the sample database is refused
        await self.step("sample-refused")
        await dialog.get_by_text(COMPANY["name"], exact=True).click()
        await dialog.get_by_role("button", name=self.t("action.ok")).click()
        await expect(page.get_by_text(self.t("licensing.restart.notice"))).to_be_visible()
        await self.step("restart-notice")
        await page.get_by_role("button", name=self.t("licensing.restart.action")).click()
        await expect(page.get_by_text(self.t("licensing.restart.notice"))).to_be_hidden()

    async def connect_with_a_red_prerequisite(self) -> str:
        """Connect: condition 4 is red (the user has no employee); its Fix link links one; back in
        the wizard everything is green. Returns the employee's e-mail address."""
        page = self.page
        await page.goto(self.url + "/")
        await page.get_by_test_id("tile-connect-online-desktop").click()
        await expect(page).to_have_url(re.compile(r"/settings/online-desktop/connect$"))
        await page.get_by_test_id("wizard-next-prerequisites").click()
        row = page.get_by_test_id("prereq-4")
        await expect(row).to_have_attribute("data-status", "failed")
        await expect(page.get_by_test_id("prereq-1")).to_have_attribute("data-status", "ok")
        await self.step("prerequisite-red")
        await row.get_by_role("button", name=self.t("prereq.fix")).click()
        await expect(page).to_have_url(re.compile(r"/registers/users$"))
        await page.locator(
            ".q-table tbody tr", has=page.get_by_role("cell", name="admin", exact=True)
        ).click()
        await expect(page).to_have_url(re.compile(r"/registers/users/\d+$"))
        employee = page.get_by_label(self.t("registers.field.employee"), exact=True)
        choice = page.locator(".q-menu .q-item").first
        for _attempt in range(5):  # a click before the select is wired up opens no menu
            await employee.click()
            try:
                await choice.wait_for(state="visible", timeout=3000)
                break
            except PlaywrightTimeout:
                continue
        await choice.click()
        await page.get_by_role("button", name=self.t("action.save"), exact=True).click()
        await expect(page.get_by_text(self.t("registers.saved"), exact=True)).to_be_visible()
        back = page.get_by_test_id("wizard-return")
        await expect(back).to_have_text(re.compile(re.escape(self.t("wizard2.return.back"))))
        await self.step("prerequisite-fixed")
        await back.click()
        await expect(page).to_have_url(re.compile(r"/settings/online-desktop/connect$"))
        await expect(page.get_by_test_id("prereq-4")).to_have_attribute("data-status", "ok")
        await expect(page.get_by_text(self.t("prereq.summary_ok"))).to_be_visible()
        await self.step("prerequisites-green")
        if await page.get_by_test_id("wizard-next-prerequisites").is_visible():
            await page.get_by_test_id("wizard-next-prerequisites").click()
        await page.get_by_test_id("wizard-next-connect").click()
        await expect(page.get_by_text(self.t("wizard.service.seats"), exact=True)).to_be_visible()
        await page.get_by_test_id("wizard-next-service").click()
        await page.get_by_test_id("wizard-id-create").click()
        address = page.get_by_test_id("wizard-new-email")
        await expect(address).not_to_have_value("")
        return await address.input_value()

    async def create_online_id(self, address: str) -> None:
        """Send the link, open it from the built-in mailbox in a second tab, set the password."""
        page = self.page
        await page.get_by_test_id("wizard-send-link").click()
        await expect(page.get_by_test_id("wizard-sent")).to_have_text(self.t("wizard.id.sent", email=address))
        await self.step("online-id-sent")
        mailbox = await self.context.new_page()
        link = await mail_link(mailbox, self.url, address, "/id/verify?token=")
        await self.step("mailbox", mailbox)
        await mailbox.goto(link)
        await mailbox.get_by_label(self.t("id.new_password")).fill(PASSWORD)
        await mailbox.get_by_label(self.t("id.repeat_password")).fill(PASSWORD)
        await mailbox.get_by_role("button", name=self.t("id.verify.submit")).click()
        await expect(mailbox.get_by_text(self.t("id.verify.done"))).to_be_visible()
        await mailbox.close()
        await page.get_by_test_id("wizard-id-have").click()
        await expect(page.get_by_test_id("wizard-email")).to_have_value(address)
        await page.get_by_test_id("wizard-password").fill(PASSWORD)
        await page.get_by_test_id("wizard-log-in").click()
        await expect(page.get_by_test_id("wizard-logged-in")).to_have_text(
            self.t("wizard.id.logged_in", email=address)
        )
        await self.step("online-id-logged-in")
        await page.get_by_test_id("wizard-next-online_id").click()

    async def run_initial_sync(self, address: str) -> None:
        """Registration information, now, Run: the status window follows the initial sync."""
        page = self.page
        await expect(page.get_by_test_id("wizard-reg-registration_number")).to_have_text("HRB 98765")
        await self.step("registration")
        await page.get_by_test_id("wizard-next-registration").click()
        await expect(page.get_by_test_id("wizard-next-when")).to_be_visible()
        await self.step("when")
        await page.get_by_test_id("wizard-next-when").click()
        await expect(page.get_by_test_id("wizard-summary")).to_contain_text(address)
        await page.get_by_test_id("wizard-run").click()
        status = page.get_by_test_id("wizard-status")
        await expect(status.get_by_text(self.t("wizard.status.connected"))).to_be_visible(timeout=60_000)
        await self.step("progress")
        await expect(status.get_by_text(self.t("wizard.status.done"))).to_be_visible(timeout=90_000)
        await self.step("status-window")

    async def focus_area(self, address: str) -> Page:
        """The focus area: log in with the Online ID, Open Online Desktop (a new tab, logged in)."""
        page = self.page
        await page.goto(self.url + "/")
        await page.get_by_test_id("tile-focus-online-desktop").click()
        await expect(page.get_by_text(self.t("licensing.focus.caption"), exact=True)).to_be_visible()
        logged_in = page.get_by_text(self.t("focus.login.as", email=address))
        await expect(logged_in).to_be_visible()  # the wizard's login holds here too: log out, in again
        await page.get_by_role("button", name=self.t("focus.login.log_out")).click()
        await expect(logged_in).to_be_hidden()
        await page.get_by_label(self.t("id.email")).fill(address)
        await page.get_by_label(self.t("id.password")).fill(PASSWORD)
        await page.get_by_role("button", name=self.t("id.login.submit")).click()
        await expect(page.get_by_text(self.t("focus.login.as", email=address))).to_be_visible()
        await self.step("focus-area")
        async with self.context.expect_page() as opened:
            await page.get_by_role("link", name=self.t("focus.open")).click()
        online = await opened.value
        await expect(online).to_have_url(re.compile(r"/online/c/[0-9a-f-]+$"))
        await expect(online.get_by_test_id("online-company")).to_have_text(COMPANY["name"])
        await self.step("online-desktop", online)
        return online

    # --- Online Desktop ----------------------------------------------------------------------

    async def invite_colleague(self, online: Page) -> str:
        """User administration: invite the first employee not invited yet; their address."""
        await online.goto(online.url + "/users")
        invite = online.locator('[data-testid^="invite-"]:not([data-testid="invite-other"])').first
        await expect(invite).to_be_visible()
        colleague = (await invite.get_attribute("data-testid") or "").removeprefix("invite-")
        await invite.click()
        dialog = online.get_by_role("dialog")
        await expect(dialog.get_by_test_id("invite-email")).to_have_value(colleague)
        await dialog.get_by_test_id("invite-message").fill("Willkommen im Team!")
        await self.step("invite", online)
        await dialog.get_by_test_id("invite-send").click()
        await expect(dialog).to_be_hidden()
        await expect(online.get_by_test_id(f"status-{colleague}")).to_contain_text(
            self.t("users.status.invited").split("{")[0].strip(" ,")
        )
        await self.step("invited", online)
        return colleague

    async def colleague_joins(self, colleague: str, tenant_url: str) -> Page:
        """The colleague, in a browser of their own: the mailbox, the link, a password, the company."""
        context = await self.new_context()
        page = await context.new_page()
        link = await mail_link(page, self.url, colleague, "/id/invitation?token=")
        await page.goto(link)
        await page.get_by_label(self.t("id.new_password")).fill(COLLEAGUE_PASSWORD)
        await page.get_by_label(self.t("id.repeat_password")).fill(COLLEAGUE_PASSWORD)
        await self.step("accept-invitation", page)
        await page.get_by_role("button", name=self.t("users.invitation.join_with_password")).click()
        await expect(page).to_have_url(re.compile(re.escape(tenant_url) + "$"))
        await expect(page.get_by_test_id("online-company")).to_have_text(COMPANY["name"])
        return page


async def mail_link(page: Page, base_url: str, address: str, path: str) -> str:
    """Open the newest mail to ``address`` in the built-in mailbox and read the link to ``path``."""
    await page.goto(base_url + "/mail")
    row = page.locator(".row", has=page.get_by_text(address, exact=True)).filter(
        has=page.locator('a[href^="/mail/"]')
    )
    await row.first.locator('a[href^="/mail/"]').click()
    anchor: Locator = page.locator(f'a[href*="{path}"]').first
    await expect(anchor).to_be_attached()
    href = await anchor.get_attribute("href")
    assert href, f"no link to {path} in the mail to {address}"
    return href if href.startswith("http") else base_url + href

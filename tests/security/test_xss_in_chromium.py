"""Stored cross-site scripting: the corpus saved into every text field is shown as text everywhere.

Every page that shows the planted data (``xss_world``) is opened in Chromium with a dialog
listener; not one ``alert`` may fire. The listener is proven first with a dialog of our own.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import Dialog, Page, expect
from playwright.async_api import Error as PlaywrightError
from sqlalchemy import select

from models.online import OutgoingMail
from services.config import Settings
from services.db import make_engine, make_session_factory
from tests.e2e.conftest import log_in_as_admin, require_chromium
from tests.live_server import LiveServer
from tests.security.corpus import XSS_ADDRESSES, XSS_CORPUS
from tests.security.xss_world import HOSTILE_EMAILS, OWNER, PASSWORD, World, plant

pytestmark = pytest.mark.e2e


async def _watch(page: Page) -> list[str]:
    """Every dialog the page opens (dismissed at once); proven to work before it is trusted."""
    dialogs: list[str] = []

    async def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", on_dialog)
    await page.goto("about:blank")
    await page.evaluate("alert('listener works')")
    assert dialogs == ["listener works"]
    dialogs.clear()
    return dialogs


async def _visit(page: Page, url: str, *, shows: str | None = None) -> None:
    try:
        await page.goto(url)
    except PlaywrightError as aborted:  # a navigation the page itself started (after a login) won
        if "ERR_ABORTED" not in str(aborted):
            raise
        await page.goto(url)
    await page.wait_for_selector(".q-page", state="attached")
    if shows is not None:
        await expect(page.get_by_text(shows, exact=False).first).to_be_attached()
    await page.wait_for_timeout(300)  # time for an injected handler to fire


async def test_the_corpus_in_every_text_field_opens_no_dialog_on_any_page(
    page: Page, live_server: LiveServer
) -> None:
    require_chromium()
    world = plant(live_server)
    dialogs = await _watch(page)
    url = live_server.url

    await log_in_as_admin(page, live_server)
    await expect(page.get_by_text(XSS_CORPUS[1]).first).to_be_attached()  # company names, as text
    await page.locator(".q-card", has_text=XSS_CORPUS[0]).get_by_role("button", name="Open").click()
    await expect(page).to_have_url(url + "/")
    await _business_software_pages(page, url, world)
    assert dialogs == [], dialogs

    await _online_id_login(page, url)
    await _online_desktop_pages(page, url, world)
    assert dialogs == [], dialogs
    await _invite_and_open_the_mail(page, live_server, world)
    assert dialogs == [], dialogs


async def _business_software_pages(page: Page, url: str, world: World) -> None:
    visit: Callable[..., Awaitable[None]] = lambda path, **kw: _visit(page, url + path, **kw)  # noqa: E731
    await visit("/", shows=None)
    for register, ids in world.local_rows.items():
        await visit(f"/registers/{register}")
        for row_id in ids:
            await visit(f"/registers/{register}/{row_id}")
    await visit("/registers/users")
    for user_id in world.user_ids:
        await visit(f"/registers/users/{user_id}")
    for path in ("/registers/api-users", "/registers/integrations", "/registers/network-computers",
                 "/settings/company", "/settings/licence", "/settings/online-desktop",
                 "/settings/online-desktop/connect", "/sync/history", "/companies"):  # fmt: skip
        await visit(path)
    await visit("/registers/contacts", shows=XSS_CORPUS[2])


async def _online_id_login(page: Page, url: str) -> None:
    await page.goto(url + "/id/login")
    await page.get_by_label("E-mail address").fill(OWNER)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/online(/c/[\w-]+)?$"))
    await page.wait_for_load_state()


async def _online_desktop_pages(page: Page, url: str, world: World) -> None:
    await _visit(page, url + "/online")
    for tenant in world.tenants:
        await _visit(page, f"{url}/online/c/{tenant}")
    base = f"{url}/online/c/{world.tenants[0]}"
    for register in ("contacts", "activities", "sales_orders", "products", "employees"):
        await _visit(page, f"{base}/{register}")
    await _visit(page, f"{base}/contacts", shows=XSS_CORPUS[3])
    for payload in XSS_CORPUS:  # the edit form of each contact, with its persons and activities
        await page.get_by_role("cell", name=payload[:200]).first.click()
        await page.wait_for_timeout(400)
        await page.keyboard.press("Escape")
        await _visit(page, f"{base}/contacts")
    await _visit(page, f"{base}/calendar", shows=XSS_CORPUS[0])
    await _visit(page, f"{base}/users", shows=XSS_CORPUS[1])


async def _invite_and_open_the_mail(page: Page, server: LiveServer, world: World) -> None:
    for address in HOSTILE_EMAILS:  # each attribute holds the address as it is
        await expect(page.get_by_test_id(f"status-{address}")).to_contain_text("Not invited")
    await page.get_by_test_id(f"invite-{HOSTILE_EMAILS[0]}").click()
    dialog = page.get_by_role("dialog")
    for address in XSS_ADDRESSES[:4]:  # the invite dialog refuses every hostile address
        await dialog.get_by_label("E-mail").fill(address)
        await dialog.get_by_role("button", name="Send invitation").click()
        await expect(dialog.get_by_text("Not a valid e-mail address")).to_be_visible()
    await dialog.get_by_label("E-mail").fill("ben@example.com")
    await dialog.get_by_label("Personal message (optional)").fill("\n".join(XSS_CORPUS))
    await dialog.get_by_role("button", name="Send invitation").click()
    await expect(page.get_by_test_id(f"status-{HOSTILE_EMAILS[0]}")).to_contain_text("Invited")
    await page.wait_for_timeout(300)

    sessions = make_session_factory(make_engine(Settings(data_dir=server.data_dir).online_db_url))
    with sessions() as s:
        mail = s.scalars(select(OutgoingMail).where(OutgoingMail.to_address == "ben@example.com")).one()
    link = re.search(r"/id/invitation\?token=\S+", mail.text_body)
    assert link is not None and XSS_CORPUS[0] in mail.text_body
    await _visit(page, server.url + "/mail")
    await _visit(page, f"{server.url}/mail/{mail.id}", shows="Personal message")
    await page.get_by_role("tab", name="Text", exact=True).click()
    await page.wait_for_timeout(300)
    await _visit(page, server.url + link.group(0), shows=XSS_CORPUS[3][:30])  # the inviter's name

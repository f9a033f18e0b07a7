"""The interface speaks the browser's language and switches between German and English on request."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import LogIn, Screenshot
from tests.live_server import LiveServer


async def test_switching_to_german_shows_german_labels_and_is_kept_on_the_next_page(
    page: Page, live_server: LiveServer, log_in: LogIn, screenshot: Screenshot
) -> None:
    await log_in(page, live_server)
    await expect(page.get_by_text("Company databases").first).to_be_visible()

    await page.get_by_test_id("language").get_by_text("DE", exact=True).click()

    await expect(page.get_by_text("Firmendatenbanken").first).to_be_visible()
    await expect(page.get_by_text("Beispieldatenbank", exact=True)).to_be_visible()
    for menu in ("Datei", "Ansicht", "Funktionen", "Hilfe"):
        await expect(page.get_by_role("button", name=menu, exact=True)).to_be_visible()
    await expect(page.get_by_text("Company databases")).to_have_count(0)
    await screenshot(page, "german")

    await page.get_by_role("button", name="Öffnen").click()
    await expect(page.get_by_test_id("company-name")).to_be_visible()
    await expect(page.get_by_role("button", name="Datei", exact=True)).to_be_visible()


async def test_a_german_browser_gets_the_login_page_in_german(
    browser: Browser, live_server: LiveServer
) -> None:
    context = await browser.new_context(locale="de-DE")
    try:
        page = await context.new_page()
        await page.goto(live_server.url + "/login")
        await expect(page.get_by_text("Anmeldung bei Business Software").first).to_be_visible()
        await expect(page.get_by_label("Benutzername")).to_be_visible()
        await expect(page.get_by_role("button", name="Anmelden")).to_be_visible()
    finally:
        await context.close()


async def test_quasars_own_texts_follow_the_page_language(
    page: Page, live_server: LiveServer, log_in: LogIn
) -> None:
    """Table footers and date pickers are Quasar's words: its language pack is the page's."""
    await log_in(page, live_server)
    await expect(page.get_by_text("Company databases").first).to_be_visible()
    assert await page.evaluate("() => window.Quasar.lang.props.isoName") == "en-GB"
    await page.get_by_test_id("language").get_by_text("DE", exact=True).click()
    await expect(page.get_by_text("Firmendatenbanken").first).to_be_visible()
    assert await page.evaluate("() => window.Quasar.lang.props.isoName") == "de-DE"
    assert "Dezember" in await page.evaluate("() => String(window.Quasar.lang.props.date.months)")
    assert await page.evaluate("() => window.Quasar.lang.props.table.recordsPerPage") == "Zeilen pro Seite"

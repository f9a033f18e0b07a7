"""Take the README's screenshots from the real application: ``python -m tests.e2e.readme_screenshots``.

Starts ``main.py`` on a free port with a throw-away data directory, drives Debian's Chromium
through the pages a newcomer sees first and writes small PNGs to ``docs/screenshots/``.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path

from playwright.async_api import Page, async_playwright, expect

from tests.conftest import ADMIN_PASSWORD
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, log_in_as_admin
from tests.live_server import ROOT, LiveServer, ServerFactory

TARGET = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1200, "height": 700}


async def take(server: LiveServer) -> list[Path]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = await browser.new_context(locale="en-US", viewport=VIEWPORT)  # type: ignore[arg-type]
        page = await context.new_page()
        saved = [*await _company_list(page, server), *await _desktop(page), *await _contacts(page)]
        await browser.close()
    return saved


async def _company_list(page: Page, server: LiveServer) -> list[Path]:
    await log_in_as_admin(page, server)
    await expect(page.get_by_text("Beispielfirma / Sample company")).to_be_visible()
    return [await _save(page, "company-databases")]


async def _desktop(page: Page) -> list[Path]:
    await page.get_by_role("button", name="Open").first.click()
    await expect(page).to_have_url(re.compile(r"/$"))
    await expect(page.get_by_test_id("tile-contacts")).to_be_visible()
    return [await _save(page, "desktop")]


async def _contacts(page: Page) -> list[Path]:
    await page.get_by_test_id("tile-contacts").click()
    await expect(page.locator(".q-table tbody tr").first).to_be_visible()
    return [await _save(page, "contacts")]


async def _save(page: Page, name: str) -> Path:
    await page.wait_for_timeout(300)  # let transitions settle
    path = TARGET / f"{name}.png"
    await page.screenshot(path=str(path))
    return path


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        factory = ServerFactory(base_dir=Path(tmp), admin_password=ADMIN_PASSWORD)
        try:
            for path in asyncio.run(take(factory())):
                print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KiB")
        finally:
            factory.stop_all()


if __name__ == "__main__":
    main()

"""Browser tests: Debian's Chromium driven by Playwright (async API) against a real ``main.py``.

Fixtures (all function scoped, one event loop per test):

- ``live_server`` / ``start_server`` (from ``tests/conftest.py``): the server under test.
- ``browser``: headless ``/usr/bin/chromium``; skipped with the reason when it is missing,
  except under ``CI=true``, where a missing Chromium fails the test. Never ``playwright install``.
- ``page``: a page in a fresh browser context (locale en-US, 1280x800).
- ``screenshot``: ``await screenshot(page, "name")`` saves ``test-artifacts/<test>-<name>.png``.
- ``log_in``: ``await log_in(page, live_server)`` logs in as ``admin`` and waits for the
  company list.

Every test in this folder carries the ``e2e`` marker (``pytest -m "not e2e"`` leaves them out).
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.conftest import ADMIN_PASSWORD
from tests.live_server import ROOT, LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
# Pages hash passwords and query databases on a shared 2-core machine: be patient.
expect.set_options(timeout=15_000)

Screenshot = Callable[[Page, str], Awaitable[Path]]
LogIn = Callable[[Page, LiveServer], Awaitable[None]]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


def require_chromium() -> None:
    """Skip without Chromium on a developer's machine; in CI a missing browser is a failure."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (apt-get install chromium); browser tests need Debian's Chromium"
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    require_chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    try:
        yield await context.new_page()
    finally:
        await context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshot:
    """Save a full-page PNG under test-artifacts/ (gitignored), named after the test."""
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)

    async def save(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{test_name}-{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        return path

    return save


async def log_in_as_admin(page: Page, server: LiveServer, password: str = ADMIN_PASSWORD) -> None:
    """Log in to the Business Software as ``admin`` and wait for the company database list."""
    await page.goto(server.url + "/login")
    await page.get_by_label("User name").fill("admin")
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(r"/companies$"))


@pytest.fixture
def log_in() -> LogIn:
    return log_in_as_admin

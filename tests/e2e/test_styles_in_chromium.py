"""The pages' Tailwind CSS is compiled ahead of time (``ui/styles``): the committed stylesheet is
what NiceGUI's compiler makes of today's sources, every page links it, cached, and no page
compiles classes in the browser."""

from __future__ import annotations

import httpx
from playwright.async_api import Page

from tests.e2e.conftest import require_chromium
from tests.live_server import LiveServer
from ui.styles import CSS, candidates, stylesheet_url
from ui.styles.build import stylesheet


def test_the_committed_stylesheet_is_what_the_compiler_makes_of_the_sources() -> None:
    require_chromium()
    assert CSS.read_text() == stylesheet(), "a class changed: run `python -m ui.styles.build`"


def test_the_candidates_are_the_classes_of_the_sources_and_of_the_elements() -> None:
    found = candidates()
    assert {"w-96", "text-2xl", "cursor-pointer", "bg-amber-1", "hidden", "text-left"} <= found
    assert "online.count" not in found  # an i18n key is no class


async def test_a_page_links_the_cached_stylesheet_and_compiles_nothing(
    page: Page, shared_live_server: LiveServer
) -> None:
    url = shared_live_server.url
    async with httpx.AsyncClient() as client:
        answer = await client.get(url + stylesheet_url())
    assert answer.status_code == 200
    assert "max-age=31536000" in answer.headers["cache-control"]
    await page.goto(url + "/login")
    html = await page.content()
    assert stylesheet_url() in html
    assert "tailwindcss.min.js" not in html
    width = await page.evaluate("() => getComputedStyle(document.querySelector('.q-card')).width")
    assert width == "384px"  # the login card's Tailwind class w-96 applies

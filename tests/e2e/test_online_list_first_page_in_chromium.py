"""In a real browser: the Online Desktop's contacts list comes with its first page of rows and its
count in the page itself, so they show as soon as the page is drawn, and the server does not send
the table a second time once the browser has connected."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Browser, WebSocket, expect

from tests.e2e.live_world import ONLINE_ID, ONLINE_PASSWORD, prepare_live_world, wait_for_initial_sync
from tests.live_server import ServerFactory


async def test_the_online_contacts_page_arrives_with_its_rows_and_count_and_the_table_once(
    browser: Browser, start_server: ServerFactory, tmp_path: Path
) -> None:
    world = prepare_live_world(tmp_path / "live", contacts=12)
    server = start_server(data_dir=world.data_dir, port=world.port)
    await wait_for_initial_sync(world)
    context = await browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(server.url + "/id/login")
    await page.get_by_label("E-mail address").fill(ONLINE_ID)
    await page.get_by_label("Password", exact=True).fill(ONLINE_PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/online/c/"))

    table_updates: list[str] = []

    def watch(socket: WebSocket) -> None:
        def received(payload: str | bytes) -> None:
            text = payload if isinstance(payload, str) else payload.decode(errors="replace")
            if text.startswith('42["update"') and '"nicegui-table"' in text:
                table_updates.append(text)

        socket.on("framereceived", received)

    page.on("websocket", watch)
    response = await page.goto(f"{server.url}/online/c/{world.tenant_uuid}/contacts")
    assert response is not None
    html = await response.text()
    await expect(page.locator(".q-table tbody tr")).to_have_count(world.contacts)
    names = await page.locator(".q-table tbody tr td:nth-child(2)").all_inner_texts()  # the name column
    assert len(set(names)) == world.contacts
    assert [name for name in names if f'"{name}"' not in html] == []
    assert f"Entries: {world.contacts}" in html
    await page.wait_for_timeout(1_500)  # the browser has connected and reported its pagination
    assert table_updates == []

"""Acceptance: with the Business Software and the Online Desktop open in two browser contexts, an
edit on one side appears in the other side's open list within 2 s without a reload, and a form
open there says who changed the record."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Page, expect

from tests.e2e.live_world import (
    business_list,
    local_contact_id,
    online_list,
    prepare_live_world,
    row_of,
    wait_for_initial_sync,
)
from tests.live_server import ServerFactory

WITHIN = 2_000  # milliseconds


async def _edit_online(online: Page, name: str, field: str, value: str) -> None:
    await row_of(online, name).click()  # type: ignore[attr-defined]
    dialog = online.get_by_role("dialog")
    await dialog.get_by_label(field, exact=True).fill(value)
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()


async def test_an_edit_on_either_side_shows_in_the_other_sides_open_list_and_form(
    browser: Browser, start_server: ServerFactory, tmp_path: Path
) -> None:
    world = prepare_live_world(tmp_path / "live", contacts=12)
    server = start_server(data_dir=world.data_dir, port=world.port)
    await wait_for_initial_sync(world)
    business = await business_list(browser, server, world)
    online = await online_list(browser, server, world)

    # Online Desktop → Business Software list
    await _edit_online(online, "Kunde 3", "City", "Ravensburg")
    await expect(row_of(business, "Kunde 3")).to_contain_text("Ravensburg", timeout=WITHIN)  # type: ignore[arg-type]

    # Business Software form → Online Desktop list
    form = await business.context.new_page()
    await form.goto(f"{server.url}/registers/contacts/{local_contact_id(world, 'Kunde 5')}")
    await form.get_by_label("City", exact=True).fill("Wangen")
    await form.get_by_role("button", name="Save").click()
    await expect(form.get_by_text("Saved")).to_be_visible()
    await expect(row_of(online, "Kunde 5")).to_contain_text("Wangen", timeout=WITHIN)  # type: ignore[arg-type]

    # an open Business Software form hears of an online edit
    await form.goto(f"{server.url}/registers/contacts/{local_contact_id(world, 'Kunde 7')}")
    await expect(form.get_by_label("City", exact=True)).to_be_visible()
    await _edit_online(online, "Kunde 7", "Phone", "0751 123")
    notice = form.get_by_test_id("edits-changed-by")
    await expect(notice).to_have_text("Changed by Online Desktop — reload", timeout=WITHIN)
    await form.get_by_test_id("edits-reload").click()
    await expect(form.get_by_label("Phone", exact=True)).to_have_value("0751 123")

    # an open Online Desktop form hears of a Business Software edit
    await row_of(online, "Kunde 8").click()  # type: ignore[attr-defined]
    dialog = online.get_by_role("dialog")
    await expect(dialog.get_by_label("City", exact=True)).to_be_visible()
    await form.goto(f"{server.url}/registers/contacts/{local_contact_id(world, 'Kunde 8')}")
    await form.get_by_label("Phone", exact=True).fill("0751 999")
    await form.get_by_role("button", name="Save").click()
    await expect(dialog.get_by_test_id("edits-changed-by")).to_have_text(
        "Changed by Business Software — reload", timeout=WITHIN
    )

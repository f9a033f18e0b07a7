"""The whole journey, in German and in English, from a fresh data directory through the real server
process (``make run``'s ``python main.py``): log in, create a company, add the Online Desktop
add-on (the sample database is refused), restart, connect (a red prerequisite fixed through its
Fix link), create the Online ID through the built-in mailbox, run the initial synchronisation,
open the Online Desktop from the focus area, invite a colleague, whose edit arrives in Business
Software while an edit there arrives online, and, with the Business Software switched off and the
clock two hours on, the Online Desktop says how long ago it last synchronised.

Every step's page is checked against the other language's catalogue (no untranslated text, no raw
key, no stack trace) and photographed (``JOURNEY_SCREENSHOTS=1`` also writes the pictures to
``docs/screenshots/tour/`` for the README).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.journey import COLLEAGUE_PASSWORD, COMPANY, Journey
from tests.e2e.live_world import row_of
from tests.live_server import HEALTH_PATH, LiveServer, ServerFactory, wait_until_ready

WITHIN = 10_000  # milliseconds for an edit to reach the other side on a busy machine
TWO_HOURS = 2 * 3600


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_the_whole_journey_from_a_fresh_data_directory(
    lang: str, browser: Browser, start_server: ServerFactory, tmp_path: Path
) -> None:
    started = time.monotonic()
    journey = Journey(lang=lang, browser=browser, shots=tmp_path / "screenshots")
    journey.server = start_server()
    await journey.open()
    try:
        await walk(journey, start_server)
    except BaseException:
        for number, page in enumerate(journey.context.pages):  # what the failing step saw
            await page.screenshot(path=str(tmp_path / f"failed-{number}.png"))
        raise
    seconds = time.monotonic() - started
    report = json.dumps({"journey": lang, "seconds": round(seconds, 1), "steps": journey.timings})
    (tmp_path / "timings.json").write_text(report)
    print(report)
    assert journey.count >= 20


async def walk(journey: Journey, start_server: ServerFactory) -> None:
    await journey.log_in()
    await journey.create_company()
    await journey.add_online_desktop()
    address = await journey.connect_with_a_red_prerequisite()
    await journey.create_online_id(address)
    await journey.run_initial_sync(address)
    later = online_desktop_two_hours_on(journey, start_server)
    online = await journey.focus_area(address)
    tenant_url = online.url

    colleague = await journey.invite_colleague(online)
    ben = await journey.colleague_joins(colleague, tenant_url)
    await both_sides_edit(journey, ben, tenant_url)
    await staleness_after_the_clock_moved(journey, later, ben, colleague, tenant_url)


async def both_sides_edit(journey: Journey, ben: Page, tenant_url: str) -> None:
    """The colleague edits a contact online: Business Software's open list shows it; an edit there
    shows in the colleague's open list."""
    t = journey.t
    await ben.goto(tenant_url + "/contacts")
    first = ben.locator(".q-table tbody tr").first
    await expect(first).to_be_visible()
    name = (await first.locator("td").nth(1).inner_text()).strip()
    other_name = (await ben.locator(".q-table tbody tr").nth(1).locator("td").nth(1).inner_text()).strip()

    business = journey.page
    await business.goto(journey.url + "/registers/contacts")
    await expect(row_of(business, name)).to_be_visible()  # type: ignore[arg-type]

    await row_of(ben, name).click()  # type: ignore[attr-defined]
    dialog = ben.get_by_role("dialog")
    await dialog.get_by_label(t("registers.field.city"), exact=True).fill("Ravensburg")
    await journey.step("colleague-edits", ben)
    await dialog.get_by_role("button", name=t("action.save")).click()
    await expect(dialog).to_be_hidden()
    await expect(row_of(business, name)).to_contain_text("Ravensburg", timeout=WITHIN)  # type: ignore[arg-type]
    await journey.step("edit-in-business-software")

    await row_of(business, other_name).click()  # type: ignore[attr-defined]
    await expect(business).to_have_url(re.compile(r"/registers/contacts/\d+$"))
    await business.get_by_label(t("registers.field.city"), exact=True).fill("Wangen")
    await business.get_by_role("button", name=t("action.save")).click()
    await expect(business.get_by_text(t("registers.saved"), exact=True)).to_be_visible()
    await expect(row_of(ben, other_name)).to_contain_text("Wangen", timeout=WITHIN)  # type: ignore[arg-type]
    await journey.step("edit-online", ben)


def online_desktop_two_hours_on(journey: Journey, start_server: ServerFactory) -> LiveServer:
    """A second process on the same data directory: the Online Desktop alone (``--role online``),
    its clock two hours ahead. Started early, without waiting, so its start (tens of seconds on a
    busy machine) overlaps the journey's other steps."""
    assert journey.server is not None
    return start_server(
        "--role",
        "online",
        data_dir=journey.server.data_dir,
        env={"CLOCK_OFFSET_SECONDS": str(TWO_HOURS)},
        wait=False,
    )


async def staleness_after_the_clock_moved(
    journey: Journey, later: LiveServer, ben: Page, colleague: str, tenant_url: str
) -> None:
    """Business Software is switched off; the Online Desktop alone runs on, two hours later: the
    colleague, logging in again, sees when the data was last synchronised."""
    server = journey.server
    assert server is not None
    await expect(ben.get_by_test_id("online-stale")).to_have_count(0)  # it has just synchronised
    await asyncio.to_thread(server.stop)
    await asyncio.to_thread(wait_until_ready, later, HEALTH_PATH, 120.0)
    journey.server = later
    await ben.goto(later.url + "/id/login")
    await ben.get_by_label(journey.t("id.email")).fill(colleague)
    await ben.get_by_label(journey.t("id.password"), exact=True).fill(COLLEAGUE_PASSWORD)
    await ben.get_by_role("button", name=journey.t("id.login.submit"), exact=True).click()
    await expect(ben).to_have_url(later.url + urlsplit(tenant_url).path)  # their one company account
    ago = journey.t("online.last_sync").split("{")[0].strip()
    notice = ben.get_by_test_id("online-stale")
    await expect(notice).to_contain_text(ago)
    await expect(notice).to_contain_text("2")
    assert COMPANY["name"] in await ben.get_by_test_id("online-company").inner_text()
    await journey.step("stale", ben)

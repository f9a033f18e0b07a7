"""Live screens: an open list follows committed changes (page, sort and search kept) and an open form
says who changed the record, with the changed fields marked; no reload."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nicegui import ui
from nicegui.testing import User

from services.container import Services
from tests.services.local.registers_factories import add_contact, registers
from tests.ui.registers_helpers import company_id, open_new_company, request_page, table, wait_for_rows
from tests.ui.test_online_record_edits import FIRST, _colleague_sets, _open_first_contact
from tests.ui.test_online_workspace_pages import PASSWORD, account, online_side


async def _until(check: object, retries: int = 50) -> None:
    for _ in range(retries):
        if callable(check) and check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("never happened")


async def test_an_open_list_shows_a_colleagues_change_on_the_same_page_and_search(
    user: User, services: Services
) -> None:
    await open_new_company(user)
    company = company_id(services)
    rows = [add_contact(services, company, f"Kunde {i:02d}", city="Ulm") for i in range(30)]
    await user.open("/registers/contacts")
    await wait_for_rows(user, lambda shown: len(shown) == 25)
    request_page(user, page=2)
    await wait_for_rows(user, lambda shown: [r["name"] for r in shown][:1] == ["Kunde 25"])
    await asyncio.to_thread(
        registers(services).update_row,
        company,
        register="contacts",
        row_id=rows[27].id,
        values={"city": "Köln"},
        by="Anna",
    )
    shown = await wait_for_rows(
        user, lambda shown: {r["name"]: r["city"] for r in shown}.get("Kunde 27") == "Köln"
    )
    assert len(shown) == 5 and table(user).pagination["page"] == 2


async def test_an_open_form_says_who_changed_it_and_marks_the_field_until_reloaded(
    user: User, services: Services
) -> None:
    await open_new_company(user)
    company = company_id(services)
    row = add_contact(services, company, "Kunde AG", phone="0221 1")
    await user.open(f"/registers/contacts/{row.id}")
    await user.should_see(marker="field-phone")
    user.find(marker="field-notes").type("mein Text")
    await asyncio.to_thread(
        registers(services).update_row,
        company,
        register="contacts",
        row_id=row.id,
        values={"phone": "0221 99"},
        by="Anna Berg",
    )
    await user.should_see("Changed by Anna Berg — reload")
    phone = next(iter(user.find(marker="field-phone").elements))
    assert phone.props.get("data-changed") == "true" and phone.value == "0221 1"
    user.find(marker="edits-reload").click()
    await _until(lambda: phone.value == "0221 99")
    notes = next(iter(user.find(marker="field-notes").elements))
    assert notes.value == "mein Text"  # what the person typed stays
    assert "data-changed" not in phone.props


async def test_an_open_online_list_and_form_follow_a_colleagues_change(user: User, app_env: Path) -> None:
    tenant_id, uuid = await _open_first_contact(user, app_env)
    await asyncio.to_thread(_colleague_sets, app_env, tenant_id, uuid, city="Köln")
    await user.should_see("Changed by Ben Kraus — reload")
    city = next(iter(user.find(marker="field-city").elements))
    assert city.props.get("data-changed") == "true"
    grid = next(iter(user.find(kind=ui.table, marker="register-table").elements))
    await _until(lambda: {r["name"]: r["city"] for r in grid.rows}.get(FIRST) == "Köln")


async def test_the_online_staleness_notice_goes_by_itself_after_a_sync(user: User, app_env: Path) -> None:
    import datetime as dt

    from sqlalchemy import update

    from models.online import Connection
    from tests.ui.test_online_id_pages import log_in
    from ui.online import frame

    frame.STALE_EVERY = 0.2
    try:
        await user.open("/id/login")
        services = online_side(app_env)
        created = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=3)
        await log_in(user, "anna@example.com", PASSWORD)
        await user.should_see(marker="online-stale", content="Last synchronised 3 hours ago")
        assert services.db.online is not None
        with services.db.online.begin() as s:
            s.execute(
                update(Connection)
                .where(Connection.tenant_id == created.tenant_id)
                .values(last_round_trip_at=dt.datetime.now(dt.UTC))
            )
        services.db.dispose()
        await user.should_not_see(marker="online-stale", retries=50)
    finally:
        frame.STALE_EVERY = 30.0

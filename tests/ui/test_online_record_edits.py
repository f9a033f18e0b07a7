"""The Online Desktop contact form saves only what the person changed; a colleague's newer value of the
same field opens the conflict dialog with both values and who changed theirs."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nicegui import ui
from nicegui.testing import User

from services.container import Services
from tests.ui.registers_helpers import table_rows
from tests.ui.test_online_id_pages import log_in
from tests.ui.test_online_workspace_pages import PASSWORD, account, online_side

FIRST = "Müller GmbH Kunde 00"  # the first row when sorted by name


async def _open_first_contact(user: User, app_env: Path) -> tuple[int, str]:
    await user.open("/id/login")
    services = online_side(app_env)
    created = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.1)
    uuid = _uuid_of(services, created.tenant_id, FIRST)
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-tile-contacts")
    user.find(marker="online-tile-contacts").click()
    await user.should_see("Entries: 30")
    user.find(kind=ui.table, marker="register-table").trigger("rowClick", [None, {"id": 0}])
    await user.should_see(marker="field-phone")
    return created.tenant_id, uuid


def _uuid_of(services: Services, tenant_id: int, name: str) -> str:
    from sqlalchemy import select

    from models.online import OnlineContact

    assert services.db.online is not None
    with services.db.online() as s:
        return s.scalars(
            select(OnlineContact.uuid).where(OnlineContact.tenant_id == tenant_id, OnlineContact.name == name)
        ).one()


def _colleague_sets(app_env: Path, tenant_id: int, uuid: str, **fields: str) -> None:
    services = online_side(app_env)
    services.online.sync_server.apply_online_change(
        tenant_id, table="contacts", uuid=uuid, fields=fields, by="Ben Kraus"
    )
    services.db.dispose()


def _stored(app_env: Path, tenant_id: int) -> dict[str, str]:
    services = online_side(app_env)
    try:
        assert services.db.online is not None
        from sqlalchemy import select

        from models.online import OnlineContact

        with services.db.online() as s:
            row = s.scalars(
                select(OnlineContact).where(OnlineContact.tenant_id == tenant_id, OnlineContact.name == FIRST)
            ).one()
            return {"phone": row.phone, "city": row.city, "notes": row.notes}
    finally:
        services.db.dispose()


async def test_a_stale_online_form_saving_another_field_keeps_the_colleagues_phone(
    user: User, app_env: Path
) -> None:
    tenant_id, uuid = await _open_first_contact(user, app_env)
    _colleague_sets(app_env, tenant_id, uuid, phone="0221 99")
    user.find(marker="field-city").clear().type("Ravensburg")
    user.find(marker="save").click()
    await user.should_see("Saved. Business Software receives the change with the next synchronisation.")
    assert _stored(app_env, tenant_id) == {"phone": "0221 99", "city": "Ravensburg", "notes": ""}


async def test_the_same_field_shows_theirs_with_the_colleagues_name_and_each_choice_works(
    user: User, app_env: Path
) -> None:
    tenant_id, uuid = await _open_first_contact(user, app_env)
    _colleague_sets(app_env, tenant_id, uuid, phone="0221 99")
    user.find(marker="field-phone").clear().type("0221 55")
    user.find(marker="field-notes").type("Rückruf")
    user.find(marker="save").click()
    await user.should_see(marker="edits-conflict")
    await user.should_see("Changed by Ben Kraus on")
    rows = list(next(iter(user.find(kind=ui.table, marker="edits-conflict-table").elements)).rows)
    assert rows == [{"id": "phone", "field": "Phone", "theirs": "0221 99", "mine": "0221 55"}]
    user.find(marker="edits-keep-theirs").click()  # keep theirs: the rest is saved
    await user.should_see("Saved. Business Software receives the change with the next synchronisation.")
    assert _stored(app_env, tenant_id) == {"phone": "0221 99", "city": "Ulm", "notes": "Rückruf"}
    assert {r["name"]: r["phone"] for r in table_rows(user)}[FIRST] == "0221 99"

    user.find(kind=ui.table, marker="register-table").trigger("rowClick", [None, {"id": 0}])
    await user.should_see(marker="field-phone")
    _colleague_sets(app_env, tenant_id, uuid, phone="0221 77")
    user.find(marker="field-phone").clear().type("0221 55")
    user.find(marker="save").click()
    await user.should_see(marker="edits-conflict")
    user.find(marker="edits-take-mine").click()  # take mine: mine replaces theirs
    for _ in range(50):
        if _stored(app_env, tenant_id)["phone"] == "0221 55":
            break
        await asyncio.sleep(0.1)
    assert _stored(app_env, tenant_id)["phone"] == "0221 55"

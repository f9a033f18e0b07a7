"""Business Software: a save writes only what the person changed, guarded by the row version."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from services.api.local.router import local_api_router
from services.container import Services
from services.local.changes import RecordsChanged
from services.records.edits import Edit, EditConflict, RecordDeleted
from tests.services.local.registers_factories import add_contact, new_company, registers


@pytest.fixture
def company(services: Services) -> int:
    return new_company(services)


def test_a_new_record_starts_at_version_1_and_each_save_counts(services: Services, company: int) -> None:
    row = add_contact(services, company, "Alt GmbH")
    assert row.version == 1
    saved = registers(services).save_edit(
        company,
        register="contacts",
        row_id=row.id,
        edit=Edit(changes={"city": "Köln"}, base={"city": ""}, version=1),
    )
    assert saved.version == 2 and saved.values["city"] == "Köln"


def test_a_stale_form_saving_another_field_keeps_the_colleagues_change(
    services: Services, company: int
) -> None:
    row = add_contact(services, company, "Alt GmbH", phone="0221 1")
    registers(services).update_row(
        company, register="contacts", row_id=row.id, values={"phone": "0221 99"}
    )  # the colleague
    edit = Edit(changes={"notes": "Rückruf"}, base={"notes": ""}, version=row.version)  # the stale form
    saved = registers(services).save_edit(company, register="contacts", row_id=row.id, edit=edit)
    assert (saved.values["phone"], saved.values["notes"]) == ("0221 99", "Rückruf")
    assert (
        registers(services).get_row(company, register="contacts", row_id=row.id).values["phone"] == "0221 99"
    )


def test_a_stale_form_saving_the_same_field_stops_with_both_values(services: Services, company: int) -> None:
    row = add_contact(services, company, "Alt GmbH", phone="0221 1")
    registers(services).update_row(company, register="contacts", row_id=row.id, values={"phone": "0221 99"})
    edit = Edit(changes={"phone": "0221 55", "notes": "x"}, base={"phone": "0221 1", "notes": ""}, version=1)
    with pytest.raises(EditConflict) as stopped:
        registers(services).save_edit(company, register="contacts", row_id=row.id, edit=edit)
    (conflict,) = stopped.value.conflicts
    assert (conflict.field, conflict.theirs, conflict.mine) == ("phone", "0221 99", "0221 55")
    assert stopped.value.version == 2 and stopped.value.changed_at is not None
    stored = registers(services).get_row(company, register="contacts", row_id=row.id)
    assert (stored.values["phone"], stored.values["notes"], stored.version) == (
        "0221 99",
        "",
        2,
    )  # nothing written


def test_keep_theirs_saves_the_rest_and_take_mine_overwrites(services: Services, company: int) -> None:
    row = add_contact(services, company, "Alt GmbH", phone="1")
    registers(services).update_row(company, register="contacts", row_id=row.id, values={"phone": "2"})
    edit = Edit(changes={"phone": "3", "notes": "n"}, base={"phone": "1", "notes": ""}, version=1)
    with pytest.raises(EditConflict) as stopped:
        registers(services).save_edit(company, register="contacts", row_id=row.id, edit=edit)
    kept = registers(services).save_edit(
        company, register="contacts", row_id=row.id, edit=edit.keep_theirs(stopped.value)
    )
    assert (kept.values["phone"], kept.values["notes"]) == ("2", "n")
    registers(services).update_row(company, register="contacts", row_id=row.id, values={"phone": "4"})
    mine = Edit(changes={"phone": "3"}, base={"phone": "2"}, version=kept.version)
    with pytest.raises(EditConflict) as again:
        registers(services).save_edit(company, register="contacts", row_id=row.id, edit=mine)
    taken = registers(services).save_edit(
        company, register="contacts", row_id=row.id, edit=mine.take_mine(again.value)
    )
    assert taken.values["phone"] == "3"


def test_the_same_value_typed_on_both_sides_is_no_conflict(services: Services, company: int) -> None:
    row = add_contact(services, company, "Alt GmbH", city="Bonn")
    registers(services).update_row(company, register="contacts", row_id=row.id, values={"city": "Köln"})
    edit = Edit(changes={"city": "Köln"}, base={"city": "Bonn"}, version=1)
    assert (
        registers(services).save_edit(company, register="contacts", row_id=row.id, edit=edit).values["city"]
        == "Köln"
    )


def test_a_record_deleted_meanwhile_is_reported_as_such(services: Services, company: int) -> None:
    row = add_contact(services, company, "Alt GmbH")
    registers(services).delete_row(company, register="contacts", row_id=row.id)
    with pytest.raises(RecordDeleted):
        registers(services).save_edit(
            company, register="contacts", row_id=row.id, edit=Edit(changes={"city": "x"}, version=1)
        )


async def test_saves_are_published_to_open_screens_of_the_company(services: Services, company: int) -> None:
    heard: list[RecordsChanged] = []
    stop = services.local.changes.subscribe(company, heard.append)
    other = new_company(services, "Andere GmbH")
    row = await asyncio.to_thread(add_contact, services, company, "Alt GmbH")
    await asyncio.to_thread(add_contact, services, other, "Fremd GmbH")
    edit = Edit(changes={"city": "Köln"}, base={"city": ""}, version=1)
    await asyncio.to_thread(
        registers(services).save_edit, company, register="contacts", row_id=row.id, edit=edit, by="Anna"
    )
    await asyncio.sleep(0.05)
    stop()
    assert [(h.table, set(h.uuids), h.by) for h in heard] == [
        ("contacts", {row.uuid}, ""),
        ("contacts", {row.uuid}, "Anna"),
    ]


# --- the local REST API ---------------------------------------------------------------------------


@pytest.fixture
async def api(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    local = services.local
    app.include_router(
        local_api_router(
            api_users=local.api_users,
            records=local.api_records,
            integrations=local.integrations,
            prerequisites=local.prerequisites,
        )
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bs.test") as client:
        yield client


async def _login(services: Services, api: httpx.AsyncClient, company: int) -> dict[str, str]:
    secret = services.local.api_users.create_api_user(company, "shop").secret
    response = await api.post("/api/local/v1/login", json={"name": "shop", "secret": secret})
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_the_api_patch_writes_only_the_given_fields_and_answers_the_version_as_etag(
    services: Services, api: httpx.AsyncClient, company: int
) -> None:
    headers = await _login(services, api, company)
    created = await api.post(
        "/api/local/v1/contacts", json={"name": "Kunde AG", "phone": "1"}, headers=headers
    )
    assert created.headers["etag"] == '"1"' and created.json()["version"] == 1
    uuid = created.json()["uuid"]
    row = registers(services).list_rows(company, "contacts").rows[0]
    registers(services).update_row(
        company, register="contacts", row_id=row.id, values={"phone": "2"}
    )  # a colleague
    patched = await api.patch(f"/api/local/v1/contacts/{uuid}", json={"city": "Köln"}, headers=headers)
    assert patched.status_code == 200
    assert (patched.json()["phone"], patched.json()["city"]) == ("2", "Köln")
    assert patched.headers["etag"] == '"3"'
    got = await api.get(f"/api/local/v1/contacts/{uuid}", headers=headers)
    assert got.headers["etag"] == '"3"'


async def test_the_api_honours_if_match_and_refuses_a_stale_version_with_412(
    services: Services, api: httpx.AsyncClient, company: int
) -> None:
    headers = await _login(services, api, company)
    created = await api.post("/api/local/v1/contacts", json={"name": "Kunde AG"}, headers=headers)
    uuid, etag = created.json()["uuid"], created.headers["etag"]
    first = await api.patch(
        f"/api/local/v1/contacts/{uuid}", json={"city": "Köln"}, headers={**headers, "If-Match": etag}
    )
    assert first.status_code == 200 and first.headers["etag"] == '"2"'
    stale = await api.patch(
        f"/api/local/v1/contacts/{uuid}",
        json={"city": "Bonn"},
        headers={**headers, "If-Match": etag, "Accept-Language": "de"},
    )
    assert stale.status_code == 412
    body = stale.json()
    assert body["error"] == "edits.stale" and "Version 2" in body["message"] and body["fields"] == {}
    assert (await api.get(f"/api/local/v1/contacts/{uuid}", headers=headers)).json()["city"] == "Köln"
    weak = await api.patch(
        f"/api/local/v1/contacts/{uuid}", json={"city": "Bonn"}, headers={**headers, "If-Match": 'W/"2"'}
    )
    assert weak.status_code == 200
    gone = await api.delete(f"/api/local/v1/contacts/{uuid}", headers={**headers, "If-Match": '"2"'})
    assert gone.status_code == 412
    assert (
        await api.delete(f"/api/local/v1/contacts/{uuid}", headers={**headers, "If-Match": '"3"'})
    ).status_code == 204

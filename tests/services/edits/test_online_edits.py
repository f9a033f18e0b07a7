"""Online Desktop: a save writes only what the person changed, guarded by the record's sync sequence,
and names who changed a conflicting field and when."""

from __future__ import annotations

import pytest

from models.online import OnlineId
from services.container import Services
from services.records.edits import Edit, EditConflict, RecordDeleted
from tests.services.online.test_online_workspace import company, contacts, member, person, workspace


def _account(online: Services) -> tuple[int, int, str, str]:
    anna = person(online, "anna@example.com")
    assert online.db.online is not None
    with online.db.online.begin() as s:
        s.get_one(OnlineId, anna).full_name = "Anna Berg"
    account = company(online, anna, "Müller GmbH")
    ben = person(online, "ben@example.com")
    member(online, account.tenant_id, ben, "standard")
    (uuid,) = contacts(online, account.tenant_id, {"name": "Kunde AG", "phone": "0221 1"})
    return anna, ben, account.tenant_uuid, uuid


def test_a_stale_online_form_saving_another_field_keeps_the_colleagues_change(online: Services) -> None:
    anna, ben, tenant, uuid = _account(online)
    records = workspace(online).records
    loaded = records.edit_record(ben, tenant, register="contacts", uuid=uuid)
    colleague = records.edit_record(anna, tenant, register="contacts", uuid=uuid)
    records.save_edit(
        anna, tenant, register="contacts", uuid=uuid,
        edit=Edit(changes={"phone": "0221 99"}, base={"phone": "0221 1"}, version=colleague.version),
    )  # fmt: skip
    saved = records.save_edit(
        ben, tenant, register="contacts", uuid=uuid,
        edit=Edit(changes={"notes": "Rückruf"}, base={"notes": ""}, version=loaded.version),
    )  # fmt: skip
    assert (saved.values["phone"], saved.values["notes"]) == ("0221 99", "Rückruf")
    assert saved.version > loaded.version


def test_the_same_field_stops_the_save_and_names_who_changed_it(online: Services) -> None:
    anna, ben, tenant, uuid = _account(online)
    records = workspace(online).records
    loaded = records.edit_record(ben, tenant, register="contacts", uuid=uuid)
    records.save_edit(
        anna, tenant, register="contacts", uuid=uuid,
        edit=Edit(changes={"phone": "0221 99"}, base={"phone": "0221 1"}, version=loaded.version),
    )  # fmt: skip
    mine = Edit(changes={"phone": "0221 55"}, base={"phone": "0221 1"}, version=loaded.version)
    with pytest.raises(EditConflict) as stopped:
        records.save_edit(ben, tenant, register="contacts", uuid=uuid, edit=mine)
    assert stopped.value.changed_by == "Anna Berg" and stopped.value.changed_at is not None
    (conflict,) = stopped.value.conflicts
    assert (conflict.theirs, conflict.mine) == ("0221 99", "0221 55")
    assert records.edit_record(ben, tenant, register="contacts", uuid=uuid).values["phone"] == "0221 99"
    kept = records.save_edit(
        ben, tenant, register="contacts", uuid=uuid, edit=mine.keep_theirs(stopped.value)
    )
    assert kept.values["phone"] == "0221 99"
    taken = records.save_edit(ben, tenant, register="contacts", uuid=uuid, edit=mine.take_mine(stopped.value))
    assert taken.values["phone"] == "0221 55"


def test_a_record_deleted_meanwhile_is_reported_and_can_be_created_again(online: Services) -> None:
    anna, ben, tenant, uuid = _account(online)
    records = workspace(online).records
    loaded = records.edit_record(ben, tenant, register="contacts", uuid=uuid)
    ctx = workspace(online).access.context(anna, tenant)
    online.online.sync_server.apply_online_change(
        ctx.tenant_id, table="contacts", uuid=uuid, fields=None, delete=True
    )
    with pytest.raises(RecordDeleted):
        records.save_edit(
            ben, tenant, register="contacts", uuid=uuid,
            edit=Edit(changes={"city": "Köln"}, base={"city": ""}, version=loaded.version),
        )  # fmt: skip
    again = records.create_record(ben, tenant, register="contacts", values={**loaded.values, "city": "Köln"})
    assert again.uuid != uuid and again.values["city"] == "Köln"

"""The Business Software record form: only changed fields are saved; a colleague's newer value of the
same field opens the conflict dialog, whose three choices do what they say."""

from __future__ import annotations

import asyncio

from nicegui import ui
from nicegui.testing import User

from services.container import Services
from tests.services.local.registers_factories import add_contact, registers
from tests.ui.registers_helpers import company_id, open_new_company


async def _open_form(user: User, services: Services, **values: str) -> tuple[int, int]:
    await open_new_company(user)
    company = company_id(services)
    row = add_contact(services, company, "Kunde AG", **values)
    await user.open(f"/registers/contacts/{row.id}")
    await user.should_see(marker="field-phone")
    return company, row.id


def _stored(services: Services, company: int, row_id: int) -> dict[str, object]:
    return registers(services).get_row(company, register="contacts", row_id=row_id).values


def _conflict_rows(user: User) -> list[dict[str, object]]:
    return list(next(iter(user.find(kind=ui.table, marker="edits-conflict-table").elements)).rows)


async def test_a_stale_form_saving_notes_keeps_the_phone_a_colleague_changed(
    user: User, services: Services
) -> None:
    company, row_id = await _open_form(user, services, phone="0221 1")
    registers(services).update_row(
        company, register="contacts", row_id=row_id, values={"phone": "0221 99"}, by="Anna"
    )
    user.find(marker="field-notes").type("Rückruf erbeten")
    user.find(marker="save").click()
    await user.should_see("Saved")
    stored = _stored(services, company, row_id)
    assert (stored["phone"], stored["notes"]) == ("0221 99", "Rückruf erbeten")


async def test_the_same_field_shows_both_values_and_take_mine_saves_mine(
    user: User, services: Services
) -> None:
    company, row_id = await _open_form(user, services, phone="0221 1")
    registers(services).update_row(company, register="contacts", row_id=row_id, values={"phone": "0221 99"})
    user.find(marker="field-phone").clear().type("0221 55")
    user.find(marker="save").click()
    await user.should_see(marker="edits-conflict")
    assert _conflict_rows(user) == [{"id": "phone", "field": "Phone", "theirs": "0221 99", "mine": "0221 55"}]
    await user.should_see("Changed on")
    user.find(marker="edits-take-mine").click()
    await user.should_see("Saved")
    assert _stored(services, company, row_id)["phone"] == "0221 55"


async def test_keep_theirs_puts_their_value_in_the_form_and_saves_the_rest(
    user: User, services: Services
) -> None:
    company, row_id = await _open_form(user, services, phone="0221 1")
    registers(services).update_row(company, register="contacts", row_id=row_id, values={"phone": "0221 99"})
    user.find(marker="field-phone").clear().type("0221 55")
    user.find(marker="field-city").type("Köln")
    user.find(marker="save").click()
    await user.should_see(marker="edits-conflict")
    user.find(marker="edits-keep-theirs").click()
    await user.should_see("Saved")
    stored = _stored(services, company, row_id)
    assert (stored["phone"], stored["city"]) == ("0221 99", "Köln")
    assert next(iter(user.find(marker="field-phone").elements)).value == "0221 99"


async def test_edit_keeps_mine_typed_and_the_next_save_overwrites_deliberately(
    user: User, services: Services
) -> None:
    company, row_id = await _open_form(user, services, phone="0221 1")
    registers(services).update_row(company, register="contacts", row_id=row_id, values={"phone": "0221 99"})
    user.find(marker="field-phone").clear().type("0221 55")
    user.find(marker="save").click()
    await user.should_see(marker="edits-conflict")
    user.find(marker="edits-edit").click()
    phone = next(iter(user.find(marker="field-phone").elements))
    for _ in range(50):
        if str(phone.props.get("hint", "")).startswith("Saved value"):
            break
        await asyncio.sleep(0.1)
    assert (phone.props["hint"], phone.props["data-changed"], phone.value) == (
        "Saved value: 0221 99",
        "true",
        "0221 55",
    )
    assert _stored(services, company, row_id)["phone"] == "0221 99"  # nothing written yet
    user.find(marker="field-phone").clear().type("0221 77")
    user.find(marker="save").click()
    await user.should_see("Saved")
    assert _stored(services, company, row_id)["phone"] == "0221 77"


async def test_a_record_deleted_meanwhile_is_said_and_can_be_created_again(
    user: User, services: Services
) -> None:
    company, row_id = await _open_form(user, services, phone="0221 1")
    registers(services).delete_row(company, register="contacts", row_id=row_id)
    user.find(marker="field-city").type("Köln")
    user.find(marker="save").click()
    await user.should_see(marker="edits-deleted")
    user.find(marker="edits-recreate").click()
    await user.should_see("Saved")
    (again,) = registers(services).list_rows(company, "contacts").rows
    assert (again.values["name"], again.values["city"], again.values["phone"]) == (
        "Kunde AG",
        "Köln",
        "0221 1",
    )

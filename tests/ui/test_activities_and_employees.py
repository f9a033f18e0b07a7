"""Activities and employees are created, refused when wrong, and deleted through their pages."""

from __future__ import annotations

from nicegui.testing import User

from services.container import Services
from tests.services.local.registers_factories import add, add_contact
from tests.ui.registers_helpers import company_id, open_new_company, wait_for_rows


async def test_an_activity_with_an_unreadable_time_is_refused_then_saved(
    user: User, services: Services
) -> None:
    await open_new_company(user)
    add_contact(services, company_id(services), "Kunde AG")
    await user.open("/registers/activities")
    user.find(marker="new").click()
    await user.should_see("New: Activity")
    user.find(marker="field-subject").type("Rückruf")
    user.find(marker="field-start_at").clear().type("morgen früh")
    user.find(marker="save").click()
    await user.should_see("Please check the highlighted fields.")
    assert user.find(marker="field-start_at").elements.pop().error == "Not a valid date"
    assert user.find(marker="field-subject").elements.pop().value == "Rückruf"
    user.find(marker="field-start_at").clear().type("2025-06-02 09:30")
    user.find(marker="field-contact_uuid").click()
    await user.should_see("Kunde AG")
    user.find("Kunde AG").click()
    user.find(marker="save").click()
    rows = await wait_for_rows(user, lambda rows: len(rows) == 1)
    assert (rows[0]["subject"], rows[0]["contact_name"], rows[0]["kind"]) == ("Rückruf", "Kunde AG", "Call")
    assert rows[0]["start_at"].startswith("6/2/25")


async def test_an_employee_in_use_is_not_deleted_and_says_why(user: User, services: Services) -> None:
    await open_new_company(user)
    company = company_id(services)
    eva = add(services, company, "employees", first_name="Eva", last_name="Klein")
    add(
        services, company, "activities", subject="Termin", start_at="2025-06-02 10:00", employee_uuid=eva.uuid
    )
    await user.open(f"/registers/employees/{eva.id}")
    user.find(marker="field-email").type("eva@example")
    user.find(marker="save").click()
    await user.should_see("Please check the highlighted fields.")
    user.find(marker="field-email").type(".com")
    user.find(marker="save").click()
    await user.should_see("Saved")
    user.find(marker="delete").click()
    user.find(marker="confirm-delete").click()
    await user.should_see("Activities still refer to this record, so it cannot be deleted.")
    assert (
        services.local.registers.get_row(company, register="employees", row_id=eva.id).values["email"]
        == "eva@example.com"
    )

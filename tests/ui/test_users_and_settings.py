"""Users register, registration information and the language a user chose."""

from __future__ import annotations

from collections.abc import Callable

from nicegui.testing import User

from services.container import Services
from tests.services.local.registers_factories import add
from tests.ui.registers_helpers import company_id, open_new_company, wait_for_rows
from tests.ui.test_login_and_companies import log_in


async def test_a_super_user_creates_a_user_linked_to_an_employee(user: User, services: Services) -> None:
    await open_new_company(user)
    add(services, company_id(services), "employees", first_name="Eva", last_name="Klein")
    await user.open("/registers/users")
    await wait_for_rows(user, lambda rows: [r["username"] for r in rows] == ["admin"])
    user.find(marker="new").click()
    await user.should_see("New: User")
    user.find(marker="field-username").type("eva")
    user.find(marker="field-password").type("kurz")
    user.find(marker="save").click()
    await user.should_see("The password must have at least 10 characters.")
    user.find(marker="field-password").type("-und-lang-genug")
    user.find(marker="field-employee_uuid").click()
    await user.should_see("Eva Klein")
    user.find("Eva Klein").click()
    user.find(marker="save").click()
    rows = await wait_for_rows(user, lambda rows: len(rows) == 2)
    assert [r["username"] for r in rows] == ["admin", "eva"]
    assert services.local.auth.login("eva", "kurz-und-lang-genug").user.employee_uuid is not None


async def test_the_only_super_user_keeps_the_flag(user: User, services: Services) -> None:
    await open_new_company(user)
    admin = services.local.auth.login("admin", "Correct-Horse-42").user
    await user.open(f"/registers/users/{admin.id}")
    user.find(marker="field-is_super_user").click()
    user.find(marker="save").click()
    await user.should_see("Please check the highlighted fields.")
    assert user.find(marker="field-is_super_user").elements.pop().error == (
        "At least one active Super User must remain."
    )
    assert services.local.auth.login("admin", "Correct-Horse-42").user.is_super_user


async def test_registration_information_is_edited_and_a_bad_email_refused(
    user: User, services: Services
) -> None:
    await open_new_company(user)
    await user.open("/settings/company")
    user.find(marker="field-phone").type("+49 221 12345")
    user.find(marker="field-email").type("kein-at")
    user.find(marker="save").click()
    await user.should_see("Please check the highlighted fields.")
    assert services.local.companies.get_company(company_id(services)).phone == ""
    user.find(marker="field-email").clear().type("info@test.example")
    user.find(marker="save").click()
    await user.should_see("Saved")
    company = services.local.companies.get_company(company_id(services))
    assert (company.phone, company.email) == ("+49 221 12345", "info@test.example")


async def test_the_chosen_language_follows_the_user_to_another_browser(
    user: User, create_user: Callable[[], User]
) -> None:
    await open_new_company(user)
    switch = user.find(marker="language").elements.pop()
    assert user.client is not None
    with user.client:
        switch.set_value("de")
    await user.should_see("Kontakte")
    other_browser = create_user()
    await log_in(other_browser)
    await other_browser.should_see("Firmendatenbanken")

"""The contacts register as a user sees it: tile, list, search, new, edit, delete, errors."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from tests.ui.registers_helpers import open_new_company, table_rows, wait_for_rows


async def test_a_contact_is_created_from_the_desktop_and_found_by_search(user: User) -> None:
    await open_new_company(user)
    user.find(marker="tile-contacts").click()
    await user.should_see("Search")
    user.find(marker="new").click()
    await user.should_see("New: Contact")
    user.find("Name").type("Bäckerei Schmidt")
    user.find(marker="save").click()
    await user.should_see("Saved")
    await wait_for_rows(user, lambda rows: [r["name"] for r in rows] == ["Bäckerei Schmidt"])
    user.find(marker="new").click()
    await user.should_see("New: Contact")
    user.find("Name").type("Meier AG")
    user.find(marker="save").click()
    await wait_for_rows(user, lambda rows: len(rows) == 2)
    user.find("Search").type("schmidt")
    rows = await wait_for_rows(user, lambda rows: len(rows) == 1)
    assert rows[0]["name"] == "Bäckerei Schmidt"


async def test_a_contact_without_name_or_with_a_bad_email_is_refused(user: User) -> None:
    await open_new_company(user)
    await user.open("/registers/contacts")
    user.find(marker="new").click()
    await user.should_see("New: Contact")
    user.find(marker="field-email").type("not-an-address")
    user.find(marker="save").click()
    await user.should_see("Please check the highlighted fields.")
    name = user.find(marker="field-name").elements.pop()
    email = user.find(marker="field-email").elements.pop()
    assert (name.error, email.error) == ("Required", "Not a valid e-mail address")
    assert email.value == "not-an-address"
    user.find(marker="cancel").click()
    assert table_rows(user) == []


async def test_a_contact_is_edited_with_persons_and_deleted_after_confirmation(user: User) -> None:
    await open_new_company(user)
    await user.open("/registers/contacts")
    user.find(marker="new").click()
    await user.should_see("New: Contact")
    user.find("Name").type("Alt GmbH")
    user.find(marker="save").click()
    rows = await wait_for_rows(user, lambda rows: len(rows) == 1)
    await user.open(f"/registers/contacts/{rows[0]['id']}")
    await user.should_see("Contact persons")
    user.find(marker="field-name").clear().type("Neu GmbH")
    user.find(marker="field-city").type("Köln")
    user.find(marker="save").click()
    await user.should_see("Saved")
    user.find(marker="add-contact_persons").click()
    await user.should_see("New: Contact person")
    user.find(marker="field-last_name").type("Berg")
    user.find(marker="save-contact_persons").click()
    await user.should_see(kind=ui.label, content="Berg")
    user.find(marker="delete").click()
    await user.should_see("Really delete “Neu GmbH”?")
    user.find(marker="confirm-delete").click()
    await user.should_see("Deleted")
    await wait_for_rows(user, lambda rows: rows == [])


async def test_a_missing_contact_shows_a_friendly_page(user: User) -> None:
    await open_new_company(user)
    await user.open("/registers/contacts/999999")
    await user.should_see("This record does not exist (any more). Perhaps it was deleted.")
    await user.should_see("Back to the list")

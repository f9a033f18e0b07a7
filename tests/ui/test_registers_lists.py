"""Register lists page, sort and search on the server; records of other companies stay out of reach."""

from __future__ import annotations

from nicegui.testing import User

from services.container import Services
from tests.services.local.registers_factories import add, add_contact, new_company
from tests.ui.registers_helpers import company_id, open_new_company, request_page, table, wait_for_rows


async def test_products_are_paged_and_sorted_on_the_server(user: User, services: Services) -> None:
    await open_new_company(user)
    company = company_id(services)
    for i in range(30):
        add(services, company, "products", number=f"P{i:02d}", name=f"Artikel {i}", price=f"{i}.50")
    await user.open("/registers/products")
    rows = await wait_for_rows(user, lambda rows: len(rows) == 25)
    assert rows[0]["number"] == "P00" and table(user).pagination["rowsNumber"] == 30
    request_page(user, page=2)
    rows = await wait_for_rows(user, lambda rows: len(rows) == 5)
    assert [r["number"] for r in rows] == ["P25", "P26", "P27", "P28", "P29"]
    request_page(user, page=1, sortBy="price", descending=True)
    rows = await wait_for_rows(user, lambda rows: rows[0]["number"] == "P29")
    assert rows[0]["price"] == "€29.50"


async def test_the_search_finds_a_row_beyond_the_first_page(user: User, services: Services) -> None:
    await open_new_company(user)
    company = company_id(services)
    for i in range(40):
        add(services, company, "employees", first_name="Eva", last_name=f"Muster{i:02d}")
    add(services, company, "employees", first_name="Zoë", last_name="Zander", email="zoe@example.com")
    await user.open("/registers/employees")
    await wait_for_rows(user, lambda rows: len(rows) == 25)
    user.find("Search").type("ZOË")
    rows = await wait_for_rows(user, lambda rows: len(rows) == 1)
    assert rows[0]["email"] == "zoe@example.com"


async def test_another_companys_contact_is_not_found_from_this_company(
    user: User, services: Services
) -> None:
    foreign = add_contact(services, new_company(services, "Fremd AG"), "Geheimkunde")
    await open_new_company(user)
    await user.open("/registers/contacts")
    assert await wait_for_rows(user, lambda rows: rows == []) == []
    await user.open(f"/registers/contacts/{foreign.id}")
    await user.should_see("This record does not exist (any more). Perhaps it was deleted.")
    await user.should_not_see("Geheimkunde")

"""Company registers through the service: lists, validation, company boundaries, deletes."""

from __future__ import annotations

import pytest

from services.container import Services
from services.errors import NotFound, ValidationFailed
from services.local.registers import RecordInUse
from tests.services.local.registers_factories import add, add_contact, add_order, new_company, registers


@pytest.fixture
def company(services: Services) -> int:
    return new_company(services)


def test_a_list_pages_through_the_matching_rows_with_the_total(services: Services, company: int) -> None:
    for i in range(23):
        add_contact(services, company, f"Kunde {i:02d}")
    first = registers(services).list_rows(company, "contacts", page=1, page_size=10)
    last = registers(services).list_rows(company, "contacts", page=3, page_size=10)
    assert first.total == 23 and first.pages == 3
    assert [r.values["name"] for r in first.rows][:2] == ["Kunde 00", "Kunde 01"]
    assert [r.values["name"] for r in last.rows] == ["Kunde 20", "Kunde 21", "Kunde 22"]


def test_search_ignores_case_and_needs_every_word(services: Services, company: int) -> None:
    add_contact(services, company, "Bäckerei Schmidt", city="Köln")
    add_contact(services, company, "Schmidt Logistik", city="Berlin")
    add_contact(services, company, "Meier AG", city="Köln")
    found = registers(services).list_rows(company, "contacts", search="schmidt KÖLN")
    assert [r.values["name"] for r in found.rows] == ["Bäckerei Schmidt"]
    assert registers(services).list_rows(company, "contacts", search="SCHMIDT").total == 2
    assert registers(services).list_rows(company, "contacts", search="100%").total == 0


def test_sorting_follows_the_chosen_column_and_direction(services: Services, company: int) -> None:
    for name, city in (("A", "Zell"), ("B", "Aachen"), ("C", "Mainz")):
        add_contact(services, company, name, city=city)
    by_city = registers(services).list_rows(company, "contacts", sort="city", descending=True)
    assert [r.values["city"] for r in by_city.rows] == ["Zell", "Mainz", "Aachen"]


def test_sorting_by_a_column_outside_the_whitelist_is_refused(services: Services, company: int) -> None:
    with pytest.raises(ValidationFailed) as failed:
        registers(services).list_rows(company, "contacts", sort="notes")
    assert failed.value.fields == {"sort": "validation.choice"}


def test_invalid_values_are_refused_per_field_and_nothing_is_saved(services: Services, company: int) -> None:
    with pytest.raises(ValidationFailed) as failed:
        add(services, company, "contacts", name="", email="kein-at", kind="alien", street="x" * 201)
    assert failed.value.fields == {
        "name": "validation.required",
        "email": "validation.email",
        "kind": "validation.choice",
        "street": "validation.too_long",
    }
    with pytest.raises(ValidationFailed) as failed:
        add(services, company, "products", number="P1", name="Tee", price="-1")
    assert failed.value.fields == {"price": "validation.negative"}
    with pytest.raises(ValidationFailed) as failed:
        add(services, company, "activities", subject="Call", start_at="morgen")
    assert failed.value.fields == {"start_at": "validation.date"}
    assert registers(services).list_rows(company, "contacts").total == 0
    assert registers(services).list_rows(company, "products").total == 0


def test_a_record_is_created_changed_and_deleted(services: Services, company: int) -> None:
    created = add(
        services, company, "employees", first_name="Eva", last_name="Klein", email="eva@example.com"
    )
    registers(services).update_row(
        company, register="employees", row_id=created.id, values={"position": "Vertrieb"}
    )
    changed = registers(services).get_row(company, register="employees", row_id=created.id)
    assert (changed.values["last_name"], changed.values["position"]) == ("Klein", "Vertrieb")
    registers(services).delete_row(company, register="employees", row_id=created.id)
    with pytest.raises(NotFound):
        registers(services).get_row(company, register="employees", row_id=created.id)


def test_another_companys_record_cannot_be_read_changed_deleted_or_referenced(services: Services) -> None:
    mine, theirs = new_company(services, "Mine"), new_company(services, "Theirs")
    secret = add_contact(services, theirs, "Geheim KG")
    svc = registers(services)
    for attempt in (
        lambda: svc.get_row(mine, register="contacts", row_id=secret.id),
        lambda: svc.update_row(mine, register="contacts", row_id=secret.id, values={"name": "Hacked"}),
        lambda: svc.delete_row(mine, register="contacts", row_id=secret.id),
        lambda: svc.create_row(
            mine, register="contact_persons", values={"last_name": "X"}, parent_id=secret.id
        ),
    ):
        with pytest.raises(NotFound):
            attempt()
    with pytest.raises(ValidationFailed) as failed:
        add_order(services, mine, secret)
    assert failed.value.fields == {"contact_uuid": "validation.choice"}
    assert svc.list_rows(mine, "contacts").total == 0
    assert svc.get_row(theirs, register="contacts", row_id=secret.id).values["name"] == "Geheim KG"


def test_contacts_and_orders_get_the_next_free_number(services: Services, company: int) -> None:
    first = add_contact(services, company, "Eins")
    second = add_contact(services, company, "Zwei")
    assert int(second.values["number"]) == int(first.values["number"]) + 1
    add_contact(services, company, "Drei", number="K00099")
    assert add_contact(services, company, "Vier").values["number"] == "K00100"
    with pytest.raises(ValidationFailed) as failed:
        add_contact(services, company, "Drei", number=first.values["number"])
    assert failed.value.fields == {"number": "registers.number_taken"}


def test_contact_persons_belong_to_their_contact_and_go_with_it(services: Services, company: int) -> None:
    contact = add_contact(services, company, "Firma")
    svc = registers(services)
    svc.create_row(
        company,
        register="contact_persons",
        values={"first_name": "Jan", "last_name": "Berg"},
        parent_id=contact.id,
    )
    persons = svc.list_children(company, register="contact_persons", parent_id=contact.id)
    assert [p.values["last_name"] for p in persons] == ["Berg"]
    svc.delete_row(company, register="contacts", row_id=contact.id)
    with pytest.raises(NotFound):
        svc.get_row(company, register="contact_persons", row_id=persons[0].id)


def test_a_contact_with_sales_orders_cannot_be_deleted(services: Services, company: int) -> None:
    contact = add_contact(services, company, "Kunde")
    add_order(services, company, contact)
    with pytest.raises(RecordInUse):
        registers(services).delete_row(company, register="contacts", row_id=contact.id)
    assert (
        registers(services).get_row(company, register="contacts", row_id=contact.id).values["name"] == "Kunde"
    )


def test_options_offer_matching_records_of_the_company_by_name(services: Services, company: int) -> None:
    add(services, company, "products", number="P-1", name="Kaffee")
    add(services, company, "products", number="P-2", name="Tee")
    options = registers(services).options(company, register="products", search="kaf")
    assert [o.label for o in options] == ["P-1 Kaffee"]


def test_a_page_beyond_the_end_shows_the_last_page(services: Services, company: int) -> None:
    for i in range(12):
        add_contact(services, company, f"Kunde {i:02d}")
    late = registers(services).list_rows(company, "contacts", page=9, page_size=5)
    assert (late.page, [r.values["name"] for r in late.rows]) == (3, ["Kunde 10", "Kunde 11"])


def test_an_activity_cannot_end_before_it_starts(services: Services, company: int) -> None:
    with pytest.raises(ValidationFailed) as failed:
        add(
            services,
            company,
            "activities",
            subject="Termin",
            start_at="2025-06-02 10:00",
            end_at="2025-06-02 09:00",
        )
    assert failed.value.fields == {"end_at": "registers.validation.end_before_start"}

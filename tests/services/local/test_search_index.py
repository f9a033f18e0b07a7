"""The contacts' trigram search index: finds what LIKE finds, and stays in step with the table."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from services.container import Services
from services.local.registers.fulltext import index_name, install_search_index
from tests.services.local.registers_factories import add_contact, new_company, registers


@pytest.fixture
def company(services: Services) -> int:
    return new_company(services)


def names(services: Services, company: int, search: str) -> list[str]:
    page = registers(services).list_rows(company, "contacts", search=search, page_size=200)
    return [row.values["name"] for row in page.rows]


def index_is_consistent(services: Services) -> bool:
    """FTS5's own check of the index against the contacts table."""
    assert services.db.local_engine is not None
    name = index_name("contacts")
    try:
        with services.db.local_engine.begin() as conn:
            conn.exec_driver_sql(f"INSERT INTO {name}({name}, rank) VALUES ('integrity-check', 1)")
    except Exception:
        return False
    return True


def like_count(services: Services, company_id: int, word: str) -> int:
    """What a plain LIKE over the searched columns finds (ASCII words: LIKE ignores their case)."""
    assert services.db.local is not None
    columns = " OR ".join(f"{c} LIKE :w" for c in ("name", "number", "postal_code", "city", "email"))
    with services.db.local() as s:
        sql = f"SELECT count(*) FROM contacts WHERE company_id = :c AND ({columns})"
        return int(s.execute(text(sql), {"c": company_id, "w": f"%{word}%"}).scalar_one())


def test_a_contact_is_found_by_a_fragment_of_any_searched_field_in_any_case(
    services: Services, company: int
) -> None:
    add_contact(
        services, company, "Bäckerei Groß", city="Köln", postal_code="50667", email="info@baeckerei.example"
    )
    add_contact(services, company, "Schmidt Logistik", city="Berlin", postal_code="10115")
    for search in ("BÄCKER", "köln", "KÖLN", "0667", "baeckerei.ex", "groß", "ckerei öln"):
        assert names(services, company, search) == ["Bäckerei Groß"], search
    assert names(services, company, "10115") == ["Schmidt Logistik"]
    assert names(services, company, "gr") == ["Bäckerei Groß"]  # short words still match
    assert names(services, company, "schmidt köln") == []


def test_words_with_quotes_or_operators_are_plain_text(services: Services, company: int) -> None:
    add_contact(services, company, 'Bar "Zum Anker" OR Not')
    assert names(services, company, '"zum') == ['Bar "Zum Anker" OR Not']
    assert names(services, company, "OR NOT") == ['Bar "Zum Anker" OR Not']
    assert names(services, company, "AND") == []


def test_renamed_and_deleted_contacts_are_found_by_their_new_state_only(
    services: Services, company: int
) -> None:
    first = add_contact(services, company, "Altname GmbH")
    second = add_contact(services, company, "Wegfall KG")
    registers(services).update_row(
        company, register="contacts", row_id=first.id, values={**first.values, "name": "Neuname GmbH"}
    )
    registers(services).delete_row(company, register="contacts", row_id=second.id)
    assert names(services, company, "altname") == []
    assert names(services, company, "neuname") == ["Neuname GmbH"]
    assert names(services, company, "wegfall") == []
    assert index_is_consistent(services)


def test_demo_data_fills_and_refills_keep_the_index_in_step(services: Services) -> None:
    ours = services.local.demo_data.ensure_company("Suche GmbH").id
    theirs = services.local.demo_data.ensure_company("Andere Suche KG", "en").id
    services.local.demo_data.fill(theirs, size="S", locale="en")
    services.local.demo_data.fill(ours, size="S")
    services.local.demo_data.fill(ours, size="S")
    assert index_is_consistent(services)
    for company_id, word in ((ours, "K100"), (theirs, "C100"), (ours, "mann"), (theirs, "son")):
        found = registers(services).list_rows(company_id, "contacts", search=word).total
        assert found == like_count(services, company_id, word) > 0, word


def test_starting_up_builds_a_missing_index_from_the_existing_contacts(
    services: Services, company: int
) -> None:
    assert services.db.local_engine is not None
    add_contact(services, company, "Bestand AG")
    with services.db.local_engine.begin() as conn:
        conn.execute(text(f"DROP TABLE {index_name('contacts')}"))
    assert install_search_index(services.db.local_engine) == 1
    assert install_search_index(services.db.local_engine) == 0
    assert names(services, company, "bestand") == ["Bestand AG"]
    assert index_is_consistent(services)

"""Business Software lists sort names in the reader's language ("Bärer" with "Barer", not after
"Buchholz"), along an index, on every path that writes a contact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import event, select, text

from models.collation import sort_key
from models.local import Contact
from services.container import Services
from services.db import alembic_config, make_engine, migrate
from tests.services.local.registers_factories import add_contact, add_order, new_company, registers

NAMES = ["Buchholz", "Bärer", "Barer", "Bauer"]
ORDER = ["Barer", "Bärer", "Bauer", "Buchholz"]


def names(services: Services, company: int, register: str = "contacts", **request: Any) -> list[str]:
    page = registers(services).list_rows(company, register, **request)
    column = "contact_name" if register == "sales_orders" else "name"
    return [row.values[column] for row in page.rows]


def test_umlauts_sort_with_their_letter_in_german_and_in_english(services: Services) -> None:
    company = new_company(services)
    for name in NAMES:
        add_contact(services, company, name)
    assert names(services, company, sort="name", language="de") == ORDER
    assert names(services, company, sort="name", language="en") == ORDER
    assert names(services, company, sort="name", descending=True, language="de") == ORDER[::-1]


def test_a_renamed_contact_moves_to_its_new_place(services: Services) -> None:
    company = new_company(services)
    rows = {name: add_contact(services, company, name) for name in NAMES}
    registers(services).update_row(
        company, register="contacts", row_id=rows["Buchholz"].id, values={"name": "Ärger"}
    )
    assert names(services, company, sort="name", language="de") == ["Ärger", *ORDER[:-1]]


def test_orders_sorted_by_their_contact_follow_the_same_order(services: Services) -> None:
    company = new_company(services)
    for name in NAMES:
        add_order(services, company, add_contact(services, company, name))
    assert names(services, company, "sales_orders", sort="contact_name", language="de") == ORDER


def test_the_sorted_page_is_read_along_the_sort_key_index(services: Services) -> None:
    company = new_company(services)
    for name in NAMES:
        add_contact(services, company, name)
    engine = services.db.local_engine
    assert engine is not None
    statements: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "ORDER BY" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert names(services, company, sort="name", language="de", page=1) == ORDER
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    statement, parameters = statements[-1]
    with engine.connect() as conn:
        plan = " | ".join(
            row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        )
    assert "USING INDEX ix_contacts_company_name_sort" in plan
    assert "TEMP B-TREE" not in plan, plan  # no sorting of the company's contacts per page


def test_contacts_written_directly_and_by_the_demo_data_carry_their_sort_key(services: Services) -> None:
    company = new_company(services)
    assert services.db.local is not None
    with services.db.local.begin() as s:
        s.add(Contact(company_id=company, name="Öztürk"))
    with services.db.local() as s:
        assert s.scalar(select(Contact.name_sort).where(Contact.name == "Öztürk")) == sort_key("Öztürk")
    services.local.demo_data.fill(company, size="S", locale="de")
    with services.db.local() as s:
        rows = s.execute(select(Contact.name, Contact.name_sort).where(Contact.company_id == company)).all()
        assert len(rows) > 100
        assert all(key == sort_key(name) for name, key in rows)
        assert s.execute(text("SELECT count(*) FROM contacts WHERE name_sort = ''")).scalar_one() == 0


def test_the_migration_gives_existing_contacts_their_sort_key(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        with engine.begin() as conn:
            cfg = alembic_config("local", str(engine.url))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "5a1e5d0c0a01")  # the schema before sort keys
            conn.exec_driver_sql(
                "INSERT INTO companies (uuid, name, is_sample, street, postal_code, city, country, phone, "
                "email, registration_number, created_at) "
                "VALUES ('c-1', 'Alt GmbH', 0, '', '', '', '', '', '', '', '2026-01-01 00:00:00')"
            )
            company = conn.exec_driver_sql("SELECT id FROM companies").scalar_one()
            for i, name in enumerate(NAMES):
                conn.exec_driver_sql(
                    "INSERT INTO contacts (uuid, company_id, name, number, kind, street, postal_code, city, "
                    "country, phone, email, website, notes, updated_at) "
                    "VALUES (?, ?, ?, '', 'company', '', '', '', '', '', '', '', '', '2026-01-01 00:00:00')",
                    (f"u-{i}", company, name),
                )
        migrate("local", engine)
        with engine.connect() as conn:
            found = conn.exec_driver_sql("SELECT name FROM contacts ORDER BY name_sort").scalars().all()
        assert found == ORDER
    finally:
        engine.dispose()

"""Sales orders: lines from existing products, totals kept in step, invoices read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.container import Services
from services.errors import ValidationFailed
from services.local.registers import ReadOnlyRecord
from tests.services.local.registers_factories import (
    add_contact,
    add_order,
    add_product,
    new_company,
    registers,
)


def test_the_order_total_follows_every_line_change(services: Services) -> None:
    company = new_company(services)
    order = add_order(services, company, add_contact(services, company, "Kunde"))
    coffee, tea = add_product(services, company, "P1", "12.50"), add_product(services, company, "P2", "3.99")
    svc = registers(services)
    line = svc.create_row(
        company,
        register="sales_order_lines",
        values={"product_uuid": coffee.uuid, "quantity": 4},
        parent_id=order.id,
    )
    assert line.values["description"] == "Product P1" and line.values["unit_price"] == Decimal("12.50")
    svc.create_row(
        company,
        register="sales_order_lines",
        values={"product_uuid": tea.uuid, "quantity": "3", "unit_price": "3,99", "discount_percent": 10},
        parent_id=order.id,
    )
    assert svc.get_row(company, register="sales_orders", row_id=order.id).values["total"] == Decimal("60.77")
    svc.update_row(company, register="sales_order_lines", row_id=line.id, values={"quantity": 2})
    assert svc.get_row(company, register="sales_orders", row_id=order.id).values["total"] == Decimal("35.77")
    svc.delete_row(company, register="sales_order_lines", row_id=line.id)
    assert svc.get_row(company, register="sales_orders", row_id=order.id).values["total"] == Decimal("10.77")


def test_a_line_needs_an_existing_product_and_sensible_numbers(services: Services) -> None:
    company = new_company(services)
    order = add_order(services, company, add_contact(services, company, "Kunde"))
    with pytest.raises(ValidationFailed) as failed:
        registers(services).create_row(
            company,
            register="sales_order_lines",
            values={"product_uuid": "0" * 36, "quantity": "-2", "discount_percent": "150"},
            parent_id=order.id,
        )
    assert failed.value.fields == {
        "quantity": "validation.negative",
        "discount_percent": "registers.validation.too_large",
    }
    with pytest.raises(ValidationFailed) as failed:
        registers(services).create_row(
            company,
            register="sales_order_lines",
            values={"product_uuid": "0" * 36, "quantity": "1"},
            parent_id=order.id,
        )
    assert failed.value.fields == {"product_uuid": "validation.choice"}


def test_an_invoiced_order_and_its_lines_are_read_only(services: Services) -> None:
    company = new_company(services)
    order = add_order(services, company, add_contact(services, company, "Kunde"))
    product = add_product(services, company, "P1")
    svc = registers(services)
    line = svc.create_row(
        company,
        register="sales_order_lines",
        values={"product_uuid": product.uuid, "quantity": 1},
        parent_id=order.id,
    )
    invoiced = svc.update_row(company, register="sales_orders", row_id=order.id, values={"status": "invoice"})
    assert invoiced.read_only
    for attempt in (
        lambda: svc.update_row(
            company, register="sales_orders", row_id=order.id, values={"notes": "changed"}
        ),
        lambda: svc.delete_row(company, register="sales_orders", row_id=order.id),
        lambda: svc.update_row(company, register="sales_order_lines", row_id=line.id, values={"quantity": 5}),
        lambda: svc.delete_row(company, register="sales_order_lines", row_id=line.id),
        lambda: svc.create_row(
            company,
            register="sales_order_lines",
            values={"product_uuid": product.uuid, "quantity": 1},
            parent_id=order.id,
        ),
    ):
        with pytest.raises(ReadOnlyRecord):
            attempt()
    assert svc.get_row(company, register="sales_orders", row_id=order.id).values["total"] == Decimal("10.00")


def test_orders_are_listed_and_found_by_their_contacts_name(services: Services) -> None:
    company = new_company(services)
    add_order(services, company, add_contact(services, company, "Alpha GmbH"))
    add_order(services, company, add_contact(services, company, "Beta AG"))
    found = registers(services).list_rows(company, "sales_orders", search="beta", sort="contact_name")
    assert [r.values["contact_name"] for r in found.rows] == ["Beta AG"]
    assert found.total == 1

"""Sales orders in the browser: lines from existing products, the total, and invoices read-only."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from services.container import Services
from tests.services.local.registers_factories import add_contact, add_product
from tests.ui.registers_helpers import company_id, open_new_company


async def test_an_order_is_built_from_products_and_becomes_a_read_only_invoice(
    user: User, services: Services
) -> None:
    await open_new_company(user)
    company = company_id(services)
    add_contact(services, company, "Kunde AG")
    add_product(services, company, "K-100", "12.50")
    await user.open("/registers/sales_orders")
    user.find(marker="new").click()
    await user.should_see("New: Sales order")
    user.find(marker="field-contact_uuid").click()
    await user.should_see("Kunde AG")
    user.find("Kunde AG").click()
    user.find(marker="save").click()
    await user.should_see("Order lines")

    user.find(marker="add-sales_order_lines").click()
    await user.should_see("New: Order line")
    user.find(marker="field-product_uuid").click()
    await user.should_see("K-100 Product K-100")
    user.find("K-100 Product K-100").click()
    user.find(marker="field-quantity").type("3")
    user.find(marker="save-sales_order_lines").click()
    await user.should_see("Total: €37.50")
    await user.should_see(kind=ui.label, content="Product K-100")

    user.find(marker="field-status").click()
    user.find("Invoice").click()
    user.find(marker="save").click()
    await user.should_see("Invoiced – read-only")
    await user.should_not_see(marker="save")
    await user.should_not_see(marker="add-sales_order_lines")


async def test_a_line_with_a_negative_quantity_is_refused_and_the_total_stays(
    user: User, services: Services
) -> None:
    await open_new_company(user)
    company = company_id(services)
    contact = add_contact(services, company, "Kunde AG")
    add_product(services, company, "K-1", "5.00")
    order = services.local.registers.create_row(
        company, register="sales_orders", values={"contact_uuid": contact.uuid, "order_date": "2025-01-31"}
    )
    await user.open(f"/registers/sales_orders/{order.id}")
    user.find(marker="add-sales_order_lines").click()
    await user.should_see("New: Order line")
    user.find(marker="field-product_uuid").click()
    await user.should_see("K-1 Product K-1")
    user.find("K-1 Product K-1").click()
    user.find(marker="field-quantity").type("-2")
    user.find(marker="save-sales_order_lines").click()
    await user.should_see("Please check the highlighted fields.")
    quantity = user.find(marker="field-quantity").elements.pop()
    assert quantity.error == "Must not be negative"
    assert (
        services.local.registers.list_children(company, register="sales_order_lines", parent_id=order.id)
        == ()
    )
    await user.should_see("Total: €0.00")

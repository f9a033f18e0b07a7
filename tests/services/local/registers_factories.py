"""Small factories for register tests: a company with a few records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.container import Services
from services.local.registers import RegisterRow, RegisterService


def registers(services: Services) -> RegisterService:
    return services.local.registers


def new_company(services: Services, name: str = "Muster GmbH") -> int:
    return services.local.companies.create_company({"name": name}).id


def add(services: Services, company_id: int, register: str, **values: Any) -> RegisterRow:
    return registers(services).create_row(company_id, register=register, values=values)


def add_contact(services: Services, company_id: int, name: str, **values: Any) -> RegisterRow:
    return add(services, company_id, "contacts", name=name, **values)


def add_product(services: Services, company_id: int, number: str, price: str = "10.00") -> RegisterRow:
    return add(
        services, company_id, "products", number=number, name=f"Product {number}", price=Decimal(price)
    )


def add_order(services: Services, company_id: int, contact: RegisterRow, **values: Any) -> RegisterRow:
    return add(
        services, company_id, "sales_orders", contact_uuid=contact.uuid, order_date="2025-03-01", **values
    )

"""Rules of particular registers, applied inside the service's transaction.

Sales orders: an invoiced order and its lines are read-only; the order total is recomputed from
its lines in the same transaction as every line change (money rules in ``services.records.amounts``);
the contact person is one of the customer's; lines take description and price from
the chosen product unless given. Deleting refuses records others still depend on, and removes a
record's own parts (contact persons, order lines) row by row through the ORM, so that change
tracking sees every delete.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models.local import Activity, ContactPerson, Product, SalesOrder, SalesOrderLine, User
from services.errors import ValidationFailed
from services.local.registers.errors import ReadOnlyRecord, RecordInUse
from services.local.registers.specs import RegisterSpec
from services.records.amounts import LineFigures, Totals, line_amount, order_totals
from services.records.defaults import next_full_hour
from services.records.numbers import next_free_number

INVOICE = "invoice"
UNIQUE_NUMBERS = ("contacts", "products", "sales_orders")
AUTO_NUMBERS = ("contacts", "sales_orders")


def is_read_only(s: Session, *, spec: RegisterSpec, obj: Any) -> bool:
    if spec.name == "sales_orders":
        return bool(obj.status == INVOICE)
    if spec.name == "sales_order_lines":
        return s.scalar(select(SalesOrder.status).where(SalesOrder.uuid == obj.order_uuid)) == INVOICE
    return False


def defaults(spec: RegisterSpec) -> dict[str, Any]:
    """Starting values of a new record: orders dated today, activities at the next full hour."""
    if spec.name == "sales_orders":
        return {"order_date": dt.date.today()}
    if spec.name == "activities":
        return {"start_at": next_full_hour()}
    return {}


def before_save(s: Session, *, spec: RegisterSpec, company_id: int, obj: Any, values: dict[str, Any]) -> None:
    """Checks and defaults before ``values`` are written to ``obj`` (new or existing)."""
    if obj.id is not None and is_read_only(s, spec=spec, obj=obj):
        raise ReadOnlyRecord()
    if spec.name in UNIQUE_NUMBERS and "number" in values:
        _number(s, spec, company_id, obj, values)
    if spec.name == "sales_order_lines":
        _line_defaults(s, obj, values)
    if spec.name == "sales_orders":
        _check_contact_person(s, obj, values)
    if spec.name == "activities":
        start, end = values.get("start_at", obj.start_at), values.get("end_at", obj.end_at)
        if start is not None and end is not None and end < start:
            raise ValidationFailed({"end_at": "registers.validation.end_before_start"})


def after_save(s: Session, *, spec: RegisterSpec, obj: Any) -> None:
    if spec.name == "sales_order_lines":
        recompute_total(s, obj.order_uuid)


def check_parent_writable(s: Session, *, spec: RegisterSpec, parent: Any) -> None:
    """New lines cannot be added to an invoiced order."""
    if spec.name == "sales_orders" and parent.status == INVOICE:
        raise ReadOnlyRecord()


def before_delete(s: Session, *, spec: RegisterSpec, obj: Any) -> None:
    """Refuse deleting what others depend on; delete the record's own parts first."""
    if is_read_only(s, spec=spec, obj=obj):
        raise ReadOnlyRecord()
    if spec.name == "contacts":
        _refuse_if_used(s, SalesOrder.contact_uuid == obj.uuid, "sales_orders")
        _delete_each(s, ContactPerson, ContactPerson.contact_uuid == obj.uuid)
        _delete_each(s, Activity, Activity.contact_uuid == obj.uuid)
    elif spec.name == "products":
        _refuse_if_used(s, SalesOrderLine.product_uuid == obj.uuid, "sales_order_lines")
    elif spec.name == "employees":
        _refuse_if_used(s, SalesOrder.employee_uuid == obj.uuid, "sales_orders")
        _refuse_if_used(s, Activity.employee_uuid == obj.uuid, "activities")
        s.execute(update(User).where(User.employee_uuid == obj.uuid).values(employee_uuid=None))
    elif spec.name == "sales_orders":
        _delete_each(s, SalesOrderLine, SalesOrderLine.order_uuid == obj.uuid)
    elif spec.name == "contact_persons":  # what ON DELETE SET NULL would do, row by row
        for order in s.scalars(select(SalesOrder).where(SalesOrder.contact_person_uuid == obj.uuid)):
            order.contact_person_uuid = None


def after_delete(s: Session, *, spec: RegisterSpec, obj: Any) -> None:
    if spec.name == "sales_order_lines":
        recompute_total(s, obj.order_uuid)


def computed_values(spec: RegisterSpec, obj: Any) -> dict[str, Any]:
    """Values shown with a record that are derived from its fields."""
    if spec.name == "sales_order_lines":
        return {
            "line_total": line_total(
                obj.quantity, unit_price=obj.unit_price, discount_percent=obj.discount_percent
            )
        }
    return {}


def line_total(quantity: Decimal, *, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    """A line's amount: quantity × price less the discount, rounded to cents (``amounts``)."""
    return line_amount(quantity, unit_price=unit_price, discount_percent=discount_percent)


def order_figures(s: Session, order_uuid: str) -> Totals:
    """Net total, VAT per rate and gross total of an order's lines."""
    lines = s.execute(
        select(
            SalesOrderLine.quantity,
            SalesOrderLine.unit_price,
            SalesOrderLine.discount_percent,
            SalesOrderLine.vat_rate,
        ).where(SalesOrderLine.order_uuid == order_uuid)
    )
    return order_totals(
        LineFigures(quantity=q, unit_price=p, discount_percent=d, vat_rate=v) for q, p, d, v in lines
    )


def recompute_total(s: Session, order_uuid: str) -> None:
    s.flush()
    total = order_figures(s, order_uuid).net
    order = s.scalar(select(SalesOrder).where(SalesOrder.uuid == order_uuid))
    if order is not None and order.total != total:
        order.total = total


def _number(s: Session, spec: RegisterSpec, company_id: int, obj: Any, values: dict[str, Any]) -> None:
    """Give contacts and orders the next free number when left blank; numbers are unique."""
    model: Any = spec.model
    if not values["number"]:
        if spec.name not in AUTO_NUMBERS:
            return
        values["number"] = _next_number(s, model, company_id)
    taken = s.scalar(
        select(model.id).where(
            model.company_id == company_id, model.number == values["number"], model.id != (obj.id or 0)
        )
    )
    if taken is not None:
        raise ValidationFailed({"number": "registers.number_taken"})


def _next_number(s: Session, model: Any, company_id: int) -> str:
    last = s.scalar(
        select(model.number)
        .where(model.company_id == company_id, model.number != "")
        .order_by(func.length(model.number).desc(), model.number.desc())
        .limit(1)
    )

    def taken(number: str) -> bool:
        return (
            s.scalar(select(model.id).where(model.company_id == company_id, model.number == number))
            is not None
        )

    return next_free_number(last, taken)


def _line_defaults(s: Session, obj: Any, values: dict[str, Any]) -> None:
    """Description and price come from the product unless typed; new lines go last."""
    product_uuid = values.get("product_uuid") or obj.product_uuid
    product = s.scalar(select(Product).where(Product.uuid == product_uuid)) if product_uuid else None
    if product is not None:
        if not values.get("description") and not obj.description:
            values["description"] = product.name
        if "unit_price" in values and not values["unit_price"] and obj.id is None:
            values["unit_price"] = product.price
    if obj.id is None:
        last = s.scalar(
            select(func.max(SalesOrderLine.position)).where(SalesOrderLine.order_uuid == obj.order_uuid)
        )
        obj.position = (last or 0) + 1


def _check_contact_person(s: Session, obj: Any, values: dict[str, Any]) -> None:
    """An order's contact person is one of its customer's persons."""
    person_uuid = values.get("contact_person_uuid", obj.contact_person_uuid)
    if not person_uuid:
        return
    contact_uuid = values.get("contact_uuid", obj.contact_uuid)
    owner = s.scalar(select(ContactPerson.contact_uuid).where(ContactPerson.uuid == person_uuid))
    if owner != contact_uuid:
        raise ValidationFailed({"contact_person_uuid": "sales.validation.person_of_other_contact"})


def _refuse_if_used(s: Session, condition: Any, by: str) -> None:
    if s.scalar(select(func.count()).where(condition)):
        raise RecordInUse(f"registers.in_use.{by}")


def _delete_each(s: Session, model: Any, condition: Any) -> None:
    for row in s.scalars(select(model).where(condition)):
        s.delete(row)

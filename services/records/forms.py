"""The fields of each kind of company record, with the rules both sides apply when a person edits
one (required, choices, maximum lengths). Text lengths come from the column declarations in
``models.fields``, which the local tables and their online copies share, so a form never accepts
what the database would refuse.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import String

from models.fields import (
    ACTIVITY_KINDS,
    CONTACT_KINDS,
    ORDER_STATUSES,
    ActivityFields,
    ContactFields,
    ContactPersonFields,
    EmployeeFields,
    ProductFields,
    SalesOrderFields,
    SalesOrderLineFields,
)
from services.records.fields import (
    BOOL,
    CHOICE,
    DATE,
    DATETIME,
    DECIMAL,
    EMAIL,
    MONEY,
    REF,
    TEXTAREA,
    Field,
)

UUID_LENGTH = 36


def _sized(columns: type, *fields: Field) -> tuple[Field, ...]:
    """Take each text field's maximum length from its column declaration, so both always agree."""
    sized = []
    for field in fields:
        declared = getattr(columns, "__dict__", {}).get(field.name)
        column = getattr(declared, "column", None)
        kind = getattr(column, "type", None)
        if field.max_length is None and isinstance(kind, String):
            field = replace(field, max_length=kind.length)
        elif field.max_length is None and field.kind == REF:
            field = replace(field, max_length=UUID_LENGTH)  # references are record UUIDs
        sized.append(field)
    return tuple(sized)


CONTACT_FIELDS = _sized(
    ContactFields,
    Field(name="number"),
    Field(name="name", required=True),
    Field(name="kind", kind=CHOICE, choices=CONTACT_KINDS),
    Field(name="street"),
    Field(name="postal_code"),
    Field(name="city"),
    Field(name="country"),
    Field(name="phone"),
    Field(name="email", kind=EMAIL),
    Field(name="website"),
    Field(name="notes", kind=TEXTAREA),
)

CONTACT_PERSON_FIELDS = _sized(
    ContactPersonFields,
    Field(name="first_name"),
    Field(name="last_name", required=True),
    Field(name="position", label_key="registers.field.job_title"),
    Field(name="phone"),
    Field(name="email", kind=EMAIL),
)

PRODUCT_FIELDS = _sized(
    ProductFields,
    Field(name="number", required=True),
    Field(name="name", required=True),
    Field(name="unit"),
    Field(name="price", kind=MONEY),
    Field(name="active", kind=BOOL),
    Field(name="description", kind=TEXTAREA),
)

EMPLOYEE_FIELDS = _sized(
    EmployeeFields,
    Field(name="first_name"),
    Field(name="last_name", required=True),
    Field(name="position", label_key="registers.field.job_title"),
    Field(name="email", kind=EMAIL),
    Field(name="phone"),
)

SALES_ORDER_FIELDS = _sized(
    SalesOrderFields,
    Field(name="number"),
    Field(name="contact_uuid", kind=REF, ref="contacts", required=True, label_key="registers.field.contact"),
    Field(name="status", kind=CHOICE, choices=ORDER_STATUSES),
    Field(
        name="contact_person_uuid", kind=REF, ref="contact_persons", label_key="sales.field.contact_person"
    ),
    Field(name="order_date", kind=DATE, required=True),
    Field(name="delivery_date", kind=DATE, label_key="sales.field.delivery_date"),
    Field(name="our_reference", label_key="sales.field.our_reference"),
    Field(name="employee_uuid", kind=REF, ref="employees", label_key="registers.field.employee"),
    Field(name="notes", kind=TEXTAREA),
)

SALES_ORDER_LINE_FIELDS = _sized(
    SalesOrderLineFields,
    Field(name="product_uuid", kind=REF, ref="products", required=True, label_key="registers.field.product"),
    Field(name="description"),
    Field(name="quantity", kind=DECIMAL, required=True),
    Field(name="unit_price", kind=MONEY),
    Field(name="discount_percent", kind=DECIMAL, maximum=Decimal("100")),
    Field(
        name="vat_rate",
        kind=DECIMAL,
        maximum=Decimal("100"),
        default=Decimal("19.00"),
        label_key="sales.field.vat_rate",
    ),
)

ACTIVITY_FIELDS = _sized(
    ActivityFields,
    Field(name="subject", required=True),
    Field(name="kind", kind=CHOICE, choices=ACTIVITY_KINDS),
    Field(name="start_at", kind=DATETIME, required=True),
    Field(name="end_at", kind=DATETIME),
    Field(name="contact_uuid", kind=REF, ref="contacts", label_key="registers.field.contact"),
    Field(name="employee_uuid", kind=REF, ref="employees", label_key="registers.field.employee"),
    Field(name="done", kind=BOOL),
    Field(name="notes", kind=TEXTAREA),
)

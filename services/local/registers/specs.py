"""The registers of a company database: fields, list columns, search and sort rules.

Lists search and sort only over the columns named here (the whitelist), so no request can sort
by an unindexed or private column. ``Lookup`` columns show a referenced record's name in a list
(the contact of a sales order) through one outer join on the UUID.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import String

from models.fields import ACTIVITY_KINDS, CONTACT_KINDS, ORDER_STATUSES
from models.local import (
    Activity,
    Contact,
    ContactPerson,
    Employee,
    LocalBase,
    Product,
    SalesOrder,
    SalesOrderLine,
)
from services.local.registers.fields import (
    BOOL,
    CHOICE,
    DATE,
    DATETIME,
    DECIMAL,
    EMAIL,
    INTEGER,
    MONEY,
    REF,
    TEXT,
    TEXTAREA,
    Field,
)

# Kinds of list columns that are not editable fields.
COMPUTED_KINDS = {"total": MONEY, "position": INTEGER, "line_total": MONEY}


@dataclass(frozen=True, kw_only=True, slots=True)
class Lookup:
    """A list column taken from a referenced record: ``ref_field`` holds its UUID."""

    name: str
    ref_field: str
    register: str
    column: str


@dataclass(frozen=True, kw_only=True, slots=True)
class RegisterSpec:
    name: str
    model: type[LocalBase]
    fields: tuple[Field, ...]
    columns: tuple[str, ...]
    search: tuple[str, ...]
    sortable: tuple[str, ...]
    default_sort: str
    title: tuple[str, ...]
    lookups: tuple[Lookup, ...] = ()
    parent: str | None = None
    parent_field: str | None = None

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def lookup(self, name: str) -> Lookup | None:
        return next((lk for lk in self.lookups if lk.name == name), None)

    def kind_of(self, column: str) -> str:
        """The kind of a list column: its field's kind, or that of a computed column."""
        field = next((f for f in self.fields if f.name == column), None)
        return field.kind if field else COMPUTED_KINDS.get(column, TEXT)


def _sized(model: type[LocalBase], *fields: Field) -> tuple[Field, ...]:
    """Take each text field's maximum length from its database column, so both always agree."""
    table = model.__table__
    sized = []
    for field in fields:
        column = table.c.get(field.name)
        length = getattr(column.type, "length", None) if column is not None else None
        if field.max_length is None and isinstance(column.type if column is not None else None, String):
            field = replace(field, max_length=length)
        sized.append(field)
    return tuple(sized)


CONTACTS = RegisterSpec(
    name="contacts",
    model=Contact,
    fields=_sized(
        Contact,
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
    ),
    columns=("number", "name", "city", "phone", "email"),
    search=("name", "number", "postal_code", "city", "email"),
    sortable=("number", "name", "city", "email"),
    default_sort="name",
    title=("name",),
)

CONTACT_PERSONS = RegisterSpec(
    name="contact_persons",
    model=ContactPerson,
    fields=_sized(
        ContactPerson,
        Field(name="first_name"),
        Field(name="last_name", required=True),
        Field(name="position", label_key="registers.field.job_title"),
        Field(name="phone"),
        Field(name="email", kind=EMAIL),
    ),
    columns=("first_name", "last_name", "position", "phone", "email"),
    search=("first_name", "last_name", "email"),
    sortable=("last_name",),
    default_sort="last_name",
    title=("first_name", "last_name"),
    parent="contacts",
    parent_field="contact_uuid",
)

PRODUCTS = RegisterSpec(
    name="products",
    model=Product,
    fields=_sized(
        Product,
        Field(name="number", required=True),
        Field(name="name", required=True),
        Field(name="unit"),
        Field(name="price", kind=MONEY),
        Field(name="active", kind=BOOL),
        Field(name="description", kind=TEXTAREA),
    ),
    columns=("number", "name", "unit", "price", "active"),
    search=("number", "name"),
    sortable=("number", "name", "price"),
    default_sort="number",
    title=("number", "name"),
)

EMPLOYEES = RegisterSpec(
    name="employees",
    model=Employee,
    fields=_sized(
        Employee,
        Field(name="first_name"),
        Field(name="last_name", required=True),
        Field(name="position", label_key="registers.field.job_title"),
        Field(name="email", kind=EMAIL),
        Field(name="phone"),
    ),
    columns=("first_name", "last_name", "position", "email", "phone"),
    search=("first_name", "last_name", "email", "position"),
    sortable=("first_name", "last_name", "position", "email"),
    default_sort="last_name",
    title=("first_name", "last_name"),
)

SALES_ORDERS = RegisterSpec(
    name="sales_orders",
    model=SalesOrder,
    fields=_sized(
        SalesOrder,
        Field(name="number"),
        Field(
            name="contact_uuid", kind=REF, ref="contacts", required=True, label_key="registers.field.contact"
        ),
        Field(name="status", kind=CHOICE, choices=ORDER_STATUSES),
        Field(name="order_date", kind=DATE, required=True),
        Field(name="employee_uuid", kind=REF, ref="employees", label_key="registers.field.employee"),
        Field(name="notes", kind=TEXTAREA),
    ),
    columns=("number", "order_date", "contact_name", "status", "total"),
    search=("number", "contact_name"),
    sortable=("number", "order_date", "status", "total", "contact_name"),
    default_sort="number",
    title=("number",),
    lookups=(Lookup(name="contact_name", ref_field="contact_uuid", register="contacts", column="name"),),
)

SALES_ORDER_LINES = RegisterSpec(
    name="sales_order_lines",
    model=SalesOrderLine,
    fields=_sized(
        SalesOrderLine,
        Field(
            name="product_uuid", kind=REF, ref="products", required=True, label_key="registers.field.product"
        ),
        Field(name="description"),
        Field(name="quantity", kind=DECIMAL, required=True),
        Field(name="unit_price", kind=MONEY),
        Field(name="discount_percent", kind=DECIMAL, maximum=Decimal("100")),
    ),
    columns=("position", "description", "quantity", "unit_price", "discount_percent", "line_total"),
    search=("description",),
    sortable=("position",),
    default_sort="position",
    title=("description",),
    parent="sales_orders",
    parent_field="order_uuid",
)

ACTIVITIES = RegisterSpec(
    name="activities",
    model=Activity,
    fields=_sized(
        Activity,
        Field(name="subject", required=True),
        Field(name="kind", kind=CHOICE, choices=ACTIVITY_KINDS),
        Field(name="start_at", kind=DATETIME, required=True),
        Field(name="end_at", kind=DATETIME),
        Field(name="contact_uuid", kind=REF, ref="contacts", label_key="registers.field.contact"),
        Field(name="employee_uuid", kind=REF, ref="employees", label_key="registers.field.employee"),
        Field(name="done", kind=BOOL),
        Field(name="notes", kind=TEXTAREA),
    ),
    columns=("start_at", "subject", "kind", "contact_name", "done"),
    search=("subject", "contact_name"),
    sortable=("start_at", "subject", "kind", "done", "contact_name"),
    default_sort="start_at",
    title=("subject",),
    lookups=(Lookup(name="contact_name", ref_field="contact_uuid", register="contacts", column="name"),),
)

REGISTERS: dict[str, RegisterSpec] = {
    spec.name: spec
    for spec in (CONTACTS, CONTACT_PERSONS, PRODUCTS, EMPLOYEES, SALES_ORDERS, SALES_ORDER_LINES, ACTIVITIES)
}
# Registers with their own list page; the others are edited inside their parent's detail page.
TOP_LEVEL = ("contacts", "products", "sales_orders", "activities", "employees")
CHILDREN = {"contacts": "contact_persons", "sales_orders": "sales_order_lines"}

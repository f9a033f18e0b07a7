"""The registers of a company database: fields, list columns, search and sort rules.

Lists search and sort only over the columns named here (the whitelist), so no request can sort
by an unindexed or private column. ``Lookup`` columns show a referenced record's name in a list
(the contact of a sales order) through one outer join on the UUID.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from services.records.fields import INTEGER, MONEY, TEXT, Field
from services.records.forms import (
    ACTIVITY_FIELDS,
    CONTACT_FIELDS,
    CONTACT_PERSON_FIELDS,
    EMPLOYEE_FIELDS,
    PRODUCT_FIELDS,
    SALES_ORDER_FIELDS,
    SALES_ORDER_LINE_FIELDS,
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


CONTACTS = RegisterSpec(
    name="contacts",
    model=Contact,
    fields=CONTACT_FIELDS,
    columns=("number", "name", "city", "phone", "email"),
    search=("name", "number", "postal_code", "city", "email"),
    sortable=("number", "name", "city", "email"),
    default_sort="name",
    title=("name",),
)

CONTACT_PERSONS = RegisterSpec(
    name="contact_persons",
    model=ContactPerson,
    fields=CONTACT_PERSON_FIELDS,
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
    fields=PRODUCT_FIELDS,
    columns=("number", "name", "unit", "price", "active"),
    search=("number", "name"),
    sortable=("number", "name", "price"),
    default_sort="number",
    title=("number", "name"),
)

EMPLOYEES = RegisterSpec(
    name="employees",
    model=Employee,
    fields=EMPLOYEE_FIELDS,
    columns=("first_name", "last_name", "position", "email", "phone"),
    search=("first_name", "last_name", "email", "position"),
    sortable=("first_name", "last_name", "position", "email"),
    default_sort="last_name",
    title=("first_name", "last_name"),
)

SALES_ORDERS = RegisterSpec(
    name="sales_orders",
    model=SalesOrder,
    fields=SALES_ORDER_FIELDS,
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
    fields=SALES_ORDER_LINE_FIELDS,
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
    fields=ACTIVITY_FIELDS,
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

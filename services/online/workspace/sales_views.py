"""What the Online Desktop's sales service answers and takes: documents, lines, edits, conflicts.

A quote, an order and an invoice are one kind of record (``status``). A quote and an order are
edited online; an invoice is read-only (``read_only_reason`` says why). An edit names only what
the person changed, with the values they saw (``original``): a field a colleague changed
meanwhile is refused with both values (``EditConflict``) instead of being overwritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from services.errors import Conflict, PermissionDenied
from services.records.amounts import Totals

QUOTE, ORDER, INVOICE = "quote", "order", "invoice"
EDITABLE_STATUSES = (QUOTE, ORDER)  # an invoice is read-only, online as in Business Software
NEW_STATUSES = (QUOTE, ORDER)  # invoices are written in Business Software
HEADER_COLUMNS = (
    "number",
    "status",
    "contact_uuid",
    "contact_person_uuid",
    "order_date",
    "delivery_date",
    "our_reference",
    "employee_uuid",
    "notes",
)
LINE_COLUMNS = (
    "position",
    "product_uuid",
    "description",
    "quantity",
    "unit_price",
    "discount_percent",
    "vat_rate",
)


class ReadOnlyDocument(PermissionDenied):
    """An invoiced order cannot be changed (its figures are final)."""

    key = "sales.read_only.invoice"


class EditConflict(Conflict):
    """A field the person changed was changed by someone else since they opened the document.

    ``fields`` maps the field (``lines.<uuid>.<field>`` for a line) to (the value they saw, the
    value now stored); nothing was written."""

    key = "sales.conflict"

    def __init__(self, fields: dict[str, tuple[Any, Any]]) -> None:
        super().__init__(type(self).key, fields=", ".join(sorted(fields)))
        self.fields = fields


@dataclass(frozen=True, kw_only=True, slots=True)
class SalesLine:
    uuid: str
    seq: int
    position: int
    product_uuid: str | None
    product_label: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: Decimal
    line_total: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class SalesDocument:
    """A quote, order or invoice with its lines and totals, and what the caller may do with it."""

    uuid: str | None  # None: a new document not saved yet
    seq: int  # the header's sequence when read (what an edit is guarded by)
    values: dict[str, Any]  # HEADER_COLUMNS
    labels: dict[str, str]  # names of the customer, contact person and employee
    lines: tuple[SalesLine, ...]
    totals: Totals
    editable: bool  # the caller has Full access and the status allows changes
    read_only_reason: str | None = None  # translation key when the status forbids changes
    may_convert: bool = False  # a quote the caller may turn into an order


@dataclass(frozen=True, kw_only=True, slots=True)
class ProductFacts:
    """What a new line takes from its product unless typed."""

    uuid: str
    name: str
    price: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class LineEdit:
    """One line of an edit: a new line (``uuid`` None, every field in ``changes``), a changed
    line (only the changed fields, with the values the person saw in ``original``), or a line to
    remove."""

    uuid: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    original: dict[str, Any] = field(default_factory=dict)
    seq: int | None = None  # the line's sequence when read
    remove: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class SalesEdit:
    """What a person changed in a document: header fields and lines."""

    changes: dict[str, Any] = field(default_factory=dict)
    original: dict[str, Any] = field(default_factory=dict)
    seq: int | None = None  # the header's sequence when read
    lines: tuple[LineEdit, ...] = ()


def today() -> dt.date:
    return dt.date.today()

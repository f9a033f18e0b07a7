"""The lines of a sales document online: reading them with their products, and turning a person's
line edits into rows to write (cleaned by the Business Software's line rules, products checked,
defaults from the product, conflicts found); also the document view and the choosers' options.

Errors of a line are named ``lines.<index>.<field>`` (the index of the edit), so a form can show
them under the right input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.online import (
    OnlineContact,
    OnlineContactPerson,
    OnlineEmployee,
    OnlineProduct,
    OnlineSalesOrder,
    OnlineSalesOrderLine,
)
from services.errors import NotFound, ValidationFailed
from services.online.workspace.access import TenantContext
from services.online.workspace.sales_views import (
    EDITABLE_STATUSES,
    HEADER_COLUMNS,
    QUOTE,
    EditConflict,
    LineEdit,
    SalesDocument,
    SalesLine,
)
from services.records.amounts import LineFigures, line_amount, order_totals
from services.records.edits import Edit, merge
from services.records.edits import EditConflict as SharedConflict
from services.records.fields import clean_values
from services.records.forms import SALES_ORDER_LINE_FIELDS
from services.records.views import Option
from services.sync.server.online_changes import RowChange

L = OnlineSalesOrderLine


def live_lines(s: Session, *, tenant_id: int, order_uuid: str) -> list[OnlineSalesOrderLine]:
    return list(
        s.scalars(
            select(L)
            .where(L.tenant_id == tenant_id, L.order_uuid == order_uuid, L.deleted.is_(False))
            .order_by(L.position, L.uuid)
        )
    )


def figures(line: Any) -> LineFigures:
    return LineFigures(
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount_percent=line.discount_percent,
        vat_rate=line.vat_rate,
    )


def line_changes(
    s: Session,
    *,
    tenant_id: int,
    order_uuid: str,
    existing: list[OnlineSalesOrderLine],
    edits: Sequence[LineEdit],
) -> tuple[list[RowChange], list[LineFigures]]:
    """Rows to write for ``edits`` and the figures of every line the document then has."""
    by_uuid = {line.uuid: line for line in existing}
    after: dict[str, LineFigures] = {line.uuid: figures(line) for line in existing}
    rows: list[RowChange] = []
    errors: dict[str, str] = {}
    clashes: dict[str, tuple[Any, Any]] = {}
    position = max((line.position for line in existing), default=0)
    for index, edit in enumerate(edits):
        line = by_uuid.get(edit.uuid or "")
        if edit.uuid is not None and line is None:
            raise NotFound()  # not a live line of this document
        if edit.remove and line is not None:
            rows.append(RowChange(table="sales_order_lines", uuid=line.uuid, delete=True))
            after.pop(line.uuid)
            continue
        try:
            cleaned = clean_values(SALES_ORDER_LINE_FIELDS, edit.changes, partial=line is not None)
        except ValidationFailed as failed:
            errors.update({f"lines.{index}.{k}": v for k, v in failed.fields.items()})
            continue
        if "product_uuid" in cleaned:
            product = _product(s, tenant_id, cleaned["product_uuid"])
            if product is None:
                errors[f"lines.{index}.product_uuid"] = "sales.validation.product_missing"
                continue
            if line is None:  # description and price come from the product unless typed
                if not cleaned.get("description"):
                    cleaned["description"] = product.name
                if edit.changes.get("unit_price") in (None, ""):
                    cleaned["unit_price"] = product.price
        if line is None:
            position += 1
            cleaned.update(order_uuid=order_uuid, position=position)
            rows.append(RowChange(table="sales_order_lines", uuid=None, fields=cleaned))
            after[f"new-{index}"] = figures(_Values(cleaned))
            continue
        clashes.update(_line_clashes(line, edit, cleaned))
        cleaned = {k: v for k, v in cleaned.items() if getattr(line, k) != v}
        if cleaned:
            rows.append(RowChange(table="sales_order_lines", uuid=line.uuid, fields=cleaned, must_exist=True))
            after[line.uuid] = figures(_Values({**_values_of(line), **cleaned}))
    if errors:
        raise ValidationFailed(errors)
    if clashes:
        raise EditConflict(clashes)
    return rows, list(after.values())


def _line_clashes(
    line: OnlineSalesOrderLine, edit: LineEdit, cleaned: dict[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """The shared rule of ``services.records.edits``, guarded by the line's sync sequence."""
    seen = clean_values(SALES_ORDER_LINE_FIELDS, {k: edit.original.get(k) for k in cleaned}, partial=True)
    current = {name: getattr(line, name) for name in cleaned}
    try:
        merge(
            Edit(changes=cleaned, base=seen, version=edit.seq),
            cleaned=cleaned,
            current=current,
            version=line.seq,
        )
    except SharedConflict as conflict:
        return {f"lines.{line.uuid}.{c.field}": (c.base, c.theirs) for c in conflict.conflicts}
    return {}


class _Values:
    def __init__(self, values: dict[str, Any]) -> None:
        self.quantity = values.get("quantity")
        self.unit_price = values.get("unit_price")
        self.discount_percent = values.get("discount_percent")
        self.vat_rate = values.get("vat_rate")


def _values_of(line: OnlineSalesOrderLine) -> dict[str, Any]:
    return {f.name: getattr(line, f.name) for f in SALES_ORDER_LINE_FIELDS}


def _product(s: Session, tenant_id: int, uuid: str) -> OnlineProduct | None:
    p = OnlineProduct
    return s.scalar(select(p).where(p.tenant_id == tenant_id, p.uuid == uuid, p.deleted.is_(False)))


def read_document(s: Session, *, ctx: TenantContext, order: OnlineSalesOrder) -> SalesDocument:
    lines = live_lines(s, tenant_id=ctx.tenant_id, order_uuid=order.uuid)
    products = _product_labels(s, ctx.tenant_id, {line.product_uuid for line in lines if line.product_uuid})
    shown = tuple(
        SalesLine(
            uuid=line.uuid,
            seq=line.seq,
            position=line.position,
            product_uuid=line.product_uuid,
            product_label=products.get(line.product_uuid or "", ""),
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            vat_rate=line.vat_rate,
            line_total=line_amount(
                line.quantity, unit_price=line.unit_price, discount_percent=line.discount_percent
            ),
        )
        for line in lines
    )
    values = {c: getattr(order, c) for c in HEADER_COLUMNS}
    labels = {
        name: label
        for name, register in (
            ("contact_uuid", "contacts"),
            ("contact_person_uuid", "contact_persons"),
            ("employee_uuid", "employees"),
        )
        if values[name]
        for label in [ref_label(s, tenant_id=ctx.tenant_id, register=register, uuid=values[name])]
        if label
    }
    editable = ctx.can("sales", "full") and order.status in EDITABLE_STATUSES
    return SalesDocument(
        uuid=order.uuid,
        seq=order.seq,
        values=values,
        labels=labels,
        lines=shown,
        totals=order_totals(figures(line) for line in lines),
        editable=editable,
        read_only_reason=None if order.status in EDITABLE_STATUSES else f"sales.read_only.{order.status}",
        may_convert=editable and order.status == QUOTE,
    )


def _product_labels(s: Session, tenant_id: int, uuids: set[str | None]) -> dict[str, str]:
    if not uuids:
        return {}
    p = OnlineProduct
    rows = s.execute(select(p.uuid, p.number, p.name).where(p.tenant_id == tenant_id, p.uuid.in_(uuids)))
    return {u: f"{n} {name}".strip() for u, n, name in rows}


_MODELS: dict[str, Any] = {
    "contacts": OnlineContact,
    "contact_persons": OnlineContactPerson,
    "employees": OnlineEmployee,
    "products": OnlineProduct,
}


def _label(register: str, row: Any) -> str:
    if register == "contacts":
        return str(row.name)
    if register == "products":
        return f"{row.number} {row.name}".strip()
    return f"{row.first_name} {row.last_name}".strip()


def ref_label(s: Session, *, tenant_id: int, register: str, uuid: str) -> str:
    """The display name of a live record of this account ("" when there is none)."""
    m = _MODELS[register]
    row = s.scalar(select(m).where(m.tenant_id == tenant_id, m.uuid == uuid, m.deleted.is_(False)))
    return _label(register, row) if row is not None else ""


def sales_options(
    s: Session, tenant_id: int, *, register: str, search: str, contact_uuid: str | None, limit: int
) -> list[Option]:
    """Customers, a customer's contact persons, employees or active products found by search."""
    m = _MODELS.get(register)
    if m is None:
        raise NotFound()
    query = select(m).where(m.tenant_id == tenant_id, m.deleted.is_(False))
    text = search.strip()[:100]
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if register == "contacts":
        order: tuple[Any, ...] = (m.name, m.uuid)
        searched = [m.name, m.number]
    elif register == "products":
        query = query.where(m.active.is_(True))
        order, searched = (m.number, m.uuid), [m.number, m.name]
    else:
        order, searched = (m.last_name, m.first_name, m.uuid), [m.last_name, m.first_name]
        if register == "contact_persons":
            query = query.where(m.contact_uuid == (contact_uuid or ""))
    if text:
        query = query.where(or_(*(c.ilike(pattern, escape="\\") for c in searched)))
    rows = s.scalars(query.order_by(*order).limit(max(1, min(limit, 50)))).all()
    return [Option(uuid=r.uuid, label=_label(register, r)) for r in rows]

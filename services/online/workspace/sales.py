"""Quotes, orders and invoices in the Online Desktop (PRODUCT.md §3 Sales).

Reading needs Read access to the sales module, every change Full access. A save is one
transaction: the role is resolved after the company account's row is locked, the header and its
lines are cleaned with the same field rules as in Business Software, products and the customer
must exist in this account, the totals are computed by the same money rules
(``services.records.amounts``), and the header with all its lines is written as **one** online
change (one sequence number), so Business Software never sees an order without its lines.
Only what the person changed is written; a field someone changed meanwhile is refused with both
values (``EditConflict``). An invoice is read-only; a quote becomes an order with ``convert``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import false, func, literal_column, select
from sqlalchemy.orm import Session, sessionmaker

from models.online import OnlineContact, OnlineContactPerson, OnlineId, OnlineProduct, OnlineSalesOrder
from models.types import new_uuid
from services.errors import NotFound, ValidationFailed
from services.online.workspace import search_index
from services.online.workspace.access import TenantContext, resolve_context
from services.online.workspace.lists import CONTACT_SEARCH, MAX_PAGE_SIZE, PAGE_SIZE
from services.online.workspace.numbers import number_sales_order
from services.online.workspace.paging import page_keys
from services.online.workspace.sales_lines import (
    line_changes,
    live_lines,
    read_document,
    ref_label,
    sales_options,
)
from services.online.workspace.sales_views import (
    EDITABLE_STATUSES,
    NEW_STATUSES,
    ORDER,
    QUOTE,
    EditConflict,
    ProductFacts,
    ReadOnlyDocument,
    SalesDocument,
    SalesEdit,
    today,
)
from services.records.amounts import order_totals
from services.records.edits import Edit, merge
from services.records.edits import EditConflict as SharedConflict
from services.records.fields import clean_values
from services.records.forms import SALES_ORDER_FIELDS
from services.records.views import ListPage, Option, RegisterRow
from services.sync.server.online_changes import OnlineChange, RowChange

MODULE = "sales"
SORTABLE = ("order_date", "number", "total")
LIST_COLUMNS = ("number", "status", "order_date", "contact_name", "total")
HEADER_FIELDS = tuple(f for f in SALES_ORDER_FIELDS if f.name != "status")


class ApplyTransaction(Protocol):
    """``SyncServer.apply_online_transaction``: several rows as one change, in ``session``."""

    def __call__(
        self, tenant_id: int, changes: Sequence[RowChange], *, session: Session | None = None, by: str = ""
    ) -> list[OnlineChange]: ...


class WorkspaceSales:
    def __init__(self, sessions: sessionmaker[Session], apply_transaction: ApplyTransaction) -> None:
        self._sessions, self._apply = sessions, apply_transaction

    def rows(
        self,
        online_id_id: int,
        tenant_uuid: str,
        *,
        search: str = "",
        sort: str = "",
        descending: bool = True,
        page: int = 1,
        page_size: int = PAGE_SIZE,
        status: str = "",
        month: str = "",
        contact_uuid: str = "",
    ) -> ListPage:
        """One page of the documents, newest first by default; ``status`` filters (quote, order,
        invoice), ``month`` (YYYY-MM) the order date, ``contact_uuid`` the customer (the
        dashboard's links); the search finds a document number or the customer's name."""
        page_size = max(1, min(page_size, MAX_PAGE_SIZE))
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module=MODULE, level="read"
            )
            o = OnlineSalesOrder
            query = select(o.uuid).where(o.tenant_id == ctx.tenant_id, o.deleted == false())  # list indexes
            if status in (QUOTE, ORDER, "invoice"):
                query = query.where(o.status == status)
            first = _month(month)
            if first is not None:
                after = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
                query = query.where(o.order_date >= first, o.order_date < after)
            if contact_uuid:
                query = query.where(o.contact_uuid == contact_uuid[:36])
            walk, total = None, None
            text = search.strip()[:100]
            if text:
                table = o.__tablename__
                if search_index.usable(s.connection(), table=table, fragment=text):
                    within = {"status": status} if status in (QUOTE, ORDER, "invoice") else {}
                    matches = search_index.find(
                        s.connection(), table=table, tenant_id=ctx.tenant_id, fragment=text, within=within
                    )
                    walk = query.where(search_index.matching(matches, walk=True))
                    query = query.where(search_index.matching(matches))
                    if matches.alone and first is None and not contact_uuid:  # all the index knows
                        total = matches.count
                else:
                    query = query.where(_searched(s, ctx.tenant_id, text))
            column = getattr(o, sort if sort in SORTABLE else SORTABLE[0])
            order = (column.desc(), o.uuid.desc()) if descending else (column, o.uuid)
            uuids, total, page = page_keys(
                s, query, order, page=page, page_size=page_size, walk=walk, total=total
            )
            keyed = select(o).where(o.tenant_id == ctx.tenant_id, o.uuid.in_(uuids))
            found = {r.uuid: r for r in s.scalars(keyed)} if uuids else {}
            names = _contact_names(s, ctx.tenant_id, {r.contact_uuid for r in found.values()})
            rows = tuple(
                RegisterRow(
                    id=(page - 1) * page_size + i,
                    uuid=uuid,
                    values={
                        "number": found[uuid].number,
                        "status": found[uuid].status,
                        "order_date": found[uuid].order_date,
                        "contact_name": names.get(found[uuid].contact_uuid, ""),
                        "total": found[uuid].total,
                    },
                    read_only=found[uuid].status not in EDITABLE_STATUSES,
                )
                for i, uuid in enumerate(uuids)
            )
        return ListPage(rows=rows, total=total, page=page, page_size=page_size)

    def new_document(
        self, online_id_id: int, tenant_uuid: str, *, status: str = QUOTE, contact_uuid: str | None = None
    ) -> SalesDocument:
        """What a new quote or order starts with: dated today, for ``contact_uuid`` if given."""
        if status not in NEW_STATUSES:
            raise ValidationFailed({"status": "sales.validation.new_status"})
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module=MODULE, level="full"
            )
            values: dict[str, Any] = {f.name: None for f in SALES_ORDER_FIELDS}
            values.update(number="", status=status, order_date=today(), our_reference="", notes="")
            labels = {}
            if contact_uuid:
                values["contact_uuid"] = contact_uuid
                labels["contact_uuid"] = ref_label(
                    s, tenant_id=ctx.tenant_id, register="contacts", uuid=contact_uuid
                )
            return SalesDocument(
                uuid=None,
                seq=0,
                values=values,
                labels=labels,
                lines=(),
                totals=order_totals([]),
                editable=True,
            )

    def document(self, online_id_id: int, tenant_uuid: str, *, uuid: str) -> SalesDocument:
        """One document with its lines (by position), totals and what the caller may do."""
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module=MODULE, level="read"
            )
            return read_document(s, ctx=ctx, order=_live_order(s, ctx.tenant_id, uuid))

    def save(self, online_id_id: int, tenant_uuid: str, *, uuid: str | None, edit: SalesEdit) -> str:
        """Create (``uuid`` None) or change a quote or an order with its lines; returns its UUID.

        Header and lines are written together as one change, or nothing is written."""
        with self._sessions.begin() as s:
            ctx = resolve_context(
                s,
                online_id_id=online_id_id,
                tenant_uuid=tenant_uuid,
                module=MODULE,
                level="full",
                for_write=True,
            )
            order = _live_order(s, ctx.tenant_id, uuid) if uuid is not None else None
            if order is not None and order.status not in EDITABLE_STATUSES:
                raise ReadOnlyDocument()
            clashes: dict[str, tuple[Any, Any]] = {}
            try:
                header = _header_changes(s, ctx, order, edit)
            except EditConflict as conflict:
                header, clashes = {}, conflict.fields
            doc_uuid = uuid or new_uuid()
            existing = (
                live_lines(s, tenant_id=ctx.tenant_id, order_uuid=doc_uuid) if order is not None else []
            )
            try:
                rows, figures = line_changes(
                    s, tenant_id=ctx.tenant_id, order_uuid=doc_uuid, existing=existing, edits=edit.lines
                )
            except EditConflict as conflict:
                raise EditConflict({**clashes, **conflict.fields}) from None
            if clashes:
                raise EditConflict(clashes)
            net = order_totals(figures).net
            if order is None or net != order.total:
                header["total"] = net
            if order is not None and not header and not rows:
                return doc_uuid  # nothing changed
            changes = [
                RowChange(table="sales_orders", uuid=doc_uuid, fields=header, must_exist=order is not None)
            ]
            self._apply(ctx.tenant_id, [*changes, *rows], session=s, by=author(s, online_id_id))
            return doc_uuid

    def convert(self, online_id_id: int, tenant_uuid: str, *, uuid: str) -> str:
        """Turn a quote into an order (the same document, its lines and figures kept)."""
        with self._sessions.begin() as s:
            ctx = resolve_context(
                s,
                online_id_id=online_id_id,
                tenant_uuid=tenant_uuid,
                module=MODULE,
                level="full",
                for_write=True,
            )
            order = _live_order(s, ctx.tenant_id, uuid)
            if order.status != QUOTE:
                raise ValidationFailed({"status": "sales.validation.not_a_quote"})
            change = RowChange(table="sales_orders", uuid=uuid, fields={"status": ORDER}, must_exist=True)
            self._apply(ctx.tenant_id, [change], session=s, by=author(s, online_id_id))
            return uuid

    def product(self, online_id_id: int, tenant_uuid: str, *, uuid: str) -> ProductFacts:
        """Name and price of a live product (what a new line is filled with)."""
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module=MODULE, level="read"
            )
            p = OnlineProduct
            row = s.scalar(
                select(p).where(p.tenant_id == ctx.tenant_id, p.uuid == uuid, p.deleted.is_(False))
            )
            if row is None:
                raise NotFound()
            return ProductFacts(uuid=row.uuid, name=row.name, price=row.price)

    def options(
        self,
        online_id_id: int,
        tenant_uuid: str,
        *,
        register: str,
        search: str = "",
        contact_uuid: str | None = None,
        limit: int = 20,
    ) -> list[Option]:
        """Choices of a document: customers, their contact persons, employees, active products."""
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module=MODULE, level="read"
            )
            return sales_options(
                s, ctx.tenant_id, register=register, search=search, contact_uuid=contact_uuid, limit=limit
            )


def _searched(s: Session, tenant_id: int, text: str) -> Any:
    """Documents whose number contains ``text`` or whose customer's name, number, city, postal
    code or e-mail does, by LIKE (the trigram indexes of PostgreSQL serve it): in the customers'
    text the documents keep (``customer_search``), or, in a database whose triggers do not keep
    it yet (SQLite before the Online Desktop installed its search), through the contacts."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    o, conn = OnlineSalesOrder, s.connection()
    number = o.number.ilike(pattern, escape="\\")
    if conn.dialect.name == "postgresql" or search_index.installed(conn, table=o.__tablename__):
        return number | func.lower(o.customer_search).like(pattern.lower(), escape="\\")
    c = OnlineContact
    customers = select(c.uuid).where(
        c.tenant_id == tenant_id,
        c.deleted == false(),
        literal_column(CONTACT_SEARCH).like(pattern.lower(), escape="\\"),
    )
    return number | o.contact_uuid.in_(customers)


def _live_order(s: Session, tenant_id: int, uuid: str) -> OnlineSalesOrder:
    o = OnlineSalesOrder
    row = s.scalar(select(o).where(o.tenant_id == tenant_id, o.uuid == uuid, o.deleted.is_(False)))
    if row is None:
        raise NotFound()
    return row


def _header_changes(
    s: Session, ctx: TenantContext, order: OnlineSalesOrder | None, edit: SalesEdit
) -> dict[str, Any]:
    """The header fields to write: cleaned, checked, only those that differ from what is stored."""
    raw = dict(edit.changes)
    if order is None:
        status = raw.pop("status", QUOTE)
        if status not in NEW_STATUSES:
            raise ValidationFailed({"status": "sales.validation.new_status"})
        raw.setdefault("order_date", today())
        cleaned = clean_values(HEADER_FIELDS, raw)
        cleaned["status"] = status
    else:
        if "status" in raw and raw.pop("status") != order.status:
            raise ValidationFailed({"status": "sales.validation.status_change"})
        cleaned = clean_values(HEADER_FIELDS, raw, partial=True)
        _check_conflicts(order, edit, cleaned)
        cleaned = {k: v for k, v in cleaned.items() if getattr(order, k) != v}
    contact = cleaned.get("contact_uuid", order.contact_uuid if order else None)
    person = cleaned.get("contact_person_uuid", order.contact_person_uuid if order else None)
    _check_parties(s, ctx.tenant_id, contact, person, cleaned)
    number_sales_order(s, tenant_id=ctx.tenant_id, uuid=order.uuid if order else None, fields=cleaned)
    return cleaned


def _check_conflicts(order: OnlineSalesOrder, edit: SalesEdit, cleaned: dict[str, Any]) -> None:
    """The shared rule of ``services.records.edits``, guarded by the header's sync sequence."""
    seen = clean_values(HEADER_FIELDS, {k: edit.original.get(k) for k in cleaned}, partial=True)
    current = {name: getattr(order, name) for name in cleaned}
    try:
        merge(
            Edit(changes=cleaned, base=seen, version=edit.seq),
            cleaned=cleaned,
            current=current,
            version=order.seq,
        )
    except SharedConflict as conflict:
        raise EditConflict({c.field: (c.base, c.theirs) for c in conflict.conflicts}) from None


def author(s: Session, online_id_id: int) -> str:
    """Who makes an online change: the person's name, else their e-mail address."""
    person = s.get(OnlineId, online_id_id)
    return (person.full_name or person.email) if person is not None else ""


def _check_parties(
    s: Session, tenant_id: int, contact: str | None, person: str | None, cleaned: dict[str, Any]
) -> None:
    """The customer exists in this account; the contact person is one of the customer's."""
    errors = {}
    if "contact_uuid" in cleaned and not ref_label(
        s, tenant_id=tenant_id, register="contacts", uuid=contact or ""
    ):
        errors["contact_uuid"] = "validation.choice"
    if person and ("contact_person_uuid" in cleaned or "contact_uuid" in cleaned):
        p = OnlineContactPerson
        owner = s.scalar(
            select(p.contact_uuid).where(p.tenant_id == tenant_id, p.uuid == person, p.deleted.is_(False))
        )
        if owner != contact:
            errors["contact_person_uuid"] = "sales.validation.person_of_other_contact"
    if errors:
        raise ValidationFailed(errors)


def _contact_names(s: Session, tenant_id: int, uuids: set[str]) -> dict[str, str]:
    if not uuids:
        return {}
    c = OnlineContact
    rows = s.execute(select(c.uuid, c.name).where(c.tenant_id == tenant_id, c.uuid.in_(uuids)))
    return {u: n for u, n in rows}


def _month(text: str) -> dt.date | None:
    """The first day of a ``YYYY-MM`` month, or None."""
    try:
        return dt.date.fromisoformat(f"{text[:7]}-01") if len(text) == 7 else None
    except ValueError:
        return None

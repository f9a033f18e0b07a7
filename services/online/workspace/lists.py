"""The synced registers of a company account as lists: searched, sorted and paged in the database.

Each call is one read transaction that resolves the caller's membership first (``access``); a
register is read only with Read access to its module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import literal_column, or_, select
from sqlalchemy.orm import Session, sessionmaker

from models.online import (
    OnlineActivity,
    OnlineContact,
    OnlineEmployee,
    OnlineProduct,
    OnlineSalesOrder,
    Tenant,
)
from models.online.base import OnlineBase
from services.errors import NotFound
from services.online.workspace import search_index
from services.online.workspace.access import resolve_context
from services.online.workspace.paging import page_keys
from services.records.sorting import order_column
from services.records.views import ListPage, Option, RegisterRow

PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
MAX_KEPT_TOTALS = 10_000  # (account, register) pairs whose list total is kept


@dataclass(frozen=True, kw_only=True, slots=True)
class ListView:
    """How the Online Desktop lists one synced register: its module (for the role check), the
    columns shown, the text columns searched, the sortable columns (the first is the default)."""

    model: type[OnlineBase]
    module: str
    columns: tuple[str, ...]
    search: tuple[str, ...]
    sortable: tuple[str, ...]
    search_text: str | None = None  # one SQL expression searched instead (an index may cover it)


OPTION_LABELS: dict[str, Callable[[dict[str, Any]], str]] = {
    "contacts": lambda v: str(v["name"]),
    "employees": lambda v: f"{v['first_name']} {v['last_name']}".strip(),
}

# The contacts' searched text as one expression: on PostgreSQL a trigram index covers exactly this
# (migration fd40fb58ec40); elsewhere it is one LIKE per row instead of five.
CONTACT_SEARCH = "lower(name || ' ' || number || ' ' || city || ' ' || postal_code || ' ' || email)"

LIST_VIEWS = {
    "contacts": ListView(
        model=OnlineContact,
        module="contacts",
        columns=("number", "name", "postal_code", "city", "phone", "email"),
        search=("name", "number", "city", "postal_code", "email"),
        sortable=("name", "number", "city"),
        search_text=CONTACT_SEARCH,
    ),
    "activities": ListView(
        model=OnlineActivity,
        module="activities",
        columns=("start_at", "subject", "kind", "done"),
        search=("subject",),
        sortable=("start_at", "subject"),
    ),
    "sales_orders": ListView(
        model=OnlineSalesOrder,
        module="sales",
        columns=("number", "status", "order_date", "total"),
        search=("number", "status"),
        sortable=("order_date", "number", "total"),
    ),
    "products": ListView(
        model=OnlineProduct,
        module="products",
        columns=("number", "name", "unit", "price"),
        search=("number", "name"),
        sortable=("name", "number", "price"),
    ),
    "employees": ListView(
        model=OnlineEmployee,
        module="employees",
        columns=("last_name", "first_name", "position", "email", "phone"),
        search=("last_name", "first_name", "email"),
        sortable=("last_name", "first_name"),
    ),
}


class WorkspaceLists:
    """The lists of the synced registers. The number of live records of a list without search is
    kept per account and register along with the account's sequence number, which every write
    transaction of the account raises first (``services.sync.server.store.bump_seq``): while it
    stays the same, so does that number, and a page opened again does not count the rows again."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._totals: dict[tuple[int, str], tuple[int, int]] = {}  # (tenant, register) -> (seq, total)

    def contacts(self, online_id_id: int, tenant_uuid: str, **request: Any) -> ListPage:
        """One page of the company's contacts (see ``rows``)."""
        return self.rows(online_id_id, tenant_uuid, register="contacts", **request)

    def rows(
        self,
        online_id_id: int,
        tenant_uuid: str,
        *,
        register: str,
        search: str = "",
        sort: str = "",
        descending: bool = False,
        page: int = 1,
        page_size: int = PAGE_SIZE,
        language: str = "en",
    ) -> ListPage:
        """One page of a synced register, searched and sorted in the database (row ids are
        positions on the page; the record is its ``uuid``); names sort in ``language``'s order."""
        view = LIST_VIEWS.get(register)
        if view is None:
            raise NotFound()
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module=view.module, level="read"
            )
            key, seq, total = (ctx.tenant_id, register), None, None
            if not search.strip():
                seq = s.scalar(select(Tenant.seq).where(Tenant.id == ctx.tenant_id))
                kept = self._totals.get(key)
                total = kept[1] if kept is not None and kept[0] == seq else None
            found = _page(
                s,
                view,
                ctx.tenant_id,
                search=search,
                sort=sort,
                descending=descending,
                page=page,
                page_size=max(1, min(page_size, MAX_PAGE_SIZE)),
                language=language,
                total=total,
            )
            if seq is not None and total is None:
                if len(self._totals) >= MAX_KEPT_TOTALS:
                    self._totals.clear()
                self._totals[key] = (seq, found.total)
            return found

    def options(
        self, online_id_id: int, tenant_uuid: str, *, register: str, search: str = "", limit: int = 20
    ) -> list[Option]:
        """Records of the account to choose from (the contact or employee of an activity)."""
        if register not in OPTION_LABELS:
            raise NotFound()
        found = self.rows(online_id_id, tenant_uuid, register=register, search=search, page_size=limit)
        return [Option(uuid=r.uuid, label=OPTION_LABELS[register](r.values)) for r in found.rows]


def _page(
    s: Session,
    view: ListView,
    tenant_id: int,
    *,
    search: str,
    sort: str,
    descending: bool,
    page: int,
    page_size: int,
    language: str,
    total: int | None = None,
) -> ListPage:
    """``total``: the number of live records when it is known already (a list without search)."""
    model: Any = view.model
    sort = sort if sort in view.sortable else view.sortable[0]
    column = order_column(model, sort, language=language, dialect=s.get_bind().dialect.name)
    query = select(model.uuid).where(model.tenant_id == tenant_id, model.deleted.is_(False))
    walk = None
    text = search.strip()[:100]
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        table = model.__tablename__
        if view.search_text is not None and search_index.usable(s.connection(), table=table, fragment=text):
            found = search_index.find(s.connection(), table=table, tenant_id=tenant_id, fragment=text)
            walk = query.where(search_index.matching(found, walk=True))
            query = query.where(search_index.matching(found))
            total = found.count if found.alone else None
        elif view.search_text is not None:
            query = query.where(literal_column(view.search_text).like(pattern.lower(), escape="\\"))
        else:
            query = query.where(or_(*(getattr(model, f).ilike(pattern, escape="\\") for f in view.search)))
    order = (column.desc(), model.uuid.desc()) if descending else (column, model.uuid)
    keys, total, page = page_keys(s, query, order, page=page, page_size=page_size, walk=walk, total=total)
    rows = {}
    if keys:
        read = s.scalars(select(model).where(model.tenant_id == tenant_id, model.uuid.in_(keys)))
        rows = {r.uuid: r for r in read}
    shown = tuple(
        RegisterRow(
            id=(page - 1) * page_size + i,
            uuid=key,
            values={c: getattr(rows[key], c) for c in view.columns},
        )
        for i, key in enumerate(k for k in keys if k in rows)
    )
    return ListPage(rows=shown, total=total, page=page, page_size=page_size)


def record_label(s: Session, *, tenant_id: int, register: str, uuid: str) -> str:
    """The display name of a referenced record ("" when it is gone)."""
    view = LIST_VIEWS[register]
    model: Any = view.model
    row = s.scalar(
        select(model).where(model.tenant_id == tenant_id, model.uuid == uuid, model.deleted.is_(False))
    )
    if row is None:
        return ""
    return OPTION_LABELS[register]({c: getattr(row, c) for c in view.columns})

"""The Online Desktop workspace of a logged-in Online ID (PRODUCT.md §3, S16).

Every call names the Online ID and the company account (tenant UUID) and first resolves the
caller's active membership there: no membership, no data (one company never sees another's).
Roles grant No/Read/Full access per module; the check is here, in the service layer, not only
in the UI that hides buttons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, literal_column, or_, select
from sqlalchemy.orm import Session, sessionmaker

from models.online import (
    Connection,
    Membership,
    OnlineActivity,
    OnlineContact,
    OnlineContactPerson,
    OnlineEmployee,
    OnlineProduct,
    OnlineSalesOrder,
    Tenant,
)
from models.online.base import OnlineBase
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import NotFound, PermissionDenied, ValidationFailed
from services.records.fields import Field, clean_values
from services.records.forms import ACTIVITY_FIELDS, CONTACT_FIELDS
from services.records.views import ListPage, Option, RegisterRow
from services.sync.server.online_changes import OnlineChange

Access = Literal["none", "read", "full"]
MODULES = ("contacts", "activities", "sales", "products", "employees", "users")
ROLE_ACCESS: dict[str, dict[str, Access]] = {
    "super_user": {
        "contacts": "full",
        "activities": "full",
        "sales": "full",
        "products": "read",
        "employees": "read",
        "users": "full",
    },
    "administrator": {
        "contacts": "full",
        "activities": "full",
        "sales": "full",
        "products": "read",
        "employees": "read",
        "users": "full",
    },
    "standard": {
        "contacts": "full",
        "activities": "full",
        "sales": "full",
        "products": "read",
        "employees": "read",
        "users": "none",
    },
    "read_only": {
        "contacts": "read",
        "activities": "read",
        "sales": "read",
        "products": "read",
        "employees": "read",
        "users": "none",
    },
}
LEVELS = {"none": 0, "read": 1, "full": 2}
STALE_AFTER = dt.timedelta(hours=1)  # S16: a longer interruption is shown under the login name
PAGE_SIZE = 25


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


EDITABLE = {"contacts": (CONTACT_FIELDS, "contacts"), "activities": (ACTIVITY_FIELDS, "activities")}
OPTION_LABELS: dict[str, Callable[[dict[str, Any]], str]] = {
    "contacts": lambda v: str(v["name"]),
    "employees": lambda v: f"{v['first_name']} {v['last_name']}".strip(),
}
RELATED_LIMIT = 50
RELATED: tuple[tuple[str, type[OnlineBase], str, tuple[str, ...], Callable[[Any], tuple[Any, ...]]], ...] = (
    ("contact_persons", OnlineContactPerson, "contacts",
     ("last_name", "first_name", "position", "phone", "email"), lambda m: (m.last_name, m.first_name)),
    ("activities", OnlineActivity, "activities", ("start_at", "subject", "kind", "done"),
     lambda m: (m.start_at.desc(),)),
    ("sales_orders", OnlineSalesOrder, "sales", ("number", "status", "order_date", "total"),
     lambda m: (m.order_date.desc(), m.number.desc())),
)  # fmt: skip

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


@dataclass(frozen=True, kw_only=True, slots=True)
class TenantContext:
    """The caller's membership in one company account, resolved for this call."""

    online_id_id: int
    tenant_id: int
    tenant_uuid: str
    company: str
    role: str

    def access(self, module: str) -> Access:
        return ROLE_ACCESS.get(self.role, {}).get(module, "none")

    def can(self, module: str, level: Access = "read") -> bool:
        return LEVELS[self.access(module)] >= LEVELS[level]


@dataclass(frozen=True, kw_only=True, slots=True)
class CompanyChoice:
    tenant_uuid: str
    company: str
    role: str


@dataclass(frozen=True, kw_only=True, slots=True)
class WorkspaceHeader:
    tenant_uuid: str
    company: str
    role: str
    last_sync_at: dt.datetime | None
    stale: bool  # no sync round trip for more than an hour (or never)


ApplyChange = Callable[..., OnlineChange]  # SyncServer.apply_online_change (wakes waiting pulls)


class OnlineWorkspaceService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock = SYSTEM_CLOCK,
        apply_change: ApplyChange | None = None,
    ) -> None:
        self._sessions, self._clock, self._apply_change = sessions, clock, apply_change

    # --- membership -------------------------------------------------------------------------------

    def companies(self, online_id_id: int) -> list[CompanyChoice]:
        """The company accounts this Online ID may open (to switch between them)."""
        with self._sessions() as s:
            rows = s.execute(
                select(Tenant.uuid, Tenant.name, Membership.role)
                .join(Membership, Membership.tenant_id == Tenant.id)
                .where(Membership.online_id_id == online_id_id, Membership.active.is_(True))
                .order_by(Tenant.name, Tenant.id)
            ).all()
        return [CompanyChoice(tenant_uuid=u, company=n, role=r) for u, n, r in rows]

    def context(
        self, online_id_id: int, tenant_uuid: str, module: str | None = None, level: Access = "read"
    ) -> TenantContext:
        """The caller's membership; NotFound when there is none (the account's existence is not told)."""
        with self._sessions() as s:
            return self._context(s, online_id_id, tenant_uuid, module, level)

    def _context(
        self, s: Session, online_id_id: int, tenant_uuid: str, module: str | None, level: Access
    ) -> TenantContext:
        row = s.execute(
            select(Tenant.id, Tenant.uuid, Tenant.name, Membership.role)
            .join(Membership, Membership.tenant_id == Tenant.id)
            .where(
                Tenant.uuid == tenant_uuid,
                Membership.online_id_id == online_id_id,
                Membership.active.is_(True),
            )
        ).first()
        if row is None:
            raise NotFound("online.no_company")
        ctx = TenantContext(
            online_id_id=online_id_id, tenant_id=row[0], tenant_uuid=row[1], company=row[2], role=row[3]
        )
        if module is not None and not ctx.can(module, level):
            raise PermissionDenied("online.no_access")
        return ctx

    # --- header (S16) -----------------------------------------------------------------------------

    def header(self, online_id_id: int, tenant_uuid: str) -> WorkspaceHeader:
        with self._sessions() as s:
            ctx = self._context(s, online_id_id, tenant_uuid, None, "read")
            last = s.scalar(
                select(func.max(Connection.last_round_trip_at)).where(Connection.tenant_id == ctx.tenant_id)
            )
        stale = last is None or self._clock() - last > STALE_AFTER
        return WorkspaceHeader(
            tenant_uuid=ctx.tenant_uuid, company=ctx.company, role=ctx.role, last_sync_at=last, stale=stale
        )

    # --- lists ------------------------------------------------------------------------------------

    def contacts(self, online_id_id: int, tenant_uuid: str, **request: Any) -> ListPage:
        """One page of the company's contacts (see ``rows``)."""
        return self.rows(online_id_id, tenant_uuid, "contacts", **request)

    def rows(
        self,
        online_id_id: int,
        tenant_uuid: str,
        register: str,
        *,
        search: str = "",
        sort: str = "",
        descending: bool = False,
        page: int = 1,
        page_size: int = PAGE_SIZE,
    ) -> ListPage:
        """One page of a synced register, searched and sorted in the database (row ids are
        positions on the page; the record is its ``uuid``)."""
        view = LIST_VIEWS.get(register)
        if view is None:
            raise NotFound()
        model: Any = view.model
        column = getattr(model, sort if sort in view.sortable else view.sortable[0])
        page_size = max(1, min(page_size, 200))
        with self._sessions() as s:
            ctx = self._context(s, online_id_id, tenant_uuid, view.module, "read")
            query = select(model).where(model.tenant_id == ctx.tenant_id, model.deleted.is_(False))
            text = search.strip()[:100]
            if text:
                pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                if view.search_text is not None:
                    query = query.where(literal_column(view.search_text).like(pattern.lower(), escape="\\"))
                else:
                    query = query.where(
                        or_(*(getattr(model, f).ilike(pattern, escape="\\") for f in view.search))
                    )
            total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
            pages = max(1, -(-total // page_size))
            page = max(1, min(page, pages))
            order = (column.desc(), model.uuid.desc()) if descending else (column, model.uuid)
            window = query.order_by(*order).offset((page - 1) * page_size).limit(page_size)
            found = s.scalars(window).all() if total else []
            return ListPage(
                rows=tuple(
                    RegisterRow(
                        id=(page - 1) * page_size + i,
                        uuid=r.uuid,
                        values={c: getattr(r, c) for c in view.columns},
                    )
                    for i, r in enumerate(found)
                ),
                total=total,
                page=page,
                page_size=page_size,
            )

    def contact(self, online_id_id: int, tenant_uuid: str, uuid: str) -> dict[str, Any]:
        """One live contact's editable values."""
        return self.record(online_id_id, tenant_uuid, "contacts", uuid)[0]

    def record(
        self, online_id_id: int, tenant_uuid: str, register: str, uuid: str
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """One live record's editable values, and the names of the records it refers to."""
        fields, module = _editable(register)
        model: Any = LIST_VIEWS[register].model
        with self._sessions() as s:
            ctx = self._context(s, online_id_id, tenant_uuid, module, "read")
            row = s.scalar(
                select(model).where(
                    model.tenant_id == ctx.tenant_id, model.uuid == uuid, model.deleted.is_(False)
                )
            )
            if row is None:
                raise NotFound()
            values = {f.name: getattr(row, f.name) for f in fields}
            labels = {
                f.name: label
                for f in fields
                if f.ref is not None and values[f.name]
                for label in [_label(s, ctx.tenant_id, f.ref, values[f.name])]
                if label
            }
            return values, labels

    def options(
        self, online_id_id: int, tenant_uuid: str, register: str, search: str = "", limit: int = 20
    ) -> list[Option]:
        """Records of the account to choose from (the contact or employee of an activity)."""
        if register not in OPTION_LABELS:
            raise NotFound()
        found = self.rows(online_id_id, tenant_uuid, register, search=search, page_size=limit)
        return [Option(uuid=r.uuid, label=OPTION_LABELS[register](r.values)) for r in found.rows]

    def contact_related(
        self, online_id_id: int, tenant_uuid: str, uuid: str
    ) -> dict[str, list[dict[str, Any]]]:
        """A contact's persons, activities (newest first) and sales orders (newest first), as far
        as the caller's role lets them read each module."""
        self.contact(online_id_id, tenant_uuid, uuid)  # the contact exists in this account
        with self._sessions() as s:
            ctx = self._context(s, online_id_id, tenant_uuid, "contacts", "read")
            related: dict[str, list[dict[str, Any]]] = {}
            for key, model, module, columns, order in RELATED:
                if not ctx.can(module):
                    continue
                m: Any = model
                rows = s.scalars(
                    select(m)
                    .where(m.tenant_id == ctx.tenant_id, m.contact_uuid == uuid, m.deleted.is_(False))
                    .order_by(*order(m))
                    .limit(RELATED_LIMIT)
                ).all()
                related[key] = [{c: getattr(r, c) for c in columns} for r in rows]
            return related

    def activities_between(
        self, online_id_id: int, tenant_uuid: str, start: dt.datetime, end: dt.datetime, limit: int = 500
    ) -> list[RegisterRow]:
        """The account's activities starting in [start, end), in time order (the calendar)."""
        if end <= start or end - start > dt.timedelta(days=62):
            raise ValidationFailed({"range": "validation.choice"})
        with self._sessions() as s:
            ctx = self._context(s, online_id_id, tenant_uuid, "activities", "read")
            found = s.scalars(
                select(OnlineActivity)
                .where(
                    OnlineActivity.tenant_id == ctx.tenant_id,
                    OnlineActivity.deleted.is_(False),
                    OnlineActivity.start_at >= start,
                    OnlineActivity.start_at < end,
                )
                .order_by(OnlineActivity.start_at, OnlineActivity.uuid)
                .limit(limit)
            ).all()
            return [
                RegisterRow(
                    id=i,
                    uuid=a.uuid,
                    values={"subject": a.subject, "kind": a.kind, "start_at": a.start_at, "done": a.done},
                )
                for i, a in enumerate(found)
            ]

    def save_contact(self, online_id_id: int, tenant_uuid: str, uuid: str | None, raw: dict[str, Any]) -> str:
        return self.save_record(online_id_id, tenant_uuid, "contacts", uuid, raw)

    def save_record(
        self, online_id_id: int, tenant_uuid: str, register: str, uuid: str | None, raw: dict[str, Any]
    ) -> str:
        """Create (``uuid`` None) or change a contact or an activity online, validated like in
        Business Software. The change takes the account's next sequence number, so the Business
        Software pulls it; references must point to live records of the same account."""
        fields, module = _editable(register)
        ctx = self.context(online_id_id, tenant_uuid, module, "full")
        values = clean_values(fields, raw)
        if register == "activities":
            start, end = values.get("start_at"), values.get("end_at")
            if start is not None and end is not None and end < start:
                raise ValidationFailed({"end_at": "registers.validation.end_before_start"})
        if uuid is not None:
            self.record(online_id_id, tenant_uuid, register, uuid)  # must exist in this account
        if self._apply_change is None:
            raise PermissionDenied("online.no_access")
        return self._apply_change(ctx.tenant_id, register, uuid, values).uuid


def _editable(register: str) -> tuple[tuple[Field, ...], str]:
    try:
        return EDITABLE[register]
    except KeyError:
        raise NotFound() from None


def _label(s: Session, tenant_id: int, register: str, uuid: str) -> str:
    """The display name of a referenced record ("" when it is gone)."""
    model: Any = LIST_VIEWS[register].model
    row = s.scalar(
        select(model).where(model.tenant_id == tenant_id, model.uuid == uuid, model.deleted.is_(False))
    )
    if row is None:
        return ""
    return OPTION_LABELS[register]({c: getattr(row, c) for c in LIST_VIEWS[register].columns})

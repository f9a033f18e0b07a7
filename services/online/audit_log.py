"""Reading the audit log of a company account: for its Super Users, filtered, paged, as CSV.

Entries are written by ``services.online.audit.record`` in the transaction of each action.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from models.online import AuditEntry
from services.errors import PermissionDenied
from services.online.audit import ACTIONS
from services.online.workspace.access import TenantContext, resolve_context

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
CSV_LIMIT = 100_000
CSV_COLUMNS = ("time", "actor", "action", "target", "before", "after", "address")


class SuperUsersOnly(PermissionDenied):
    key = "audit.super_users_only"


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditFilter:
    """What the page asks for; empty fields do not filter."""

    action: str = ""  # one of ACTIONS
    text: str = ""  # part of who acted or whom/what it concerned
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditRow:
    id: int
    created_at: dt.datetime
    actor: str
    action: str
    target: str
    before: str
    after: str
    address: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int
    page: int
    page_size: int


class AuditLog:
    """Each method one read transaction that checks the caller is an active Super User there."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def entries(
        self,
        online_id_id: int,
        tenant_uuid: str,
        *,
        where: AuditFilter | None = None,
        page: int = 1,
        page_size: int = PAGE_SIZE,
    ) -> AuditPage:
        """One page of the entries, newest first."""
        size = max(1, min(page_size, MAX_PAGE_SIZE))
        with self._sessions() as s:
            ctx = _super_user(s, online_id_id, tenant_uuid)
            query = _filtered(ctx, where or AuditFilter())
            total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
            pages = max(1, -(-total // size))
            page = max(1, min(page, pages))
            found = s.scalars(
                query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                .offset((page - 1) * size)
                .limit(size)
            ).all()
            return AuditPage(rows=tuple(_row(e) for e in found), total=total, page=page, page_size=size)

    def csv(self, online_id_id: int, tenant_uuid: str, *, where: AuditFilter | None = None) -> str:
        """The filtered entries as CSV (UTF-8, header line, newest first, ISO times in UTC)."""
        with self._sessions() as s:
            ctx = _super_user(s, online_id_id, tenant_uuid)
            query = _filtered(ctx, where or AuditFilter())
            found = s.scalars(
                query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(CSV_LIMIT)
            ).all()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for e in found:
            writer.writerow(
                [
                    e.created_at.isoformat(timespec="seconds"),
                    _cell(e.actor),
                    e.action,
                    _cell(e.target),
                    _cell(e.before),
                    _cell(e.after),
                    e.address,
                ]
            )
        return out.getvalue()


def _super_user(s: Session, online_id_id: int, tenant_uuid: str) -> TenantContext:
    ctx = resolve_context(s, online_id_id=online_id_id, tenant_uuid=tenant_uuid)
    if ctx.role != "super_user":
        raise SuperUsersOnly()
    return ctx


def _filtered(ctx: TenantContext, where: AuditFilter) -> Select[Any]:
    query = select(AuditEntry).where(AuditEntry.tenant_id == ctx.tenant_id)
    if where.action in ACTIONS:
        query = query.where(AuditEntry.action == where.action)
    text = where.text.strip()[:100]
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(AuditEntry.actor.ilike(pattern, escape="\\"), AuditEntry.target.ilike(pattern, escape="\\"))
        )
    if where.since is not None:
        query = query.where(AuditEntry.created_at >= _start_of(where.since))
    if where.until is not None:
        query = query.where(AuditEntry.created_at < _start_of(where.until + dt.timedelta(days=1)))
    return query


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _cell(value: str) -> str:
    """No cell starts like a spreadsheet formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _row(e: AuditEntry) -> AuditRow:
    return AuditRow(
        id=e.id,
        created_at=e.created_at,
        actor=e.actor,
        action=e.action,
        target=e.target,
        before=e.before,
        after=e.after,
        address=e.address,
    )

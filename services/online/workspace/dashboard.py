"""The dashboard, the company home page of the Online Desktop: the figures behind its charts.

One read transaction per build: sales per month (invoices, the last 12 months), the open quotes
and orders (count and value), the activities of this week per day, the top customers by sales,
and the sync health (last round trip, rows synchronised per day for 14 days). Figures of a module
the caller's role or the contract does not open are left out (``None``), not just hidden.
Sums are computed in the database over indexed ranges of one index that holds every column they
read, so a size-L company builds in well under 300 ms (``python -m tests.benchmarks.dashboard``,
``python -m tests.benchmarks.online_sales``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.online import Connection, OnlineActivity, OnlineContact, OnlineSalesOrder, SyncDailyRows
from services.clock import SYSTEM_CLOCK, Clock
from services.online.workspace.access import TenantContext, resolve_context

MONTHS = 12
SYNC_DAYS = 14
TOP_CUSTOMERS = 5
SALES_STATUS = "invoice"  # sales are what was invoiced
CENT = Decimal("0.01")


@dataclass(frozen=True, kw_only=True, slots=True)
class MonthSales:
    month: dt.date  # the first day of the month
    total: Decimal
    count: int


@dataclass(frozen=True, kw_only=True, slots=True)
class OpenDocuments:
    status: str  # quote | order
    count: int
    value: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class TopCustomer:
    contact_uuid: str
    name: str  # "" when the caller may not read contacts
    total: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class SalesFigures:
    months: tuple[MonthSales, ...]  # oldest first, the current month last
    open_quotes: OpenDocuments
    open_orders: OpenDocuments
    top_customers: tuple[TopCustomer, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class DayCount:
    day: dt.date
    count: int


@dataclass(frozen=True, kw_only=True, slots=True)
class SyncDay:
    day: dt.date
    rows_up: int  # from Business Software
    rows_down: int  # to Business Software


@dataclass(frozen=True, kw_only=True, slots=True)
class SyncHealth:
    last_round_trip: dt.datetime | None
    days: tuple[SyncDay, ...]  # oldest first, today last


@dataclass(frozen=True, kw_only=True, slots=True)
class Dashboard:
    today: dt.date
    sales: SalesFigures | None  # None: the caller has no sales access
    week: tuple[DayCount, ...] | None  # Monday to Sunday; None without activities access
    sync: SyncHealth


def month_starts(today: dt.date, months: int = MONTHS) -> list[dt.date]:
    """The first days of the last ``months`` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


class WorkspaceDashboard:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock = SYSTEM_CLOCK) -> None:
        self._sessions, self._clock = sessions, clock

    def build(self, online_id_id: int, tenant_uuid: str) -> Dashboard:
        today = self._clock().date()
        with self._sessions() as s:
            ctx = resolve_context(s, online_id_id=online_id_id, tenant_uuid=tenant_uuid)
            sales = _sales(s, ctx, today) if ctx.can("sales") else None
            week = _week(s, ctx.tenant_id, today) if ctx.can("activities") else None
            sync = _sync(s, ctx.tenant_id, today)
        return Dashboard(today=today, sales=sales, week=week, sync=sync)


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def _month_key(s: Session, column: Any) -> Any:
    if s.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _sales(s: Session, ctx: TenantContext, today: dt.date) -> SalesFigures:
    o = OnlineSalesOrder
    starts = month_starts(today)
    live = (o.tenant_id == ctx.tenant_id, o.deleted.is_(False))
    key = _month_key(s, o.order_date)
    per_month = {
        str(k): (_money(total), int(n))
        for k, total, n in s.execute(
            select(key, func.sum(o.total), func.count())
            .where(*live, o.status == SALES_STATUS, o.order_date >= starts[0])
            .group_by(key)
        )
    }
    nothing = (Decimal("0.00"), 0)
    months = tuple(
        MonthSales(month=m, total=total, count=count)
        for m in starts
        for total, count in [per_month.get(m.strftime("%Y-%m"), nothing)]
    )
    open_docs = {
        str(status): OpenDocuments(status=str(status), count=int(n), value=_money(total))
        for status, n, total in s.execute(
            select(o.status, func.count(), func.sum(o.total))
            .where(*live, o.status.in_(("quote", "order")))
            .group_by(o.status)
        )
    }
    # Grouped by an expression, not the column: SQLite would otherwise walk the index of the
    # customer (every document of the account) to group, instead of the invoices of the period.
    customer = func.coalesce(o.contact_uuid, "")
    best = s.execute(
        select(customer, func.sum(o.total).label("sales"))
        .where(*live, o.status == SALES_STATUS, o.order_date >= starts[0])
        .group_by(customer)
        .order_by(func.sum(o.total).desc(), customer)
        .limit(TOP_CUSTOMERS)
    ).all()
    names: dict[str, str] = {}
    if best and ctx.can("contacts"):
        names = dict(
            s.execute(
                select(OnlineContact.uuid, OnlineContact.name).where(
                    OnlineContact.tenant_id == ctx.tenant_id, OnlineContact.uuid.in_([b[0] for b in best])
                )
            ).all()
        )
    return SalesFigures(
        months=months,
        open_quotes=open_docs.get("quote", OpenDocuments(status="quote", count=0, value=Decimal("0.00"))),
        open_orders=open_docs.get("order", OpenDocuments(status="order", count=0, value=Decimal("0.00"))),
        top_customers=tuple(
            TopCustomer(contact_uuid=str(u), name=names.get(str(u), ""), total=_money(t)) for u, t in best
        ),
    )


def _week(s: Session, tenant_id: int, today: dt.date) -> tuple[DayCount, ...]:
    monday = today - dt.timedelta(days=today.weekday())
    start = dt.datetime.combine(monday, dt.time(), tzinfo=dt.UTC)
    a = OnlineActivity
    found = s.scalars(
        select(a.start_at).where(
            a.tenant_id == tenant_id,
            a.deleted.is_(False),
            a.start_at >= start,
            a.start_at < start + dt.timedelta(days=7),
        )
    ).all()
    counts = [0] * 7
    for at in found:
        counts[(at.date() - monday).days % 7] += 1
    return tuple(DayCount(day=monday + dt.timedelta(days=i), count=c) for i, c in enumerate(counts))


def _sync(s: Session, tenant_id: int, today: dt.date) -> SyncHealth:
    last = s.scalar(select(func.max(Connection.last_round_trip_at)).where(Connection.tenant_id == tenant_id))
    first = today - dt.timedelta(days=SYNC_DAYS - 1)
    rows = {
        d: (int(up), int(down))
        for d, up, down in s.execute(
            select(SyncDailyRows.day, SyncDailyRows.rows_up, SyncDailyRows.rows_down).where(
                SyncDailyRows.tenant_id == tenant_id, SyncDailyRows.day >= first
            )
        )
    }
    days = tuple(
        SyncDay(day=d, rows_up=rows.get(d, (0, 0))[0], rows_down=rows.get(d, (0, 0))[1])
        for d in (first + dt.timedelta(days=i) for i in range(SYNC_DAYS))
    )
    return SyncHealth(last_round_trip=last, days=days)

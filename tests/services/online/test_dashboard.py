"""The dashboard's figures: sales per month, open quotes and orders, the week's activities, the top
customers and the sync health, each only as far as the role and the contract open the module."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import update

from models.online import SyncDailyRows, Tenant
from models.types import new_uuid
from services.clock import FrozenClock
from services.container import Services
from services.online.workspace.dashboard import WorkspaceDashboard, month_starts
from services.sync.protocol.messages import Mutation, PullRequest, PushRequest
from tests.services.online.test_online_workspace import company, member, person
from tests.sync.helpers import contact, fields

NOW = dt.datetime(2030, 1, 16, 10, 0, tzinfo=dt.UTC)  # a Wednesday


def order(online: Services, tenant_id: int, contact_uuid: str, status: str, day: dt.date, total: str) -> None:
    online.online.sync_server.apply_online_change(
        tenant_id,
        table="sales_orders",
        uuid=None,
        fields={
            "number": new_uuid()[:8],
            "status": status,
            "order_date": day,
            "total": Decimal(total),
            "contact_uuid": contact_uuid,
        },
    )


def test_month_starts_are_the_last_twelve_months_oldest_first() -> None:
    starts = month_starts(dt.date(2030, 1, 16))
    assert (starts[0], starts[-1], len(starts)) == (dt.date(2029, 2, 1), dt.date(2030, 1, 1), 12)


def test_the_dashboard_sums_sales_open_documents_the_week_and_the_best_customers(online: Services) -> None:
    anna = person(online, "anna@example.com")
    created = company(online, anna, "Müller GmbH")
    server = online.online.sync_server
    tid = created.tenant_id
    kunde = server.apply_online_change(tid, table="contacts", uuid=None, fields={"name": "Kunde AG"}).uuid
    klein = server.apply_online_change(tid, table="contacts", uuid=None, fields={"name": "Klein KG"}).uuid
    order(online, tid, kunde, "invoice", dt.date(2030, 1, 3), "100.10")
    order(online, tid, kunde, "invoice", dt.date(2030, 1, 20), "0.45")
    order(online, tid, klein, "invoice", dt.date(2029, 12, 31), "50.00")
    order(online, tid, klein, "invoice", dt.date(2029, 1, 31), "999.00")  # 13 months ago: not counted
    order(online, tid, klein, "quote", dt.date(2030, 1, 2), "10.00")
    order(online, tid, kunde, "quote", dt.date(2030, 1, 5), "20.50")
    order(online, tid, kunde, "order", dt.date(2030, 1, 6), "7.00")
    for start in (dt.datetime(2030, 1, 14, 9, tzinfo=dt.UTC), dt.datetime(2030, 1, 20, 23, tzinfo=dt.UTC),
                  dt.datetime(2030, 1, 21, 0, 30, tzinfo=dt.UTC)):  # fmt: skip
        server.apply_online_change(
            tid, table="activities", uuid=None, fields={"subject": "Anruf", "kind": "call", "start_at": start}
        )

    board = WorkspaceDashboard(online.db.online, FrozenClock(NOW)).build(anna, created.tenant_uuid)  # type: ignore[arg-type]
    assert board.sales is not None and board.week is not None
    months = {m.month: (m.total, m.count) for m in board.sales.months}
    assert months[dt.date(2030, 1, 1)] == (Decimal("100.55"), 2)
    assert months[dt.date(2029, 12, 1)] == (Decimal("50.00"), 1)
    assert dt.date(2029, 1, 1) not in months and months[dt.date(2029, 2, 1)] == (Decimal("0.00"), 0)
    quotes, orders = board.sales.open_quotes, board.sales.open_orders
    assert (quotes.count, quotes.value, orders.count, orders.value) == (
        2,
        Decimal("30.50"),
        1,
        Decimal("7.00"),
    )
    assert [(c.name, c.total) for c in board.sales.top_customers] == [
        ("Kunde AG", Decimal("100.55")), ("Klein KG", Decimal("50.00")),
    ]  # fmt: skip
    assert [d.count for d in board.week] == [1, 0, 0, 0, 0, 0, 1]  # Monday 14th to Sunday 20th
    assert board.week[0].day == dt.date(2030, 1, 14)


def test_no_sales_figures_without_sales_and_no_week_without_activities(online: Services) -> None:
    anna, ben = person(online, "anna@example.com"), person(online, "ben@example.com")
    created = company(online, anna, "Müller GmbH")
    member(online, created.tenant_id, ben, "read_only")
    assert online.db.online is not None
    with online.db.online.begin() as s:
        s.execute(update(Tenant).where(Tenant.id == created.tenant_id).values(modules="contacts"))
    for who in (anna, ben):
        board = WorkspaceDashboard(online.db.online, FrozenClock(NOW)).build(who, created.tenant_uuid)
        assert board.sales is None and board.week is None
        assert len(board.sync.days) == 14


def test_the_sync_health_counts_rows_up_and_down_per_day(online: Services) -> None:
    anna = person(online, "anna@example.com")
    created = company(online, anna, "Müller GmbH")
    server = online.online.sync_server
    ctx = server.connections.authenticate(created.token)
    batch = [
        Mutation(id=i, table="contacts", uuid=new_uuid(), op="upsert", base=0, values=contact())
        for i in (1, 2, 3)
    ]
    pushed = server.push(ctx, PushRequest(**fields(ctx), mutations=batch))
    server.push(ctx, PushRequest(**fields(ctx), mutations=batch))  # repeated: applied once, counted once
    server.apply_online_change(
        created.tenant_id, table="contacts", uuid=None, fields={"name": "Online angelegt"}
    )
    server.pull_now(ctx, PullRequest(**fields(ctx), cursor=pushed.seq, limit=100))
    today = dt.datetime.now(dt.UTC)
    assert online.db.online is not None
    with online.db.online.begin() as s:
        s.add(
            SyncDailyRows(
                tenant_id=created.tenant_id, day=today.date() - dt.timedelta(days=20), rows_up=7, rows_down=0
            )
        )
    board = WorkspaceDashboard(online.db.online, FrozenClock(today)).build(anna, created.tenant_uuid)
    assert board.sync.days[-1].day == today.date() and board.sync.days[0].day == today.date() - dt.timedelta(
        days=13
    )
    assert (board.sync.days[-1].rows_up, board.sync.days[-1].rows_down) == (3, 1)
    assert sum(d.rows_up for d in board.sync.days) == 3  # 20 days ago is outside the 14 days
    assert board.sync.last_round_trip is not None


def test_the_sales_list_behind_a_chart_narrows_to_the_month_and_the_customer(online: Services) -> None:
    anna = person(online, "anna@example.com")
    created = company(online, anna, "Müller GmbH")
    tid = created.tenant_id
    kunde = online.online.sync_server.apply_online_change(
        tid, table="contacts", uuid=None, fields={"name": "Kunde AG"}
    ).uuid
    klein = online.online.sync_server.apply_online_change(
        tid, table="contacts", uuid=None, fields={"name": "Klein KG"}
    ).uuid
    order(online, tid, kunde, "invoice", dt.date(2030, 1, 31), "1.00")
    order(online, tid, kunde, "invoice", dt.date(2030, 2, 1), "2.00")
    order(online, tid, klein, "invoice", dt.date(2030, 1, 1), "3.00")
    order(online, tid, klein, "quote", dt.date(2030, 1, 2), "4.00")
    sales = online.online.workspace.sales
    january = sales.rows(anna, created.tenant_uuid, status="invoice", month="2030-01")
    assert sorted(r.values["total"] for r in january.rows) == [Decimal("1.00"), Decimal("3.00")]
    assert sales.rows(anna, created.tenant_uuid, status="invoice", contact_uuid=kunde).total == 2
    assert sales.rows(anna, created.tenant_uuid, month="2030-13").total == 4  # no such month: no filter

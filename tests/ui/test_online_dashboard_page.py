"""The dashboard on the company home page: ECharts with localised figures, each opening its list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from nicegui import ui
from nicegui.testing import User

from models.types import new_uuid
from services.sync.protocol.messages import Mutation, PushRequest
from tests.sync.helpers import contact, fields
from tests.ui.test_online_id_pages import log_in
from tests.ui.test_online_workspace_pages import PASSWORD, account, online_side


async def test_the_home_page_shows_the_figures_in_the_readers_language_and_opens_the_lists(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    mine = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.1)
    server = services.online.sync_server
    customer = server.apply_online_change(
        mine.tenant_id, table="contacts", uuid=None, fields={"name": "Großkunde AG"}
    ).uuid
    today = dt.date.today()
    for status, total in (("invoice", "1234.50"), ("quote", "99.99"), ("quote", "0.01"), ("order", "10.00")):
        server.apply_online_change(
            mine.tenant_id,
            table="sales_orders",
            uuid=None,
            fields={
                "number": new_uuid()[:8],
                "status": status,
                "order_date": today,
                "total": Decimal(total),
                "contact_uuid": customer,
            },
        )
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="dashboard-sales-per-month")
    await user.should_see(marker="sales-total", content="€1,234.50")
    await user.should_see(marker="dashboard-sync-health")
    await user.should_see(marker="activities-count")
    [chart] = user.find(kind=ui.echart, marker="chart-sales-per-month").elements
    assert len(chart.options["xAxis"]["data"]) == 12
    assert chart.options["series"][0]["data"][-1]["shown"].endswith("€1,234.50 (1)")
    [top] = user.find(kind=ui.echart, marker="chart-top-customers").elements
    assert top.options["yAxis"]["data"] == ["Großkunde AG"]

    switch = user.find(marker="language").elements.pop()
    assert user.client is not None
    with user.client:
        switch.set_value("de")
    await user.open(f"/online/c/{mine.tenant_uuid}")
    await user.should_see(marker="sales-total", content="1.234,50\xa0€")
    user.find(marker="open-quote").click()
    await user.should_see(marker="sales-status-filter")
    await user.should_see(marker="online-count", content="2")  # the sales list, filtered to quotes


def _click_bar(user: User, marker: str, index: int) -> None:
    """What ECharts sends when a bar of the chart is clicked."""
    [chart] = user.find(kind=ui.echart, marker=marker).elements
    point = chart.options["series"][0]["data"][index]
    user.find(kind=ui.echart, marker=marker).trigger(
        "componentClick",
        {
            "componentType": "series",
            "seriesType": "bar",
            "seriesIndex": 0,
            "seriesName": "",
            "name": point["name"],
            "dataIndex": index,
            "data": point,
            "dataType": None,
            "value": point["value"],
        },
    )


async def test_each_chart_opens_the_filtered_list_behind_it(user: User, app_env: Path) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    mine = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.1)
    server = services.online.sync_server
    customer = server.apply_online_change(
        mine.tenant_id, table="contacts", uuid=None, fields={"name": "Großkunde AG"}
    ).uuid
    today = dt.date.today()
    for total in ("1234.50", "10.00"):
        server.apply_online_change(
            mine.tenant_id,
            table="sales_orders",
            uuid=None,
            fields={
                "number": new_uuid()[:8],
                "status": "invoice",
                "order_date": today,
                "total": Decimal(total),
                "contact_uuid": customer,
            },
        )
    ctx = server.connections.authenticate(mine.token)
    batch = [
        Mutation(id=i, table="contacts", uuid=new_uuid(), op="upsert", base=0, values=contact())
        for i in (1, 2)
    ]
    server.push(ctx, PushRequest(**fields(ctx), mutations=batch))  # today's round: 2 rows up
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    home = f"/online/c/{mine.tenant_uuid}"

    await user.should_see(marker="chart-sync")
    _click_bar(user, "chart-sync", 13)  # today, the last of 14 days
    await user.should_see(marker="sync-rounds-table")
    await user.should_see(
        marker="sync-rounds-count",
        content="Exchanges: 1 · records from Business Software: 2 · to Business Software: 0",
    )
    [table] = user.find(marker="sync-rounds-table").elements
    assert [(r["kind"], r["rows_up"]) for r in table.rows] == [("Changes sent", "2")]
    user.find(marker="sync-rounds-previous").click()  # yesterday: nothing
    await user.should_see(marker="sync-rounds-count", content="Exchanges: 0")

    await user.open(home)
    await user.should_see(marker="chart-sales-per-month")
    _click_bar(user, "chart-sales-per-month", 11)  # this month's invoices
    await user.should_see(marker="sales-status-filter")
    await user.should_see(marker="online-count", content="2")

    await user.open(home)
    await user.should_see(marker="chart-top-customers")
    _click_bar(user, "chart-top-customers", 0)
    await user.should_see(marker="online-count", content="2")  # the customer's invoices

    await user.open(home)
    await user.should_see(marker="chart-activities-week")
    _click_bar(user, "chart-activities-week", 2)
    monday = today - dt.timedelta(days=today.weekday())
    await user.should_see(marker=f"calendar-day-{monday.isoformat()}")

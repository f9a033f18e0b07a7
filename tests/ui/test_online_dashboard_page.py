"""The dashboard on the company home page: ECharts with localised figures, each opening its list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from nicegui import ui
from nicegui.testing import User

from models.types import new_uuid
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

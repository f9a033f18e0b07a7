"""The dashboard on the company home page (``/online/c/<tenant>``): ECharts of the company's figures.

Sales per month, the open quotes and orders, the activities of this week, the top customers and
the sync health, each as the role allows (the service leaves out what it does not). Numbers and
dates are formatted for the reader's language on the server and travel in the chart data; a click
on a bar or a figure opens the filtered list behind it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from nicegui import events, ui

from services import i18n
from services.online.workspace.dashboard import Dashboard, OpenDocuments, SalesFigures, SyncHealth
from ui.i18n import _, fmt_money, fmt_number, lang
from ui.online.frame import tag, workspace_url
from ui.online.sync_rounds_page import sync_rounds_url

# Axis labels: the browser formats plain numbers in the reader's language (a fixed choice, no data).
AXIS_NUMBER = {
    "de": "v => new Intl.NumberFormat('de-DE', {notation: 'compact'}).format(v)",
    "en": "v => new Intl.NumberFormat('en-GB', {notation: 'compact'}).format(v)",
}
TOOLTIP = "p => p.data.shown"  # every data point carries its formatted text
CHART_CLASSES = "w-full h-64"


def sales_list_url(tenant_uuid: str, **query: str) -> str:
    """The sales list (``ui/online/sales_list.py``), filtered by status, month or customer."""
    return workspace_url(tenant_uuid, "sales_orders") + "?" + urlencode(query)


def show_dashboard(tenant_uuid: str, board: Dashboard) -> None:
    with ui.grid(columns="repeat(auto-fit, minmax(22rem, 1fr))").classes("w-full gap-4"):
        if board.sales is not None:
            _sales_per_month(tenant_uuid, board.sales)
            _open_documents(tenant_uuid, board.sales)
            _top_customers(tenant_uuid, board.sales)
        if board.week is not None:
            _week(tenant_uuid, board)
        _sync_health(tenant_uuid, board.sync)


def _card(title: str, name: str) -> ui.card:
    card = tag(ui.card().classes("w-full gap-1"), f"dashboard-{name}")
    with card:
        ui.label(title).classes("text-lg font-medium")
    return card


def _point(value: Decimal | int, shown: str, name: str) -> dict[str, Any]:
    return {"value": float(value), "shown": shown, "name": name}


def _bars(categories: list[str], data: list[dict[str, Any]], on_click: Callable[[int], None]) -> ui.echart:
    options = {
        "grid": {"left": 48, "right": 12, "top": 12, "bottom": 28},
        "tooltip": {"trigger": "item", ":formatter": TOOLTIP},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": {"type": "value", "axisLabel": {":formatter": AXIS_NUMBER[lang()]}},
        "series": [{"type": "bar", "data": data, "itemStyle": {"color": "#3949ab"}, "cursor": "pointer"}],
    }

    def clicked(e: events.EChartPointClickEventArguments) -> None:
        on_click(e.data_index)

    return ui.echart(options, on_point_click=clicked).classes(CHART_CLASSES)


def _sales_per_month(tenant_uuid: str, sales: SalesFigures) -> None:
    with _card(_("dashboard.sales_per_month"), "sales-per-month"):
        total = sum((m.total for m in sales.months), Decimal("0"))
        ui.label(_("dashboard.sales_total", total=fmt_money(total))).classes("text-grey-8").mark(
            "sales-total"
        )
        labels = [i18n.format_date(m.month, lang=lang(), fmt="MMM yy") for m in sales.months]
        data = [
            _point(m.total, f"{label}: {fmt_money(m.total)} ({fmt_number(m.count)})", label)
            for m, label in zip(sales.months, labels, strict=True)
        ]

        def open_month(index: int) -> None:
            month = sales.months[index].month
            ui.navigate.to(sales_list_url(tenant_uuid, status="invoice", month=month.strftime("%Y-%m")))

        tag(_bars(labels, data, open_month), "chart-sales-per-month")


def _open_documents(tenant_uuid: str, sales: SalesFigures) -> None:
    with _card(_("dashboard.open_documents"), "open-documents"), ui.row().classes("w-full gap-4"):
        for docs in (sales.open_quotes, sales.open_orders):
            _open_figure(tenant_uuid, docs)


def _open_figure(tenant_uuid: str, docs: OpenDocuments) -> None:
    target = sales_list_url(tenant_uuid, status=docs.status)
    card = ui.card().classes("flex-1 items-center cursor-pointer bg-indigo-1")
    card.on("click", lambda: ui.navigate.to(target))
    with tag(card, f"open-{docs.status}"):
        ui.label(_(f"dashboard.open.{docs.status}")).classes("text-grey-8")
        ui.label(fmt_number(docs.count)).classes("text-3xl font-medium")
        ui.label(fmt_money(docs.value)).classes("text-grey-8")


def _top_customers(tenant_uuid: str, sales: SalesFigures) -> None:
    with _card(_("dashboard.top_customers"), "top-customers"):
        if not sales.top_customers:
            ui.label(_("dashboard.no_sales")).classes("text-grey-7")
            return
        customers = list(reversed(sales.top_customers))  # the best one on top of the chart
        names = [c.name or "—" for c in customers]
        data = [
            _point(c.total, f"{n}: {fmt_money(c.total)}", n) for c, n in zip(customers, names, strict=True)
        ]
        options = {
            "grid": {"left": 8, "right": 24, "top": 8, "bottom": 24, "containLabel": True},
            "tooltip": {"trigger": "item", ":formatter": TOOLTIP},
            "xAxis": {"type": "value", "axisLabel": {":formatter": AXIS_NUMBER[lang()]}},
            "yAxis": {"type": "category", "data": names},
            "series": [{"type": "bar", "data": data, "itemStyle": {"color": "#00897b"}, "cursor": "pointer"}],
        }

        def open_customer(e: events.EChartPointClickEventArguments) -> None:
            uuid = customers[e.data_index].contact_uuid
            ui.navigate.to(sales_list_url(tenant_uuid, status="invoice", contact=uuid))

        tag(ui.echart(options, on_point_click=open_customer).classes(CHART_CLASSES), "chart-top-customers")


def _week(tenant_uuid: str, board: Dashboard) -> None:
    week = board.week or ()
    with _card(_("dashboard.activities_week"), "activities-week"):
        count = sum(d.count for d in week)
        ui.label(_("dashboard.activities_count", count=fmt_number(count))).classes("text-grey-8").mark(
            "activities-count"
        )
        labels = [
            i18n.format_date(d.day, lang=lang(), fmt="EEE d.M." if lang() == "de" else "EEE d/M")
            for d in week
        ]
        data = [
            _point(d.count, f"{label}: {fmt_number(d.count)}", label)
            for d, label in zip(week, labels, strict=True)
        ]
        monday = week[0].day.isoformat() if week else ""

        def open_week(_index: int) -> None:
            ui.navigate.to(workspace_url(tenant_uuid, "calendar") + "?" + urlencode({"week": monday}))

        tag(_bars(labels, data, open_week), "chart-activities-week")


def _sync_health(tenant_uuid: str, sync: SyncHealth) -> None:
    with _card(_("dashboard.sync_health"), "sync-health"):
        if sync.last_round_trip is None:
            text = _("dashboard.never_synced")
        else:
            ago = i18n.format_relative(dt.datetime.now(dt.UTC) - sync.last_round_trip, lang())
            text = _(
                "dashboard.last_round_trip",
                ago=ago,
                at=i18n.format_datetime(sync.last_round_trip.astimezone(), lang=lang(), fmt="short"),
            )
        ui.label(text).classes("text-grey-8").mark("sync-last")
        labels = [
            i18n.format_date(d.day, lang=lang(), fmt="d.M." if lang() == "de" else "d/M") for d in sync.days
        ]
        up = [
            _point(d.rows_up, f"{label}: {fmt_number(d.rows_up)}", label)
            for d, label in zip(sync.days, labels, strict=True)
        ]
        down = [
            _point(d.rows_down, f"{label}: {fmt_number(d.rows_down)}", label)
            for d, label in zip(sync.days, labels, strict=True)
        ]
        options = {
            "grid": {"left": 48, "right": 12, "top": 28, "bottom": 28},
            "legend": {"top": 0},
            "tooltip": {"trigger": "item", ":formatter": TOOLTIP},
            "xAxis": {"type": "category", "data": labels},
            "yAxis": {"type": "value", "axisLabel": {":formatter": AXIS_NUMBER[lang()]}},
            "series": [
                {
                    "type": "bar",
                    "stack": "rows",
                    "name": _("dashboard.rows_up"),
                    "data": up,
                    "itemStyle": {"color": "#5c6bc0"},
                    "cursor": "pointer",
                },
                {
                    "type": "bar",
                    "stack": "rows",
                    "name": _("dashboard.rows_down"),
                    "data": down,
                    "itemStyle": {"color": "#26a69a"},
                    "cursor": "pointer",
                },
            ],
        }

        def open_day(e: events.EChartPointClickEventArguments) -> None:
            ui.navigate.to(sync_rounds_url(tenant_uuid, sync.days[e.data_index].day))

        tag(ui.echart(options, on_point_click=open_day).classes(CHART_CLASSES), "chart-sync")

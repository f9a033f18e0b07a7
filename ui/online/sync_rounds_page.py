"""The sync rounds of a company account on one day (``/online/c/<tenant>/sync?day=YYYY-MM-DD``):
each exchange of rows with Business Software, newest first, with the day's totals; the list a bar
of the dashboard's sync health opens. Days are UTC days, as the chart counts them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nicegui import ui

from services.container import OnlineServices
from services.online.workspace.sync_rounds import RoundRow, RoundsPage
from ui.components.calls import CallFailed, call
from ui.components.routes import app_page
from ui.i18n import _, fmt_date, fmt_datetime, fmt_number
from ui.online.frame import Workspace, open_workspace, tag, workspace_frame, workspace_url

MODULE = "sync"
PAGE_SIZE = 50


def sync_rounds_url(tenant_uuid: str, day: dt.date) -> str:
    return f"{workspace_url(tenant_uuid, MODULE)}?day={day.isoformat()}"


def register(online: OnlineServices) -> None:
    @app_page(f"/online/c/{{tenant_uuid}}/{MODULE}")
    async def sync_rounds_page(tenant_uuid: str, day: str = "") -> None:
        here = workspace_url(tenant_uuid, MODULE)
        workspace = await open_workspace(online, tenant_uuid, here)
        if workspace is None:
            return
        with workspace_frame(online, workspace, _("sync_rounds.title")):
            await SyncRoundsView(online, workspace, _day(day)).build()


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return dt.datetime.now(dt.UTC).date()


class SyncRoundsView:
    def __init__(self, online: OnlineServices, workspace: Workspace, day: dt.date) -> None:
        self.online = online
        self.online_id = workspace.online_id.id
        self.tenant_uuid = workspace.header.tenant_uuid
        self.day = day
        self.page = 1

    async def build(self) -> None:
        with ui.row().classes("items-center gap-2"):
            ui.label(_("sync_rounds.title")).classes("text-2xl")
            for icon, step, name in (("chevron_left", -1, "previous"), ("chevron_right", 1, "next")):
                target = sync_rounds_url(self.tenant_uuid, self.day + dt.timedelta(days=step))
                ui.button(icon=icon, on_click=lambda t=target: ui.navigate.to(t)).props("flat round").mark(
                    f"sync-rounds-{name}"
                )
            tag(ui.label(fmt_date(self.day)).classes("text-lg"), "sync-rounds-day")
        ui.label(_("sync_rounds.hint")).classes("text-grey-8")
        self.count = tag(ui.label().classes("text-grey-7"), "sync-rounds-count")
        columns = [
            {"name": name, "label": _(f"sync_rounds.column.{name}"), "field": name, "align": align}
            for name, align in (
                ("time", "left"),
                ("computer", "left"),
                ("kind", "left"),
                ("rows_up", "right"),
                ("rows_down", "right"),
            )
        ]
        self.table = tag(ui.table(columns=columns, rows=[], row_key="id"), "sync-rounds-table")
        self.table.props("flat bordered hide-pagination").classes("w-full")
        with ui.row().classes("items-center gap-2"):
            self.pager = tag(
                ui.pagination(1, 1, direction_links=True, on_change=self.turn), "sync-rounds-pager"
            )
        await self.load()

    async def turn(self) -> None:
        wanted = int(self.pager.value or 1)
        if wanted != self.page:
            self.page = wanted
            await self.load()

    async def load(self) -> None:
        try:
            found: RoundsPage = await call(
                self.online.workspace.sync_rounds.day,
                self.online_id,
                self.tenant_uuid,
                day=self.day,
                page=self.page,
                page_size=PAGE_SIZE,
            )
        except CallFailed:
            return
        self.page = found.page
        self.count.text = _(
            "sync_rounds.count",
            count=fmt_number(found.total),
            up=fmt_number(found.rows_up),
            down=fmt_number(found.rows_down),
        )
        self.table.rows = [_cells(i, r) for i, r in enumerate(found.rows)]
        self.table.update()
        self.pager.max = found.pages
        self.pager.value = found.page


def _cells(index: int, row: RoundRow) -> dict[str, Any]:
    return {
        "id": index,
        "time": fmt_datetime(row.at.astimezone()),
        "computer": row.computer or "–",
        "kind": _(f"sync_rounds.kind.{row.kind}"),
        "rows_up": fmt_number(row.rows_up),
        "rows_down": fmt_number(row.rows_down),
    }

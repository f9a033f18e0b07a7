"""The calendar of a company account (``/online/c/<tenant>/calendar?week=YYYY-MM-DD``): a week of
its activities, Monday to Sunday, in this computer's time zone, moving by weeks."""

from __future__ import annotations

import datetime as dt

from nicegui import ui

from services import i18n
from services.container import OnlineServices
from services.records.views import RegisterRow
from ui.components.calls import call
from ui.components.routes import app_page
from ui.i18n import _, fmt_date, lang
from ui.online.frame import Workspace, open_workspace, workspace_frame, workspace_url


def register(online: OnlineServices) -> None:
    @app_page("/online/c/{tenant_uuid}/calendar")
    async def calendar_page(tenant_uuid: str, week: str = "") -> None:
        here = workspace_url(tenant_uuid, "calendar")
        workspace = await open_workspace(online, tenant_uuid, here, "activities")
        if workspace is None:
            return
        with workspace_frame(online, workspace, _("online.calendar")):
            await _calendar(online, workspace, week)


def week_start(text: str, today: dt.date | None = None) -> dt.date:
    """The Monday of the week asked for as ``YYYY-MM-DD`` (any day of it), else of this week."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = today or dt.date.today()
    return day - dt.timedelta(days=day.weekday())


async def _calendar(online: OnlineServices, workspace: Workspace, week: str) -> None:
    monday = week_start(week)
    zone = dt.datetime.now().astimezone().tzinfo
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=zone)
    end = start + dt.timedelta(days=7)
    tenant_uuid = workspace.header.tenant_uuid
    rows = await call(
        online.workspace.calendar.activities_between,
        workspace.online_id.id,
        tenant_uuid,
        start=start,
        end=end,
    )
    _week_bar(tenant_uuid, monday)
    by_day: dict[dt.date, list[RegisterRow]] = {}
    for row in rows:
        by_day.setdefault(row.values["start_at"].astimezone(zone).date(), []).append(row)
    with ui.grid(columns=7).classes("w-full gap-2"):
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            with ui.card().classes("gap-1 p-2 min-h-[10rem]").mark(f"calendar-day-{day.isoformat()}"):
                ui.label(i18n.format_date(day, lang=lang(), fmt="EEE d MMM")).classes(
                    "text-sm font-medium text-indigo-9"
                )
                for row in by_day.get(day, []):
                    when = row.values["start_at"].astimezone(zone).strftime("%H:%M")
                    entry = (
                        ui.label(f"{when} {row.values['subject']}").classes("text-xs").mark("calendar-entry")
                    )
                    if row.values["done"]:
                        entry.classes("line-through text-grey-6")


def _week_bar(tenant_uuid: str, monday: dt.date) -> None:
    """The week shown, the way to the weeks before and after, to this week and to the list."""
    here = workspace_url(tenant_uuid, "calendar")
    with ui.row().classes("items-center gap-2"):
        ui.label(_("online.calendar")).classes("text-2xl")
        ui.button(
            icon="chevron_left",
            on_click=lambda: ui.navigate.to(f"{here}?week={monday - dt.timedelta(days=7)}"),
        ).props("flat round").mark("calendar-previous")
        ui.label(f"{fmt_date(monday)} – {fmt_date(monday + dt.timedelta(days=6))}").classes("text-lg").mark(
            "calendar-week"
        )
        ui.button(
            icon="chevron_right",
            on_click=lambda: ui.navigate.to(f"{here}?week={monday + dt.timedelta(days=7)}"),
        ).props("flat round").mark("calendar-next")
        ui.button(_("online.today"), on_click=lambda: ui.navigate.to(here)).props("flat no-caps")
        ui.button(
            _("registers.activities.title"),
            icon="list",
            on_click=lambda: ui.navigate.to(workspace_url(tenant_uuid, "activities")),
        ).props("flat no-caps")

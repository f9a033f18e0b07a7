"""Company settings › Settings per module › Online Desktop › Sync (PRODUCT.md §4-5, S7, S19).

The sync computer (the one choice there is), how the synchronisation stands (next run, conflicts
of the last 7 days, last exchange), an ECharts chart of the rows synchronised per day and the run
history with kind, status, rows, bytes, duration and how each run ended, in words. There is no
sync interval: the sync runs continuously, so the tab says so instead of offering a setting that
could only delay it.
"""

from __future__ import annotations

from nicegui import ui

from services import i18n
from services.sync.client.activity import DayRows
from services.sync.client.status import RunView, SyncOverview
from ui.components.calls import CallFailed, call, show_field_errors
from ui.i18n import _, fmt_datetime, fmt_number, lang
from ui.local.sync_words import bytes_text, duration_text, last_sync_text, outcome_text
from ui.shell import Shell

HISTORY_RUNS = 100


async def sync_tab(shell: Shell, company_id: int) -> None:
    services = shell.services
    overview = await call(services.sync_status.overview, company_id)
    focus = await call(services.focus.status, company_id)
    days = await call(services.sync_activity.rows_per_day, company_id)
    runs = await call(services.sync_status.runs, company_id, HISTORY_RUNS)
    with ui.row().classes("w-full gap-4 items-stretch"):
        await _computer_card(shell, company_id)
        with ui.card().classes("w-[30rem]").mark("sync-state"):
            ui.label(_("synctab.state")).classes("text-lg")
            with ui.grid(columns=2).classes("gap-x-6 gap-y-1"):
                ui.label(_("sync.history.connection")).classes("text-grey-8")
                ui.label(_(f"sync.status.{overview.connection_status}")).mark("sync-tab-connection")
                ui.label(_("sync.history.next_run")).classes("text-grey-8")
                ui.label(next_run_text(overview)).mark("sync-tab-next-run")
                ui.label(_("focus.status.last_sync")).classes("text-grey-8")
                ui.label(last_sync_text(focus)).mark("sync-tab-last-sync")
                ui.label(_("focus.status.conflicts")).classes("text-grey-8")
                with ui.row().classes("items-center gap-2"):
                    ui.label(fmt_number(focus.conflicts)).mark("sync-tab-conflicts")
                    ui.link(_("sync.menu.history"), "/sync/history").classes("text-sm")
    with ui.card().classes("w-full max-w-5xl"):
        ui.label(_("synctab.chart")).classes("text-lg")
        ui.echart(chart_options(days)).classes("w-full h-64").mark("sync-chart")
    ui.label(_("sync.history.runs")).classes("text-lg font-medium mt-2")
    _history(runs)


async def _computer_card(shell: Shell, company_id: int) -> None:
    settings_service = shell.services.online_settings
    current = await call(settings_service.sync_settings, company_id)
    here = shell.services.settings.computer_name
    options = {}
    for machine in current.computers:
        notes = []
        if machine.hosts_system_database:
            notes.append(_("licensing.computers.system_db"))
        if machine.name.casefold() == here.casefold():
            notes.append(_("licensing.computers.this"))
        options[machine.name] = machine.name + (f" ({', '.join(notes)})" if notes else "")
    with ui.card().classes("w-[30rem]"):
        ui.label(_("licensing.od.sync_title")).classes("text-lg")
        ui.label(_("licensing.od.sync_hint")).classes("text-sm text-grey-7")
        computer = ui.select(options, value=current.sync_computer, label=_("licensing.od.sync_computer"))
        computer.classes("w-full").mark("sync-computer")
        ui.label(_("synctab.continuous")).classes("text-sm text-grey-8").mark("sync-continuous")

        async def save() -> None:
            try:
                await call(settings_service.save_sync_settings, company_id, sync_computer=computer.value)
            except CallFailed as failed:
                show_field_errors({"sync_computer": computer}, failed)
                return
            show_field_errors({"sync_computer": computer}, None)
            ui.notify(_("licensing.od.sync_saved"), type="positive")

        ui.button(_("action.save"), on_click=save).mark("sync-save")


def next_run_text(o: SyncOverview) -> str:
    if o.schedule is not None and o.schedule.status in ("scheduled", "missed"):
        return f"{fmt_datetime(o.schedule.run_at)} ({_(f'sync.status.{o.schedule.status}')})"
    if o.connected and o.initial_status == "done":
        return _("synctab.next_continuous")
    return _("sync.history.no_schedule")


def chart_options(days: tuple[DayRows, ...]) -> dict[str, object]:
    """A stacked bar per day: rows sent to and rows received from the Online Desktop."""
    labels = [i18n.format_date(d.day, lang=lang(), fmt="d MMM") for d in days]
    up, down = _("sync.col.rows_up"), _("sync.col.rows_down")
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [up, down]},
        "grid": {"left": 48, "right": 16, "top": 32, "bottom": 24},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": _("sync.col.rows_up"),
                "type": "bar",
                "stack": "rows",
                "data": [d.rows_up for d in days],
            },
            {
                "name": _("sync.col.rows_down"),
                "type": "bar",
                "stack": "rows",
                "data": [d.rows_down for d in days],
            },
        ],
    }


def _history(runs: list[RunView]) -> None:
    if not runs:
        ui.label(_("sync.history.no_runs")).classes("text-grey-8").mark("sync-tab-no-runs")
        return
    names = ("kind", "status", "start", "duration", "rows_up", "rows_down", "bytes", "error")
    columns = [
        {"name": n, "label": _(f"synctab.col.{n}" if n == "duration" else f"sync.col.{n}"), "field": n}
        for n in names
    ]
    for column in columns:
        column["align"] = "left"
    rows = [
        {
            "id": r.id,
            "kind": _(f"sync.kind.{r.kind}"),
            "status": _(f"sync.status.{r.status}"),
            "start": fmt_datetime(r.started_at),
            "duration": duration_text(r),
            "rows_up": fmt_number(r.rows_up),
            "rows_down": fmt_number(r.rows_down),
            "bytes": bytes_text(r.bytes_up + r.bytes_down),
            "error": outcome_text(r),
        }
        for r in runs
    ]
    ui.table(columns=columns, rows=rows, pagination=10).classes("w-full max-w-5xl").mark("sync-tab-runs")

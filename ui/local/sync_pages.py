"""Sync history page (/sync/history) and the initial-sync window on every page (PRODUCT.md §4, S19)."""

from __future__ import annotations

from nicegui import ui

from services.local.views import SessionView
from services.sync.client.status import RunView, SyncOverview, SyncStatusService
from ui.components.calls import CallFailed, call, fetch
from ui.components.paging import translate_pager
from ui.components.routes import app_page
from ui.components.run_errors import run_error
from ui.i18n import _, fmt_datetime, fmt_number
from ui.layout import frame
from ui.local.conflicts_view import ConflictsView
from ui.local.sync_window import initial_sync_window
from ui.session import require_session
from ui.shell import MenuItem, Shell


def _menu(shell: Shell, session: SessionView) -> dict[str, list[MenuItem]]:
    return {"menu.view": [MenuItem("sync.menu.history", lambda: ui.navigate.to("/sync/history"))]}


def register(shell: Shell) -> None:
    shell.frame_hooks.append(initial_sync_window)
    shell.menus.append(_menu)
    status = shell.services.sync_status
    assert status is not None

    async def trace_action(_services: Shell, session: SessionView) -> None:
        if session.company_id is not None:
            await download_trace(status, session.company_id)

    shell.handle("trace_log", trace_action)

    @app_page("/sync/history")
    async def history_page() -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        company_id = session.company_id
        overview = await call(status.overview, company_id)
        runs = await call(status.runs, company_id)
        with frame(shell, session, _("sync.history.title")):
            ui.label(_("sync.history.title")).classes("text-2xl")
            _overview(status, company_id, overview)
            ui.label(_("sync.history.runs")).classes("text-lg font-medium mt-2")
            _runs(runs)
            ui.label(_("sync.history.conflicts")).classes("text-lg font-medium mt-2")
            await ConflictsView(shell.services.conflicts, company_id).build()
            _trace_button(status, company_id)


def _state(key: str) -> str:
    return _(f"sync.status.{key}")


def _overview(status: SyncStatusService, company_id: int, o: SyncOverview) -> None:
    if not o.connected:
        ui.label(_("sync.history.not_connected")).classes("text-grey-8").mark("sync-not-connected")
        return
    with ui.grid(columns=2).classes("gap-x-6 gap-y-1"):
        for label, value in (
            ("sync.history.connection", _state(o.connection_status)),
            ("sync.history.initial", _state(o.initial_status)),
            ("sync.history.last_push", fmt_datetime(o.last_push_at) or "–"),
            ("sync.history.last_pull", fmt_datetime(o.last_pull_at) or "–"),
            ("sync.history.rejections", fmt_number(o.rejections)),
            ("sync.history.last_error", run_error(o.last_error) or "–"),
        ):
            ui.label(_(label)).classes("text-grey-8")
            ui.label(value)
        ui.label(_("sync.history.next_run")).classes("text-grey-8")
        if o.schedule is None or o.schedule.status == "started":
            ui.label(_("sync.history.no_schedule"))
        else:
            ui.label(f"{fmt_datetime(o.schedule.run_at)} ({_state(o.schedule.status)})").mark("sync-next-run")
    if o.schedule is not None and o.schedule.status == "missed":
        with ui.row().classes("items-center gap-3 bg-amber-1 p-2 rounded"):
            ui.icon("schedule", color="amber-9")
            ui.label(_("sync.history.missed", time=fmt_datetime(o.schedule.run_at)))

            async def run_now() -> None:
                try:
                    await call(status.run_now, company_id)
                except CallFailed:
                    return
                ui.notify(_("sync.history.run_now_done"), type="positive")
                ui.navigate.reload()

            ui.button(_("sync.history.run_now"), icon="play_arrow", on_click=run_now).mark("sync-run-now")


def _runs(runs: list[RunView]) -> None:
    if not runs:
        ui.label(_("sync.history.no_runs")).classes("text-grey-8")
        return
    columns = [
        {"name": name, "label": _(f"sync.col.{name}"), "field": name, "align": "left"}
        for name in ("kind", "status", "start", "end", "rows_up", "rows_down", "bytes", "error")
    ]
    rows = [
        {
            "id": r.id,
            "kind": _(f"sync.kind.{r.kind}"),
            "status": _state(r.status),
            "start": fmt_datetime(r.started_at),
            "end": "" if r.status == "running" else fmt_datetime(r.finished_at),  # still going: no end
            "rows_up": fmt_number(r.rows_up),
            "rows_down": fmt_number(r.rows_down),
            "bytes": fmt_number(r.bytes_up + r.bytes_down),
            "error": run_error(r.error),
        }
        for r in runs
    ]
    translate_pager(ui.table(columns=columns, rows=rows, pagination=20)).classes("w-full").mark("sync-runs")


async def download_trace(status: SyncStatusService, company_id: int) -> None:
    path = await call(status.trace_file, company_id)
    if path is None:
        ui.notify(_("sync.history.no_trace"))
        return
    content = await fetch(path.read_bytes)
    ui.download.content(content, f"sync-trace-{company_id}.log", "text/plain")


def _trace_button(status: SyncStatusService, company_id: int) -> None:
    async def download() -> None:
        await download_trace(status, company_id)

    ui.button(_("sync.history.trace"), icon="download", on_click=download).mark("sync-trace")

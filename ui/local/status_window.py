"""The status window (Statusfenster, PRODUCT.md S15): the connection, and the initial sync's rows.

Opened by the connection wizard's Run. It confirms the connection (company, Online ID, time) and
then reads the initial synchronisation's state once a second, beside the blocking window of the
initial sync (``sync_window.py``) that covers every page while the sync runs.
"""

from __future__ import annotations

import datetime as dt

from nicegui import ui

from services.local.connect_wizard import ConnectResult
from ui.components.attributes import tagged
from ui.components.calls import call
from ui.components.pairs import pair
from ui.i18n import _, fmt_datetime, fmt_number
from ui.local.online_desktop_page import SETTINGS_URL
from ui.shell import Shell

STATUS_POLL_SECONDS = 1.0


class StatusWindow:
    """The status window (Statusfenster): the connection, and the initial sync's rows as they go."""

    def __init__(self, shell: Shell, dialog: ui.dialog, company_id: int, result: ConnectResult) -> None:
        self.status, self.dialog, self.company_id, self.result = (
            shell.services.sync_status,
            dialog,
            company_id,
            result,
        )
        self.connected_at = dt.datetime.now(dt.UTC)

    def open(self) -> None:
        self.dialog.clear()
        with self.dialog, ui.card().classes("w-[32rem] max-w-full gap-2"):
            ui.label(_("wizard.status.title")).classes("text-xl font-medium")
            with ui.row().classes("items-center gap-2"):
                ui.icon("check_circle", color="green", size="md")
                tagged(
                    ui.label(_("wizard.status.connected")).mark("wizard-status-connected"),
                    "wizard-status-connected",
                )
            pair("wizard.run.company", self.result.company)
            pair("wizard.run.online_id", self.result.online_id)
            pair("wizard.status.time", fmt_datetime(self.connected_at))
            self.progress = tagged(
                ui.column().classes("gap-1 w-full").mark("wizard-status-progress"), "wizard-status-progress"
            )
            with ui.row().classes("w-full justify-end"):
                tagged(
                    ui.button(_("wizard.close"), on_click=lambda: ui.navigate.to(SETTINGS_URL)).mark(
                        "wizard-status-close"
                    ),
                    "wizard-status-close",
                )
        ui.timer(STATUS_POLL_SECONDS, self.refresh)
        ui.timer(0.05, self.refresh, once=True)
        self.dialog.open()

    async def refresh(self) -> None:
        overview = await call(self.status.overview, self.company_id)
        runs = await call(self.status.runs, self.company_id, 10)
        initial = next((r for r in runs if r.kind == "initial"), None)
        self.progress.clear()
        with self.progress:
            if overview.initial_status == "done" and initial is not None:
                pair("wizard.status.rows", fmt_number(initial.rows_up), marker="wizard-status-rows")
                tagged(
                    ui.label(_("wizard.status.done")).classes("text-green-9").mark("wizard-status-done"),
                    "wizard-status-done",
                )
            elif initial is not None and initial.status not in ("ok", "running"):
                pair("wizard.status.rows", fmt_number(initial.rows_up), marker="wizard-status-rows")
                ui.label(_("wizard.status.failed", error=initial.error or initial.status)).classes(
                    "text-amber-10"
                )
            elif overview.schedule is not None and overview.schedule.run_at > dt.datetime.now(dt.UTC):
                tagged(
                    ui.label(_("wizard.status.scheduled", time=fmt_datetime(overview.schedule.run_at))).mark(
                        "wizard-status-scheduled"
                    ),
                    "wizard-status-scheduled",
                )
            else:
                tagged(
                    ui.label(_("wizard.status.waiting")).mark("wizard-status-waiting"),
                    "wizard-status-waiting",
                )

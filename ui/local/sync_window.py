"""The blocking window of the initial sync, on every Business Software page (PRODUCT.md S5).

Added to every page through the shell's frame hooks (``ui.shell.Shell``). A timer reads the progress from the
sync status service once a second (in a worker thread); while an initial sync holds the lock of
the open company, a persistent dialog covers the page and shows, per table, rows done of rows
total, the overall rate and the time left, measured from acknowledged pages, never guessed.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_timedelta
from nicegui import ui

from services.local.views import SessionView
from services.sync.client.status import InitialProgress
from ui.components.calls import fetch
from ui.i18n import _, fmt_number, lang
from ui.shell import Shell

POLL_SECONDS = 1.0


def initial_sync_window(shell: Shell, session: SessionView) -> None:
    status = shell.services.sync_status
    company_id = session.company_id
    if status is None or company_id is None:
        return
    dialog = ui.dialog().props("persistent").mark("initial-sync-window")
    with dialog:
        card = ui.card().classes("w-[36rem] max-w-full gap-3")

    async def refresh() -> None:
        progress = await fetch(status.initial_progress, company_id)
        card.clear()
        if progress is None:
            dialog.close()
            return
        with card:
            ui.label(_("sync.window.title")).classes("text-xl font-medium")
            ui.label(_("sync.window.hint")).classes("text-grey-8")
            _render(progress)
        dialog.open()

    ui.timer(POLL_SECONDS, refresh)
    ui.timer(0.05, refresh, once=True)


def _render(progress: InitialProgress) -> None:
    for table in progress.tables:
        share = table.rows_done / table.rows_total if table.rows_total else (1.0 if table.done else 0.0)
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            ui.label(_(f"sync.table.{table.table}")).classes("w-36")
            ui.linear_progress(value=round(share, 3), show_value=False).classes("grow")
            ui.label(
                _("sync.window.rows", done=fmt_number(table.rows_done), total=fmt_number(table.rows_total))
            ).classes("w-44 text-right text-sm")
    with ui.row().classes("w-full justify-between text-sm text-grey-9"):
        ui.label(
            _("sync.window.rows", done=fmt_number(progress.rows_done), total=fmt_number(progress.rows_total))
        )
        if progress.rows_per_second > 0:
            ui.label(_("sync.window.rate", rate=fmt_number(round(progress.rows_per_second))))
        if progress.eta_seconds is not None:
            eta = format_timedelta(dt.timedelta(seconds=progress.eta_seconds), locale=lang(), threshold=1.1)
            ui.label(_("sync.window.eta", eta=eta))
        elif progress.started_at is None:
            ui.label(_("sync.window.waiting"))
        else:
            ui.label(_("sync.window.eta_unknown"))


def _rows(done: int, total: int) -> str:
    return _("sync.window.rows", done=fmt_number(done), total=fmt_number(total))

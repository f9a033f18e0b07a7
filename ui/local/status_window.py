"""The status window (Statusfenster, PRODUCT.md S15) and the connection's status page.

After the wizard's Run the status window confirms the connection (company, Online ID, time) and
follows the initial synchronisation: rows per table, then "finished"; for a scheduled start its
date and time with **Run now** and **Cancel**; a time missed while the program was not running
with **Run now**. **Open Online Desktop** opens it logged in (the focus area's single-use link).
The same panel is the page the desktop tile opens once the company is connected
(``STATUS_URL``), beside the blocking window of a running initial sync (``sync_window.py``).
"""

from __future__ import annotations

from nicegui import ui

from services.local.connection_state import ConnectionState
from services.local.views import SessionView
from ui.components.attributes import tagged
from ui.components.calls import CallFailed, call, fetch
from ui.components.pairs import pair
from ui.components.routes import app_page
from ui.components.run_errors import run_error
from ui.i18n import _, fmt_datetime, fmt_number
from ui.layout import frame
from ui.local.online_desktop_links import SETTINGS_URL, STATUS_URL, inactive_notice
from ui.session import require_session
from ui.shell import Shell

OPEN_ONLINE_URL = "/focus/online-desktop/open"  # the focus area's single-use login link
STATUS_POLL_SECONDS = 1.0
PHASE_STYLE = {
    "scheduled": ("schedule", "text-blue-9"),
    "missed": ("event_busy", "text-amber-10"),
    "cancelled": ("event_busy", "text-grey-8"),
    "waiting": ("hourglass_top", "text-blue-9"),
    "running": ("sync", "text-blue-9"),
    "failed": ("warning", "text-amber-10"),
    "done": ("check_circle", "text-green-9"),
    "not_connected": ("link_off", "text-grey-8"),
}


class ConnectionStatusPanel:
    """The connection and its initial synchronisation, redrawn from ``ConnectionState`` each second."""

    def __init__(self, shell: Shell, company_id: int, company_name: str, *, compact: bool = False) -> None:
        """``compact``: only the initial synchronisation's state and Run now / Cancel (settings page)."""
        self.shell, self.company_id, self.company_name = shell, company_id, company_name
        self.compact = compact
        self.shown: ConnectionState | None = None
        self.box = tagged(
            ui.column().classes("gap-2 w-full").mark("wizard-status-progress"), "wizard-status-progress"
        )
        ui.timer(STATUS_POLL_SECONDS, self.refresh)
        ui.timer(0.05, self.refresh, once=True)

    async def refresh(self) -> None:
        try:
            state = await fetch(self.shell.services.connection_state.state, self.company_id)
        except Exception:  # the next tick tries again (a busy database, a closing page)
            return
        self.draw(state)

    def draw(self, state: ConnectionState) -> None:
        if state == self.shown:  # redraw only what changed: a button stays under the mouse
            return
        self.shown = state
        self.box.clear()
        with self.box:
            if self.compact:
                if state.is_connected:
                    self._phase(state)
                    self._actions(state, open_online=False)
                return
            if state.is_connected:
                with ui.row().classes("items-center gap-2"):
                    ui.icon("check_circle", color="green", size="md")
                    tagged(
                        ui.label(_("wizard.status.connected")).mark("wizard-status-connected"),
                        "wizard-status-connected",
                    )
            pair("wizard.run.company", self.company_name)
            pair("wizard.run.online_id", state.connected_by or "–")
            pair("wizard.status.time", fmt_datetime(state.since) if state.since else "–")
            self._phase(state)
            if state.tables:
                self._tables(state)
            self._actions(state)

    def _phase(self, state: ConnectionState) -> None:
        icon, colour = PHASE_STYLE.get(state.phase, ("info", "text-grey-8"))
        when = fmt_datetime(state.run_at) if state.run_at else "–"
        error = run_error(state.error) or _("wizard2.status.no_detail")
        text = {
            "scheduled": _("wizard.status.scheduled", time=when),
            "missed": _("wizard2.status.missed", time=when),
            "cancelled": _("wizard2.status.cancelled"),
            "waiting": _("wizard.status.waiting"),
            "running": _("wizard2.status.running"),
            "failed": _("wizard.status.failed", error=error),
            "done": _("wizard.status.done"),
            "not_connected": _("licensing.focus.not_connected"),
        }.get(state.phase, "")
        with ui.row().classes("items-center gap-2 no-wrap"):
            ui.icon(icon, size="sm").classes(colour)
            tagged(
                ui.label(text).classes(colour).mark(f"wizard-status-{state.phase}"),
                f"wizard-status-{state.phase}",
            )

    def _tables(self, state: ConnectionState) -> None:
        with ui.grid(columns=3).classes("gap-x-6 gap-y-0 items-baseline").mark("wizard-status-tables"):
            ui.label(_("wizard2.status.table")).classes("text-grey-7 text-sm")
            ui.label(_("wizard2.status.rows_done")).classes("text-grey-7 text-sm text-right")
            ui.label(_("wizard2.status.rows_total")).classes("text-grey-7 text-sm text-right")
            for table in state.tables:
                ui.label(_(f"sync.table.{table.table}"))
                tagged(
                    ui.label(fmt_number(table.rows_done))
                    .classes("text-right")
                    .mark(f"status-rows-{table.table}"),
                    f"status-rows-{table.table}",
                )
                ui.label(fmt_number(table.rows_total)).classes("text-right")
        pair("wizard.status.rows", fmt_number(state.rows_done), marker="wizard-status-rows")

    def _actions(self, state: ConnectionState, *, open_online: bool = True) -> None:
        with ui.row().classes("gap-2 items-center"):
            if state.may_run_now:
                tagged(
                    ui.button(_("wizard2.status.run_now"), icon="play_arrow", on_click=self._run_now).mark(
                        "status-run-now"
                    ),
                    "status-run-now",
                )
            if state.may_cancel:
                tagged(
                    ui.button(_("wizard2.status.cancel"), icon="event_busy", on_click=self._cancel)
                    .props("flat")
                    .mark("status-cancel"),
                    "status-cancel",
                )
            if state.is_connected and open_online:
                link = ui.link(_("focus.open"), OPEN_ONLINE_URL, new_tab=True).mark("status-open-online")
                link.classes("q-btn q-btn--standard bg-primary text-white px-4 py-2 rounded no-underline")
                tagged(link, "status-open-online")

    async def _run_now(self) -> None:
        try:
            self.draw(await call(self.shell.services.connection_state.run_now, self.company_id))
        except CallFailed:
            return
        ui.notify(_("wizard2.status.started"), type="positive")

    async def _cancel(self) -> None:
        try:
            self.draw(await call(self.shell.services.connection_state.cancel_schedule, self.company_id))
        except CallFailed:
            return
        ui.notify(_("wizard2.status.cancelled_notice"), type="info")


def tile_detail(state: ConnectionState) -> str:
    """The desktop tile's line: the initial sync's phase, or how the connection stands."""
    if state.status == "needs_reconnect":
        return _("licensing.od.status.needs_reconnect")
    when = fmt_datetime(state.run_at) if state.run_at else "–"
    return {
        "scheduled": _("wizard2.tile.scheduled", time=when),
        "missed": _("wizard2.tile.missed", time=when),
        "cancelled": _("wizard2.tile.cancelled"),
        "waiting": _("wizard2.tile.waiting"),
        "running": _("wizard2.tile.running"),
        "failed": _("wizard2.tile.failed"),
    }.get(state.phase, _("licensing.od.status.connected"))


class StatusWindow:
    """The status window the wizard's Run opens: the panel in a persistent dialog."""

    def __init__(self, shell: Shell, dialog: ui.dialog, company_id: int, company_name: str) -> None:
        self.shell, self.dialog, self.company_id, self.company_name = shell, dialog, company_id, company_name

    def open(self) -> None:
        self.dialog.clear()
        with self.dialog, ui.card().classes("w-[36rem] max-w-full gap-2"):
            ui.label(_("wizard.status.title")).classes("text-xl font-medium")
            ConnectionStatusPanel(self.shell, self.company_id, self.company_name)
            with ui.row().classes("w-full justify-end"):
                tagged(
                    ui.button(_("wizard.close"), on_click=lambda: ui.navigate.to(SETTINGS_URL)).mark(
                        "wizard-status-close"
                    ),
                    "wizard-status-close",
                )
        self.dialog.open()


async def missed_notice(shell: Shell, session: SessionView, place: str = "desktop") -> None:
    """On the desktop (and the focus area, ``place="focus"``): a scheduled initial synchronisation
    whose time passed while the program was not running, with Run now (the sync history is not
    where a person would look for it)."""
    if session.company_id is None or not shell.services.licensing.is_active(session.company_id):
        return
    state = await fetch(shell.services.connection_state.state, session.company_id)
    if state.phase != "missed":
        return
    company_id = session.company_id
    with ui.card().classes("w-full max-w-4xl bg-amber-1 no-shadow").mark(f"{place}-missed") as card:
        with ui.row().classes("w-full items-center gap-3 no-wrap"):
            ui.icon("event_busy", size="md").classes("text-amber-10")
            when = fmt_datetime(state.run_at) if state.run_at else "–"
            ui.label(_("wizard2.status.missed", time=when)).classes("grow")

            async def run_now() -> None:
                try:
                    await call(shell.services.connection_state.run_now, company_id)
                except CallFailed:
                    return
                ui.notify(_("wizard2.status.started"), type="positive")
                card.set_visibility(False)

            tagged(
                ui.button(_("wizard2.status.run_now"), icon="play_arrow", on_click=run_now).mark(
                    f"{place}-run-now"
                ),
                f"{place}-run-now",
            )


def register(shell: Shell) -> None:
    shell.desktop_notices.append(missed_notice)

    @app_page(STATUS_URL)
    async def connection_status_page() -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        company = await call(shell.services.companies.get_company, session.company_id)
        with frame(shell, session, _("wizard.status.title")):
            ui.label(_("wizard.status.title")).classes("text-2xl")
            if not inactive_notice(shell, session):
                return
            status_card(shell, session, company.name)


def status_card(shell: Shell, session: SessionView, company_name: str) -> None:
    """The status panel as a card with the way to the settings page (status page, wizard page)."""
    assert session.company_id is not None
    with ui.card().classes("w-[40rem] max-w-full gap-2").mark("connection-status"):
        ConnectionStatusPanel(shell, session.company_id, company_name)
        ui.link(_("licensing.menu.online_desktop"), SETTINGS_URL).classes("text-sm")

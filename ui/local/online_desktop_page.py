"""Functions › Settings › Company › Settings per module › Online Desktop (PRODUCT.md §5).

Shown only once the Online Desktop add-on is bound to the open company and Business Software has
restarted. Connection tab: status, prerequisites, "connected by", actions; Sync tab: sync computer,
state, chart and history (``ui.local.sync_tab``). The actions are the shell's
``connection_actions``: the wizard and sync areas give them their handlers (``Shell.handle``); an
action without handler is shown disabled with its reason.
"""

from __future__ import annotations

from nicegui import ui

from services.local.online_desktop_settings import ConnectionStatusView
from services.local.prerequisites import PrerequisiteReport
from services.local.views import SessionView
from ui.components.calls import call, fetch
from ui.components.routes import app_page
from ui.i18n import _, fmt_datetime
from ui.layout import frame
from ui.local.online_desktop_links import FOCUS_URL, SETTINGS_URL, STATUS_URL, WIZARD_URL, inactive_notice
from ui.local.prerequisite_list import PrerequisiteList
from ui.local.status_window import ConnectionStatusPanel, tile_detail
from ui.local.sync_tab import sync_tab
from ui.session import require_session
from ui.shell import MenuItem, Shell, Tile

STATUS_COLOUR = {
    "connected": "green",
    "needs_reconnect": "amber",
    "disconnected": "grey",
    "not_connected": "grey",
}


def online_desktop_menu(shell: Shell, session: SessionView) -> dict[str, list[MenuItem]]:
    if not shell.services.licensing.is_active(session.company_id):
        return {}
    entry = MenuItem("licensing.menu.online_desktop", lambda: ui.navigate.to(SETTINGS_URL))
    per_module = MenuItem("menu.settings.per_module", children=(entry,))
    company = MenuItem("menu.settings.company", children=(per_module,))
    return {"menu.functions": [MenuItem("menu.settings", children=(company,))]}


async def online_desktop_tiles(shell: Shell, session: SessionView) -> list[Tile]:
    """ "Connect to Online Desktop" until the company is connected; then the connection's status
    (not a wizard that would only say it is blocked), and the focus area."""
    if not shell.services.licensing.is_active(session.company_id) or session.company_id is None:
        return []
    focus = Tile("licensing.tile.focus", "public", FOCUS_URL, "focus-online-desktop")
    state = await fetch(shell.services.connection_state.state, session.company_id)
    if not state.is_connected:
        return [Tile("licensing.tile.connect", "cloud_sync", WIZARD_URL, "connect-online-desktop"), focus]
    attention = state.phase in ("missed", "failed", "cancelled") or state.status == "needs_reconnect"
    status = Tile(
        "wizard2.tile.status",
        "cloud_done",
        STATUS_URL,
        "online-desktop-status",
        detail=tile_detail(state),
        detail_tone="attention" if attention else "normal",
    )
    return [status, focus]


def register(shell: Shell) -> None:
    shell.menus.append(online_desktop_menu)
    shell.tiles.append(online_desktop_tiles)

    @app_page(SETTINGS_URL)
    async def online_desktop_settings(tab: str = "connection") -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        with frame(shell, session, _("licensing.od.title")):
            ui.label(_("licensing.od.title")).classes("text-2xl")
            if not inactive_notice(shell, session):
                return
            with ui.tabs() as tabs:
                ui.tab("connection", _("licensing.od.tab.connection")).mark("tab-connection")
                ui.tab("sync", _("licensing.od.tab.sync")).mark("tab-sync")
            with ui.tab_panels(tabs, value=tab if tab in ("connection", "sync") else "connection").classes(
                "w-full"
            ):
                with ui.tab_panel("connection"):
                    await _connection_tab(shell, session, session.company_id)
                with ui.tab_panel("sync"):
                    await sync_tab(shell, session.company_id)


async def _connection_tab(shell: Shell, session: SessionView, company_id: int) -> None:
    status = await call(shell.services.online_settings.connection, company_id)
    with ui.card().classes("w-full max-w-4xl"):
        with ui.row().classes("items-center gap-3"):
            ui.label(_("licensing.od.status")).classes("text-grey-7")
            ui.badge(
                _(f"licensing.od.status.{status.status}"), color=STATUS_COLOUR.get(status.status, "grey")
            ).mark("od-status")
        if status.is_connected:  # after Disconnect nobody stands for a connection any more
            with ui.row().classes("items-center gap-3"):
                ui.label(_("licensing.od.connected_by")).classes("text-grey-7")
                ui.label(status.connected_by or "–").mark("od-connected-by")
                if status.since is not None:
                    ui.label(_("licensing.od.since", time=fmt_datetime(status.since))).classes(
                        "text-sm text-grey-7"
                    )
            # the initial synchronisation: a scheduled or missed start with Run now (and Cancel)
            ConnectionStatusPanel(shell, company_id, "", compact=True)
        buttons = ui.row().classes("gap-2")
    checks = PrerequisiteList(
        shell,
        session,
        company_id,
        on_checked=lambda report: _draw_actions(buttons, shell, session, status, report),
    )
    _draw_actions(buttons, shell, session, status, None)
    ui.timer(0.05, checks.check, once=True)


def _draw_actions(
    row: ui.row,
    shell: Shell,
    session: SessionView,
    status: ConnectionStatusView,
    report: PrerequisiteReport | None,
) -> None:
    row.clear()
    with row:
        for name, action in shell.connection_actions.items():
            if action.when_connected is not None and action.when_connected != status.is_connected:
                continue
            reason = None
            if action.handler is None:
                reason = action.disabled_reason_key
            elif action.needs_prerequisites and (report is None or not report.ok):
                reason = "licensing.od.fix_first"
            handler = action.handler
            button = ui.button(
                _(action.label_key),
                icon=action.icon,
                on_click=(lambda h=handler: h(shell, session)) if handler else None,
            ).mark(f"od-action-{name}")
            if reason is not None:
                button.disable()
                with button:
                    ui.tooltip(_(reason))

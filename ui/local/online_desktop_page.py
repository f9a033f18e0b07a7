"""Functions › Settings › Company › Settings per module › Online Desktop (PRODUCT.md §5).

Shown only once the Online Desktop add-on is bound to the open company and Business Software has
restarted. Connection tab: status, prerequisites, "connected by", actions; Sync tab: sync computer
and interval. The actions are an extension point: the wizard and sync areas put their handlers into
``CONNECTION_ACTIONS``; an action without handler is shown disabled with its reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nicegui import ui

from services.container import Services
from services.local.online_desktop_settings import SYNC_INTERVALS, ConnectionStatusView
from services.local.prerequisites import PrerequisiteReport
from services.local.views import SessionView
from ui.components.calls import CallFailed, call, show_field_errors
from ui.i18n import _, fmt_datetime
from ui.layout import MENU_BUILDERS, MenuItem, frame
from ui.local.desktop import TILE_BUILDERS, Tile
from ui.local.prerequisite_list import PrerequisiteList
from ui.session import require_session

SETTINGS_URL = "/settings/online-desktop"
WIZARD_URL = "/settings/online-desktop/connect"  # the connection wizard (ui/local/connect_wizard.py)
STATUS_COLOUR = {
    "connected": "green",
    "needs_reconnect": "amber",
    "disconnected": "grey",
    "not_connected": "grey",
}


@dataclass(frozen=True)
class ConnectionAction:
    """A button of the Connection tab. ``when_connected``: True/False restricts it, None always shows it."""

    label_key: str
    icon: str
    when_connected: bool | None
    handler: Callable[[Services, SessionView], Awaitable[None] | None] | None = None
    disabled_reason_key: str = "licensing.od.action_later"
    needs_prerequisites: bool = False


CONNECTION_ACTIONS: dict[str, ConnectionAction] = {
    "connect": ConnectionAction("licensing.od.connect", "cloud_upload", False, needs_prerequisites=True),
    "reconnect": ConnectionAction("licensing.od.reconnect", "key", True),
    "change_user": ConnectionAction("licensing.od.change_user", "manage_accounts", True),
    "disconnect": ConnectionAction("licensing.od.disconnect", "link_off", True),
    "trace_log": ConnectionAction("licensing.od.trace_log", "receipt_long", None),
}


def online_desktop_menu(services: Services, session: SessionView) -> dict[str, list[MenuItem]]:
    if services.licensing is None or not services.licensing.is_active(session.company_id):
        return {}
    entry = MenuItem("licensing.menu.online_desktop", lambda: ui.navigate.to(SETTINGS_URL))
    per_module = MenuItem("menu.settings.per_module", children=(entry,))
    company = MenuItem("menu.settings.company", children=(per_module,))
    return {"menu.functions": [MenuItem("menu.settings", children=(company,))]}


def online_desktop_tiles(services: Services, session: SessionView) -> list[Tile]:
    if services.licensing is None or not services.licensing.is_active(session.company_id):
        return []
    return [
        Tile("licensing.tile.connect", "cloud_sync", WIZARD_URL, "connect-online-desktop"),
        Tile("licensing.tile.focus", "public", "/focus/online-desktop", "focus-online-desktop"),
    ]


def register(services: Services) -> None:
    if online_desktop_menu not in MENU_BUILDERS:
        MENU_BUILDERS.append(online_desktop_menu)
    if online_desktop_tiles not in TILE_BUILDERS:
        TILE_BUILDERS.append(online_desktop_tiles)

    @ui.page(SETTINGS_URL)
    async def online_desktop_settings(tab: str = "connection") -> None:
        session = await require_session(services, company=True)
        if session is None or session.company_id is None:
            return
        with frame(services, session, _("licensing.od.title")):
            ui.label(_("licensing.od.title")).classes("text-2xl")
            if not inactive_notice(services, session):
                return
            with ui.tabs() as tabs:
                ui.tab("connection", _("licensing.od.tab.connection")).mark("tab-connection")
                ui.tab("sync", _("licensing.od.tab.sync")).mark("tab-sync")
            with ui.tab_panels(tabs, value=tab if tab in ("connection", "sync") else "connection").classes(
                "w-full"
            ):
                with ui.tab_panel("connection"):
                    await _connection_tab(services, session, session.company_id)
                with ui.tab_panel("sync"):
                    await _sync_tab(services, session.company_id)


def inactive_notice(services: Services, session: SessionView) -> bool:
    """True when the add-on is active here; otherwise explain where to activate it."""
    if services.licensing is not None and services.licensing.is_active(session.company_id):
        return True
    ui.label(_("licensing.od.inactive")).mark("od-inactive")
    ui.link(_("licensing.menu.manage"), "/settings/licence?tab=addons")
    return False


async def _connection_tab(services: Services, session: SessionView, company_id: int) -> None:
    assert services.online_settings is not None
    status = await call(services.online_settings.connection, company_id)
    with ui.card().classes("w-full max-w-4xl"):
        with ui.row().classes("items-center gap-3"):
            ui.label(_("licensing.od.status")).classes("text-grey-7")
            ui.badge(
                _(f"licensing.od.status.{status.status}"), color=STATUS_COLOUR.get(status.status, "grey")
            ).mark("od-status")
        with ui.row().classes("items-center gap-3"):
            ui.label(_("licensing.od.connected_by")).classes("text-grey-7")
            ui.label(status.connected_by or "–").mark("od-connected-by")
            if status.since is not None:
                ui.label(_("licensing.od.since", time=fmt_datetime(status.since))).classes(
                    "text-sm text-grey-7"
                )
        buttons = ui.row().classes("gap-2")
    checks = PrerequisiteList(
        services,
        session,
        company_id,
        on_checked=lambda report: _draw_actions(buttons, services, session, status, report),
    )
    _draw_actions(buttons, services, session, status, None)
    ui.timer(0.05, checks.check, once=True)


def _draw_actions(
    row: ui.row,
    services: Services,
    session: SessionView,
    status: ConnectionStatusView,
    report: PrerequisiteReport | None,
) -> None:
    row.clear()
    with row:
        for name, action in CONNECTION_ACTIONS.items():
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
                on_click=(lambda h=handler: h(services, session)) if handler else None,
            ).mark(f"od-action-{name}")
            if reason is not None:
                button.disable()
                with button:
                    ui.tooltip(_(reason))


async def _sync_tab(services: Services, company_id: int) -> None:
    assert services.online_settings is not None
    settings_service = services.online_settings
    current = await call(settings_service.sync_settings, company_id)
    here = services.settings.computer_name
    options = {}
    for machine in current.computers:
        notes = []
        if machine.hosts_system_database:
            notes.append(_("licensing.computers.system_db"))
        if machine.name.casefold() == here.casefold():
            notes.append(_("licensing.computers.this"))
        options[machine.name] = machine.name + (f" ({', '.join(notes)})" if notes else "")
    intervals = {
        s: _("licensing.od.interval_option", minutes=s // 60) if s >= 60 else f"{s} s" for s in SYNC_INTERVALS
    }
    if current.interval_seconds not in intervals:
        intervals[current.interval_seconds] = f"{current.interval_seconds} s"
    with ui.card().classes("w-[36rem]"):
        ui.label(_("licensing.od.sync_title")).classes("text-lg")
        ui.label(_("licensing.od.sync_hint")).classes("text-sm text-grey-7")
        computer = ui.select(options, value=current.sync_computer, label=_("licensing.od.sync_computer"))
        computer.classes("w-full").mark("sync-computer")
        interval = ui.select(intervals, value=current.interval_seconds, label=_("licensing.od.interval"))
        interval.classes("w-full").mark("sync-interval")
        inputs = {"sync_computer": computer, "interval_seconds": interval}

        async def save() -> None:
            try:
                await call(
                    settings_service.save_sync_settings,
                    company_id,
                    sync_computer=computer.value,
                    interval_seconds=int(interval.value),
                )
            except CallFailed as failed:
                show_field_errors(inputs, failed)
                return
            show_field_errors(inputs, None)
            ui.notify(_("licensing.od.sync_saved"), type="positive")

        ui.button(_("action.save"), on_click=save).mark("sync-save")

"""View › Network computers: which computers run Business Software and which hosts the system database."""

from __future__ import annotations

from nicegui import ui

from services.local.network import ComputerView
from services.local.views import SessionView
from ui.components.calls import CallFailed, call
from ui.components.routes import app_page
from ui.i18n import _, fmt_datetime
from ui.layout import frame
from ui.session import require_session
from ui.shell import MenuItem, Shell

URL = "/registers/network-computers"


def registers_menu(shell: Shell, session: SessionView) -> dict[str, list[MenuItem]]:
    """View › Network computers, API users, Integrations (the last two need an open company)."""
    items = [MenuItem("licensing.computers.title", lambda: ui.navigate.to(URL))]
    if session.company_id is not None:
        items += [
            MenuItem("localapi.users.title", lambda: ui.navigate.to("/registers/api-users")),
            MenuItem("localapi.integrations.title", lambda: ui.navigate.to("/registers/integrations")),
        ]
    return {"menu.view": items}


def register(shell: Shell) -> None:
    network = shell.services.network
    assert network is not None
    shell.menus.append(registers_menu)

    @app_page(URL)
    async def network_computers() -> None:
        session = await require_session(shell)
        if session is None:
            return
        with frame(shell, session, _("licensing.computers.title")):
            ui.label(_("licensing.computers.title")).classes("text-2xl")
            ui.label(_("licensing.computers.hint")).classes("text-grey-8")
            table = ui.column().classes("w-full max-w-3xl gap-1")

            async def draw() -> None:
                computers = await call(network.list_computers)
                table.clear()
                with table:
                    for computer in computers:
                        _computer_row(computer, shell.services.settings.computer_name, remove)

            async def remove(computer_id: int) -> None:
                try:
                    await call(network.remove_computer, computer_id)
                except CallFailed:
                    return
                await draw()

            await draw()


def _computer_row(computer: ComputerView, here: str, remove: object) -> None:
    with ui.card().classes("w-full").mark(f"computer-{computer.name}"):
        with ui.row().classes("items-center gap-3 w-full"):
            ui.icon("dns" if computer.hosts_system_database else "computer", size="md")
            ui.label(computer.name).classes("text-lg font-medium")
            if computer.hosts_system_database:
                ui.badge(_("licensing.computers.system_db"), color="blue-grey")
            is_here = computer.name.casefold() == here.casefold()
            if is_here:
                ui.badge(_("licensing.computers.this"), color="green")
            ui.space()
            ui.label(_("licensing.computers.last_seen", time=fmt_datetime(computer.last_seen_at))).classes(
                "text-sm text-grey-7"
            )
            if not is_here and not computer.hosts_system_database:
                ui.button(
                    icon="delete",
                    on_click=lambda c=computer: remove(c.id),  # type: ignore[operator]
                ).props("flat dense").tooltip(_("licensing.computers.remove"))

"""The focus area "Online Desktop" (Fokusbereich) inside Business Software.

For now it shows the honest state of the connection and leads to the connection settings; the
login to the Online Desktop from here (PRODUCT.md S17) is added with the Online Desktop itself.
"""

from __future__ import annotations

from nicegui import ui

from ui.components.calls import call
from ui.i18n import _
from ui.layout import frame
from ui.local.online_desktop_page import WIZARD_URL, inactive_notice
from ui.session import require_session
from ui.shell import Shell


def register(shell: Shell) -> None:
    @ui.page("/focus/online-desktop")
    async def focus_area() -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        with frame(shell, session, _("licensing.focus.title")):
            ui.label(_("licensing.focus.caption")).classes("text-sm text-grey-7")
            ui.label(_("licensing.focus.title")).classes("text-2xl")
            if not inactive_notice(shell, session):
                return
            status = await call(shell.services.online_settings.connection, session.company_id)
            with ui.card().classes("w-[40rem]").mark("focus-area"):
                if status.is_connected:
                    ui.label(_("licensing.focus.connected", by=status.connected_by or "–"))
                    ui.link(
                        _("licensing.focus.open_online"),
                        shell.services.settings.online_base_url + "/online",
                        new_tab=True,
                    )
                else:
                    ui.label(_("licensing.focus.not_connected")).mark("focus-not-connected")
                    ui.button(
                        _("licensing.tile.connect"),
                        icon="cloud_sync",
                        on_click=lambda: ui.navigate.to(WIZARD_URL),
                    )

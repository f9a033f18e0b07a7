"""The connection wizard (Verbindungsassistent), PRODUCT.md S9–S15: seven steps with Back/Next/Cancel.

1 Prerequisites (Connect runs the check: the coloured list; on only when all are met) ·
2 Connect · 3 Service contract ·
4 Online ID (log in, or create one by e-mail link, with the spam hint and "send again") ·
5 Registration information (read-only; missing fields block Next) · 6 Now or a date and time ·
7 Run, then the status window (``ui/local/status_window.py``: company, Online ID, time, rows).

One module per step (``*_step.py``), strung together by ``wizard.py``; the settings page's
Disconnect, Reconnect and Change user dialogs are in ``online_id_dialog.py``; every page a Fix
link opened offers the way back (``return_banner.py``). Where the person stands is kept in the
database (``services.local.wizard_progress``), so a reload returns to the same step. Opened from the
desktop tile "Connect to Online Desktop", the Connect action of the settings page and the focus
area. The work is in ``services.local.connect_wizard``; this package only draws and asks.
"""

from __future__ import annotations

from nicegui import ui

from services.local.views import SessionView
from ui.components.calls import call
from ui.components.routes import app_page
from ui.i18n import _
from ui.layout import frame
from ui.local.connect_wizard.online_id_dialog import change_user_dialog, disconnect_dialog, reconnect_dialog
from ui.local.connect_wizard.return_banner import wizard_return_banner
from ui.local.connect_wizard.wizard import ConnectWizard
from ui.local.online_desktop_links import WIZARD_URL, inactive_notice
from ui.local.status_window import status_card
from ui.session import require_session
from ui.shell import Shell


def _open_wizard(_shell: Shell, _session: SessionView) -> None:
    ui.navigate.to(WIZARD_URL)


def register(shell: Shell) -> None:
    shell.handle("connect", _open_wizard)
    shell.handle("reconnect", reconnect_dialog)
    shell.handle("disconnect", disconnect_dialog)
    shell.handle("change_user", change_user_dialog)
    shell.frame_hooks.append(wizard_return_banner)

    @app_page(WIZARD_URL)
    async def connect_wizard_page() -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        company = await call(shell.services.companies.get_company, session.company_id)
        progress = await call(shell.services.wizard_progress.returned, session.company_id, session.user.id)
        state = await call(shell.services.connection_state.state, session.company_id)
        with frame(shell, session, _("wizard.title")):
            ui.label(_("wizard.title")).classes("text-2xl")
            if not inactive_notice(shell, session):
                return
            if state.is_connected:  # nothing left to connect: how the connection stands instead
                ui.label(_("wizard2.already_connected")).classes("text-grey-8").mark(
                    "wizard-already-connected"
                )
                status_card(shell, session, company.name)
                return
            ConnectWizard(shell, session, session.company_id, company.name, progress)

"""Where the Online Desktop's pages in Business Software live, and the notice shown while the add-on
is not active: shared by the settings page, the wizard, the status window and the focus area
(a module of its own, so that they can link to each other without importing each other)."""

from __future__ import annotations

from nicegui import ui

from services.local.views import SessionView
from ui.i18n import _
from ui.shell import Shell

SETTINGS_URL = "/settings/online-desktop"
WIZARD_URL = "/settings/online-desktop/connect"  # the connection wizard (ui/local/connect_wizard/)
STATUS_URL = "/settings/online-desktop/status"  # the connection's status (ui/local/status_window.py)
FOCUS_URL = "/focus/online-desktop"


def inactive_notice(shell: Shell, session: SessionView) -> bool:
    """True when the add-on is active here; otherwise explain where to activate it."""
    if shell.services.licensing.is_active(session.company_id):
        return True
    ui.label(_("licensing.od.inactive")).mark("od-inactive")
    ui.link(_("licensing.menu.manage"), "/settings/licence?tab=addons")
    return False

"""Business Software pages that follow changes as they are committed (by colleagues, the local API
or the sync's pull from the Online Desktop), through the in-process change hub
(``services.local.changes``): lists reload the rows on screen, an open form shows who changed it."""

from __future__ import annotations

from collections.abc import Callable

from services.local.changes import SYNC, RecordsChanged
from ui.components.live import when_gone
from ui.i18n import _
from ui.shell import Shell


def watch_company(shell: Shell, company_id: int, listener: Callable[[RecordsChanged], None]) -> None:
    """``listener`` hears of every committed change of the company's records while the page is open."""
    stop = shell.services.changes.subscribe(company_id, listener)
    when_gone(stop)


def changed_by(notice: RecordsChanged) -> str:
    """Who made the change, as the notice on a form names them."""
    return _("edits.by_online_desktop") if notice.by == SYNC else notice.by

"""The coloured prerequisites list (green ok, red failed, amber warning) with re-check and fix links.

Used by the Online Desktop settings page and the connection wizard. Each row carries
``data-testid=prereq-N`` and ``data-status=ok|failed|warning`` so browser tests can read it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from nicegui import ui

from services.local.prerequisites import Condition, PrerequisiteReport
from services.local.views import SessionView
from ui.components.attributes import with_props
from ui.i18n import _, fmt_date, fmt_datetime
from ui.shell import Shell

log = logging.getLogger(__name__)
STYLE = {
    "ok": ("check_circle", "text-green-8", "bg-green-1"),
    "failed": ("cancel", "text-red-8", "bg-red-1"),
    "warning": ("warning", "text-amber-9", "bg-amber-1"),
    "connected": ("cloud_done", "text-blue-8", "bg-blue-1"),
}


class PrerequisiteList(ui.column):
    """Checks on creation and on "Re-check"; ``on_checked`` hears every new report."""

    def __init__(
        self,
        shell: Shell,
        session: SessionView,
        company_id: int,
        on_checked: Callable[[PrerequisiteReport | None], Awaitable[None] | None] | None = None,
        on_fix: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__()
        self.classes("w-full gap-1")
        self._service = shell.services.prerequisites
        self._session = session
        self._company_id = company_id
        self._on_checked = on_checked
        self._on_fix = on_fix
        self.report: PrerequisiteReport | None = None
        with self:
            with ui.row().classes("items-center w-full"):
                ui.label(_("prereq.title")).classes("text-lg font-medium")
                ui.space()
                self._checked = ui.label().classes("text-sm text-grey-7")
                ui.button(_("prereq.recheck"), icon="refresh", on_click=self.check).props("flat").mark(
                    "prereq-recheck"
                )
            self._rows = ui.column().classes("w-full gap-1")

    async def check(self) -> None:
        """Run the check (database in a worker thread, health over HTTP) and redraw the rows."""
        self._checked.text = _("prereq.checking")
        try:
            self.report = await self._service.check_prerequisites(
                self._company_id, user_id=self._session.user.id, session_token=self._session.token
            )
        except Exception:
            log.exception("prerequisites check failed")
            ui.notify(_("error.unexpected"), type="negative")
            self.report = None
        self._draw()
        if self._on_checked is not None:
            result = self._on_checked(self.report)
            if result is not None:
                await result

    def _draw(self) -> None:
        self._rows.clear()
        if self.report is None:
            self._checked.text = ""
            return
        self._checked.text = _("prereq.checked_at", time=fmt_datetime(self.report.checked_at))
        with self._rows:
            for condition in self.report.conditions:
                _row(condition, self._fix)
            if len(self.report.failed) == 1:
                summary = "wizard2.prereq.summary_failed_one"
            elif self.report.failed:
                summary = "prereq.summary_failed"
            elif self.report.connected:
                summary = "wizard2.prereq.summary_connected"
            else:
                summary = "prereq.summary_ok"
            ui.label(_(summary, count=len(self.report.failed))).classes("text-sm mt-2").mark("prereq-summary")

    async def _fix(self, link: str) -> None:
        """A Fix link: the wizard first keeps where the person stands, then the page opens."""
        if self._on_fix is not None:
            await self._on_fix(link)
        ui.navigate.to(link)


def _row(condition: Condition, fix: Callable[[str], Awaitable[None]]) -> None:
    icon, text_colour, background = STYLE[condition.status]
    # no-wrap, and the text column may shrink: a long (German) reason wraps inside its column
    # instead of pushing the icon and the Fix button onto lines of their own.
    row = ui.row().classes("w-full items-start gap-3 p-2 rounded no-wrap").classes(background)
    with_props(row, **{"data-testid": f"prereq-{condition.number}", "data-status": condition.status})
    with row.mark(f"prereq-{condition.number}", f"prereq-{condition.status}"):
        ui.icon(icon, size="sm").classes(text_colour)
        with ui.column().classes("gap-0 col min-w-0"):
            ui.label(f"{condition.number}. {_(condition.name_key)}").classes("font-medium").classes(
                text_colour
            )
            ui.label(_(condition.reason_key, **_display(condition.reason_params))).classes("text-sm")
            if condition.details:
                ui.label(", ".join(_(d) for d in condition.details)).classes("text-sm font-medium")
            if condition.status != "ok" and condition.fix_key:
                ui.label(_(condition.fix_key)).classes("text-sm text-grey-8")
        if condition.status != "ok" and condition.fix_link:
            ui.button(
                _("prereq.fix"), icon="build", on_click=lambda link=condition.fix_link: fix(link)
            ).props("flat dense no-caps").classes("shrink-0").mark(f"prereq-fix-{condition.number}")


def _display(params: dict[str, str]) -> dict[str, str]:
    """Dates in reasons are ISO strings; show them in the reader's format."""
    shown = dict(params)
    if "date" in shown:
        with contextlib.suppress(ValueError):
            shown["date"] = fmt_date(dt.date.fromisoformat(shown["date"]))
    return shown

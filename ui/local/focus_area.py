"""The focus area "Online Desktop" (Fokusbereich) inside Business Software (PRODUCT.md S17).

It shows the connection's state, the time since the last sync and the conflicts of the last 7
days, refreshed by a timer from a cheap status view (``FocusAreaService.status``: a few
primary-key reads and one indexed count, no table is polled). Below it the person logs in with
an Online ID right here; **Open Online Desktop** is a link to ``/focus/online-desktop/open``,
which asks the Online Desktop for a single-use, short-lived link and redirects the new tab there,
so the Online Desktop opens logged in and no password passes through a URL.
"""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from services.errors import ServiceError
from services.local.focus_area import FocusAreaService, FocusLoginView, FocusStatusView
from services.local.views import SessionView
from ui.components.calls import CallFailed, ask, call, error_text, fetch, show_field_errors
from ui.components.routes import app_page
from ui.i18n import _, fmt_number, lang
from ui.layout import frame
from ui.local.online_desktop_links import WIZARD_URL, inactive_notice
from ui.local.online_desktop_page import STATUS_COLOUR
from ui.local.status_window import missed_notice
from ui.local.sync_words import last_sync_text
from ui.session import current_session, require_session
from ui.shell import Shell

FOCUS_URL = "/focus/online-desktop"
OPEN_URL = "/focus/online-desktop/open"
REFRESH_SECONDS = 5.0


def register(shell: Shell) -> None:
    focus = shell.services.focus

    @app_page(FOCUS_URL)
    async def focus_area() -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        company_id = session.company_id
        with frame(shell, session, _("licensing.focus.title")):
            ui.label(_("licensing.focus.caption")).classes("text-sm text-grey-7")
            ui.label(_("licensing.focus.title")).classes("text-2xl")
            if not inactive_notice(shell, session):
                return
            missed = ui.column().classes("w-[40rem]")
            status = await call(focus.status, company_id)
            panel = StatusPanel(status)
            login = await fetch(focus.current_login, session.token)
            LoginPanel(shell, session, login, proposed=status.connected_by)
            with missed:  # above the panels: a start missed while the program was down
                await missed_notice(shell, session, place="focus")
            missed.set_visibility(bool(missed.default_slot.children))  # no empty gap otherwise

        async def refresh() -> None:
            try:
                panel.show(await fetch(focus.status, company_id))
            except ServiceError:
                return  # the next tick tries again

        ui.timer(REFRESH_SECONDS, refresh)

    @app_page(OPEN_URL)
    async def open_online_desktop() -> RedirectResponse | None:
        session = await current_session(shell)
        if session is None:
            return RedirectResponse("/login", status_code=303)
        if session.company_id is None:
            return RedirectResponse("/companies", status_code=303)
        try:
            url = await focus.open_url(session.token, session.company_id)
        except ServiceError as problem:
            _open_failed(shell, session, problem)
            return None
        return RedirectResponse(url, status_code=303)


class StatusPanel:
    """The connection card; ``show`` updates its texts in place (the timer's tick)."""

    def __init__(self, status: FocusStatusView) -> None:
        with ui.card().classes("w-[40rem]").mark("focus-area"):
            ui.label(_("focus.status.title")).classes("text-lg")
            with ui.grid(columns=2).classes("gap-x-6 gap-y-1 items-center"):
                ui.label(_("licensing.od.status")).classes("text-grey-8")
                self.badge = ui.badge("").classes("justify-self-start").mark("focus-status")
                ui.label(_("licensing.od.connected_by")).classes("text-grey-8")
                self.connected_by = ui.label("").mark("focus-connected-by")
                ui.label(_("focus.status.last_sync")).classes("text-grey-8")
                self.last_sync = ui.label("").mark("focus-last-sync")
                ui.label(_("focus.status.conflicts")).classes("text-grey-8")
                with ui.row().classes("items-center gap-2"):
                    self.conflicts = ui.label("").mark("focus-conflicts")
                    ui.link(_("sync.menu.history"), "/sync/history").classes("text-sm")
            self.not_connected = ui.column().classes("gap-2")
            with self.not_connected:
                ui.label(_("licensing.focus.not_connected")).mark("focus-not-connected")
                ui.button(
                    _("licensing.tile.connect"),
                    icon="cloud_sync",
                    on_click=lambda: ui.navigate.to(WIZARD_URL),
                ).mark("focus-connect")
        self.show(status)

    def show(self, status: FocusStatusView) -> None:
        self.badge.text = _(f"licensing.od.status.{status.status}")
        self.badge.props["color"] = STATUS_COLOUR.get(status.status, "grey")
        self.connected_by.text = status.connected_by or "–"
        self.last_sync.text = last_sync_text(status)
        self.conflicts.text = fmt_number(status.conflicts)
        self.not_connected.set_visibility(not status.is_connected)
        self.badge.update()


class LoginPanel:
    """Log in with an Online ID here, then open the Online Desktop logged in."""

    def __init__(
        self, shell: Shell, session: SessionView, login: FocusLoginView | None, *, proposed: str
    ) -> None:
        self._focus: FocusAreaService = shell.services.focus
        self._session = session
        self._proposed = proposed
        self.card = ui.card().classes("w-[40rem]").mark("focus-login")
        self.draw(login)

    def draw(self, login: FocusLoginView | None) -> None:
        self.card.clear()
        with self.card:
            ui.label(_("focus.login.title")).classes("text-lg")
            if login is None:
                self._form()
            else:
                self._logged_in(login)

    def _form(self) -> None:
        ui.label(_("id.login.hint")).classes("text-sm text-grey-8")
        email = ui.input(_("id.email"), value=self._proposed).props("type=email autocomplete=email")
        email.mark("focus-email").classes("w-full")
        password = ui.input(_("id.password"), password=True, password_toggle_button=True)
        password.props["autocomplete"] = "current-password"
        password.mark("focus-password").classes("w-full")
        button = ui.button(_("id.login.submit"), icon="login").mark("focus-log-in")
        inputs = {"email": email, "password": password}

        async def submit() -> None:
            button.disable()
            try:
                login = await ask(
                    self._focus.log_in(
                        self._session.token,
                        email=email.value or "",
                        password=password.value or "",
                        language=lang(),
                    )
                )
            except CallFailed as failed:
                password.value = ""
                show_field_errors(inputs, failed)
                return
            finally:
                button.enable()
            self.draw(login)

        button.on_click(submit)
        password.on("keydown.enter", submit)

    def _logged_in(self, login: FocusLoginView) -> None:
        ui.label(_("focus.login.as", email=login.email)).mark("focus-logged-in")
        with ui.row().classes("items-center gap-3"):
            link = ui.link(_("focus.open"), OPEN_URL, new_tab=True).mark("focus-open")
            link.classes("q-btn q-btn--standard bg-primary text-white px-4 py-2 rounded no-underline")
            ui.button(_("focus.login.log_out"), on_click=self._log_out).props("flat").mark("focus-log-out")
        ui.label(_("focus.open_hint")).classes("text-xs text-grey-7")

    async def _log_out(self) -> None:
        await self._focus.log_out(self._session.token)
        self.draw(None)


def _open_failed(shell: Shell, session: SessionView, problem: ServiceError) -> None:
    with frame(shell, session, _("focus.open")):
        with ui.card().classes("w-[40rem]"):
            with ui.row().classes("items-start gap-2 no-wrap"):
                ui.icon("error_outline", size="md").classes("text-negative")
                ui.label(error_text(problem)).mark("focus-open-problem")
            ui.link(_("focus.back"), FOCUS_URL).mark("focus-back")

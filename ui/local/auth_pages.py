"""Business Software login page."""

from __future__ import annotations

from nicegui import app, ui

from services.errors import ServiceError
from services.redirects import safe_next
from ui.components.calls import CallFailed, call, fetch
from ui.components.routes import app_page
from ui.i18n import _, set_lang
from ui.layout import frame
from ui.session import TOKEN_KEY
from ui.shell import Shell


def register(shell: Shell) -> None:
    auth = shell.services.auth

    @app_page("/login")
    def login_page(next: str = "", company: str = "") -> None:
        client = ui.context.client.ip or ""
        target = safe_next(next, "")

        async def submit() -> None:
            try:
                session = await call(
                    auth.login, username.value or "", password.value or "", client_address=client
                )
            except CallFailed:
                password.value = ""
                return
            app.storage.user[TOKEN_KEY] = session.token
            if session.user.language:
                set_lang(session.user.language)
            ui.navigate.to(await _after_login(shell, session.token, target, company))

        with frame(shell, None, _("auth.login_title")):
            with ui.card().classes("w-96 self-center mt-16"):
                ui.label(_("auth.login_title")).classes("text-xl")
                ui.label(_("auth.login_hint")).classes("text-sm text-grey-7")
                username = ui.input(_("auth.username")).props("autofocus").mark("username").classes("w-full")
                password = ui.input(_("auth.password"), password=True, password_toggle_button=True)
                password.mark("password").classes("w-full").on("keydown.enter", submit)
                ui.button(_("auth.login"), on_click=submit).mark("login").classes("w-full")


async def _after_login(shell: Shell, token: str, target: str, company: str) -> str:
    """Back to the page (and the company) the person asked for, else the company list."""
    if not target:
        return "/companies"
    if company.isdigit():
        try:
            await fetch(shell.services.companies.get_company, int(company))
            await fetch(shell.services.auth.open_company, token, int(company))
        except ServiceError:  # the company is gone: the page asks for one
            return target
    return target

"""``/id/focus``: the page Business Software's focus area opens with "Open Online Desktop".

The link carries a single-use, short-lived signed token (purpose ``focus_login``) instead of a
password. A good one opens a browser session and goes on to the company account; a used,
expired or altered one gets a page that says which and offers the login right there.
"""

from __future__ import annotations

from urllib.parse import quote

from nicegui import app, ui

from services.container import OnlineServices
from services.errors import ServiceError
from services.online.identity import LoginResult
from services.online.tokens import LinkExpired, LinkUsed
from services.redirects import safe_next
from ui.components.calls import fetch
from ui.components.routes import app_page
from ui.i18n import _
from ui.id.frame import form_card, online_frame
from ui.id.session import ONLINE_TOKEN_KEY

PROBLEMS = {LinkUsed: "focus.link.used", LinkExpired: "focus.link.expired"}


def register(online: OnlineServices) -> None:
    identity = online.identity

    @app_page("/id/focus")
    async def focus_login_page(token: str = "", next: str = "") -> None:
        target = safe_next(next, "/online")
        try:
            result = await fetch(identity.focus_login, token)
        except ServiceError as problem:
            _problem_page(problem, target)
            return
        assert isinstance(result, LoginResult)
        app.storage.user[ONLINE_TOKEN_KEY] = result.token
        with online_frame(_("focus.link.opening")):
            ui.spinner(size="lg")
            ui.label(_("focus.link.opening")).mark("focus-opening")
        ui.navigate.to(target)


def _problem_page(problem: ServiceError, target: str) -> None:
    text_key = PROBLEMS.get(type(problem), "focus.link.invalid")
    with online_frame(_("focus.link.title")), form_card(_("focus.link.title")):
        with ui.row().classes("items-start gap-2 no-wrap"):
            ui.icon("link_off", size="md").classes("text-negative")
            ui.label(_(text_key)).mark("focus-link-problem")
        ui.label(_("focus.link.hint")).classes("text-sm text-grey-8")
        login = f"/id/login?next={quote(target, safe='/')}"
        ui.button(_("id.login.submit"), on_click=lambda: ui.navigate.to(login)).mark("focus-to-login")

"""The Online Desktop start page at ``/online``: who is logged in, and the way out.

The company modules (contacts, activities, sales ...) are added here by the Online Desktop
area; until a company is connected the page says so.
"""

from __future__ import annotations

from nicegui import ui

from services.container import OnlineServices
from ui.components.calls import fetch
from ui.components.routes import app_page
from ui.i18n import _
from ui.id.frame import online_frame
from ui.id.session import log_out, require_online_id
from ui.online.frame import first_company_url


def register(online: OnlineServices) -> None:
    identity = online.identity

    @app_page("/online")
    async def online_home() -> None:
        online_id = await require_online_id(identity, "/online")
        if online_id is None:
            return
        target = await fetch(first_company_url, online, online_id.id)
        if target is not None:
            ui.navigate.to(target)
            return

        async def logout() -> None:
            await log_out(identity)

        with online_frame(_("app.online_desktop"), user_label=online_id.email, on_logout=logout):
            with ui.card().classes("w-full max-w-2xl gap-3"):
                ui.label(_("id.home.welcome")).classes("text-2xl")
                ui.label(_("id.home.logged_in_as", email=online_id.email)).mark("online-id")
                ui.label(_("id.home.no_company")).classes("text-grey-8")
                with ui.row().classes("gap-2"):
                    ui.button(_("id.change_password.title"), on_click=lambda: ui.navigate.to("/id/password"))
                    ui.button(_("id.logout"), on_click=logout).props("outline").mark("logout")

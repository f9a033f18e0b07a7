"""View › API users: users of the local REST API and their open sessions, which can be logged out.

Logged-in API users block the initial sync (prerequisite 8), so this page is where a person ends them.
"""

from __future__ import annotations

from nicegui import ui

from services.local.api_users import ApiSessionView, ApiUserService, ApiUserView
from ui.components.calls import CallFailed, call, show_field_errors
from ui.components.routes import app_page
from ui.i18n import _, fmt_datetime
from ui.layout import frame
from ui.session import require_session
from ui.shell import Shell

URL = "/registers/api-users"


def register(shell: Shell) -> None:
    api_users = shell.services.api_users
    assert api_users is not None

    @app_page(URL)
    async def api_users_page() -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        company_id = session.company_id
        with frame(shell, session, _("localapi.users.title")):
            ui.label(_("localapi.users.title")).classes("text-2xl")
            ui.label(_("localapi.users.hint", path="/api/local/v1/")).classes("text-grey-8")
            users_box = ui.column().classes("w-full max-w-4xl gap-1")
            ui.label(_("localapi.sessions.title")).classes("text-xl mt-4")
            sessions_box = ui.column().classes("w-full max-w-4xl gap-1")
            # Dialogs live outside the boxes that are cleared on every redraw.
            dialog_host = ui.element("div")

            async def draw() -> None:
                users = await call(api_users.list_api_users, company_id)
                sessions = await call(api_users.list_sessions, company_id)
                users_box.clear()
                with users_box:
                    if not users:
                        ui.label(_("localapi.users.none")).classes("text-grey-7")
                    for user in users:
                        _user_row(api_users, company_id, user, draw)
                    ui.button(
                        _("localapi.users.create"),
                        icon="add",
                        on_click=lambda: _create_dialog(dialog_host, api_users, company_id, draw),
                    ).mark("api-user-create")
                sessions_box.clear()
                with sessions_box:
                    _sessions(api_users, company_id, sessions, draw)

            await draw()


def _user_row(api_users: ApiUserService, company_id: int, user: ApiUserView, redraw: object) -> None:
    async def toggle() -> None:
        await call(api_users.set_active, company_id, api_user_id=user.id, active=not user.active)
        await redraw()  # type: ignore[operator]

    async def delete() -> None:
        await call(api_users.delete_api_user, company_id, user.id)
        await redraw()  # type: ignore[operator]

    with ui.card().classes("w-full").mark(f"api-user-{user.name}"):
        with ui.row().classes("items-center gap-3 w-full"):
            ui.icon("smart_toy", size="md")
            ui.label(user.name).classes("text-lg font-medium")
            ui.badge(
                _("localapi.users.active") if user.active else _("localapi.users.inactive"),
                color="green" if user.active else "grey",
            )
            ui.label(_("localapi.users.open_sessions", count=user.open_sessions)).classes(
                "text-sm text-grey-7"
            )
            ui.space()
            ui.button(
                _("localapi.users.deactivate") if user.active else _("localapi.users.activate"),
                on_click=toggle,
            ).props("flat dense no-caps")
            ui.button(icon="delete", on_click=delete).props("flat dense").tooltip(_("action.delete"))


def _sessions(
    api_users: ApiUserService, company_id: int, sessions: list[ApiSessionView], redraw: object
) -> None:
    async def end(session_id: int | None) -> None:
        if session_id is None:
            await call(api_users.end_all_sessions, company_id)
        else:
            await call(api_users.end_session, company_id, session_id)
        ui.notify(_("localapi.sessions.logged_out"), type="positive")
        await redraw()  # type: ignore[operator]

    if not sessions:
        ui.label(_("localapi.sessions.none")).classes("text-grey-7").mark("api-sessions-none")
        return
    for item in sessions:
        with ui.row().classes("items-center gap-3 w-full").mark(f"api-session-{item.id}"):
            ui.icon("key")
            ui.label(item.api_user_name).classes("font-medium")
            ui.label(
                _(
                    "localapi.sessions.since",
                    since=fmt_datetime(item.created_at),
                    used=fmt_datetime(item.last_used_at),
                )
            ).classes("text-sm text-grey-7")
            ui.button(_("localapi.sessions.logout"), on_click=lambda i=item.id: end(i)).props(
                "flat dense no-caps"
            ).mark(f"api-session-logout-{item.id}")
    ui.button(_("localapi.sessions.logout_all"), icon="logout", on_click=lambda: end(None)).mark(
        "api-sessions-logout-all"
    )


def _create_dialog(host: ui.element, api_users: ApiUserService, company_id: int, redraw: object) -> None:
    with host, ui.dialog() as dialog, ui.card().classes("w-[32rem]"):
        ui.label(_("localapi.users.create")).classes("text-xl")
        name = ui.input(_("localapi.users.name")).classes("w-full").mark("api-user-name")
        result = ui.column().classes("w-full")

        async def save() -> None:
            try:
                created = await call(api_users.create_api_user, company_id, name.value or "")
            except CallFailed as failed:
                show_field_errors({"name": name}, failed)
                return
            show_field_errors({"name": name}, None)
            save_button.disable()
            with result:
                ui.label(_("localapi.users.secret_once")).classes("font-medium text-amber-10")
                ui.input(_("localapi.users.secret"), value=created.secret).props("readonly").classes(
                    "w-full font-mono"
                ).mark("api-user-secret")
            await redraw()  # type: ignore[operator]

        with ui.row().classes("justify-end w-full"):
            ui.button(_("action.close"), on_click=dialog.close).props("flat")
            save_button = ui.button(_("action.create"), on_click=save).mark("api-user-save")
    dialog.open()

"""The users register (``/registers/users``): Business Software users, for Super Users.

New users get a password that follows the policy; on the detail page a Super User changes the
full name, the Super User flag, whether the user is active, the linked employee (one of the open
company's employees) and can set a new password.
"""

from __future__ import annotations

from nicegui import ui

from services.errors import NotFound
from services.local.registers import ListPage, RegisterRow
from services.local.registers.users import USER_COLUMNS, USER_FIELDS, USER_SORTABLE, UserAdminService
from services.local.views import SessionView
from ui.components.calls import CallFailed, call, show_field_errors
from ui.components.calls import fetch as fetch_quietly
from ui.components.display import column, show
from ui.components.form import build_inputs, prefill, read_values
from ui.components.routes import app_page
from ui.components.table import RegisterTable
from ui.i18n import _
from ui.layout import frame
from ui.local.registers.common import options_for, show_missing, transient_dialog
from ui.session import require_session
from ui.shell import Shell


def register(shell: Shell) -> None:
    users = shell.services.users

    @app_page("/registers/users")
    async def users_page() -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        # Refused here (friendly page) for anyone but a Super User.
        await fetch_quietly(users.list_users, session.user.id, page_size=1)
        actor = session.user.id

        async def fetch(search: str, sort: str, descending: bool, page: int, size: int) -> ListPage:
            return await call(
                users.list_users,
                actor,
                search=search,
                sort=sort,
                descending=descending,
                page=page,
                page_size=size,
            )

        with frame(shell, session, _("registers.users.title")):
            with ui.row().classes("items-center w-full"):
                ui.label(_("registers.users.title")).classes("text-2xl")
                ui.space()
                new = ui.button(_("action.new"), icon="add").mark("new")
            table = RegisterTable(
                columns=[_column(name) for name in USER_COLUMNS],
                fetch=fetch,
                to_cells=_cells,
                on_open=lambda user_id: ui.navigate.to(f"/registers/users/{user_id}"),
                sort="username",
            )
            new.on_click(lambda: _new_dialog(shell, users, session, table))
            await table.load()

    @app_page("/registers/users/{user_id}")
    async def user_page(user_id: str) -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        try:
            row = (
                await fetch_quietly(users.get_user, session.user.id, int(user_id))
                if user_id.isdigit()
                else None
            )
        except NotFound:
            row = None
        with frame(shell, session, _("registers.users.one")):
            if row is None:
                show_missing("registers.not_found", "/registers/users")
                return
            ui.link(_("registers.back_to_list"), "/registers/users").mark("back")
            ui.label(
                _("registers.edit_title", what=_("registers.users.one"), title=row.values["username"])
            ).classes("text-2xl")
            with ui.card().classes("w-full max-w-2xl"):
                await _user_form(shell, users, session, row)
            with ui.card().classes("w-full max-w-2xl"):
                _password_form(users, session, row)


def _column(name: str) -> dict[str, object]:
    field = next(f for f in USER_FIELDS if f.name == name)
    return column(name, _(field.label), field.kind, name in USER_SORTABLE)


def _cells(row: RegisterRow) -> dict[str, object]:
    kinds = {f.name: f.kind for f in USER_FIELDS}
    return {"id": row.id, **{name: show(kinds[name], row.values.get(name)) for name in USER_COLUMNS}}


async def _new_dialog(
    shell: Shell, users: UserAdminService, session: SessionView, table: RegisterTable
) -> None:
    assert session.company_id is not None
    company_id = session.company_id
    with transient_dialog() as dialog, ui.card().classes("w-[32rem]"):
        ui.label(_("registers.new_title", what=_("registers.users.one"))).classes("text-xl")
        inputs = build_inputs(USER_FIELDS, {"active": True}, {}, options_for(shell, company_id))
        password = ui.input(_("registers.users.password"), password=True, password_toggle_button=True)
        password.mark("field-password").classes("w-full")

        async def save() -> None:
            values = read_values(inputs)
            try:
                await call(
                    users.create_user,
                    session.user.id,
                    company_id=company_id,
                    values=values,
                    password=password.value or "",
                )
            except CallFailed as failed:
                show_field_errors({**inputs, "password": password}, failed)
                return
            dialog.close()
            ui.notify(_("registers.saved"), type="positive")
            await table.load()
            dialog.delete()

        with ui.row().classes("justify-end w-full"):
            ui.button(_("action.cancel"), on_click=dialog.dispose).props("flat")
            ui.button(_("action.save"), on_click=save).mark("save")
    dialog.open()
    await prefill(inputs)


async def _user_form(shell: Shell, users: UserAdminService, session: SessionView, row: RegisterRow) -> None:
    assert session.company_id is not None
    company_id = session.company_id
    fields = tuple(f for f in USER_FIELDS if f.name != "username")
    inputs = build_inputs(fields, row.values, row.labels, options_for(shell, company_id))
    ui.label(_("registers.users.employee_hint")).classes("text-sm text-grey-7")

    async def save() -> None:
        try:
            await call(
                users.update_user,
                session.user.id,
                company_id=company_id,
                user_id=row.id,
                values=read_values(inputs),
            )
        except CallFailed as failed:
            show_field_errors(inputs, failed)
            return
        show_field_errors(inputs, None)
        ui.notify(_("registers.saved"), type="positive")

    ui.button(_("action.save"), on_click=save).mark("save")
    await prefill(inputs)


def _password_form(users: UserAdminService, session: SessionView, row: RegisterRow) -> None:
    ui.label(_("registers.users.reset_password")).classes("text-lg")
    password = ui.input(_("registers.users.new_password"), password=True, password_toggle_button=True)
    password.mark("new-password").classes("w-full")

    async def reset() -> None:
        try:
            await call(users.reset_password, session.user.id, user_id=row.id, password=password.value or "")
        except CallFailed as failed:
            show_field_errors({"password": password}, failed)
            return
        password.value = ""
        show_field_errors({"password": password}, None)
        ui.notify(_("registers.users.password_changed"), type="positive")

    ui.button(_("registers.users.reset_password"), on_click=reset).mark("reset-password")

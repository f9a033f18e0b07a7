"""The page an invitation mail links to (``/id/invitation?token=…``, PRODUCT.md §3).

It shows the company and the invited address and lets the person join: after logging in when an
Online ID with the address exists, by setting a password when none does. An expired, revoked or
used link gets its own message.
"""

from __future__ import annotations

from urllib.parse import quote

from nicegui import app, ui

from services.container import OnlineServices
from services.errors import ServiceError
from services.online.identity import IdentityService
from services.online.users.accepting import InvitationAcceptance, InvitationInfo, InvitationUsed
from ui.components.calls import CallFailed, call, error_text, fetch, show_field_errors
from ui.components.routes import app_page
from ui.i18n import _, fmt_date
from ui.id.frame import form_card, online_frame
from ui.id.pages import SENT_TO_KEY
from ui.id.session import ONLINE_TOKEN_KEY, current_online_id
from ui.online.frame import tag, workspace_url


def register(online: OnlineServices) -> None:
    accepting, identity = online.users.accepting, online.identity

    @app_page("/id/invitation")
    async def invitation_page(token: str = "") -> None:
        try:
            info = await fetch(accepting.check_invitation, token)
        except ServiceError as problem:
            _problem(problem)
            return
        if info is None:  # the browser went away while the link was checked
            return
        await _invitation(accepting, identity, token, info)


def _problem(problem: ServiceError) -> None:
    with online_frame(_("users.invitation.title")), form_card(_("users.invitation.problem_title")):
        with ui.row().classes("items-start gap-2 no-wrap"):
            ui.icon("link_off", size="md").classes("text-negative")
            tag(ui.label(error_text(problem)), "invitation-problem")
        if isinstance(problem, InvitationUsed):  # most often: the person joined with it already
            ui.label(_("invitation.used_hint")).classes("text-sm text-grey-8")
            with ui.row().classes("gap-2"):
                log_in = ui.button(
                    _("id.login.submit"), on_click=lambda: ui.navigate.to("/id/login?next=/online")
                )
                tag(log_in, "invitation-used-log-in")
                open_online = ui.button(_("focus.open"), on_click=lambda: ui.navigate.to("/online"))
                tag(open_online.props("outline"), "invitation-used-open")


async def _invitation(
    accepting: InvitationAcceptance, identity: IdentityService, token: str, info: InvitationInfo
) -> None:
    current = await current_online_id(identity)
    here = f"/id/invitation?token={quote(token, safe='')}"
    with online_frame(_("users.invitation.title"), user_label=current.email if current else None):
        with form_card(_("users.invitation.title")):
            inviter = info.inviter or info.company
            ui.label(_("users.invitation.intro", inviter=inviter, company=info.company)).mark(
                "invitation-intro"
            )
            tag(ui.label(_("users.invitation.company", company=info.company)), "invitation-company")
            tag(ui.label(_("users.invitation.address", email=info.email)), "invitation-address")
            ui.label(_("users.invitation.role", role=_(f"online.role.{info.role}")))
            ui.label(_("users.invitation.expires", date=fmt_date(info.expires_at))).classes(
                "text-sm text-grey-7"
            )
            ui.separator()
            if current is not None and current.email == info.email:
                _join_button(accepting, token, current.id)
            elif current is not None:
                ui.label(_("users.invitation.logged_in_other", current=current.email, email=info.email))

                async def switch() -> None:
                    live = app.storage.user.pop(ONLINE_TOKEN_KEY, None)
                    if isinstance(live, str):
                        await fetch(identity.logout, live)
                    _to_login(info.email, here)

                tag(ui.button(_("users.invitation.log_out"), on_click=switch), "invitation-log-out")
            elif info.has_online_id:
                ui.label(_("users.invitation.log_in_to_join"))
                log_in = ui.button(_("users.invitation.log_in"), on_click=lambda: _to_login(info.email, here))
                tag(log_in.classes("w-full"), "invitation-log-in")
            else:
                _password_form(accepting, identity, token, info)


def _to_login(email: str, here: str) -> None:
    app.storage.user[SENT_TO_KEY] = email
    ui.navigate.to(f"/id/login?next={quote(here, safe='/')}")


def _join_button(accepting: InvitationAcceptance, token: str, online_id_id: int) -> None:
    client_address = ui.context.client.ip or ""

    async def join() -> None:
        try:
            joined = await call(
                accepting.accept_as_logged_in, token, online_id_id, client_address=client_address
            )
        except CallFailed:
            return
        ui.navigate.to(workspace_url(joined.tenant_uuid))

    tag(ui.button(_("users.invitation.join"), on_click=join).classes("w-full"), "join")


def _password_form(
    accepting: InvitationAcceptance, identity: IdentityService, token: str, info: InvitationInfo
) -> None:
    ui.label(_("users.invitation.set_password"))
    password = ui.input(_("id.new_password"), password=True, password_toggle_button=True)
    tag(password.props("autocomplete=new-password").classes("w-full"), "password")
    repeat = ui.input(_("id.repeat_password"), password=True, password_toggle_button=True)
    tag(repeat.props("autocomplete=new-password").classes("w-full"), "repeat-password")
    ui.label(_("id.password_rules")).classes("text-xs text-grey-7")
    button = ui.button(_("users.invitation.join_with_password"), on_click=lambda: submit())
    tag(button.classes("w-full"), "set-password")
    client_address = ui.context.client.ip or ""

    async def submit() -> None:
        show_field_errors({"password": password, "repeat": repeat}, None)
        if (password.value or "") != (repeat.value or ""):
            repeat.error = _("id.password_mismatch")
            return
        button.disable()
        try:
            joined = await call(
                accepting.accept_with_new_password, token, password.value or "", client_address=client_address
            )
        except CallFailed as failed:
            button.enable()
            show_field_errors({"password": password}, failed)
            return
        try:
            result = await call(
                identity.login, info.email, password.value or "", client_address=client_address
            )
        except CallFailed:
            _to_login(info.email, workspace_url(joined.tenant_uuid))
            return
        app.storage.user[ONLINE_TOKEN_KEY] = result.token
        ui.navigate.to(workspace_url(joined.tenant_uuid))

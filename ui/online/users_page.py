"""User administration of a company account and the invitation page (PRODUCT.md §3).

``/online/c/<tenant>/users``: the company's employees with their status (Active · Invited
(pending, expires …) · Not invited), the seat counter, and the actions Invite user, Resend
invitation, Revoke invitation, Change role and Deactivate. ``/id/invitation?token=…``: the page
the invitation mail links to; it shows the company and the address and lets the person join,
after logging in (Online ID exists) or by setting a password (no Online ID yet).

Rights are checked by the service on every call; the page only leaves out what the role cannot do.
"""

from __future__ import annotations

from urllib.parse import quote

from nicegui import app, run, ui

from services.container import OnlineServices
from services.errors import NotFound, PermissionDenied, ServiceError
from services.online.identity import IdentityService
from services.online.users.service import (
    ROLE_CHOICES,
    InvitationInfo,
    OnlineUserService,
    UserOverview,
    UserRow,
)
from ui.components.calls import CallFailed, call, error_text, show_field_errors
from ui.i18n import _, fmt_date, lang
from ui.id.frame import form_card, online_frame
from ui.id.pages import SENT_TO_KEY
from ui.id.session import ONLINE_TOKEN_KEY, current_online_id
from ui.local.registers.common import transient_dialog
from ui.online.workspace import Workspace, open_workspace, workspace_frame, workspace_url

STATUS_COLOURS = {
    "active": "positive",
    "invited": "primary",
    "expired": "warning",
    "deactivated": "grey-7",
    "not_invited": "grey-5",
}


def register(online: OnlineServices) -> None:
    users = online.users
    identity = online.identity

    @ui.page("/online/c/{tenant_uuid}/users")
    async def users_page(tenant_uuid: str) -> None:
        here = workspace_url(tenant_uuid, "users")
        workspace = await open_workspace(online, tenant_uuid, here, "users", "full")
        if workspace is None:
            return
        with workspace_frame(online, workspace, _("users.title")):
            await UsersPage(users, workspace).build()

    @ui.page("/id/invitation")
    async def invitation_page(token: str = "") -> None:
        await _invitation_page(users, identity, token)


def spam_hint() -> None:
    with ui.row().classes("items-start gap-2 no-wrap text-sm text-grey-8"):
        ui.icon("info", size="sm").classes("text-amber-8")
        ui.label(_("users.spam_hint")).mark("spam-hint").props("data-testid=spam-hint")


def role_options(caller_role: str) -> dict[str, str]:
    """The roles the caller may hand out (only a Super User makes Super Users)."""
    return {
        r: _(f"online.role.{r}") for r in ROLE_CHOICES if r != "super_user" or caller_role == "super_user"
    }


def status_text(row: UserRow) -> str:
    date = fmt_date(row.expires_at) if row.expires_at is not None else ""
    return _(f"users.status.{row.status}", date=date)


class UsersPage:
    def __init__(self, users: OnlineUserService, workspace: Workspace) -> None:
        self.users = users
        self.online_id = workspace.online_id.id
        self.tenant_uuid = workspace.header.tenant_uuid
        self.caller_role = workspace.header.role

    async def build(self) -> None:
        with ui.row().classes("items-center gap-4"):
            ui.label(_("users.title")).classes("text-2xl")
            ui.button(_("users.invite"), icon="person_add", on_click=lambda: self.invite_dialog(None)).mark(
                "invite-other"
            ).props("data-testid=invite-other").props("outline")
        self.seats = ui.label().classes("text-grey-8").mark("seat-counter").props("data-testid=seat-counter")
        spam_hint()
        self.list = ui.column().classes("w-full gap-1")
        # Dialogs live outside the list, which is rebuilt after every change.
        self.dialogs = ui.element("div")
        await self.refresh()

    async def refresh(self) -> None:
        try:
            overview = await call(self.users.overview, self.online_id, self.tenant_uuid)
        except CallFailed as failed:
            if isinstance(failed.error, PermissionDenied | NotFound):
                # The caller's own role or membership changed (e.g. they made themselves Standard user).
                ui.navigate.to(workspace_url(self.tenant_uuid))
            return
        self.show(overview)

    def show(self, overview: UserOverview) -> None:
        seats = overview.seats
        self.seats.text = _(
            "users.seats", seats=seats.seats, used=seats.used, pending=seats.pending, left=seats.left
        )
        self.list.clear()
        with self.list:
            if not overview.rows:
                ui.label(_("users.empty")).classes("text-grey-7")
            with ui.grid(columns="2fr 2fr 2fr 1.5fr auto").classes("w-full items-center gap-x-4 gap-y-1"):
                for key in ("name", "email", "status", "role", "actions"):
                    ui.label(_(f"users.col.{key}")).classes("text-grey-7 text-sm")
                for row in overview.rows:
                    self.show_row(row)

    def show_row(self, row: UserRow) -> None:
        tag = row.email or row.employee_uuid or ""
        with ui.column().classes("gap-0"):
            ui.label(row.name or "—")
            if not row.is_employee:
                ui.label(_("users.not_employee")).classes("text-xs text-grey-6")
        ui.label(row.email or "—").classes("break-all")
        chip = ui.chip(status_text(row), color=STATUS_COLOURS.get(row.status, "grey-5"))
        chip.props(f"outline dense data-testid=status-{tag}").classes("justify-self-start").mark(
            f"status-{tag}"
        )
        if row.status == "active" and row.member_id is not None:
            options = role_options(self.caller_role)
            if row.role not in options:  # a Super User as seen by an Administrator
                ui.label(_(f"online.role.{row.role}"))
            else:
                member_id = row.member_id
                ui.select(
                    options,
                    value=row.role,
                    on_change=lambda e, m=member_id, old=row.role: self.change_role(m, e.value, old),
                ).props("dense options-dense").mark(f"role-{tag}").props(f"data-testid=role-{tag}")
        else:
            ui.label(_(f"online.role.{row.role}") if row.role else "")
        with ui.row().classes("gap-1 no-wrap"):
            if row.status in ("invited", "expired") and row.invitation_id is not None:
                inv = row.invitation_id
                ui.button(_("users.resend"), on_click=lambda i=inv: self.resend(i)).props(
                    "flat dense no-caps"
                ).mark(f"resend-{tag}").props(f"data-testid=resend-{tag}")
                ui.button(_("users.revoke"), on_click=lambda i=inv: self.revoke(i)).props(
                    "flat dense no-caps color=negative"
                ).mark(f"revoke-{tag}").props(f"data-testid=revoke-{tag}")
            elif row.status in ("not_invited", "deactivated"):
                ui.button(_("users.invite"), on_click=lambda r=row: self.invite_dialog(r)).props(
                    "flat dense no-caps"
                ).mark(f"invite-{tag}").props(f"data-testid=invite-{tag}")
            may_deactivate = row.role != "super_user" or self.caller_role == "super_user"
            if row.status == "active" and row.member_id is not None and may_deactivate:
                member_id, email = row.member_id, row.email
                ui.button(
                    _("users.deactivate"), on_click=lambda m=member_id, e=email: self.deactivate(m, e)
                ).props("flat dense no-caps color=negative").mark(f"deactivate-{tag}").props(
                    f"data-testid=deactivate-{tag}"
                )

    # --- actions --------------------------------------------------------------------------------

    def invite_dialog(self, row: UserRow | None) -> None:
        with self.dialogs, transient_dialog() as dialog, ui.card().classes("w-full max-w-lg gap-2"):
            ui.label(_("users.invite.title")).classes("text-xl")
            if row is not None and row.name:
                ui.label(_("users.invite.for", name=row.name)).classes("text-grey-8")
            email = ui.input(_("users.col.email"), value=row.email if row else "").props("type=email")
            email.classes("w-full").mark("invite-email").props("data-testid=invite-email")
            role = ui.select(role_options(self.caller_role), value="standard", label=_("users.invite.role"))
            role.classes("w-full").mark("invite-role").props("data-testid=invite-role")
            message = (
                ui.textarea(_("users.invite.message"))
                .classes("w-full")
                .mark("invite-message")
                .props("data-testid=invite-message")
            )
            spam_hint()
            conflict = ui.column().classes("gap-1")
            with ui.row().classes("justify-end w-full"):
                ui.button(_("users.cancel"), on_click=dialog.dispose).props("flat")
                send = (
                    ui.button(_("users.invite.send"), on_click=lambda: submit())
                    .mark("invite-send")
                    .props("data-testid=invite-send")
                )

        async def submit() -> None:
            conflict.clear()
            send.disable()
            try:
                await call(
                    self.users.invite,
                    self.online_id,
                    self.tenant_uuid,
                    email=email.value or "",
                    role=role.value or "",
                    employee_uuid=row.employee_uuid if row is not None and row.is_employee else None,
                    message=message.value or "",
                    language=lang(),
                )
            except CallFailed as failed:
                send.enable()
                show_field_errors({"email": email, "role": role, "message": message}, failed)
                error = failed.error
                if isinstance(error, ServiceError) and error.key == "users.already_invited":
                    self.offer_resend(conflict, error, dialog.dispose)
                return
            ui.notify(_("users.invite.sent", email=(email.value or "").strip().lower()), type="positive")
            dialog.dispose()
            await self.refresh()

        dialog.open()

    def offer_resend(self, area: ui.column, error: ServiceError, close: object) -> None:
        """Inviting an invited address creates nothing: say so and offer Resend."""
        invitation_id = error.params.get("invitation_id")
        with area:
            ui.label(error_text(error)).classes("text-warning").mark("already-invited").props(
                "data-testid=already-invited"
            )
            if isinstance(invitation_id, int):

                async def resend() -> None:
                    if await self.resend(invitation_id) and callable(close):
                        close()

                ui.button(_("users.resend"), icon="send", on_click=resend).mark("dialog-resend").props(
                    "data-testid=dialog-resend"
                )

    async def resend(self, invitation_id: int) -> bool:
        try:
            await call(self.users.resend, self.online_id, self.tenant_uuid, invitation_id, language=lang())
        except CallFailed:
            return False
        ui.notify(_("users.resent"), type="positive")
        await self.refresh()
        return True

    async def revoke(self, invitation_id: int) -> None:
        try:
            await call(self.users.revoke, self.online_id, self.tenant_uuid, invitation_id)
        except CallFailed:
            return
        ui.notify(_("users.revoked"), type="positive")
        await self.refresh()

    async def change_role(self, member_id: int, role: str, old: str | None) -> None:
        if role == old:
            return
        try:
            await call(self.users.change_role, self.online_id, self.tenant_uuid, member_id, role)
        except CallFailed:
            await self.refresh()  # show the role that is still stored
            return
        ui.notify(_("users.role_changed"), type="positive")
        await self.refresh()

    def deactivate(self, member_id: int, email: str) -> None:
        with self.dialogs, transient_dialog() as dialog, ui.card():
            ui.label(_("users.deactivate_confirm", email=email))

            async def confirmed() -> None:
                dialog.close()
                try:
                    await call(self.users.deactivate, self.online_id, self.tenant_uuid, member_id)
                except CallFailed:
                    dialog.dispose()
                    return
                ui.notify(_("users.deactivated"), type="positive")
                await self.refresh()
                dialog.dispose()

            with ui.row().classes("justify-end w-full"):
                ui.button(_("users.cancel"), on_click=dialog.dispose).props("flat")
                ui.button(_("users.deactivate"), on_click=confirmed).props("color=negative").mark(
                    "confirm-deactivate"
                ).props("data-testid=confirm-deactivate")
        dialog.open()


# --- the invitation page ------------------------------------------------------------------------


async def _invitation_page(users: OnlineUserService, identity: IdentityService, token: str) -> None:
    try:
        info = await run.io_bound(users.check_invitation, token)
    except ServiceError as problem:
        with online_frame(_("users.invitation.title")), form_card(_("users.invitation.problem_title")):
            with ui.row().classes("items-start gap-2 no-wrap"):
                ui.icon("link_off", size="md").classes("text-negative")
                ui.label(error_text(problem)).mark("invitation-problem").props(
                    "data-testid=invitation-problem"
                )
        return
    assert isinstance(info, InvitationInfo)
    current = await current_online_id(identity)
    here = f"/id/invitation?token={quote(token, safe='')}"
    with online_frame(_("users.invitation.title"), user_label=current.email if current else None):
        with form_card(_("users.invitation.title")):
            inviter = info.inviter or info.company
            ui.label(_("users.invitation.intro", inviter=inviter, company=info.company)).mark(
                "invitation-intro"
            )
            ui.label(_("users.invitation.company", company=info.company)).mark("invitation-company").props(
                "data-testid=invitation-company"
            )
            ui.label(_("users.invitation.address", email=info.email)).mark("invitation-address").props(
                "data-testid=invitation-address"
            )
            ui.label(_("users.invitation.role", role=_(f"online.role.{info.role}")))
            ui.label(_("users.invitation.expires", date=fmt_date(info.expires_at))).classes(
                "text-sm text-grey-7"
            )
            ui.separator()
            if current is not None and current.email == info.email:
                _join_button(users, token, current.id)
            elif current is not None:
                ui.label(_("users.invitation.logged_in_other", current=current.email, email=info.email))

                async def switch() -> None:
                    live = app.storage.user.pop(ONLINE_TOKEN_KEY, None)
                    if isinstance(live, str):
                        await run.io_bound(identity.logout, live)
                    _to_login(info.email, here)

                ui.button(_("users.invitation.log_out"), on_click=switch).mark("invitation-log-out").props(
                    "data-testid=invitation-log-out"
                )
            elif info.has_online_id:
                ui.label(_("users.invitation.log_in_to_join"))
                ui.button(_("users.invitation.log_in"), on_click=lambda: _to_login(info.email, here)).mark(
                    "invitation-log-in"
                ).props("data-testid=invitation-log-in").classes("w-full")
            else:
                _password_form(users, identity, token, info)


def _to_login(email: str, here: str) -> None:
    app.storage.user[SENT_TO_KEY] = email
    ui.navigate.to(f"/id/login?next={quote(here, safe='/')}")


def _join_button(users: OnlineUserService, token: str, online_id_id: int) -> None:
    async def join() -> None:
        try:
            joined = await call(users.accept_as_logged_in, token, online_id_id)
        except CallFailed:
            return
        ui.navigate.to(workspace_url(joined.tenant_uuid))

    ui.button(_("users.invitation.join"), on_click=join).mark("join").props("data-testid=join").classes(
        "w-full"
    )


def _password_form(
    users: OnlineUserService, identity: IdentityService, token: str, info: InvitationInfo
) -> None:
    ui.label(_("users.invitation.set_password"))
    password = ui.input(_("id.new_password"), password=True, password_toggle_button=True)
    password.props("autocomplete=new-password").mark("password").props("data-testid=password").classes(
        "w-full"
    )
    repeat = ui.input(_("id.repeat_password"), password=True, password_toggle_button=True)
    repeat.props("autocomplete=new-password").mark("repeat-password").props(
        "data-testid=repeat-password"
    ).classes("w-full")
    ui.label(_("id.password_rules")).classes("text-xs text-grey-7")
    button = ui.button(_("users.invitation.join_with_password"), on_click=lambda: submit())
    button.mark("set-password").props("data-testid=set-password").classes("w-full")
    client_address = ui.context.client.ip

    async def submit() -> None:
        show_field_errors({"password": password, "repeat": repeat}, None)
        if (password.value or "") != (repeat.value or ""):
            repeat.error = _("id.password_mismatch")
            return
        button.disable()
        try:
            joined = await call(users.accept_with_new_password, token, password.value or "")
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

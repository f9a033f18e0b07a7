"""User administration of a company account (PRODUCT.md §3).

``/online/c/<tenant>/users``: the company's employees with their status (Active · Invited
(pending, expires …) · Not invited), the seat counter, and the actions Invite user, Resend
invitation, Revoke invitation, Change role and Deactivate. The invitation mail's page lives in
``ui/online/invitation_page.py``.

Rights are checked by the service on every call; each row says which actions the caller may take
(``may_*``) and the overview which roles they may hand out, so the page decides nothing itself.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from services.container import OnlineServices, OnlineUsers
from services.errors import NotFound, PermissionDenied
from services.online.users.directory import UserOverview, UserRow
from services.online.users.invitations import AlreadyInvited
from ui.components.calls import CallFailed, call, error_text, show_field_errors
from ui.i18n import _, fmt_date, lang
from ui.local.registers.common import transient_dialog
from ui.online import invitation_page
from ui.online.frame import Workspace, open_workspace, tag, workspace_frame, workspace_url

STATUS_COLOURS = {
    "active": "positive",
    "invited": "primary",
    "expired": "warning",
    "deactivated": "grey-7",
    "not_invited": "grey-5",
}


def register(online: OnlineServices) -> None:
    @ui.page("/online/c/{tenant_uuid}/users")
    async def users_page(tenant_uuid: str) -> None:
        here = workspace_url(tenant_uuid, "users")
        workspace = await open_workspace(online, tenant_uuid, here, "users", "read")
        if workspace is None:
            return
        with workspace_frame(online, workspace, _("users.title")):
            await UsersPage(online.users, workspace).build()

    invitation_page.register(online)


def spam_hint() -> None:
    with ui.row().classes("items-start gap-2 no-wrap text-sm text-grey-8"):
        ui.icon("info", size="sm").classes("text-amber-8")
        tag(ui.label(_("users.spam_hint")), "spam-hint")


def role_options(roles: tuple[str, ...]) -> dict[str, str]:
    return {r: _(f"online.role.{r}") for r in roles}


def status_text(row: UserRow) -> str:
    date = fmt_date(row.expires_at) if row.expires_at is not None else ""
    return _(f"users.status.{row.status}", date=date)


class UsersPage:
    def __init__(self, users: OnlineUsers, workspace: Workspace) -> None:
        self.users = users
        self.online_id = workspace.online_id.id
        self.tenant_uuid = workspace.header.tenant_uuid
        self.grantable: tuple[str, ...] = ()  # from the newest overview
        self.address = ui.context.client.ip or ""  # for the audit log

    async def build(self) -> None:
        with ui.row().classes("items-center gap-4"):
            ui.label(_("users.title")).classes("text-2xl")
            invite = ui.button(
                _("users.invite"), icon="person_add", on_click=lambda: self.invite_dialog(None)
            )
            tag(invite.props("outline"), "invite-other")
        self.seats = tag(ui.label().classes("text-grey-8"), "seat-counter")
        spam_hint()
        self.list = ui.column().classes("w-full gap-1")
        # Dialogs live outside the list, which is rebuilt after every change.
        self.dialogs = ui.element("div")
        await self.refresh()

    async def refresh(self) -> None:
        try:
            overview = await call(self.users.directory.overview, self.online_id, self.tenant_uuid)
        except CallFailed as failed:
            if isinstance(failed.error, PermissionDenied | NotFound):
                # The caller's own role or membership changed (e.g. they made themselves Standard user).
                ui.navigate.to(workspace_url(self.tenant_uuid))
            return
        self.show(overview)

    def show(self, overview: UserOverview) -> None:
        self.grantable = overview.grantable_roles
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
        tag_of = row.email or row.employee_uuid or ""
        with ui.column().classes("gap-0"):
            ui.label(row.name or "—")
            if not row.is_employee:
                ui.label(_("users.not_employee")).classes("text-xs text-grey-6")
        ui.label(row.email or "—").classes("break-all")
        chip = ui.chip(status_text(row), color=STATUS_COLOURS.get(row.status, "grey-5"))
        tag(chip.props("outline dense").classes("justify-self-start"), f"status-{tag_of}")
        if row.may_change_role and row.member_id is not None:
            member_id, old = row.member_id, row.role
            select = ui.select(
                role_options(self.grantable),
                value=row.role,
                on_change=lambda e, m=member_id, old=old: self.change_role(m, e.value, old),
            )
            tag(select.props("dense options-dense"), f"role-{tag_of}")
        else:
            ui.label(_(f"online.role.{row.role}") if row.role else "")
        with ui.row().classes("gap-1 no-wrap"):
            self.row_actions(row, tag_of)

    def row_actions(self, row: UserRow, tag_of: str) -> None:
        inv = row.invitation_id
        if row.may_resend and inv is not None:
            resend = ui.button(_("users.resend"), on_click=lambda i=inv: self.resend(i))
            tag(resend.props("flat dense no-caps"), f"resend-{tag_of}")
        if row.may_revoke and inv is not None:
            revoke = ui.button(_("users.revoke"), on_click=lambda i=inv: self.revoke(i))
            tag(revoke.props("flat dense no-caps color=negative"), f"revoke-{tag_of}")
        if row.may_invite:
            invite = ui.button(_("users.invite"), on_click=lambda r=row: self.invite_dialog(r))
            tag(invite.props("flat dense no-caps"), f"invite-{tag_of}")
        if row.may_deactivate and row.member_id is not None:
            member_id, email = row.member_id, row.email
            deactivate = ui.button(
                _("users.deactivate"), on_click=lambda m=member_id, e=email: self.deactivate(m, e)
            )
            tag(deactivate.props("flat dense no-caps color=negative"), f"deactivate-{tag_of}")

    # --- actions --------------------------------------------------------------------------------

    def invite_dialog(self, row: UserRow | None) -> None:
        with self.dialogs, transient_dialog() as dialog, ui.card().classes("w-full max-w-lg gap-2"):
            ui.label(_("users.invite.title")).classes("text-xl")
            if row is not None and row.name:
                ui.label(_("users.invite.for", name=row.name)).classes("text-grey-8")
            email = ui.input(_("users.col.email"), value=row.email if row else "").props("type=email")
            tag(email.classes("w-full"), "invite-email")
            role = ui.select(role_options(self.grantable), value="standard", label=_("users.invite.role"))
            tag(role.classes("w-full"), "invite-role")
            message = tag(ui.textarea(_("users.invite.message")).classes("w-full"), "invite-message")
            spam_hint()
            conflict = ui.column().classes("gap-1")
            with ui.row().classes("justify-end w-full"):
                ui.button(_("users.cancel"), on_click=dialog.dispose).props("flat")
                send = tag(ui.button(_("users.invite.send"), on_click=lambda: submit()), "invite-send")

        async def submit() -> None:
            conflict.clear()
            send.disable()
            try:
                await call(
                    self.users.invitations.invite,
                    self.online_id,
                    self.tenant_uuid,
                    email=email.value or "",
                    role=role.value or "",
                    employee_uuid=row.employee_uuid if row is not None and row.is_employee else None,
                    message=message.value or "",
                    language=lang(),
                    client_address=self.address,
                )
            except CallFailed as failed:
                send.enable()
                show_field_errors({"email": email, "role": role, "message": message}, failed)
                if isinstance(failed.error, AlreadyInvited):
                    self.offer_resend(conflict, failed.error, dialog.dispose)
                return
            ui.notify(_("users.invite.sent", email=(email.value or "").strip().lower()), type="positive")
            dialog.dispose()
            await self.refresh()

        dialog.open()

    def offer_resend(self, area: ui.column, error: AlreadyInvited, close: Callable[[], None]) -> None:
        """Inviting an invited address creates nothing: say so and offer Resend."""
        with area:
            tag(ui.label(error_text(error)).classes("text-warning"), "already-invited")

            async def resend() -> None:
                if await self.resend(error.invitation_id):
                    close()

            tag(ui.button(_("users.resend"), icon="send", on_click=resend), "dialog-resend")

    async def resend(self, invitation_id: int) -> bool:
        try:
            await call(
                self.users.invitations.resend,
                self.online_id,
                self.tenant_uuid,
                invitation_id=invitation_id,
                language=lang(),
                client_address=self.address,
            )
        except CallFailed:
            return False
        ui.notify(_("users.resent"), type="positive")
        await self.refresh()
        return True

    async def revoke(self, invitation_id: int) -> None:
        try:
            await call(
                self.users.invitations.revoke,
                self.online_id,
                self.tenant_uuid,
                invitation_id=invitation_id,
                client_address=self.address,
            )
        except CallFailed:
            return
        ui.notify(_("users.revoked"), type="positive")
        await self.refresh()

    async def change_role(self, member_id: int, role: str, old: str | None) -> None:
        if role == old:
            return
        try:
            await call(
                self.users.members.change_role,
                self.online_id,
                self.tenant_uuid,
                member_id=member_id,
                role=role,
                client_address=self.address,
            )
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
                    await call(
                        self.users.members.deactivate,
                        self.online_id,
                        self.tenant_uuid,
                        member_id=member_id,
                        client_address=self.address,
                    )
                except CallFailed:
                    dialog.dispose()
                    return
                ui.notify(_("users.deactivated"), type="positive")
                await self.refresh()
                dialog.dispose()

            with ui.row().classes("justify-end w-full"):
                ui.button(_("users.cancel"), on_click=dialog.dispose).props("flat")
                confirm = ui.button(_("users.deactivate"), on_click=confirmed).props("color=negative")
                tag(confirm, "confirm-deactivate")
        dialog.open()

"""The actions of the user administration: Invite (a dialog), Resend, Revoke, Change role and
Deactivate (confirmed). Each is one service call; the page's list is read again afterwards."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from services.container import OnlineUsers
from services.online.users.directory import UserRow
from services.online.users.invitations import AlreadyInvited
from ui.components.calls import CallFailed, call, error_text, show_field_errors
from ui.i18n import _, lang
from ui.local.registers.common import transient_dialog
from ui.online.frame import tag


def spam_hint() -> None:
    with ui.row().classes("items-start gap-2 no-wrap text-sm text-grey-8"):
        ui.icon("info", size="sm").classes("text-amber-8")
        tag(ui.label(_("users.spam_hint")), "spam-hint")


def role_options(roles: tuple[str, ...]) -> dict[str, str]:
    return {r: _(f"online.role.{r}") for r in roles}


class UserActions:
    """What the page's buttons do; the page provides the list (``refresh``) and the dialog slot."""

    users: OnlineUsers
    online_id: int
    tenant_uuid: str
    address: str  # the browser's address, for the audit log
    grantable: tuple[str, ...]
    dialogs: ui.element

    async def refresh(self) -> None:
        raise NotImplementedError

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

"""User administration of a company account (PRODUCT.md §3).

``/online/c/<tenant>/users``: the company's employees with their status (Active · Invited
(pending, expires …) · Not invited), the Show filter of the original (``?show=invited`` opens it
on a choice) with paging, the seat counter, and the actions Invite user, Resend
invitation, Revoke invitation, Change role and Deactivate. The invitation mail's page lives in
``ui/online/invitation_page.py``.

Rights are checked by the service on every call; each row says which actions the caller may take
(``may_*``) and the overview which roles they may hand out, so the page decides nothing itself.
"""

from __future__ import annotations

from nicegui import ui

from services.container import OnlineServices, OnlineUsers
from services.errors import NotFound, PermissionDenied
from services.online.users.directory import SHOW_FILTERS, UserOverview, UserRow
from ui.components.calls import CallFailed, call
from ui.components.routes import app_page
from ui.i18n import _, fmt_date
from ui.online import invitation_page
from ui.online.frame import Workspace, open_workspace, tag, workspace_frame, workspace_url
from ui.online.users_actions import UserActions, role_options, spam_hint

PAGE_SIZE = 25
STATUS_COLOURS = {
    "active": "positive",
    "invited": "primary",
    "expired": "warning",
    "deactivated": "grey-7",
    "not_invited": "grey-5",
}


def register(online: OnlineServices) -> None:
    @app_page("/online/c/{tenant_uuid}/users")
    async def users_page(tenant_uuid: str, show: str = "all") -> None:
        here = workspace_url(tenant_uuid, "users")
        workspace = await open_workspace(online, tenant_uuid, here, "users", "read")
        if workspace is None:
            return
        with workspace_frame(online, workspace, _("users.title")):
            await UsersPage(online.users, workspace, show=show if show in SHOW_FILTERS else "all").build()

    invitation_page.register(online)


def status_text(row: UserRow) -> str:
    date = fmt_date(row.expires_at) if row.expires_at is not None else ""
    return _(f"users.status.{row.status}", date=date)


class UsersPage(UserActions):
    def __init__(self, users: OnlineUsers, workspace: Workspace, *, show: str = "all") -> None:
        self.users = users
        self.online_id = workspace.online_id.id
        self.tenant_uuid = workspace.header.tenant_uuid
        self.grantable: tuple[str, ...] = ()  # from the newest overview
        self.address = ui.context.client.ip or ""  # for the audit log
        self.show_filter, self.page = show, 1

    async def build(self) -> None:
        with ui.row().classes("items-center gap-4"):
            ui.label(_("users.title")).classes("text-2xl")
            invite = ui.button(
                _("users.invite"), icon="person_add", on_click=lambda: self.invite_dialog(None)
            )
            self.invite_other = tag(invite.props("outline"), "invite-other")
        self.seats = tag(ui.label().classes("text-grey-8"), "seat-counter")
        spam_hint()
        with ui.row().classes("items-center gap-3"):
            ui.label(_("admin.show")).classes("text-grey-8")
            self.filter = tag(
                ui.toggle(self._filter_options(None), value=self.show_filter, on_change=self.choose),
                "users-show",
            ).props("no-caps dense")
        self.list = ui.column().classes("w-full gap-1")
        with ui.row().classes("items-center gap-3"):
            self.pager = tag(ui.pagination(1, 1, direction_links=True, on_change=self.turn), "users-pager")
            self.page_label = tag(ui.label().classes("text-grey-7 text-sm"), "users-page")
        # Dialogs live outside the list, which is rebuilt after every change.
        self.dialogs = ui.element("div")
        await self.refresh()

    def _filter_options(self, counts: dict[str, int] | None) -> dict[str, str]:
        return {name: _(f"admin.show.{name}", count=(counts or {}).get(name, "…")) for name in SHOW_FILTERS}

    async def choose(self) -> None:
        wanted = str(self.filter.value or "all")
        if wanted == self.show_filter:  # the list set the options again: nothing was chosen
            return
        self.show_filter, self.page = wanted, 1
        await self.refresh()

    async def turn(self) -> None:
        if int(self.pager.value or 1) != self.page:
            self.page = int(self.pager.value or 1)
            await self.refresh()

    async def refresh(self) -> None:
        try:
            overview = await call(
                self.users.directory.overview,
                self.online_id,
                self.tenant_uuid,
                show=self.show_filter,
                page=self.page,
                page_size=PAGE_SIZE,
            )
        except CallFailed as failed:
            if isinstance(failed.error, PermissionDenied | NotFound):
                # The caller's own role or membership changed (e.g. they made themselves Standard user).
                ui.navigate.to(workspace_url(self.tenant_uuid))
            return
        # A dialog that asked for this refresh may be gone by now: its slot no longer tells the
        # client, hence the language; the list's slot does.
        with self.list:
            self.show(overview)

    def show(self, overview: UserOverview) -> None:
        self.grantable = overview.grantable_roles
        self.invite_other.set_visibility(bool(self.grantable))
        self.filter.set_options(self._filter_options(overview.counts), value=overview.show)
        self.page = overview.page
        self.pager.max, self.pager.value = overview.pages, overview.page
        self.pager.set_visibility(overview.pages > 1)
        self.page_label.text = _(
            "admin.page_of", page=overview.page, pages=overview.pages, total=overview.total
        )
        seats = overview.seats
        self.seats.text = _(
            "users.seats", seats=seats.seats, used=seats.used, pending=seats.pending, left=seats.left
        )
        self.list.clear()
        with self.list:
            if not overview.rows:
                empty = "users.empty" if overview.show == "all" else "admin.none_listed"
                ui.label(_(empty)).classes("text-grey-7")
            # the e-mail column is at least as wide as the longest address: it never breaks mid-word
            with ui.grid(columns="2fr minmax(max-content, 2fr) 2fr 1.5fr auto").classes(
                "w-full items-center gap-x-4 gap-y-1"
            ):
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
        ui.label(row.email or "—").classes("whitespace-nowrap")
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

"""The frame of every Online Desktop page of a company account (PRODUCT.md §3, S16).

``open_workspace`` makes the one service call a page opens with (header, company switch, the
role's access map); ``workspace_frame`` draws the header: the company (with a switch when the
person belongs to several), the user, and under the user name the time since the last sync when
the Business Software has not synchronised for more than an hour ("vor 3 Stunden" / "3 hours ago").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from nicegui import ui

from services import i18n
from services.container import OnlineServices
from services.errors import ServiceError
from services.online.identity import IdentityService, OnlineIdView
from services.online.workspace.access import Access, WorkspaceHeader, WorkspacePage
from ui.components.calls import CallFailed, call, error_text, fetch
from ui.components.language import language_switch
from ui.i18n import _, lang
from ui.id.session import log_out, require_online_id

E = TypeVar("E", bound=ui.element)

# The modules of a company account: (page, module whose access opens it, icon, label key)
MODULE_TILES = (
    ("contacts", "contacts", "contacts", "online.module.contacts"),
    ("activities", "activities", "event", "registers.activities.title"),
    ("sales_orders", "sales", "receipt_long", "registers.sales_orders.title"),
    ("products", "products", "inventory_2", "registers.products.title"),
    ("employees", "employees", "badge", "registers.employees.title"),
    ("users", "users", "manage_accounts", "online.module.users"),
)
TITLES = {page: label for page, _module, _icon, label in MODULE_TILES}


@dataclass(frozen=True, kw_only=True, slots=True)
class Workspace:
    online_id: OnlineIdView
    page: WorkspacePage

    @property
    def header(self) -> WorkspaceHeader:
        return self.page.header


def tag(element: E, name: str) -> E:
    """Mark an element for the ``user`` fixture and give it the same ``data-testid`` for browsers."""
    element.mark(name)
    element.props["data-testid"] = name
    return element


def workspace_url(tenant_uuid: str, module: str | None = None) -> str:
    return f"/online/c/{tenant_uuid}" + (f"/{module}" if module else "")


def first_company_url(online: OnlineServices, online_id_id: int) -> str | None:
    """Where ``/online`` leads a member: the first of their company accounts."""
    companies = online.workspace.access.companies(online_id_id)
    return workspace_url(companies[0].tenant_uuid) if companies else None


async def open_workspace(
    online: OnlineServices, tenant_uuid: str, here: str, module: str | None = None, level: Access = "read"
) -> Workspace | None:
    """The logged-in Online ID in this company account, or None (after a redirect or a message)."""
    online_id = await require_online_id(online.identity, here)
    if online_id is None:
        return None
    try:
        page = await call(
            online.workspace.access.open_page, online_id.id, tenant_uuid, module=module, level=level
        )
    except CallFailed as failed:
        with _bare_frame(online.identity, online_id), ui.card().classes("w-full max-w-xl"):
            error = failed.error
            message = error_text(error) if isinstance(error, ServiceError) else _("error.unexpected")
            ui.label(message).mark("online-refused")
            ui.link(_("app.online_desktop"), "/online")
        return None
    return Workspace(online_id=online_id, page=page)


def staleness_text(header: WorkspaceHeader, now: dt.datetime | None = None) -> str | None:
    """S16: the time since the last sync, when it is more than an hour (None otherwise)."""
    if not header.stale:
        return None
    if header.last_sync_at is None:
        return _("online.never_synced")
    now = now or header.checked_at or dt.datetime.now(dt.UTC)
    ago = i18n.format_relative(now - header.last_sync_at, lang())
    return _("online.last_sync", ago=ago)


@contextmanager
def workspace_frame(online: OnlineServices, workspace: Workspace, title: str) -> Iterator[None]:
    """Header (company, switch, user, staleness notice) and the content column."""
    header = workspace.header
    ui.page_title(f"{title} · {header.company} · {_('app.online_desktop')}")
    with ui.header().classes("items-center gap-3 py-1 px-3 bg-indigo-9"):
        ui.link(_("app.online_desktop"), workspace_url(header.tenant_uuid)).classes(
            "text-white text-lg font-medium no-underline"
        )
        tag(ui.label(header.company).classes("text-white text-base"), "online-company")
        companies = workspace.page.companies
        if len(companies) > 1:
            options = {c.tenant_uuid: c.company for c in companies}
            ui.select(
                options,
                value=header.tenant_uuid,
                on_change=lambda e: ui.navigate.to(workspace_url(e.value)),
            ).props("dense dark borderless options-dense").classes("w-48").mark("online-switch").tooltip(
                _("online.switch_company")
            )
        ui.space()
        language_switch()
        stale = _user_menu(online.identity, workspace.online_id, staleness_text(header), header.user_name)
        _keep_current(online, workspace, stale)
    with ui.column().classes("w-full p-4 gap-4"):
        if header.contract_expired:
            contract_notice(header)
        yield


def contract_notice(header: WorkspaceHeader) -> None:
    """An expired service contract: why everything is read-only, and what to do about it."""
    until = header.contract_valid_until
    date = i18n.format_date(until, lang=lang()) if until is not None else ""
    with tag(ui.card().classes("w-full bg-amber-1 gap-1"), "contract-expired"):
        with ui.row().classes("items-center gap-2"):
            ui.icon("lock_clock", size="md").classes("text-amber-9")
            ui.label(_("contract.expired.title", date=date)).classes("text-lg font-medium")
        ui.label(_("contract.expired.why")).classes("text-grey-9")
        ui.label(_("contract.expired.what")).classes("text-grey-9")


STALE_EVERY = 30.0  # seconds between re-reads of the header's staleness notice (one row)


def _keep_current(online: OnlineServices, workspace: Workspace, stale: ui.element) -> None:
    """The staleness notice updates by itself: it appears after an hour without a sync, counts up,
    and goes as soon as the Business Software synchronises again."""

    async def refresh() -> None:
        try:
            header = await fetch(
                online.workspace.access.header, workspace.online_id.id, workspace.header.tenant_uuid
            )
        except Exception:  # the next tick tries again; the page stays as it is
            return
        _show_stale(stale, staleness_text(header))

    # Not at once: the page has just read the header. A timer that starts at once waits for the
    # browser's connection, and NiceGUI then sends the page before its function has finished, so
    # what the page reads after this (a list's first page) would come in a later message.
    ui.timer(STALE_EVERY, refresh, immediate=False)


@contextmanager
def _bare_frame(identity: IdentityService, online_id: OnlineIdView) -> Iterator[None]:
    """The frame of a page that could not be opened: only the way home and the user menu."""
    ui.page_title(_("app.online_desktop"))
    with ui.header().classes("items-center gap-2 py-1 px-3 bg-indigo-9"):
        ui.link(_("app.online_desktop"), "/online").classes("text-white text-lg font-medium no-underline")
        ui.space()
        language_switch()
        _user_menu(identity, online_id, None)
    with ui.column().classes("w-full items-center p-4 gap-4"):
        yield


def _user_menu(identity: Any, online_id: OnlineIdView, stale: str | None, name: str = "") -> ui.element:
    async def logout() -> None:
        await log_out(identity)

    with ui.column().classes("gap-0 items-end"):
        with (
            ui.button(name or online_id.full_name or online_id.email, icon="account_circle").props(
                "flat dense no-caps color=white"
            ),
            ui.menu(),
        ):
            ui.menu_item(_("id.change_password.title"), on_click=lambda: ui.navigate.to("/id/password"))
            ui.menu_item(_("id.logout"), on_click=logout).mark("online-logout")
        notice = ui.element("div")
        _show_stale(notice, stale)
    return notice


def _show_stale(notice: ui.element, text: str | None) -> None:
    """The staleness notice in its place, or nothing there."""
    notice.clear()
    if text is not None:
        with notice:
            tag(ui.label(text).classes("text-xs text-amber-3 pr-2"), "online-stale")

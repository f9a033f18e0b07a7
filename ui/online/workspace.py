"""The Online Desktop of one company account: its frame and the module pages (PRODUCT.md §3, S16).

``/online`` opens the first company account of the logged-in Online ID (or says there is none);
``/online/c/<tenant>`` is the company's start page with its modules, ``/online/c/<tenant>/contacts``
the contacts list. The header shows the company (with a switch when the person belongs to
several), the user, and under the user name the time since the last sync when the Business
Software has not synchronised for more than an hour ("vor 3 Stunden" / "3 hours ago").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from nicegui import ui

from services import i18n
from services.container import OnlineServices
from services.errors import ServiceError
from services.local.registers import Option
from services.online.identity import OnlineIdView
from services.online.workspace.service import (
    EDITABLE,
    LIST_VIEWS,
    ROLE_ACCESS,
    CompanyChoice,
    OnlineWorkspaceService,
    WorkspaceHeader,
)
from services.records.views import RegisterRow
from ui.components.calls import CallFailed, call, error_text, show_field_errors
from ui.components.form import build_inputs, prefill, read_values
from ui.components.language import language_switch
from ui.components.table import RegisterTable
from ui.i18n import _, fmt_date, fmt_datetime, fmt_money, fmt_number, lang
from ui.id.session import log_out, require_online_id
from ui.local.registers.common import transient_dialog

# (page, module checked for access, icon, label key)
MODULE_TILES = (
    ("contacts", "contacts", "contacts", "online.module.contacts"),
    ("activities", "activities", "event", "registers.activities.title"),
    ("sales_orders", "sales", "receipt_long", "registers.sales_orders.title"),
    ("products", "products", "inventory_2", "registers.products.title"),
    ("employees", "employees", "badge", "registers.employees.title"),
    ("users", "users", "manage_accounts", "online.module.users"),
)
LIST_PAGES = ("contacts", "activities", "sales_orders", "products", "employees")
MONEY_COLUMNS = ("price", "total")


@dataclass(frozen=True, kw_only=True, slots=True)
class Workspace:
    online_id: OnlineIdView
    header: WorkspaceHeader
    companies: tuple[CompanyChoice, ...]


def workspace_url(tenant_uuid: str, module: str | None = None) -> str:
    return f"/online/c/{tenant_uuid}" + (f"/{module}" if module else "")


def _service(online: OnlineServices) -> OnlineWorkspaceService:
    return online.workspace


async def open_workspace(
    online: OnlineServices, tenant_uuid: str, here: str, module: str | None = None, level: str = "read"
) -> Workspace | None:
    """The logged-in Online ID in this company account, or None (after a redirect or a message)."""
    identity = online.identity
    online_id = await require_online_id(identity, here)
    if online_id is None:
        return None
    workspace = _service(online)
    try:
        header = await call(workspace.header, online_id.id, tenant_uuid)
        if module is not None:
            await call(workspace.context, online_id.id, tenant_uuid, module, level)  # type: ignore[arg-type]
        companies = await call(workspace.companies, online_id.id)
    except CallFailed as failed:
        with _bare_frame(online, online_id):
            with ui.card().classes("w-full max-w-xl"):
                error = failed.error
                message = error_text(error) if isinstance(error, ServiceError) else _("error.unexpected")
                ui.label(message).mark("online-refused")
                ui.link(_("app.online_desktop"), "/online")
        return None
    return Workspace(online_id=online_id, header=header, companies=tuple(companies))


def staleness_text(header: WorkspaceHeader, now: dt.datetime | None = None) -> str | None:
    """S16: the time since the last sync, when it is more than an hour (None otherwise)."""
    if not header.stale:
        return None
    if header.last_sync_at is None:
        return _("online.never_synced")
    ago = i18n.format_relative((now or dt.datetime.now(dt.UTC)) - header.last_sync_at, lang())
    return _("online.last_sync", ago=ago)


@contextmanager
def _bare_frame(online: OnlineServices, online_id: OnlineIdView) -> Iterator[None]:
    identity = online.identity
    ui.page_title(_("app.online_desktop"))
    with ui.header().classes("items-center gap-2 py-1 px-3 bg-indigo-9"):
        ui.link(_("app.online_desktop"), "/online").classes("text-white text-lg font-medium no-underline")
        ui.space()
        language_switch()
        _user_menu(identity, online_id, None)
    with ui.column().classes("w-full items-center p-4 gap-4"):
        yield


def _user_menu(identity: Any, online_id: OnlineIdView, stale: str | None) -> None:
    async def logout() -> None:
        await log_out(identity)

    with ui.column().classes("gap-0 items-end"):
        with (
            ui.button(online_id.full_name or online_id.email, icon="account_circle").props(
                "flat dense no-caps color=white"
            ),
            ui.menu(),
        ):
            ui.menu_item(_("id.change_password.title"), on_click=lambda: ui.navigate.to("/id/password"))
            ui.menu_item(_("id.logout"), on_click=logout).mark("online-logout")
        if stale is not None:
            ui.label(stale).classes("text-xs text-amber-3 pr-2").mark("online-stale").props(
                "data-testid=online-stale"
            )


@contextmanager
def workspace_frame(online: OnlineServices, workspace: Workspace, title: str) -> Iterator[None]:
    """Header (company, switch, user, staleness notice) and the content column."""
    identity = online.identity
    header = workspace.header
    ui.page_title(f"{title} · {header.company} · {_('app.online_desktop')}")
    with ui.header().classes("items-center gap-3 py-1 px-3 bg-indigo-9"):
        ui.link(_("app.online_desktop"), workspace_url(header.tenant_uuid)).classes(
            "text-white text-lg font-medium no-underline"
        )
        ui.label(header.company).classes("text-white text-base").mark("online-company").props(
            "data-testid=online-company"
        )
        if len(workspace.companies) > 1:
            options = {c.tenant_uuid: c.company for c in workspace.companies}
            ui.select(
                options,
                value=header.tenant_uuid,
                on_change=lambda e: ui.navigate.to(workspace_url(e.value)),
            ).props("dense dark borderless options-dense").classes("w-48").mark("online-switch").tooltip(
                _("online.switch_company")
            )
        ui.space()
        language_switch()
        _user_menu(identity, workspace.online_id, staleness_text(header))
    with ui.column().classes("w-full p-4 gap-4"):
        yield


def register(online: OnlineServices) -> None:

    @ui.page("/online/c/{tenant_uuid}")
    async def company_home(tenant_uuid: str) -> None:
        workspace = await open_workspace(online, tenant_uuid, workspace_url(tenant_uuid))
        if workspace is None:
            return
        header = workspace.header
        with workspace_frame(online, workspace, _("online.modules")):
            ui.label(header.company).classes("text-2xl")
            ui.label(_(f"online.role.{header.role}")).classes("text-grey-7").mark("online-role")
            with ui.row().classes("gap-4"):
                access = _service(online)
                for page, module, icon, label in MODULE_TILES:
                    ctx_ok = await call(_can, access, workspace.online_id.id, tenant_uuid, module)
                    if not ctx_ok:
                        continue
                    with (
                        ui.card()
                        .classes("w-44 items-center cursor-pointer")
                        .on("click", lambda p=page: ui.navigate.to(workspace_url(tenant_uuid, p)))
                        .mark(f"online-tile-{page}")
                        .props(f"data-testid=online-tile-{page}")
                    ):
                        ui.icon(icon, size="xl").classes("text-indigo-8")
                        ui.label(_(label))

    for register in LIST_PAGES:
        _list_page(online, register)

    @ui.page("/online/c/{tenant_uuid}/calendar")
    async def calendar_page(tenant_uuid: str, week: str = "") -> None:
        here = workspace_url(tenant_uuid, "calendar")
        workspace = await open_workspace(online, tenant_uuid, here, "activities")
        if workspace is None:
            return
        with workspace_frame(online, workspace, _("online.calendar")):
            await _calendar(online, workspace, week)


def _list_page(online: OnlineServices, register: str) -> None:
    view = LIST_VIEWS[register]

    @ui.page(f"/online/c/{{tenant_uuid}}/{register}")
    async def list_page(tenant_uuid: str) -> None:
        here = workspace_url(tenant_uuid, register)
        workspace = await open_workspace(online, tenant_uuid, here, view.module)
        if workspace is None:
            return
        with workspace_frame(online, workspace, _(TITLES[register])):
            await RegisterList(online, workspace, register).build()


TITLES = {page: label for page, _module, _icon, label in MODULE_TILES}


class RegisterList:
    """A synced register of the company: search, sort, paging; contacts are created and edited
    here by those with full access, the other registers are read here (maintained in Business
    Software, or edited online in a later step)."""

    def __init__(self, online: OnlineServices, workspace: Workspace, register: str) -> None:
        self.service = _service(online)
        self.register, self.view = register, LIST_VIEWS[register]
        self.online_id = workspace.online_id.id
        self.tenant_uuid = workspace.header.tenant_uuid
        full = ROLE_ACCESS.get(workspace.header.role, {}).get(self.view.module) == "full"
        self.can_edit = register in EDITABLE and full
        self.uuids: dict[int, str] = {}

    async def build(self) -> None:
        with ui.row().classes("items-center gap-4"):
            ui.label(_(TITLES[self.register])).classes("text-2xl")
            if self.can_edit:
                ui.button(
                    _(f"online.{self.register}.new"), icon="add", on_click=lambda: self.edit(None)
                ).mark("online-new").props("data-testid=online-new")
            if self.register == "activities":
                target = workspace_url(self.tenant_uuid, "calendar")
                ui.button(
                    _("online.calendar"), icon="calendar_month", on_click=lambda: ui.navigate.to(target)
                ).props("flat").mark("online-to-calendar")
        self.count = ui.label().classes("text-grey-7").mark("online-count")
        columns = [
            {
                "name": c,
                "label": _(_column_label(self.register, c)),
                "field": c,
                "align": "right" if c in MONEY_COLUMNS else "left",
                "sortable": c in self.view.sortable,
            }
            for c in self.view.columns
        ]
        self.table = RegisterTable(
            columns=columns,
            fetch=self.fetch,
            to_cells=_cells,
            on_open=self.open_row if self.register in EDITABLE else _ignore,
            sort=self.view.sortable[0],
        )
        await self.table.load()

    async def fetch(self, search: str, sort: str, descending: bool, page: int, page_size: int) -> Any:
        found = await call(
            self.service.rows,
            self.online_id,
            self.tenant_uuid,
            self.register,
            search=search,
            sort=sort,
            descending=descending,
            page=page,
            page_size=page_size,
        )
        self.uuids = {row.id: row.uuid for row in found.rows}
        self.count.text = _("online.count", count=fmt_number(found.total))
        return found

    async def open_row(self, row_id: int) -> None:
        uuid = self.uuids.get(row_id)
        if uuid is not None:
            await self.edit(uuid)

    async def edit(self, uuid: str | None) -> None:
        """A dialog with the record's fields (read-only without full access)."""
        fields, _module = EDITABLE[self.register]
        try:
            labels: dict[str, str] = {}
            if uuid is None:
                values = new_values(self.register)
            else:
                values, labels = await call(
                    self.service.record, self.online_id, self.tenant_uuid, self.register, uuid
                )
        except CallFailed:
            return
        with transient_dialog() as dialog, ui.card().classes("w-[48rem] max-w-full"):
            title = f"online.{self.register}.new" if uuid is None else f"online.{self.register}.edit"
            ui.label(_(title)).classes("text-xl")
            inputs = build_inputs(fields, values, labels, self.options, read_only=not self.can_edit)
            if uuid is not None and self.register == "contacts":
                await self._related(uuid)

            async def save() -> None:
                try:
                    await call(
                        self.service.save_record,
                        self.online_id,
                        self.tenant_uuid,
                        self.register,
                        uuid,
                        read_values(inputs),
                    )
                except CallFailed as failed:
                    show_field_errors(inputs, failed)
                    return
                dialog.close()
                ui.notify(_("online.saved"), type="positive")
                await self.table.load()
                dialog.delete()

            with ui.row().classes("justify-end w-full"):
                ui.button(_("action.cancel"), on_click=dialog.dispose).props("flat").mark("cancel")
                if self.can_edit:
                    ui.button(_("action.save"), on_click=save).mark("save").props("data-testid=save")
        dialog.open()
        await prefill(inputs)

    async def options(self, register: str, search: str) -> list[Option]:
        """Choices for a reference (the contact or employee of an activity), found by search."""
        return await call(self.service.options, self.online_id, self.tenant_uuid, register, search)

    async def _related(self, uuid: str) -> None:
        """Below the contact: its persons, activities and sales orders (read here)."""
        try:
            related = await call(self.service.contact_related, self.online_id, self.tenant_uuid, uuid)
        except CallFailed:
            return
        for key, rows in related.items():
            title = {"contact_persons": "online.related.persons"}.get(key, f"registers.{key}.title")
            ui.label(f"{_(title)} ({len(rows)})").classes("text-base font-medium mt-2")
            if not rows:
                continue
            columns = [
                {"name": c, "label": _(_column_label(key, c)), "field": c, "align": "left"} for c in rows[0]
            ]
            cells = [{"id": i, **{c: _show(c, v) for c, v in row.items()}} for i, row in enumerate(rows)]
            ui.table(columns=columns, rows=cells, row_key="id").props("flat dense").classes("w-full").mark(
                f"online-related-{key}"
            )


def week_start(text: str, today: dt.date | None = None) -> dt.date:
    """The Monday of the week asked for as ``YYYY-MM-DD`` (any day of it), else of this week."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = today or dt.date.today()
    return day - dt.timedelta(days=day.weekday())


async def _calendar(online: OnlineServices, workspace: Workspace, week: str) -> None:
    """A week of the company's activities, Monday to Sunday, in this computer's time zone."""
    monday = week_start(week)
    zone = dt.datetime.now().astimezone().tzinfo
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=zone)
    end = start + dt.timedelta(days=7)
    tenant_uuid = workspace.header.tenant_uuid
    rows = await call(_service(online).activities_between, workspace.online_id.id, tenant_uuid, start, end)
    here = workspace_url(tenant_uuid, "calendar")
    with ui.row().classes("items-center gap-2"):
        ui.label(_("online.calendar")).classes("text-2xl")
        ui.button(
            icon="chevron_left",
            on_click=lambda: ui.navigate.to(f"{here}?week={monday - dt.timedelta(days=7)}"),
        ).props("flat round").mark("calendar-previous")
        ui.label(f"{fmt_date(monday)} – {fmt_date(monday + dt.timedelta(days=6))}").classes("text-lg").mark(
            "calendar-week"
        )
        ui.button(
            icon="chevron_right",
            on_click=lambda: ui.navigate.to(f"{here}?week={monday + dt.timedelta(days=7)}"),
        ).props("flat round").mark("calendar-next")
        ui.button(_("online.today"), on_click=lambda: ui.navigate.to(here)).props("flat no-caps")
        ui.button(
            _("registers.activities.title"),
            icon="list",
            on_click=lambda: ui.navigate.to(workspace_url(tenant_uuid, "activities")),
        ).props("flat no-caps")
    by_day: dict[dt.date, list[RegisterRow]] = {}
    for row in rows:
        by_day.setdefault(row.values["start_at"].astimezone(zone).date(), []).append(row)
    with ui.grid(columns=7).classes("w-full gap-2"):
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            with ui.card().classes("gap-1 p-2 min-h-[10rem]").mark(f"calendar-day-{day.isoformat()}"):
                ui.label(i18n.format_date(day, lang(), "EEE d MMM")).classes(
                    "text-sm font-medium text-indigo-9"
                )
                for row in by_day.get(day, []):
                    when = row.values["start_at"].astimezone(zone).strftime("%H:%M")
                    style = "line-through text-grey-6" if row.values["done"] else ""
                    ui.label(f"{when} {row.values['subject']}").classes(f"text-xs {style}").mark(
                        "calendar-entry"
                    )


def new_values(register: str) -> dict[str, Any]:
    """Starting values of a new record: an activity at the next full hour, like in Business Software."""
    if register == "activities":
        now = dt.datetime.now().astimezone()
        return {
            "start_at": now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1),
            "kind": "task",
        }
    return {}


def _can(service: OnlineWorkspaceService, online_id_id: int, tenant_uuid: str, module: str) -> bool:
    return service.context(online_id_id, tenant_uuid).can(module)


def _cells(row: RegisterRow) -> dict[str, Any]:
    return {"id": row.id, **{k: _show(k, v) for k, v in row.values.items()}}


def _show(column: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if column in MONEY_COLUMNS:
        return fmt_money(value)
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, dt.datetime):
        return fmt_datetime(value.astimezone())
    if isinstance(value, dt.date):
        return fmt_date(value)
    if column in ("status", "kind"):
        return _(f"registers.choice.{value}")
    return str(value)


def _column_label(register: str, column: str) -> str:
    if register in ("employees", "contact_persons") and column == "position":
        return "registers.field.job_title"
    return f"registers.field.{column}"


def _ignore(_row_id: int) -> None:
    return None


def first_company_url(online: OnlineServices, online_id_id: int) -> str | None:
    """Where ``/online`` leads a member: the first of their company accounts."""
    companies = _service(online).companies(online_id_id)
    return workspace_url(companies[0].tenant_uuid) if companies else None

"""The synced registers of a company account as lists (``/online/c/<tenant>/<register>``): search,
sort and paging in the database; contacts and activities are created and edited here by those the
page's view allows (``WorkspacePage.editable``), the other registers are read here (maintained in
the Business Software).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from nicegui import ui

from services.container import OnlineServices
from services.errors import NotFound
from services.online.workspace.lists import LIST_VIEWS
from services.online.workspace.records import EDITABLE
from services.records.views import Option, RegisterRow
from ui.components.calls import CallFailed, call, fetch, show_field_errors
from ui.components.edits import TrackedForm
from ui.components.form import build_inputs, prefill, read_values
from ui.components.live import Refresher
from ui.components.routes import app_page
from ui.components.table import RegisterTable
from ui.i18n import _, fmt_date, fmt_datetime, fmt_money, fmt_number, lang
from ui.local.registers.common import transient_dialog
from ui.online.contact_persons import PersonsSection
from ui.online.frame import TITLES, Workspace, open_workspace, tag, workspace_frame, workspace_url
from ui.online.live import watch_tenant

LIST_PAGES = ("contacts", "activities", "products", "employees")  # sales: ui/online/sales_list.py
MONEY_COLUMNS = ("price", "total")


def register(online: OnlineServices) -> None:
    for name in LIST_PAGES:
        _list_page(online, name)


def _list_page(online: OnlineServices, register: str) -> None:
    view = LIST_VIEWS[register]

    @app_page(f"/online/c/{{tenant_uuid}}/{register}")
    async def list_page(tenant_uuid: str, search: str = "") -> None:
        """``?search=`` opens the list searched (the dashboard's links)."""
        here = workspace_url(tenant_uuid, register)
        workspace = await open_workspace(online, tenant_uuid, here, view.module)
        if workspace is None:
            return
        with workspace_frame(online, workspace, _(TITLES[register])):
            await RegisterList(online, workspace, register).build(search=search[:100])


class RegisterList:
    """One register of the company: the list, and the dialog that opens or creates a record."""

    def __init__(self, online: OnlineServices, workspace: Workspace, register: str) -> None:
        self.lists, self.records = online.workspace.lists, online.workspace.records
        self.online = online
        self.persons = online.workspace.persons
        self.register, self.view = register, LIST_VIEWS[register]
        self.online_id = workspace.online_id.id
        self.tenant_uuid = workspace.header.tenant_uuid
        self.tenant_id = workspace.page.tenant_id
        self.can_edit = register in workspace.page.editable
        self.uuids: dict[int, str] = {}
        self.open_form: tuple[str, TrackedForm] | None = None  # the record open in the dialog

    async def build(self, *, search: str = "") -> None:
        with ui.row().classes("items-center gap-4"):
            ui.label(_(TITLES[self.register])).classes("text-2xl")
            if self.can_edit:
                tag(
                    ui.button(_(f"online.{self.register}.new"), icon="add", on_click=lambda: self.edit(None)),
                    "online-new",
                )
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
        if search:
            self.table.search.value = search  # its change event loads the list
        await self.table.load()
        self._follow()

    def _follow(self) -> None:
        """The rows on screen and an open record follow changes as they are committed."""
        rows, form = Refresher(self.table.load), Refresher(self._reread_open)

        def changed() -> None:
            rows.poke()
            form.poke()

        watch_tenant(self.online, self.tenant_id, changed)

    async def _reread_open(self) -> None:
        if self.open_form is None:
            return
        uuid, tracked = self.open_form
        try:
            now, by = await fetch(
                self.records.latest_change,
                self.online_id,
                self.tenant_uuid,
                register=self.register,
                uuid=uuid,
            )
        except NotFound:
            return  # a save says that it was deleted, and offers to create it again
        tracked.changed_elsewhere(by, now.values, now.version)

    async def fetch(self, search: str, sort: str, descending: bool, page: int, page_size: int) -> Any:
        found = await call(
            self.lists.rows,
            self.online_id,
            self.tenant_uuid,
            register=self.register,
            search=search,
            sort=sort,
            descending=descending,
            page=page,
            page_size=page_size,
            language=lang(),
        )
        self.uuids = {row.id: row.uuid for row in found.rows}
        self.count.text = _("online.count", count=fmt_number(found.total))
        return found

    async def open_row(self, row_id: int) -> None:
        uuid = self.uuids.get(row_id)
        if uuid is not None:
            await self.edit(uuid)

    async def edit(self, uuid: str | None) -> None:
        """A dialog with the record's fields (read-only without full access); a save of an existing
        record writes only the fields the person changed (``ui.components.edits``)."""
        fields, _module = EDITABLE[self.register]
        try:
            labels: dict[str, str] = {}
            loaded: RegisterRow | None = None
            if uuid is None:
                values = self.records.new_values(self.register)
            else:
                loaded = await call(
                    self.records.edit_record,
                    self.online_id,
                    self.tenant_uuid,
                    register=self.register,
                    uuid=uuid,
                )
                values, labels = loaded.values, loaded.labels
        except CallFailed:
            return
        with transient_dialog() as dialog, ui.card().classes("w-[48rem] max-w-full"):
            title = f"online.{self.register}.new" if uuid is None else f"online.{self.register}.edit"
            ui.label(_(title)).classes("text-xl")
            inputs = build_inputs(fields, values, labels, self.options, read_only=not self.can_edit)
            tracked = TrackedForm(inputs, fields, values, loaded.version) if loaded is not None else None
            self.open_form = (uuid, tracked) if tracked is not None and uuid is not None else None
            if uuid is not None and self.register == "contacts":
                persons = PersonsSection(
                    self.persons, self.online_id, self.tenant_uuid, uuid, can_edit=self.can_edit
                )
                await persons.build()
                await self._related(uuid)
            records, online_id, tenant, register = (
                self.records,
                self.online_id,
                self.tenant_uuid,
                self.register,
            )

            async def save() -> None:
                if tracked is not None and uuid is not None:
                    saved = await tracked.save(
                        lambda edit: records.save_edit(
                            online_id, tenant, register=register, uuid=uuid, edit=edit
                        ),
                        recreate=lambda typed: records.create_record(
                            online_id, tenant, register=register, values=typed
                        ),
                    )
                    if saved is None:
                        return
                else:
                    try:
                        await call(
                            records.save_record, online_id, tenant, register=register, uuid=None,
                            values=read_values(inputs),
                        )  # fmt: skip
                    except CallFailed as failed:
                        show_field_errors(inputs, failed)
                        return
                self.open_form = None
                dialog.close()
                ui.notify(_("online.saved"), type="positive")
                await self.table.load()
                dialog.delete()

            def cancel() -> None:
                self.open_form = None
                dialog.dispose()

            with ui.row().classes("justify-end w-full"):
                ui.button(_("action.cancel"), on_click=cancel).props("flat").mark("cancel")
                if self.can_edit:
                    tag(ui.button(_("action.save"), on_click=save), "save")
        dialog.open()
        await prefill(inputs)

    async def options(self, register: str, search: str) -> list[Option]:
        """Choices for a reference (the contact or employee of an activity), found by search."""
        return await call(
            self.lists.options, self.online_id, self.tenant_uuid, register=register, search=search
        )

    async def _related(self, uuid: str) -> None:
        """Below the contact: its persons, activities and sales orders (read here)."""
        try:
            related = await call(self.records.contact_related, self.online_id, self.tenant_uuid, uuid=uuid)
        except CallFailed:
            return
        for key, rows in related.items():
            if key == "contact_persons":
                continue  # shown and edited above (PersonsSection)
            title = {"contact_persons": "online.related.persons"}.get(key, f"registers.{key}.title")
            ui.label(f"{_(title)} ({len(rows)})").classes("text-base font-medium mt-2")
            if not rows:
                continue
            columns = [
                {"name": c, "label": _(_column_label(key, c)), "field": c, "align": "left"} for c in rows[0]
            ]
            cells = [{"id": i, **{c: show(c, v) for c, v in row.items()}} for i, row in enumerate(rows)]
            ui.table(columns=columns, rows=cells, row_key="id").props("flat dense").classes("w-full").mark(
                f"online-related-{key}"
            )


def _cells(row: RegisterRow) -> dict[str, Any]:
    return {"id": row.id, **{k: show(k, v) for k, v in row.values.items()}}


def show(column: str, value: Any) -> str:
    """A value as a cell shows it (money, dates and choices formatted for the reader)."""
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

"""One quote, order or invoice (``/online/c/<tenant>/sales_orders/<uuid>``, new ones at
``…/sales_orders/new/quote|order``): the header (customer, contact person, dates, our reference,
employee, notes), the lines with their totals, Save and "Convert to order".

A quote and an order are edited by those with Full access; an invoice is shown read-only with the
reason. Save sends only what the person changed, with the values they saw; when a colleague changed
the same field meanwhile, nothing is saved and a dialog shows both values.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from services.container import OnlineServices
from services.online.workspace.sales import HEADER_FIELDS
from services.online.workspace.sales_views import EditConflict, ProductFacts, SalesDocument, SalesEdit
from services.records.views import Option
from ui.components.calls import CallFailed, call, show_field_errors
from ui.components.form import build_inputs, prefill, read_values
from ui.components.routes import app_page
from ui.i18n import _, fmt_date
from ui.online.frame import TITLES, Workspace, open_workspace, tag, workspace_frame, workspace_url
from ui.online.sales_lines_editor import LinesEditor
from ui.online.sales_list import REGISTER, document_url

FORM_FIELDS = tuple(f for f in HEADER_FIELDS if f.name != "number")


def register(online: OnlineServices) -> None:
    @app_page(f"/online/c/{{tenant_uuid}}/{REGISTER}/new/{{status}}")
    async def new_document(tenant_uuid: str, status: str, contact: str = "") -> None:
        here = workspace_url(tenant_uuid, f"{REGISTER}/new/{status}")
        workspace = await open_workspace(online, tenant_uuid, here, "sales", "full")
        if workspace is None:
            return
        with workspace_frame(online, workspace, _(TITLES[REGISTER])):
            try:
                doc = await call(
                    online.workspace.sales.new_document,
                    workspace.online_id.id,
                    tenant_uuid,
                    status=status,
                    contact_uuid=contact or None,
                )
            except CallFailed:
                _back_link(tenant_uuid)
                return
            await DocumentPage(online, workspace, doc).build()

    @app_page(f"/online/c/{{tenant_uuid}}/{REGISTER}/{{uuid}}")
    async def document(tenant_uuid: str, uuid: str) -> None:
        here = document_url(tenant_uuid, uuid)
        workspace = await open_workspace(online, tenant_uuid, here, "sales")
        if workspace is None:
            return
        with workspace_frame(online, workspace, _(TITLES[REGISTER])):
            try:
                doc = await call(
                    online.workspace.sales.document, workspace.online_id.id, tenant_uuid, uuid=uuid
                )
            except CallFailed:
                _back_link(tenant_uuid)
                return
            await DocumentPage(online, workspace, doc).build()


def _back_link(tenant_uuid: str) -> None:
    tag(ui.link(_("sales.back"), workspace_url(tenant_uuid, REGISTER)), "sales-back")


class DocumentPage:
    def __init__(self, online: OnlineServices, workspace: Workspace, doc: SalesDocument) -> None:
        self.sales = online.workspace.sales
        self.online_id = workspace.online_id.id
        self.tenant_uuid = workspace.header.tenant_uuid
        self.doc = doc

    async def build(self) -> None:
        doc, status = self.doc, self.doc.values["status"]
        _back_link(self.tenant_uuid)
        with ui.row().classes("items-center gap-4"):
            title = _(f"sales.title.{status}", number=doc.values["number"] or _("sales.number_pending"))
            tag(ui.label(title).classes("text-2xl"), "sales-title")
            tag(ui.badge(_(f"registers.choice.{status}")), "sales-status")
        if doc.read_only_reason:
            with ui.card().classes("bg-amber-1 w-full max-w-4xl"):
                tag(ui.label(_(doc.read_only_reason)), "sales-read-only")
        elif not doc.editable:
            tag(ui.label(_("sales.read_only.role")).classes("text-grey-7"), "sales-read-only")
        with ui.card().classes("w-full max-w-4xl"):
            with ui.grid(columns=2).classes("w-full gap-x-4"):
                self.inputs = build_inputs(
                    FORM_FIELDS, doc.values, doc.labels, self.options, read_only=not doc.editable
                )
            for name, widget in self.inputs.items():
                tag(widget, f"sales-{name}")
            self.inputs["contact_uuid"].on_value_change(self._customer_changed)
        self.seen = read_values(self.inputs)
        with ui.card().classes("w-full"):
            self.lines = LinesEditor(
                doc.lines, editable=doc.editable, options=self.options, product=self.product
            )
        with ui.row().classes("gap-2"):
            if doc.editable:
                tag(ui.button(_("action.save"), icon="save", on_click=self.save), "sales-save")
            if doc.may_convert:
                tag(
                    ui.button(_("sales.convert"), icon="swap_horiz", on_click=self.convert).props("outline"),
                    "sales-convert",
                )
        if doc.values.get("order_date"):
            ui.label(_("sales.dated", date=fmt_date(doc.values["order_date"]))).classes("text-grey-7")
        if doc.editable:
            await prefill(self.inputs)
            await self.lines.prefill()

    async def options(self, register: str, search: str) -> list[Option]:
        contact = self.inputs["contact_uuid"].value if register == "contact_persons" else None
        try:
            return await call(
                self.sales.options,
                self.online_id,
                self.tenant_uuid,
                register=register,
                search=search,
                contact_uuid=contact,
            )
        except CallFailed:
            return []

    async def product(self, uuid: str) -> ProductFacts | None:
        try:
            return await call(self.sales.product, self.online_id, self.tenant_uuid, uuid=uuid)
        except CallFailed:
            return None

    async def _customer_changed(self, _event: Any) -> None:
        """Another customer: the contact person is chosen among that customer's persons."""
        person = self.inputs["contact_person_uuid"]
        person.value = None
        await person.search("")

    def _edit(self) -> SalesEdit:
        now = read_values(self.inputs)
        changed = {k: v for k, v in now.items() if v != self.seen[k]}
        if self.doc.uuid is None:
            changed = {
                **{k: v for k, v in now.items() if v not in (None, "")},
                "status": self.doc.values["status"],
            }
        original = {k: self.doc.values.get(k) for k in changed}
        return SalesEdit(
            changes=changed, original=original, seq=self.doc.seq or None, lines=self.lines.edits()
        )

    async def save(self) -> None:
        try:
            uuid = await call(
                self.sales.save, self.online_id, self.tenant_uuid, uuid=self.doc.uuid, edit=self._edit()
            )
        except CallFailed as failed:
            show_field_errors(self.inputs, failed)
            self.lines.show_errors(failed.fields)
            if isinstance(failed.error, EditConflict):
                self._show_conflict(failed.error)
            return
        ui.notify(_("online.saved"), type="positive")
        ui.navigate.to(document_url(self.tenant_uuid, uuid))

    async def convert(self) -> None:
        if self._edit().changes or self._edit().lines:
            ui.notify(_("sales.convert.save_first"), type="warning")
            return
        assert self.doc.uuid is not None
        try:
            await call(self.sales.convert, self.online_id, self.tenant_uuid, uuid=self.doc.uuid)
        except CallFailed:
            return
        ui.notify(_("sales.converted"), type="positive")
        ui.navigate.to(document_url(self.tenant_uuid, self.doc.uuid))

    def _show_conflict(self, conflict: EditConflict) -> None:
        """Nothing was saved: show what the colleague stored next to what this person saw."""
        with ui.dialog() as dialog, ui.card().classes("w-[40rem] max-w-full"):
            tag(ui.label(_("sales.conflict.title")).classes("text-lg"), "sales-conflict")
            ui.label(_("sales.conflict.explain"))
            rows = [
                {"id": i, "field": field, "seen": str(seen), "stored": str(stored)}
                for i, (field, (seen, stored)) in enumerate(sorted(conflict.fields.items()))
            ]
            columns = [
                {"name": "field", "label": _("sales.conflict.field"), "field": "field", "align": "left"},
                {"name": "seen", "label": _("sales.conflict.seen"), "field": "seen", "align": "left"},
                {"name": "stored", "label": _("sales.conflict.stored"), "field": "stored", "align": "left"},
            ]
            ui.table(columns=columns, rows=rows, row_key="id").props("flat dense").classes("w-full")
            with ui.row().classes("justify-end w-full"):
                ui.button(_("action.cancel"), on_click=dialog.close).props("flat")
                target = document_url(self.tenant_uuid, self.doc.uuid or "")
                tag(
                    ui.button(_("sales.conflict.reload"), on_click=lambda: ui.navigate.to(target)),
                    "sales-reload",
                )
        dialog.open()

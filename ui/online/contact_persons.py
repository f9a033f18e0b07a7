"""The contact persons inside a contact's dialog: listed, opened, changed and added online by those
with Full access to contacts (``services.online.workspace.persons``), read by the others.

A save sends only the fields the person changed, with the values they saw; a colleague's newer
value of the same field is refused and shown, never overwritten.
"""

from __future__ import annotations

from nicegui import ui

from services.online.workspace.persons import PersonView, WorkspacePersons
from services.online.workspace.sales_views import EditConflict
from services.records.forms import CONTACT_PERSON_FIELDS
from services.records.views import Option
from ui.components.calls import CallFailed, call, show_field_errors
from ui.components.form import build_inputs, read_values
from ui.i18n import _
from ui.local.registers.common import transient_dialog
from ui.online.frame import tag

COLUMNS = ("last_name", "first_name", "position", "phone", "email")


class PersonsSection:
    def __init__(
        self,
        persons: WorkspacePersons,
        online_id: int,
        tenant_uuid: str,
        contact_uuid: str,
        *,
        can_edit: bool,
    ) -> None:
        self.persons, self.online_id, self.tenant_uuid = persons, online_id, tenant_uuid
        self.contact_uuid, self.can_edit = contact_uuid, can_edit
        self.found: list[PersonView] = []

    async def build(self) -> None:
        with ui.row().classes("items-center gap-2 mt-2"):
            self.title = ui.label().classes("text-base font-medium")
            if self.can_edit:
                add = ui.button(_("sales.persons.add"), icon="person_add", on_click=lambda: self.edit(None))
                tag(add.props("flat dense"), "persons-add")
        columns = [
            {"name": c, "label": _(f.label), "field": c, "align": "left"}
            for c in COLUMNS
            for f in CONTACT_PERSON_FIELDS
            if f.name == c
        ]
        self.table = ui.table(columns=columns, rows=[], row_key="id").props("flat dense").classes("w-full")
        tag(self.table, "online-related-contact_persons")
        self.table.on("rowClick", lambda e: self.edit(self.found[int(e.args[1]["id"])]))
        await self.refresh()

    async def refresh(self) -> None:
        try:
            self.found = await call(
                self.persons.persons, self.online_id, self.tenant_uuid, contact_uuid=self.contact_uuid
            )
        except CallFailed:
            return
        self.title.text = f"{_('online.related.persons')} ({len(self.found)})"
        self.table.rows = [{"id": i, **{c: p.values[c] for c in COLUMNS}} for i, p in enumerate(self.found)]

    async def edit(self, person: PersonView | None) -> None:
        values = dict(person.values) if person else {}
        with transient_dialog() as dialog, ui.card().classes("w-[32rem] max-w-full"):
            ui.label(_("sales.persons.new" if person is None else "sales.persons.edit")).classes("text-lg")
            inputs = build_inputs(CONTACT_PERSON_FIELDS, values, {}, _no_options, read_only=not self.can_edit)
            for name, widget in inputs.items():
                tag(widget, f"person-{name}")
            seen = read_values(inputs)

            async def save() -> None:
                now = read_values(inputs)
                changes = {k: v for k, v in now.items() if person is None or v != seen[k]}
                try:
                    await call(
                        self.persons.save,
                        self.online_id,
                        self.tenant_uuid,
                        contact_uuid=self.contact_uuid,
                        uuid=person.uuid if person else None,
                        changes=changes,
                        original={k: values.get(k) for k in changes},
                        seq=person.seq if person else None,
                    )
                except CallFailed as failed:
                    show_field_errors(inputs, failed)
                    if isinstance(failed.error, EditConflict):
                        for name, (_seen, stored) in failed.error.fields.items():
                            if name in inputs:
                                inputs[name].error = _("sales.persons.changed_meanwhile", value=str(stored))
                    return
                dialog.close()
                ui.notify(_("online.saved"), type="positive")
                await self.refresh()
                dialog.delete()

            with ui.row().classes("justify-end w-full"):
                ui.button(_("action.cancel"), on_click=dialog.dispose).props("flat").mark("cancel")
                if self.can_edit:
                    tag(ui.button(_("action.save"), on_click=save), "person-save")
        dialog.open()


async def _no_options(_register: str, _search: str) -> list[Option]:
    return []

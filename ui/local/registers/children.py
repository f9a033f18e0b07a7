"""The parts of a record on its detail page: contact persons of a contact, lines of an order.

Each part is added and edited in a dialog and deleted after a confirmation; an order's total is
shown under its lines and re-read after every change (the service recomputes it).
"""

from __future__ import annotations

from nicegui import ui

from services.local.registers import CHILDREN, REGISTERS, RegisterRow
from ui.components.calls import CallFailed, call, show_field_errors
from ui.components.display import label_of, show
from ui.components.edits import TrackedForm
from ui.components.form import build_inputs, prefill, read_values
from ui.i18n import _, fmt_money
from ui.local.registers.common import confirm_delete, options_for, transient_dialog
from ui.shell import Shell


class ChildList:
    def __init__(
        self, shell: Shell, company_id: int, parent: str, parent_id: int, *, read_only: bool
    ) -> None:
        self._registers = shell.services.registers
        self._services = shell
        self._company_id, self._parent, self._parent_id = company_id, parent, parent_id
        self._name = CHILDREN[parent]
        self._spec = REGISTERS[self._name]
        self._read_only = read_only

    async def show(self) -> None:
        with ui.card().classes("w-full max-w-5xl"):
            with ui.row().classes("items-center w-full"):
                ui.label(_(f"registers.{self._name}.title")).classes("text-xl")
                ui.space()
                if not self._read_only:
                    ui.button(_("registers.add"), icon="add", on_click=lambda: self._edit(None)).mark(
                        f"add-{self._name}"
                    )
            self._content = ui.column().classes("w-full")
        await self.refresh()

    async def refresh(self) -> None:
        try:
            rows = await call(
                self._registers.list_children,
                self._company_id,
                register=self._name,
                parent_id=self._parent_id,
            )
            parent = await call(
                self._registers.get_row, self._company_id, register=self._parent, row_id=self._parent_id
            )
        except CallFailed:
            return
        self._content.clear()
        with self._content:
            self._grid(rows)
            if "total" in parent.values:
                ui.label(f"{_('registers.field.total')}: {fmt_money(parent.values['total'])}").classes(
                    "text-lg font-medium self-end"
                ).mark("order-total")

    def _grid(self, rows: tuple[RegisterRow, ...]) -> None:
        columns = self._spec.columns
        with ui.grid(columns=len(columns) + 1).classes("w-full gap-y-1 items-center"):
            for name in columns:
                ui.label(label_of(self._spec, name)).classes("font-medium text-grey-8")
            ui.label("")
            for row in rows:
                for name in columns:
                    ui.label(show(self._spec.kind_of(name), row.values.get(name)))
                with ui.row().classes("gap-0 justify-end"):
                    if not self._read_only:
                        ui.button(icon="edit", on_click=lambda r=row: self._edit(r)).props("flat dense").mark(
                            f"edit-{self._name}-{row.id}"
                        )
                        ui.button(icon="delete", on_click=lambda r=row: self._confirm_delete(r)).props(
                            "flat dense color=negative"
                        ).mark(f"delete-{self._name}-{row.id}")
        if not rows:
            ui.label(_("registers.no_rows")).classes("text-grey-7")

    async def _edit(self, row: RegisterRow | None) -> None:
        """Add (row None) or change a part in a dialog."""
        options = options_for(self._services, self._company_id)
        with transient_dialog() as dialog, ui.card().classes("w-[32rem]"):
            what = _(f"registers.{self._name}.one")
            ui.label(_("registers.new_title", what=what) if row is None else what).classes("text-xl")
            inputs = build_inputs(
                self._spec.fields, row.values if row else {}, row.labels if row else {}, options
            )

            tracked = TrackedForm(inputs, self._spec.fields, row.values, row.version) if row else None
            registers, company_id, name = self._registers, self._company_id, self._name

            async def save() -> None:
                if row is not None and tracked is not None:  # only what changed, guarded by the version
                    saved = await tracked.save(
                        lambda edit: registers.save_edit(company_id, register=name, row_id=row.id, edit=edit)
                    )
                    if saved is None:
                        return
                else:
                    try:
                        await call(
                            registers.create_row, company_id, register=name, values=read_values(inputs),
                            parent_id=self._parent_id,
                        )  # fmt: skip
                    except CallFailed as failed:
                        show_field_errors(inputs, failed)
                        return
                dialog.close()
                ui.notify(_("registers.saved"), type="positive")
                await self.refresh()
                dialog.delete()

            with ui.row().classes("justify-end w-full"):
                ui.button(_("action.cancel"), on_click=dialog.dispose).props("flat")
                ui.button(_("action.save"), on_click=save).mark(f"save-{self._name}")
        dialog.open()
        await prefill(inputs)

    def _confirm_delete(self, row: RegisterRow) -> None:
        async def delete() -> None:
            try:
                await call(self._registers.delete_row, self._company_id, register=self._name, row_id=row.id)
            except CallFailed:
                return
            ui.notify(_("registers.deleted"), type="positive")
            await self.refresh()

        confirm_delete(" ".join(str(row.values[c]) for c in self._spec.title if row.values.get(c)), delete)

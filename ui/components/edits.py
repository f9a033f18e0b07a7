"""Forms that save only what the person changed, and the dialog for a colleague's newer value.

Any record form (registers of both sides, sales forms) uses it in three steps::

    inputs = build_inputs(fields, row.values, row.labels, options)
    tracked = TrackedForm(inputs, fields, row.values, row.version)
    ...
    saved = await tracked.save(
        lambda edit: service.save_edit(company_id, register, row.id, edit, by=user),  # -> RegisterRow
        recreate=lambda values: service.create_row(company_id, register, values),     # optional
    )

``save`` sends an ``Edit`` (the changed fields, their loaded values and the version; see
``services.records.edits``) and answers the saved ``RegisterRow``, or None when nothing was saved
(the person was told why; field errors are shown under the inputs). When a colleague changed one
of the same fields, the conflict dialog shows theirs (who and when, where known) and mine:
**Keep theirs** saves the rest and puts their values into the form, **Take mine** saves mine over
theirs, **Edit** leaves the form open with mine typed and theirs as the new starting point (the
next save overwrites it deliberately). A record deleted meanwhile is said so, with **Recreate**.

``tracked.changed_elsewhere(by, values, version)`` shows the non-blocking notice "changed by … —
reload" with the changed fields marked (live screens); Reload puts the newer values in the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from nicegui import ui

from services.records.edits import Edit, EditConflict, RecordDeleted, changed_fields
from services.records.fields import Field
from services.records.views import RegisterRow
from ui.components.attributes import tagged
from ui.components.calls import CallFailed, call, fetch, show_field_errors, told
from ui.components.display import show
from ui.components.form import read_values, set_input
from ui.i18n import _, fmt_datetime

Send = Callable[[Edit], RegisterRow]
Recreate = Callable[[dict[str, Any]], RegisterRow]
THEIRS, MINE, EDIT = "theirs", "mine", "edit"
E = TypeVar("E", bound=ui.element)


class TrackedForm:
    def __init__(
        self, inputs: dict[str, Any], fields: tuple[Field, ...], values: Mapping[str, Any], version: int
    ) -> None:
        self.inputs, self.fields = inputs, {f.name: f for f in fields}
        self.notice = _tag(
            ui.row().classes("w-full items-center gap-2 bg-amber-1 p-2 rounded"), "edits-notice"
        )
        self.notice.move(target_index=0)
        self.notice.set_visibility(False)
        self._loaded(values, version)

    def _loaded(self, values: Mapping[str, Any], version: int) -> None:
        self.values, self.version = dict(values), version
        self.typed = read_values(self.inputs)

    def edit(self) -> Edit:
        """What the person changed since the form was loaded (or last saved)."""
        return Edit.between(self.values, typed=self.typed, now=read_values(self.inputs), version=self.version)

    async def save(self, send: Send, *, recreate: Recreate | None = None) -> RegisterRow | None:
        edit = self.edit()
        while True:
            try:
                saved = await fetch(send, edit)
            except EditConflict as conflict:
                choice = await conflict_dialog(conflict, self.fields)
                if choice == THEIRS:
                    self._take_theirs(conflict)
                    edit = edit.keep_theirs(conflict)
                elif choice == MINE:
                    edit = edit.take_mine(conflict)
                else:
                    self._rebase(conflict)
                    return None
                continue
            except RecordDeleted:
                return await self._deleted(recreate)
            except Exception as exc:
                failed = told(exc, send)
                show_field_errors(self.inputs, failed)
                return None
            show_field_errors(self.inputs, None)
            self._clear_marks()
            self._loaded(saved.values, saved.version)
            return saved

    def changed_elsewhere(self, by: str, values: Mapping[str, Any], version: int) -> None:
        """Someone else saved this record: say so (without blocking) and mark the changed fields."""
        if version == self.version:
            return
        names = changed_fields(self.values, {k: v for k, v in values.items() if k in self.inputs})
        self.notice.clear()
        with self.notice:
            ui.icon("sync_problem", color="amber-9")
            who = by or _("edits.someone")
            _tag(ui.label(_("edits.changed_by", who=who)), "edits-changed-by")

            def reload() -> None:
                mine = read_values(self.inputs)
                for name in self.inputs:
                    if name in values and (name in names or mine.get(name) == self.typed.get(name)):
                        set_input(self.inputs[name], self.fields[name], values[name])
                self._clear_marks()
                self._loaded(values, version)
                self.notice.set_visibility(False)

            _tag(
                ui.button(_("edits.reload"), icon="refresh", on_click=reload).props("flat dense"),
                "edits-reload",
            )
        for name in names:
            self._mark(name, "edits.changed_field")
        self.notice.set_visibility(True)

    def _take_theirs(self, conflict: EditConflict) -> None:
        for c in conflict.conflicts:
            set_input(self.inputs[c.field], self.fields[c.field], c.theirs)
        self.values.update({c.field: c.theirs for c in conflict.conflicts})
        self.typed.update({c.field: self.inputs[c.field].value for c in conflict.conflicts})

    def _rebase(self, conflict: EditConflict) -> None:
        """Edit: mine stay typed, theirs become the starting point of the next save."""
        self.version = conflict.version
        for c in conflict.conflicts:
            self.values[c.field] = c.theirs
            self.typed[c.field] = None  # differs from anything typed: the field counts as changed
            self._mark(c.field, "edits.theirs_hint", theirs=show(self.fields[c.field].kind, c.theirs) or "–")

    def _mark(self, name: str, key: str, **params: Any) -> None:
        widget = self.inputs.get(name)
        if widget is not None:
            widget.classes(add="bg-amber-1")
            widget.props["hint"] = _(key, **params)
            widget.props["data-changed"] = "true"

    def _clear_marks(self) -> None:
        for widget in self.inputs.values():
            if widget.props.get("data-changed"):
                widget.classes(remove="bg-amber-1")
                del widget.props["data-changed"]
                widget.props.pop("hint", None)
                widget.update()

    async def _deleted(self, recreate: Recreate | None) -> RegisterRow | None:
        with ui.dialog() as dialog, _tag(ui.card(), "edits-deleted"):
            ui.label(_("edits.deleted_title")).classes("text-lg")
            ui.label(_("edits.deleted_text"))
            with ui.row().classes("justify-end w-full"):
                _tag(
                    ui.button(_("action.cancel"), on_click=lambda: dialog.submit(False)).props("flat"),
                    "edits-cancel",
                )
                if recreate is not None:
                    _tag(
                        ui.button(_("edits.recreate"), on_click=lambda: dialog.submit(True)), "edits-recreate"
                    )
        dialog.open()
        again = await dialog
        dialog.delete()
        if not again or recreate is None:
            return None
        try:
            saved = await call(recreate, read_values(self.inputs))
        except CallFailed as failed:
            show_field_errors(self.inputs, failed)
            return None
        self._loaded(saved.values, saved.version)
        return saved


def _tag(element: E, name: str) -> E:
    """Marked for the ``user`` fixture and with the same ``data-testid`` for browsers."""
    return tagged(element.mark(name), name)


async def conflict_dialog(conflict: EditConflict, fields: Mapping[str, Field]) -> str:
    """Theirs and mine side by side; answers THEIRS, MINE or EDIT (EDIT also when dismissed)."""
    with (
        ui.dialog().props("persistent") as dialog,
        _tag(ui.card().classes("w-[40rem] max-w-full"), "edits-conflict"),
    ):
        ui.label(_("edits.conflict_title")).classes("text-xl")
        _tag(
            ui.label(who_when(conflict.changed_by, conflict.changed_at)).classes("text-grey-8"),
            "edits-conflict-who",
        )
        columns = [
            {"name": n, "label": _(f"edits.col.{n}"), "field": n, "align": "left"}
            for n in ("field", THEIRS, MINE)
        ]
        rows = []
        for c in conflict.conflicts:
            field = fields[c.field]
            rows.append(
                {
                    "id": c.field,
                    "field": _(field.label),
                    THEIRS: show(field.kind, c.theirs),
                    MINE: show(field.kind, c.mine),
                }
            )
        _tag(
            ui.table(columns=columns, rows=rows, row_key="id").props("flat dense").classes("w-full"),
            "edits-conflict-table",
        )
        with ui.row().classes("justify-end w-full"):
            _tag(ui.button(_("edits.edit"), on_click=lambda: dialog.submit(EDIT)).props("flat"), "edits-edit")
            _tag(
                ui.button(_("edits.keep_theirs"), on_click=lambda: dialog.submit(THEIRS)).props("outline"),
                "edits-keep-theirs",
            )
            _tag(ui.button(_("edits.take_mine"), on_click=lambda: dialog.submit(MINE)), "edits-take-mine")
    dialog.open()
    choice = await dialog
    dialog.delete()
    return str(choice or EDIT)


def who_when(by: str, at: dt.datetime | None) -> str:
    """'Changed by Anna at 01.12.2026, 14:03', as far as known (already translated)."""
    when = fmt_datetime(at.astimezone()) if at is not None else ""
    if by and when:
        return _("edits.by_at", who=by, when=when)
    if by:
        return _("edits.by", who=by)
    if when:
        return _("edits.at", when=when)
    return _("edits.someone_else")

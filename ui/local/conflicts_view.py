"""The conflicts of the last 7 days on View › Sync history: record name, field label, both values
formatted, who changed the online value and when, the resolution; filters by table and record; a
conflict opens in a dialog that can apply the online value after all (a new local change)."""

from __future__ import annotations

from typing import Any, TypeVar

from nicegui import ui

from services.local.conflicts import ConflictEntry, ConflictHistory
from services.records.fields import BOOL
from ui.components.attributes import tagged
from ui.components.calls import CallFailed, call
from ui.components.display import show
from ui.components.paging import translate_pager
from ui.i18n import _, fmt_datetime
from ui.local.registers.common import transient_dialog

E = TypeVar("E", bound=ui.element)
COLUMNS = ("time", "record", "field", "business_value", "online_value", "online_by", "resolution")


class ConflictsView:
    def __init__(self, history: ConflictHistory, company_id: int) -> None:
        self._history, self._company_id = history, company_id
        self._entries: list[ConflictEntry] = []

    async def build(self) -> None:
        with ui.row().classes("items-center gap-4"):
            tables = {"": _("edits.conflicts.all_tables")} | {
                t: _(f"sync.table.{t}")
                for t in ("contacts", "contact_persons", "activities", "sales_orders", "sales_order_lines",
                          "products", "employees")
            }  # fmt: skip
            self._table = _tag(
                ui.select(tables, value="", label=_("edits.conflicts.filter_table"), on_change=self.load),
                "conflicts-table",
            ).classes("w-56")
            everything = {"": _("edits.conflicts.all_records")}
            label = _("edits.conflicts.filter_record")
            self._record = _tag(
                ui.select(everything, value="", label=label, on_change=self.load), "conflicts-record"
            ).classes("w-72")
        self._empty = ui.label(_("sync.history.no_conflicts")).classes("text-grey-8")
        columns = [
            {"name": n, "label": _(f"edits.conflicts.col.{n}"), "field": n, "align": "left"} for n in COLUMNS
        ]
        grid = translate_pager(ui.table(columns=columns, rows=[], row_key="id", pagination=20))
        self._grid = _tag(grid, "sync-conflicts")
        self._grid.classes("w-full cursor-pointer")
        self._grid.on("rowClick", lambda e: self.open(int(e.args[1]["id"])))
        await self.load()

    async def load(self) -> None:
        try:
            self._entries = await call(
                self._history.conflicts,
                self._company_id,
                table=self._table.value or None,
                record=self._record.value or None,
            )
        except CallFailed:
            return
        if not self._record.value:
            records = {"": _("edits.conflicts.all_records")} | {e.uuid: _record(e) for e in self._entries}
            self._record.set_options(records, value="")
        self._grid.rows = [_row(e) for e in self._entries]
        self._empty.set_visibility(not self._entries)
        self._grid.set_visibility(bool(self._entries))

    async def open(self, conflict_id: int) -> None:
        entry = next((e for e in self._entries if e.id == conflict_id), None)
        if entry is None:
            return
        with transient_dialog() as dialog, _tag(ui.card().classes("w-[36rem]"), "conflict-detail"):
            ui.label(_("edits.conflicts.detail_title", record=_record(entry))).classes("text-xl")
            with ui.grid(columns=2).classes("gap-x-6 gap-y-1"):
                for name, value in _row(entry).items():
                    if name in ("id", "record"):
                        continue
                    ui.label(_(f"edits.conflicts.col.{name}")).classes("text-grey-8")
                    _tag(ui.label(str(value)), f"conflict-{name}")
            with ui.row().classes("justify-end w-full"):
                ui.button(_("action.close"), on_click=dialog.close).props("flat")
                if entry.can_apply:

                    async def apply() -> None:
                        try:
                            await call(self._history.apply_online_value, self._company_id, entry.id)
                        except CallFailed:
                            return
                        dialog.close()
                        ui.notify(_("edits.conflicts.applied"), type="positive")
                        await self.load()

                    _tag(ui.button(_("edits.conflicts.apply"), icon="undo", on_click=apply), "conflict-apply")
        dialog.open()


def _tag(element: E, name: str) -> E:
    return tagged(element.mark(name), name)


def _record(e: ConflictEntry) -> str:
    name = e.record or _("edits.conflicts.record_gone")
    return f"{_(f'sync.table.{e.table}')}: {name}"


def _value(e: ConflictEntry, value: Any) -> str:
    if e.kind == BOOL:
        return _("edits.conflicts.yes") if value else _("edits.conflicts.no")
    return show(e.kind, value) or "–"


def _row(e: ConflictEntry) -> dict[str, Any]:
    if e.label:
        field = _(e.label)
    elif e.field == "*":
        field = _("edits.conflicts.whole_record")
    else:
        field = e.field
    by = e.online_by or "–"
    if e.online_at is not None:
        by = f"{by}, {fmt_datetime(e.online_at.astimezone())}"
    resolution = _(f"sync.resolution.{e.resolution}")
    if e.applied_at is not None:
        resolution = _("edits.conflicts.applied_at", time=fmt_datetime(e.applied_at.astimezone()))
    return {
        "id": e.id,
        "time": fmt_datetime(e.created_at.astimezone()),
        "record": _record(e),
        "field": field,
        "business_value": _value(e, e.business_value) if e.label else "–",
        "online_value": _value(e, e.online_value) if e.label else "–",
        "online_by": by,
        "resolution": resolution,
    }

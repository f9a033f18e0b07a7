"""Pages of the company registers: ``/registers/<name>`` (list) and ``/registers/<name>/<id>``.

The company always comes from the user's session, never from the URL, so a link to another
company's record shows the friendly "not found" page.
"""

from __future__ import annotations

from nicegui import ui

from services.errors import NotFound
from services.local.changes import RecordsChanged
from services.local.registers import CHILDREN, REGISTERS, TOP_LEVEL, ListPage, RegisterRow
from services.local.views import SessionView
from ui.components.calls import CallFailed, call, fetch, show_field_errors
from ui.components.display import table_columns, table_row
from ui.components.edits import TrackedForm
from ui.components.form import build_inputs, prefill, read_values
from ui.components.live import Refresher
from ui.components.routes import app_page
from ui.components.table import RegisterTable
from ui.i18n import _, lang
from ui.layout import frame
from ui.local.live import changed_by, watch_company
from ui.local.registers.children import ChildList
from ui.local.registers.common import (
    confirm_delete,
    options_for,
    registers_of,
    show_missing,
    transient_dialog,
)
from ui.session import require_session
from ui.shell import Shell

# After creating one of these the detail page opens, because the record needs its parts next.
OPEN_AFTER_CREATE = ("sales_orders",)


def register(shell: Shell) -> None:
    for name in TOP_LEVEL:
        _list_page(shell, name)
        _detail_page(shell, name)


def _list_page(shell: Shell, name: str) -> None:
    spec = REGISTERS[name]

    @app_page(f"/registers/{name}")
    async def list_page() -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        company_id = session.company_id

        async def fetch(search: str, sort: str, descending: bool, page: int, size: int) -> ListPage:
            return await call(
                registers_of(shell).list_rows, company_id, name, search=search, sort=sort,
                descending=descending, page=page, page_size=size, language=lang(),
            )  # fmt: skip

        with frame(shell, session, _(f"registers.{name}.title")):
            with ui.row().classes("items-center w-full"):
                ui.label(_(f"registers.{name}.title")).classes("text-2xl")
                ui.space()
                new = ui.button(_("action.new"), icon="add").mark("new")
            table = RegisterTable(
                columns=table_columns(spec),
                fetch=fetch,
                to_cells=lambda row: table_row(spec, row),
                on_open=lambda row_id: ui.navigate.to(f"/registers/{name}/{row_id}"),
                sort=spec.default_sort,
            )
            new.on_click(lambda: _new_dialog(shell, session, name, table))
            await table.load()
            # Rows on screen follow every committed change (page, sort and search stay).
            shown = {name, *(lookup.register for lookup in spec.lookups)}
            refresh = Refresher(table.load)
            watch_company(shell, company_id, lambda notice: refresh.poke() if notice.table in shown else None)


async def _new_dialog(shell: Shell, session: SessionView, name: str, table: RegisterTable) -> None:
    """Create a record in a dialog; the list shows it afterwards."""
    spec = REGISTERS[name]
    assert session.company_id is not None
    company_id = session.company_id
    with transient_dialog() as dialog, ui.card().classes("w-[36rem]"):
        ui.label(_("registers.new_title", what=_(f"registers.{name}.one"))).classes("text-xl")
        defaults = registers_of(shell).new_values(name)
        inputs = build_inputs(spec.fields, defaults, {}, options_for(shell, company_id))

        async def save() -> None:
            try:
                row = await call(
                    registers_of(shell).create_row, company_id, register=name, values=read_values(inputs)
                )
            except CallFailed as failed:
                show_field_errors(inputs, failed)
                return
            dialog.close()
            ui.notify(_("registers.saved"), type="positive")
            if name in OPEN_AFTER_CREATE:
                ui.navigate.to(f"/registers/{name}/{row.id}")
            else:
                await table.load()
            dialog.delete()

        with ui.row().classes("justify-end w-full"):
            ui.button(_("action.cancel"), on_click=dialog.dispose).props("flat").mark("cancel")
            ui.button(_("action.save"), on_click=save).mark("save")
    dialog.open()
    await prefill(inputs)


def _detail_page(shell: Shell, name: str) -> None:
    @app_page(f"/registers/{name}/{{row_id}}")
    async def detail_page(row_id: str) -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        company_id = session.company_id
        row = await _find(shell, company_id, name, row_id)
        with frame(shell, session, _(f"registers.{name}.one")):
            if row is None:
                show_missing("registers.not_found", f"/registers/{name}")
                return
            ui.link(_("registers.back_to_list"), f"/registers/{name}").mark("back")
            with ui.row().classes("items-center gap-3"):
                heading = ui.label(heading_text(name, row)).classes("text-2xl")
                if row.read_only:
                    ui.badge(_("registers.read_only_notice"), color="orange").mark("read-only")
            with ui.card().classes("w-full max-w-3xl"):
                tracked = await _record_form(shell, session, name, row, heading)
            children = (
                ChildList(shell, company_id, name, row.id, read_only=row.read_only)
                if name in CHILDREN
                else None
            )
            _follow(shell, company_id, name, row, tracked, children)
            if children is not None:
                await children.show()


async def _record_form(
    shell: Shell, session: SessionView, name: str, row: RegisterRow, heading: ui.label
) -> TrackedForm | None:
    """The record's fields with Save and Delete; a save writes only the fields the person changed
    (a colleague's newer value is never overwritten silently); the heading follows the name."""
    spec = REGISTERS[name]
    assert session.company_id is not None
    company_id, by = session.company_id, user_name(session)
    with ui.grid(columns=2).classes("w-full gap-x-6"):
        inputs = build_inputs(
            spec.fields, row.values, row.labels, options_for(shell, company_id), read_only=row.read_only
        )
    if row.read_only:
        return None
    tracked = TrackedForm(inputs, spec.fields, row.values, row.version)
    shown = {"title": title_of(name, row)}
    service = registers_of(shell)

    async def save() -> None:
        saved = await tracked.save(
            lambda edit: service.save_edit(company_id, register=name, row_id=row.id, edit=edit, by=by),
            recreate=lambda values: service.create_row(company_id, register=name, values=values, by=by),
        )
        if saved is None:
            return
        heading.text, shown["title"] = heading_text(name, saved), title_of(name, saved)
        ui.notify(_("registers.saved"), type="positive")
        if saved.id != row.id:
            ui.navigate.to(f"/registers/{name}/{saved.id}")
        elif saved.read_only:
            ui.navigate.reload()

    async def delete() -> None:
        try:
            await call(registers_of(shell).delete_row, company_id, register=name, row_id=row.id)
        except CallFailed:
            return
        ui.notify(_("registers.deleted"), type="positive")
        ui.navigate.to(f"/registers/{name}")

    with ui.row().classes("w-full justify-end"):
        ui.button(
            _("action.delete"), icon="delete", on_click=lambda: confirm_delete(shown["title"], delete)
        ).props("flat color=negative").mark("delete")
        ui.button(_("action.save"), on_click=save).mark("save")
    return tracked


def _follow(
    shell: Shell,
    company_id: int,
    name: str,
    row: RegisterRow,
    tracked: TrackedForm | None,
    children: ChildList | None,
) -> None:
    """An open record hears of changes by others: the form says who changed what (without
    blocking), the parts list reloads."""
    by = {"who": ""}

    async def reread() -> None:
        if tracked is None:
            return
        try:
            now = await fetch(registers_of(shell).get_row, company_id, register=name, row_id=row.id)
        except NotFound:
            return  # a save says that it was deleted, and offers to create it again
        tracked.changed_elsewhere(by["who"], now.values, now.version)

    form = Refresher(reread)
    parts = Refresher(children.refresh) if children is not None else None

    def heard(notice: RecordsChanged) -> None:
        if notice.table == name and row.uuid in notice.uuids:
            by["who"] = changed_by(notice)
            form.poke()
        elif parts is not None and notice.table == CHILDREN.get(name):
            parts.poke()

    watch_company(shell, company_id, heard)


def user_name(session: SessionView) -> str:
    """How the user is named to colleagues who see their change."""
    return session.user.full_name or session.user.username


async def _find(shell: Shell, company_id: int, name: str, row_id: str) -> RegisterRow | None:
    """The record, or None when it does not exist in the open company."""
    if not row_id.isdigit():
        return None
    try:
        return await fetch(registers_of(shell).get_row, company_id, register=name, row_id=int(row_id))
    except NotFound:
        return None


def heading_text(name: str, row: RegisterRow) -> str:
    return _("registers.edit_title", what=_(f"registers.{name}.one"), title=title_of(name, row))


def title_of(name: str, row: RegisterRow) -> str:
    """How a record is named in headings and questions (for example the contact's name)."""
    return " ".join(str(row.values[c]) for c in REGISTERS[name].title if row.values.get(c))

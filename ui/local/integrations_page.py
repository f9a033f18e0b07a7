"""View › Integrations: third-party integrations of the open company, opened or closed here.

An open integration blocks the initial sync (prerequisite 8); opening one is refused while the
initial sync runs.
"""

from __future__ import annotations

from nicegui import ui

from services.local.integrations import IntegrationService, IntegrationView
from ui.components.calls import CallFailed, call, show_field_errors
from ui.components.routes import app_page
from ui.i18n import _, fmt_datetime
from ui.layout import frame
from ui.session import require_session
from ui.shell import Shell

URL = "/registers/integrations"


def register(shell: Shell) -> None:
    integrations = shell.services.integrations
    assert integrations is not None

    @app_page(URL)
    async def integrations_page() -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        company_id = session.company_id
        with frame(shell, session, _("localapi.integrations.title")):
            ui.label(_("localapi.integrations.title")).classes("text-2xl")
            ui.label(_("localapi.integrations.hint")).classes("text-grey-8")
            box = ui.column().classes("w-full max-w-4xl gap-1")

            async def draw() -> None:
                rows = await call(integrations.list_integrations, company_id)
                box.clear()
                with box:
                    if not rows:
                        ui.label(_("localapi.integrations.none")).classes("text-grey-7")
                    for row in rows:
                        _row(integrations, company_id, row, draw)
                    with ui.row().classes("items-end gap-2"):
                        name = ui.input(_("localapi.integrations.name")).mark("integration-name")

                        async def add() -> None:
                            try:
                                await call(integrations.register_integration, company_id, name.value or "")
                            except CallFailed as failed:
                                show_field_errors({"name": name}, failed)
                                return
                            await draw()

                        ui.button(_("localapi.integrations.register"), icon="add", on_click=add).mark(
                            "integration-register"
                        )

            await draw()


def _row(integrations: IntegrationService, company_id: int, row: IntegrationView, redraw: object) -> None:
    async def toggle() -> None:
        action = integrations.close_integration if row.is_open else integrations.open_integration
        try:
            await call(action, company_id, row.id)
        except CallFailed:
            return
        await redraw()  # type: ignore[operator]

    async def delete() -> None:
        await call(integrations.delete_integration, company_id, row.id)
        await redraw()  # type: ignore[operator]

    with ui.card().classes("w-full").mark(f"integration-{row.name}"):
        with ui.row().classes("items-center gap-3 w-full"):
            ui.icon("extension", size="md")
            ui.label(row.name).classes("text-lg font-medium")
            ui.badge(
                _("localapi.integrations.open") if row.is_open else _("localapi.integrations.closed"),
                color="red" if row.is_open else "green",
            ).mark(f"integration-state-{row.name}")
            if row.opened_at is not None:
                ui.label(_("localapi.integrations.opened_at", time=fmt_datetime(row.opened_at))).classes(
                    "text-sm text-grey-7"
                )
            ui.space()
            ui.button(
                _("localapi.integrations.close") if row.is_open else _("localapi.integrations.start"),
                on_click=toggle,
            ).props("no-caps").mark(f"integration-toggle-{row.name}")
            ui.button(icon="delete", on_click=delete).props("flat dense").tooltip(_("action.delete"))

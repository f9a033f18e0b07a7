"""Disconnect, Reconnect and Change user on the settings page: each asks an Online ID to log in first.

Change user is a reconnect by another Super User of the account, who then stands for the connection.
"""

from __future__ import annotations

from nicegui import ui

from services.local.views import SessionView
from ui.components.attributes import tagged
from ui.components.calls import CallFailed, ask, call, show_field_errors
from ui.i18n import _, lang
from ui.local.online_desktop_links import SETTINGS_URL
from ui.shell import Shell


async def disconnect_dialog(shell: Shell, session: SessionView) -> None:
    await online_id_dialog(shell, session, "disconnect")


async def reconnect_dialog(shell: Shell, session: SessionView) -> None:
    await online_id_dialog(shell, session, "reconnect")


async def change_user_dialog(shell: Shell, session: SessionView) -> None:
    await online_id_dialog(shell, session, "change_user")


async def online_id_dialog(shell: Shell, session: SessionView, action: str) -> None:
    service = shell.services.connect_wizard
    company_id = session.company_id
    if company_id is None:
        return
    status = await call(shell.services.online_settings.connection, company_id)
    # In the page content, not in the row of action buttons (which redraws after every check).
    with ui.context.client.content, ui.dialog() as dialog, ui.card().classes("w-[30rem] max-w-full gap-2"):
        tagged(dialog.mark(f"od-{action}-dialog"), f"od-{action}-dialog")
        ui.label(_(f"wizard.{action}.title")).classes("text-xl font-medium")
        ui.label(_(f"wizard.{action}.text")).classes("text-grey-8")
        proposed = "" if action == "change_user" else status.connected_by or ""
        email = ui.input(_("wizard.id.email"), value=proposed).classes("w-full")
        tagged(email.mark(f"od-{action}-email"), f"od-{action}-email")
        if action == "disconnect":
            email.props("readonly")
        password = ui.input(_("wizard.id.password"), password=True).classes("w-full")
        tagged(password.mark(f"od-{action}-password"), f"od-{action}-password")

        async def confirm() -> None:
            inputs = {"email": email, "password": password}
            try:
                login = await ask(
                    service.log_in(email.value or "", password=password.value or "", language=lang())
                )
            except CallFailed as failed:
                show_field_errors(inputs, failed)
                return
            try:
                if action == "disconnect":
                    await ask(service.disconnect(company_id, login))
                else:
                    await ask(service.reconnect(company_id, login))
            except CallFailed:
                return
            dialog.close()
            ui.notify(_(f"wizard.{action}.done"), type="positive")
            ui.navigate.to(SETTINGS_URL)

        with ui.row().classes("w-full justify-end gap-2"):
            ui.button(_("wizard.cancel"), on_click=dialog.close).props("flat")
            confirm_button = ui.button(_(f"wizard.{action}.confirm"), on_click=confirm)
            confirm_button.props("color=negative" if action == "disconnect" else "color=primary")
            tagged(confirm_button.mark(f"od-{action}-confirm"), f"od-{action}-confirm")
    dialog.open()

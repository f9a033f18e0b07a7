"""Functions › Settings › Company › Registration information (``/settings/company``).

The Online Desktop's company account is created from these details, so they are edited in one
place. Only a Super User may change them; others see them read-only.
"""

from __future__ import annotations

from nicegui import ui

from ui.components.calls import CallFailed, call, show_field_errors
from ui.components.routes import app_page
from ui.i18n import _
from ui.layout import frame
from ui.local.company_pages import REGISTRATION_INPUTS
from ui.session import require_session
from ui.shell import Shell


def register(shell: Shell) -> None:
    companies = shell.services.companies

    @app_page("/settings/company")
    async def registration_page() -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        company_id = session.company_id
        company = await call(companies.get_company, company_id)
        editable = session.user.is_super_user
        with frame(shell, session, _("registers.settings.registration_title")):
            ui.label(_("registers.settings.registration_title")).classes("text-2xl")
            ui.label(_("registers.settings.registration_hint")).classes("text-grey-8")
            if not editable:
                ui.label(_("registers.settings.super_user_only")).classes("text-orange-9")
            with ui.card().classes("w-full max-w-2xl"), ui.grid(columns=2).classes("w-full gap-x-6"):
                inputs = {
                    name: ui.input(_(key), value=getattr(company, name))
                    .mark(f"field-{name}")
                    .classes("w-full")
                    for name, key in REGISTRATION_INPUTS
                }
            for widget in inputs.values():
                widget.set_enabled(editable)

            async def save() -> None:
                values = {name: widget.value or "" for name, widget in inputs.items()}
                try:
                    await call(companies.update_registration, company_id, values)
                except CallFailed as failed:
                    show_field_errors(inputs, failed)
                    return
                show_field_errors(inputs, None)
                ui.notify(_("registers.saved"), type="positive")

            if editable:
                ui.button(_("action.save"), on_click=save).mark("save")

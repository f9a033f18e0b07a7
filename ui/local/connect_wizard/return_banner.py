"""The way back to the connection wizard, on every page a Fix link (or the registration step's
edit link) opened: "Back to the connection wizard", which returns to the step that was left.

A frame hook of the shell: it asks whether the user left the wizard through such a link
(``WizardProgressService.is_fixing``, in a worker thread) and draws the bar above the page's
content. Opening the wizard again ends it.
"""

from __future__ import annotations

from nicegui import ui

from services.local.views import SessionView
from ui.components.attributes import tagged
from ui.components.calls import fetch
from ui.i18n import _
from ui.local.online_desktop_links import WIZARD_URL
from ui.shell import Shell


def wizard_return_banner(shell: Shell, session: SessionView) -> None:
    company_id = session.company_id
    request = ui.context.client.request
    if company_id is None or (request is not None and request.url.path == WIZARD_URL):
        return
    holder = ui.row().classes("w-full px-4 pt-3")
    holder.set_visibility(False)

    async def show() -> None:
        if not await fetch(shell.services.wizard_progress.is_fixing, company_id, session.user.id):
            return
        with holder, ui.card().classes("w-full max-w-4xl bg-blue-1 no-shadow"):
            with ui.row().classes("w-full items-center gap-3"):
                ui.icon("assistant_direction", size="sm").classes("text-blue-9")
                ui.label(_("wizard2.return.text")).classes("grow")
                tagged(
                    ui.button(
                        _("wizard2.return.back"),
                        icon="arrow_back",
                        on_click=lambda: ui.navigate.to(WIZARD_URL),
                    )
                    .props("no-caps")
                    .mark("wizard-return"),
                    "wizard-return",
                )
        holder.set_visibility(True)

    ui.timer(0.05, show, once=True)

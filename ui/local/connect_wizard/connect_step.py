"""Step 2, Connect: which company database connects, from which computer."""

from __future__ import annotations

from nicegui import ui

from ui.i18n import _
from ui.local.connect_wizard.step import WizardStep


class ConnectStep(WizardStep):
    name = "connect"
    title_key = "wizard.step.connect"
    icon = "cloud_sync"
    next_label = "wizard.connect"

    def draw(self) -> None:
        context = self.context
        ui.label(_("wizard.connect.text", company=context.company_name)).classes("max-w-2xl")
        computer = context.shell.services.settings.computer_name
        ui.label(_("wizard.connect.computer", computer=computer)).classes("text-sm text-grey-8")

"""Step 3, Service contract: valid until, user seats and the online modules it includes."""

from __future__ import annotations

from nicegui import ui

from services.licence_keys import ONLINE_DESKTOP
from ui.components.attributes import tagged
from ui.components.calls import call
from ui.components.pairs import pair
from ui.i18n import _, fmt_date, fmt_number
from ui.local.connect_wizard.step import WizardStep


class ServiceStep(WizardStep):
    name = "service"
    title_key = "wizard.step.service"
    icon = "verified"

    def draw(self) -> None:
        ui.label(_("wizard.service.text")).classes("text-grey-8")
        self.contract_box = tagged(ui.column().classes("gap-1").mark("wizard-contract"), "wizard-contract")
        ui.timer(0.05, self._draw_contract, once=True)

    async def _draw_contract(self) -> None:
        licence = await call(self.context.shell.services.licensing.licence)
        addon = licence.addon(ONLINE_DESKTOP) if licence is not None else None
        self.contract_box.clear()
        with self.contract_box:
            if addon is None or addon.contract is None:
                ui.label(_("wizard.service.none"))
                return
            contract = addon.contract
            pair("wizard.service.valid_until", fmt_date(contract.valid_until))
            pair("wizard.service.seats", fmt_number(contract.seats))
            pair("wizard.service.modules", ", ".join(_(f"licensing.module.{m}") for m in contract.modules))

"""Step 5, Registration information: the company account's data from the company settings,
read-only with a link to edit it; missing fields block Next."""

from __future__ import annotations

from nicegui import ui

from ui.components.attributes import tagged
from ui.components.calls import call
from ui.i18n import _
from ui.local.connect_wizard.step import WizardStep

COMPANY_SETTINGS_URL = "/settings/company"


class RegistrationStep(WizardStep):
    name = "registration"
    title_key = "wizard.step.registration"
    icon = "business"

    def draw(self) -> None:
        ui.label(_("wizard.reg.text")).classes("text-grey-8")
        self.registration_box = tagged(
            ui.column().classes("gap-1").mark("wizard-registration"), "wizard-registration"
        )
        with ui.row().classes("gap-2"):
            tagged(
                ui.button(_("wizard.reg.edit"), icon="edit", on_click=self._edit)
                .props("flat no-caps")
                .mark("wizard-reg-edit"),
                "wizard-reg-edit",
            )
            tagged(
                ui.button(_("wizard.reg.recheck"), icon="refresh", on_click=self.check)
                .props("flat no-caps")
                .mark("wizard-reg-recheck"),
                "wizard-reg-recheck",
            )
        ui.timer(0.05, self.check, once=True)

    async def _edit(self) -> None:
        """Editing the company settings is a Fix link too: the way back is offered there."""
        await self.context.save(fixing=True)
        ui.navigate.to(COMPANY_SETTINGS_URL)

    async def may_leave(self) -> bool:
        return await self.check()

    async def check(self) -> bool:
        summary = await call(self.context.service.registration, self.context.company_id)
        self.registration_box.clear()
        with self.registration_box:
            with ui.grid(columns=2).classes("gap-x-6 gap-y-1"):
                for field, value in summary.values.items():
                    ui.label(_(summary.labels[field])).classes("text-grey-7")
                    tagged(
                        ui.label(value or "–")
                        .classes("" if value else "text-red-8")
                        .mark(f"wizard-reg-{field}"),
                        f"wizard-reg-{field}",
                    )
            if not summary.complete:
                missing = ", ".join(_(summary.labels[f]) for f in summary.missing)
                tagged(
                    ui.label(_("wizard.reg.missing", fields=missing))
                    .classes("text-red-8")
                    .mark("wizard-reg-missing"),
                    "wizard-reg-missing",
                )
        self.state.registration_complete = summary.complete
        return summary.complete

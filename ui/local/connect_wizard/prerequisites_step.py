"""Step 1, Prerequisites: **Connect** runs the check; the eleven conditions appear as the coloured
list, and when all are met the wizard goes on to step 2 by itself (as in the original: tile →
Connect → the system checks → Connect → Next). A red row's Fix link leaves the wizard; every
page then offers the way back, and the check runs again on return."""

from __future__ import annotations

from nicegui import ui

from ui.i18n import _
from ui.local.connect_wizard.step import WizardStep
from ui.local.prerequisite_list import PrerequisiteList


class PrerequisitesStep(WizardStep):
    name = "prerequisites"
    title_key = "wizard.step.prerequisites"
    icon = "checklist"
    next_label = "wizard.connect"

    def draw(self) -> None:
        ui.label(_("wizard2.prereq.intro")).classes("text-grey-8 max-w-2xl")
        context = self.context
        self.checks = PrerequisiteList(
            context.shell, context.session, context.company_id, on_fix=self._fix
        ).mark("wizard-prerequisites")
        self.checked = self.restored.get("checked") == "1"
        self.checks.set_visibility(self.checked)
        if self.checked:  # back from a Fix link: show where things stand now
            ui.timer(0.05, self._check, once=True)

    async def _check(self) -> bool:
        self.checks.set_visibility(True)
        await self.checks.check()
        self.state.report = self.checks.report
        if not self.checked:
            self.checked = True
            await self.context.save()
        return self.state.report is not None and self.state.report.ok

    async def _fix(self, _link: str) -> None:
        await self.context.save(fixing=True)

    async def may_leave(self) -> bool:
        if not await self._check():
            ui.notify(_("wizard.prereq.blocked"), type="warning")
            return False
        return True

    def entered_values(self) -> dict[str, str]:
        return {"checked": "1"} if self.checked else {}

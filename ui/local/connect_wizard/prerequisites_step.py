"""Step 1, Prerequisites: the eleven conditions as the coloured list; Next only when all are met."""

from __future__ import annotations

from nicegui import ui

from services.local.prerequisites import PrerequisiteReport
from ui.i18n import _
from ui.local.connect_wizard.step import WizardStep
from ui.local.prerequisite_list import PrerequisiteList


class PrerequisitesStep(WizardStep):
    name = "prerequisites"
    title_key = "wizard.step.prerequisites"
    icon = "checklist"
    next_enabled = False

    def draw(self) -> None:
        ui.label(_("wizard.prereq.hint")).classes("text-grey-8")
        context = self.context
        checks = PrerequisiteList(
            context.shell, context.session, context.company_id, on_checked=self._checked
        )
        ui.timer(0.05, checks.check, once=True)

    def _checked(self, report: PrerequisiteReport | None) -> None:
        self.state.report = report
        self.context.enable_next(self.name, report is not None and report.ok)

    async def may_leave(self) -> bool:
        if self.state.report is None or not self.state.report.ok:
            ui.notify(_("wizard.prereq.blocked"), type="warning")
            return False
        return True

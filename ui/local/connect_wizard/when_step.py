"""Step 6, Synchronisation: now, or at a date and time in the future (stored, survives a restart)."""

from __future__ import annotations

import datetime as dt

from nicegui import ui

from ui.components.attributes import tagged
from ui.components.calls import CallFailed, call, show_field_errors
from ui.components.pickers import date_input, time_input
from ui.i18n import _
from ui.local.connect_wizard.step import WizardStep, local_zone


class WhenStep(WizardStep):
    name = "when"
    title_key = "wizard.step.when"
    icon = "schedule"

    def draw(self) -> None:
        ui.label(_("wizard.when.text")).classes("text-grey-8 max-w-2xl")
        restored = self.restored
        choices = {"now": _("wizard.when.now"), "later": _("wizard.when.later")}
        when = restored.get("when") if restored.get("when") in choices else "now"
        self.when = tagged(
            ui.radio(choices, value=when, on_change=self._keep).mark("wizard-when"), "wizard-when"
        )
        proposed = self.context.service.proposed_start()
        with (
            ui.row()
            .classes("gap-4 no-wrap w-[26rem]")
            .bind_visibility_from(self.when, "value", value="later")
        ):
            day = restored.get("date") or proposed.date().isoformat()
            self.date = tagged(
                date_input(_("wizard.when.date"), day).classes("w-48").mark("wizard-date"), "wizard-date"
            )
            hour = restored.get("time") or proposed.strftime("%H:%M")
            self.time = tagged(
                time_input(_("wizard.when.time"), hour).classes("w-40").mark("wizard-time"), "wizard-time"
            )
        self.date.on("blur", self._keep)
        self.time.on("blur", self._keep)
        ui.label(_("wizard.when.hint")).classes("text-sm text-grey-8 max-w-2xl")

    async def _keep(self) -> None:
        await self.context.save()

    def entered_values(self) -> dict[str, str]:
        return {
            "when": str(self.when.value or "now"),
            "date": str(self.date.value or ""),
            "time": str(self.time.value or ""),
        }

    async def still_holds(self) -> bool:
        """Back at step 7 after a reload: the chosen time must still lie ahead."""
        return await self.may_leave()

    async def may_leave(self) -> bool:
        inputs = {"run_at": self.date}
        if self.when.value == "now":
            self.state.run_at = None
            show_field_errors(inputs, None)
            return True
        try:
            day = dt.date.fromisoformat(self.date.value or "")
            clock = dt.time.fromisoformat(self.time.value or "")
        except ValueError:
            self.date.error = _("validation.date")
            return False
        wanted = dt.datetime.combine(day, clock, tzinfo=local_zone())
        try:
            self.state.run_at = await call(self.context.service.check_start, wanted)
        except CallFailed as failed:
            show_field_errors(inputs, failed)
            return False
        show_field_errors(inputs, None)
        return True

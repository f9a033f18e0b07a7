"""The connection wizard (Verbindungsassistent): the seven steps in one stepper, with Back, Next
and Cancel. Each step is its own component (``*_step.py``); this module strings them together
and keeps where the person stands in the database (``services.local.wizard_progress``), so the
page is drawn again at the same step, with the same values, after a reload or a Fix link."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from services.local.views import SessionView
from services.local.wizard_progress import WIZARD_STEPS, WizardProgress
from ui.components.attributes import tagged
from ui.components.calls import call, fetch
from ui.i18n import _
from ui.local.connect_wizard.connect_step import ConnectStep
from ui.local.connect_wizard.online_id_step import OnlineIdStep
from ui.local.connect_wizard.prerequisites_step import PrerequisitesStep
from ui.local.connect_wizard.registration_step import RegistrationStep
from ui.local.connect_wizard.run_step import RunStep
from ui.local.connect_wizard.service_step import ServiceStep
from ui.local.connect_wizard.step import WizardContext, WizardStep
from ui.local.connect_wizard.when_step import WhenStep
from ui.local.online_desktop_links import SETTINGS_URL
from ui.shell import Shell

STEP_TYPES: tuple[type[WizardStep], ...] = (
    PrerequisitesStep,
    ConnectStep,
    ServiceStep,
    OnlineIdStep,
    RegistrationStep,
    WhenStep,
    RunStep,
)
STEPS = tuple(step.name for step in STEP_TYPES)
assert STEPS == WIZARD_STEPS, "the wizard's steps are the ones its progress is kept for"


class ConnectWizard:
    def __init__(
        self,
        shell: Shell,
        session: SessionView,
        company_id: int,
        company_name: str,
        progress: WizardProgress,
    ) -> None:
        self.context = WizardContext(
            shell=shell, session=session, company_id=company_id, company_name=company_name
        )
        self.context.state.login = progress.login
        self.context.enable_next, self.context.save, self.context.go_to = self._enable, self._save, self.go_to
        self.steps = [step_type(self.context) for step_type in STEP_TYPES]
        self.next_buttons: dict[str, ui.button] = {}
        for step in self.steps:
            step.restore(progress.entered)
        with ui.stepper(value=STEPS[0]).props("vertical animated").classes("w-full max-w-4xl") as stepper:
            self.stepper = stepper
            for step in self.steps:
                with ui.step(step.name, title=_(step.title_key), icon=step.icon):
                    step.draw()
                    self._navigation(step)
        self._saved_step = progress.step
        ui.timer(0.05, self._return, once=True)

    async def _return(self) -> None:
        """Show the step the person left, unless an earlier one no longer holds (a login ended,
        a chosen time passed): then that one."""
        target = self._step(self._saved_step)
        for step in self.steps[: self.steps.index(target)]:
            if not await step.still_holds():
                target = step
                break
        target.entered()
        self.stepper.value = target.name

    def _navigation(self, step: WizardStep) -> None:
        with ui.stepper_navigation():
            if step.next_label is None:
                step.main_button()
            else:
                button = tagged(
                    ui.button(_(step.next_label), on_click=lambda s=step: self._next(s)).mark(
                        f"wizard-next-{step.name}"
                    ),
                    f"wizard-next-{step.name}",
                )
                button.set_enabled(step.next_allowed())
                self.next_buttons[step.name] = button
            if step.name != STEPS[0]:
                tagged(
                    ui.button(_("wizard.back"), on_click=self._back)
                    .props("flat")
                    .mark(f"wizard-back-{step.name}"),
                    f"wizard-back-{step.name}",
                )
            tagged(
                ui.button(_("wizard.cancel"), on_click=self._cancel)
                .props("flat color=grey")
                .mark(f"wizard-cancel-{step.name}"),
                f"wizard-cancel-{step.name}",
            )

    def _enable(self, step: str, enabled: bool) -> None:
        if step in self.next_buttons:  # not yet when a step draws its restored state
            self.next_buttons[step].set_enabled(enabled)

    def _step(self, name: str) -> WizardStep:
        return next((s for s in self.steps if s.name == name), self.steps[0])

    async def _next(self, step: WizardStep) -> None:
        if not await step.may_leave():
            return
        await self.go_to(self.steps[self.steps.index(step) + 1].name)

    async def go_to(self, name: str) -> None:
        step = self._step(name)
        step.entered()
        self.stepper.value = step.name
        await self._save()

    async def _back(self) -> None:
        """The step before the shown one (set on the server, so it is the same for every view)."""
        index = STEPS.index(self.stepper.value)
        self.stepper.value = STEPS[max(0, index - 1)]
        await self._save()

    async def _save(self, **options: Any) -> None:
        """Keep the shown step and every value entered so far (``fixing=True``: a Fix link)."""
        entered: dict[str, str] = {}
        for step in self.steps:
            entered.update(step.entered_values())
        context = self.context
        await call(
            context.progress.save,
            context.company_id,
            user_id=context.user_id,
            step=str(self.stepper.value),
            entered=entered,
            fixing=bool(options.get("fixing", False)),
        )

    async def _cancel(self) -> None:
        await fetch(self.context.progress.cancel, self.context.company_id, self.context.user_id)
        ui.navigate.to(SETTINGS_URL)

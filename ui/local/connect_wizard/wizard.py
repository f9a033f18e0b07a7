"""The connection wizard (Verbindungsassistent): the seven steps in one stepper, with Back, Next
and Cancel. Each step is its own component (``*_step.py``); this module only strings them together."""

from __future__ import annotations

from nicegui import ui

from services.local.views import SessionView
from ui.components.attributes import tagged
from ui.i18n import _
from ui.local.connect_wizard.connect_step import ConnectStep
from ui.local.connect_wizard.online_id_step import OnlineIdStep
from ui.local.connect_wizard.prerequisites_step import PrerequisitesStep
from ui.local.connect_wizard.registration_step import RegistrationStep
from ui.local.connect_wizard.run_step import RunStep
from ui.local.connect_wizard.service_step import ServiceStep
from ui.local.connect_wizard.step import WizardContext, WizardStep
from ui.local.connect_wizard.when_step import WhenStep
from ui.local.online_desktop_page import SETTINGS_URL
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


class ConnectWizard:
    def __init__(self, shell: Shell, session: SessionView, company_id: int, company_name: str) -> None:
        self.context = WizardContext(
            shell=shell, session=session, company_id=company_id, company_name=company_name
        )
        self.context.enable_next = self._enable
        self.steps = [step_type(self.context) for step_type in STEP_TYPES]
        self.next_buttons: dict[str, ui.button] = {}
        with ui.stepper(value=STEPS[0]).props("vertical animated").classes("w-full max-w-4xl") as stepper:
            self.stepper = stepper
            for step in self.steps:
                with ui.step(step.name, title=_(step.title_key), icon=step.icon):
                    step.draw()
                    self._navigation(step)

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
                button.set_enabled(step.next_enabled)
                self.next_buttons[step.name] = button
            if step.name != STEPS[0]:
                tagged(
                    ui.button(_("wizard.back"), on_click=self._back)
                    .props("flat")
                    .mark(f"wizard-back-{step.name}"),
                    f"wizard-back-{step.name}",
                )
            tagged(
                ui.button(_("wizard.cancel"), on_click=lambda: ui.navigate.to(SETTINGS_URL))
                .props("flat color=grey")
                .mark(f"wizard-cancel-{step.name}"),
                f"wizard-cancel-{step.name}",
            )

    def _enable(self, step: str, enabled: bool) -> None:
        self.next_buttons[step].set_enabled(enabled)

    async def _next(self, step: WizardStep) -> None:
        if not await step.may_leave():
            return
        following = self.steps[self.steps.index(step) + 1]
        following.entered()
        self.stepper.value = following.name

    def _back(self) -> None:
        """The step before the shown one (set on the server, so it is the same for every view)."""
        index = STEPS.index(self.stepper.value)
        self.stepper.value = STEPS[max(0, index - 1)]

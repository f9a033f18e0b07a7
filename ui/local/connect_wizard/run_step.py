"""Step 7, Run: a summary, then the company account and the connection are created and the
initial synchronisation starts or is scheduled; the status window confirms it."""

from __future__ import annotations

from nicegui import ui

from services.local.connect_wizard import OnlineLoginExpired
from ui.components.attributes import tagged
from ui.components.calls import CallFailed, ask, fetch
from ui.components.pairs import pair
from ui.i18n import _, fmt_datetime
from ui.local.connect_wizard.step import WizardContext, WizardStep
from ui.local.status_window import StatusWindow


class RunStep(WizardStep):
    name = "run"
    title_key = "wizard.step.run"
    icon = "play_arrow"
    next_label = None

    def __init__(self, context: WizardContext) -> None:
        super().__init__(context)
        self.status_dialog = tagged(ui.dialog().props("persistent").mark("wizard-status"), "wizard-status")

    def draw(self) -> None:
        ui.label(_("wizard.run.text")).classes("text-grey-8")
        self.summary = tagged(ui.column().classes("gap-1").mark("wizard-summary"), "wizard-summary")

    def main_button(self) -> None:
        self.run_button = tagged(
            ui.button(_("wizard.run"), icon="play_arrow", on_click=self._run).mark("wizard-run"), "wizard-run"
        )

    def entered(self) -> None:
        self.summary.clear()
        start = _("wizard.run.start_now") if self.state.run_at is None else fmt_datetime(self.state.run_at)
        with self.summary:
            pair("wizard.run.company", self.context.company_name)
            pair("wizard.run.online_id", self.state.login.email if self.state.login else "–")
            pair("wizard.run.start", start)

    async def _run(self) -> None:
        if self.state.login is None:
            ui.notify(_("wizard.id.required"), type="warning")
            return
        context = self.context
        self.run_button.disable()
        self.run_button.props("loading")
        try:
            result = await ask(
                context.service.run(
                    context.company_id,
                    user_id=context.session.user.id,
                    session_token=context.session.token,
                    login=self.state.login,
                    run_at=self.state.run_at,
                )
            )
        except CallFailed as failed:
            self.run_button.enable()
            self.run_button.props(remove="loading")
            if isinstance(failed.error, OnlineLoginExpired):
                self.state.login = None
                await context.go_to("online_id")
            return
        self.run_button.props(remove="loading")
        self.state.result = result
        # "Open Online Desktop" in the status window uses this login: no second password prompt.
        await fetch(context.shell.services.focus.adopt_login, context.session.token, self.state.login)
        StatusWindow(context.shell, self.status_dialog, context.company_id, result.company).open()

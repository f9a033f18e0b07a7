"""The connection wizard (Verbindungsassistent), PRODUCT.md S9–S15: seven steps with Back/Next/Cancel.

1 Prerequisites (the coloured list; Next only when all are met) · 2 Connect · 3 Service contract ·
4 Online ID (log in, or create one by e-mail link, with the spam hint and "send again") ·
5 Registration information (read-only; missing fields block Next) · 6 Now or a date and time ·
7 Run, then the status window (company, Online ID, time, rows synchronised).

Opened from the desktop tile "Connect to Online Desktop", the Connect action of the settings page
and the focus area. The work is in ``services.local.connect_wizard``; this module only draws and asks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nicegui import ui

from services.local.connect_wizard import ConnectResult, ConnectWizardService, OnlineLogin
from services.local.licensing.keys import ONLINE_DESKTOP
from services.local.prerequisites import PrerequisiteReport
from services.local.views import SessionView
from ui.components.attributes import tagged
from ui.components.calls import CallFailed, ask, call, show_field_errors
from ui.i18n import _, fmt_date, fmt_datetime, fmt_number, lang
from ui.layout import frame
from ui.local.online_desktop_page import SETTINGS_URL, WIZARD_URL, inactive_notice
from ui.local.prerequisite_list import PrerequisiteList
from ui.session import require_session
from ui.shell import Shell

STEPS = ("prerequisites", "connect", "service", "online_id", "registration", "when", "run")
STATUS_POLL_SECONDS = 1.0


@dataclass
class WizardState:
    report: PrerequisiteReport | None = None
    login: OnlineLogin | None = None
    registration_complete: bool = False
    run_at: dt.datetime | None = None  # None: now
    result: ConnectResult | None = None


def local_zone() -> dt.tzinfo:
    """Dates and times are typed in this computer's time zone (Business Software runs here)."""
    zone = dt.datetime.now().astimezone().tzinfo
    return zone if zone is not None else dt.UTC


class ConnectWizard:
    def __init__(self, shell: Shell, session: SessionView, company_id: int, company_name: str) -> None:
        self.shell, self.session, self.company_id = shell, session, company_id
        self.services = shell.services
        self.company_name = company_name
        self.service: ConnectWizardService = shell.services.connect_wizard
        self.state = WizardState()
        self.next_buttons: dict[str, ui.button] = {}
        with ui.stepper(value=STEPS[0]).props("vertical animated").classes("w-full max-w-4xl") as stepper:
            self.stepper = stepper
            self._prerequisites_step()
            self._connect_step()
            self._service_step()
            self._online_id_step()
            self._registration_step()
            self._when_step()
            self._run_step()
        self.status_dialog = tagged(ui.dialog().props("persistent").mark("wizard-status"), "wizard-status")

    # --- navigation -------------------------------------------------------------------------------

    def _navigation(self, step: str, *, next_label: str = "wizard.next", enabled: bool = True) -> None:
        with ui.stepper_navigation():
            if step != "run":
                button = tagged(
                    ui.button(_(next_label), on_click=lambda s=step: self._next(s)).mark(
                        f"wizard-next-{step}"
                    ),
                    f"wizard-next-{step}",
                )
                button.set_enabled(enabled)
                self.next_buttons[step] = button
            if step != STEPS[0]:
                tagged(
                    ui.button(_("wizard.back"), on_click=self._back)
                    .props("flat")
                    .mark(f"wizard-back-{step}"),
                    f"wizard-back-{step}",
                )
            tagged(
                ui.button(_("wizard.cancel"), on_click=lambda: ui.navigate.to(SETTINGS_URL))
                .props("flat color=grey")
                .mark(f"wizard-cancel-{step}"),
                f"wizard-cancel-{step}",
            )

    def _enable(self, step: str, enabled: bool) -> None:
        self.next_buttons[step].set_enabled(enabled)

    async def _next(self, step: str) -> None:
        if step == "prerequisites" and (self.state.report is None or not self.state.report.ok):
            ui.notify(_("wizard.prereq.blocked"), type="warning")
            return
        if step == "online_id" and self.state.login is None:
            ui.notify(_("wizard.id.required"), type="warning")
            return
        if step == "registration" and not await self._check_registration():
            return
        if step == "when" and not await self._check_when():
            return
        if step == "when":
            self._draw_summary()
        self.stepper.value = STEPS[STEPS.index(step) + 1]

    def _back(self) -> None:
        """The step before the shown one (set on the server, so it is the same for every view)."""
        index = STEPS.index(self.stepper.value)
        self.stepper.value = STEPS[max(0, index - 1)]

    # --- 1 prerequisites --------------------------------------------------------------------------

    def _prerequisites_step(self) -> None:
        with ui.step("prerequisites", title=_("wizard.step.prerequisites"), icon="checklist"):
            ui.label(_("wizard.prereq.hint")).classes("text-grey-8")
            checks = PrerequisiteList(self.shell, self.session, self.company_id, on_checked=self._checked)
            ui.timer(0.05, checks.check, once=True)
            self._navigation("prerequisites", enabled=False)

    def _checked(self, report: PrerequisiteReport | None) -> None:
        self.state.report = report
        self._enable("prerequisites", report is not None and report.ok)

    # --- 2 connect --------------------------------------------------------------------------------

    def _connect_step(self) -> None:
        with ui.step("connect", title=_("wizard.step.connect"), icon="cloud_sync"):
            ui.label(_("wizard.connect.text", company=self.company_name)).classes("max-w-2xl")
            ui.label(_("wizard.connect.computer", computer=self.services.settings.computer_name)).classes(
                "text-sm text-grey-8"
            )
            self._navigation("connect", next_label="wizard.connect")

    # --- 3 service contract -----------------------------------------------------------------------

    def _service_step(self) -> None:
        with ui.step("service", title=_("wizard.step.service"), icon="verified"):
            ui.label(_("wizard.service.text")).classes("text-grey-8")
            self.contract_box = tagged(
                ui.column().classes("gap-1").mark("wizard-contract"), "wizard-contract"
            )
            ui.timer(0.05, self._draw_contract, once=True)
            self._navigation("service")

    async def _draw_contract(self) -> None:
        licence = await call(self.services.licensing.licence)
        addon = licence.addon(ONLINE_DESKTOP) if licence is not None else None
        self.contract_box.clear()
        with self.contract_box:
            if addon is None or addon.contract is None:
                ui.label(_("wizard.service.none"))
                return
            contract = addon.contract
            _pair("wizard.service.valid_until", fmt_date(contract.valid_until))
            _pair("wizard.service.seats", fmt_number(contract.seats))
            _pair("wizard.service.modules", ", ".join(_(f"licensing.module.{m}") for m in contract.modules))

    # --- 4 Online ID ------------------------------------------------------------------------------

    def _online_id_step(self) -> None:
        with ui.step("online_id", title=_("wizard.step.online_id"), icon="badge"):
            ui.label(_("wizard.id.text")).classes("text-grey-8")
            self.logged_in = ui.row().classes("items-center gap-2")
            with ui.tabs().props("dense no-caps align=left") as tabs:
                tagged(ui.tab("have", _("wizard.id.have")).mark("wizard-id-have"), "wizard-id-have")
                tagged(ui.tab("create", _("wizard.id.create")).mark("wizard-id-create"), "wizard-id-create")
            self.id_tabs = tabs
            with ui.tab_panels(tabs, value="have").classes("w-full max-w-xl"):
                with ui.tab_panel("have").classes("gap-2"):
                    self.email = tagged(
                        ui.input(_("wizard.id.email")).classes("w-full").mark("wizard-email"), "wizard-email"
                    )
                    self.password = tagged(
                        ui.input(_("wizard.id.password"), password=True, password_toggle_button=True)
                        .classes("w-full")
                        .mark("wizard-password"),
                        "wizard-password",
                    )
                    self.password.on("keydown.enter", self._log_in)
                    tagged(
                        ui.button(_("wizard.id.log_in"), icon="login", on_click=self._log_in).mark(
                            "wizard-log-in"
                        ),
                        "wizard-log-in",
                    )
                with ui.tab_panel("create").classes("gap-2"):
                    self.new_email = tagged(
                        ui.input(_("wizard.id.email")).classes("w-full").mark("wizard-new-email"),
                        "wizard-new-email",
                    )
                    tagged(
                        ui.button(_("wizard.id.send_link"), icon="mail", on_click=self._sign_up).mark(
                            "wizard-send-link"
                        ),
                        "wizard-send-link",
                    )
                    self.sent = ui.column().classes("gap-1")
            ui.timer(0.05, self._propose_email, once=True)
            self._navigation("online_id", enabled=False)

    async def _propose_email(self) -> None:
        proposed = await call(self.service.proposed_online_id, self.session.user.id)
        if proposed and not self.email.value:
            self.email.value = proposed
        if proposed and not self.new_email.value:
            self.new_email.value = proposed

    async def _log_in(self) -> None:
        inputs = {"email": self.email, "password": self.password}
        try:
            login = await ask(self.service.log_in(self.email.value or "", self.password.value or "", lang()))
        except CallFailed as failed:
            show_field_errors(inputs, failed)
            return
        show_field_errors(inputs, None)
        self.password.value = ""
        self.state.login = login
        self.logged_in.clear()
        with self.logged_in:
            ui.icon("check_circle", color="green")
            tagged(
                ui.label(_("wizard.id.logged_in", email=login.email)).mark("wizard-logged-in"),
                "wizard-logged-in",
            )
        self._enable("online_id", True)

    async def _sign_up(self) -> None:
        address = (self.new_email.value or "").strip()
        try:
            await ask(self.service.sign_up(address, lang()))
        except CallFailed as failed:
            show_field_errors({"email": self.new_email}, failed)
            return
        show_field_errors({"email": self.new_email}, None)
        self.email.value = address
        self.sent.clear()
        with self.sent:
            tagged(ui.label(_("wizard.id.sent", email=address)).mark("wizard-sent"), "wizard-sent")
            tagged(
                ui.label(_("wizard.id.spam")).classes("text-sm text-amber-10").mark("wizard-spam-hint"),
                "wizard-spam-hint",
            )
            tagged(
                ui.button(_("wizard.id.send_again"), icon="forward_to_inbox", on_click=self._resend)
                .props("flat")
                .mark("wizard-send-again"),
                "wizard-send-again",
            )

    async def _resend(self) -> None:
        try:
            await ask(self.service.resend((self.new_email.value or "").strip(), lang()))
        except CallFailed:
            return
        ui.notify(_("wizard.id.sent_again"), type="positive")

    # --- 5 registration information ---------------------------------------------------------------

    def _registration_step(self) -> None:
        with ui.step("registration", title=_("wizard.step.registration"), icon="business"):
            ui.label(_("wizard.reg.text")).classes("text-grey-8")
            self.registration_box = tagged(
                ui.column().classes("gap-1").mark("wizard-registration"), "wizard-registration"
            )
            with ui.row().classes("gap-2"):
                tagged(
                    ui.button(
                        _("wizard.reg.edit"),
                        icon="edit",
                        on_click=lambda: ui.navigate.to("/settings/company"),
                    )
                    .props("flat no-caps")
                    .mark("wizard-reg-edit"),
                    "wizard-reg-edit",
                )
                tagged(
                    ui.button(_("wizard.reg.recheck"), icon="refresh", on_click=self._check_registration)
                    .props("flat no-caps")
                    .mark("wizard-reg-recheck"),
                    "wizard-reg-recheck",
                )
            ui.timer(0.05, self._check_registration, once=True)
            self._navigation("registration")

    async def _check_registration(self) -> bool:
        summary = await call(self.service.registration, self.company_id)
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

    # --- 6 when -----------------------------------------------------------------------------------

    def _when_step(self) -> None:
        with ui.step("when", title=_("wizard.step.when"), icon="schedule"):
            ui.label(_("wizard.when.text")).classes("text-grey-8 max-w-2xl")
            self.when = tagged(
                ui.radio({"now": _("wizard.when.now"), "later": _("wizard.when.later")}, value="now").mark(
                    "wizard-when"
                ),
                "wizard-when",
            )
            proposed = self.service.proposed_start()
            with ui.row().classes("gap-4").bind_visibility_from(self.when, "value", value="later"):
                self.date = tagged(
                    ui.input(_("wizard.when.date"), value=proposed.date().isoformat())
                    .props("type=date")
                    .mark("wizard-date"),
                    "wizard-date",
                )
                self.time = tagged(
                    ui.input(_("wizard.when.time"), value=proposed.strftime("%H:%M"))
                    .props("type=time")
                    .mark("wizard-time"),
                    "wizard-time",
                )
            ui.label(_("wizard.when.hint")).classes("text-sm text-grey-8 max-w-2xl")
            self._navigation("when")

    async def _check_when(self) -> bool:
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
            self.state.run_at = await call(self.service.check_start, wanted)
        except CallFailed as failed:
            show_field_errors(inputs, failed)
            return False
        show_field_errors(inputs, None)
        return True

    # --- 7 run ------------------------------------------------------------------------------------

    def _run_step(self) -> None:
        with ui.step("run", title=_("wizard.step.run"), icon="play_arrow"):
            ui.label(_("wizard.run.text")).classes("text-grey-8")
            self.summary = tagged(ui.column().classes("gap-1").mark("wizard-summary"), "wizard-summary")
            with ui.stepper_navigation():
                self.run_button = tagged(
                    ui.button(_("wizard.run"), icon="play_arrow", on_click=self._run).mark("wizard-run"),
                    "wizard-run",
                )
                tagged(
                    ui.button(_("wizard.back"), on_click=self._back).props("flat").mark("wizard-back-run"),
                    "wizard-back-run",
                )
                tagged(
                    ui.button(_("wizard.cancel"), on_click=lambda: ui.navigate.to(SETTINGS_URL))
                    .props("flat color=grey")
                    .mark("wizard-cancel-run"),
                    "wizard-cancel-run",
                )

    def _draw_summary(self) -> None:
        self.summary.clear()
        start = _("wizard.run.start_now") if self.state.run_at is None else fmt_datetime(self.state.run_at)
        with self.summary:
            _pair("wizard.run.company", self.company_name)
            _pair("wizard.run.online_id", self.state.login.email if self.state.login else "–")
            _pair("wizard.run.start", start)

    async def _run(self) -> None:
        if self.state.login is None:
            ui.notify(_("wizard.id.required"), type="warning")
            return
        self.run_button.disable()
        self.run_button.props("loading")
        try:
            result = await ask(
                self.service.run(
                    self.company_id,
                    user_id=self.session.user.id,
                    session_token=self.session.token,
                    login=self.state.login,
                    run_at=self.state.run_at,
                )
            )
        except CallFailed:
            self.run_button.enable()
            self.run_button.props(remove="loading")
            return
        self.run_button.props(remove="loading")
        self.state.result = result
        StatusWindow(self.shell, self.status_dialog, self.company_id, result).open()


class StatusWindow:
    """The status window (Statusfenster): the connection, and the initial sync's rows as they go."""

    def __init__(self, shell: Shell, dialog: ui.dialog, company_id: int, result: ConnectResult) -> None:
        self.status, self.dialog, self.company_id, self.result = (
            shell.services.sync_status,
            dialog,
            company_id,
            result,
        )
        self.connected_at = dt.datetime.now(dt.UTC)

    def open(self) -> None:
        self.dialog.clear()
        with self.dialog, ui.card().classes("w-[32rem] max-w-full gap-2"):
            ui.label(_("wizard.status.title")).classes("text-xl font-medium")
            with ui.row().classes("items-center gap-2"):
                ui.icon("check_circle", color="green", size="md")
                tagged(
                    ui.label(_("wizard.status.connected")).mark("wizard-status-connected"),
                    "wizard-status-connected",
                )
            _pair("wizard.run.company", self.result.company)
            _pair("wizard.run.online_id", self.result.online_id)
            _pair("wizard.status.time", fmt_datetime(self.connected_at))
            self.progress = tagged(
                ui.column().classes("gap-1 w-full").mark("wizard-status-progress"), "wizard-status-progress"
            )
            with ui.row().classes("w-full justify-end"):
                tagged(
                    ui.button(_("wizard.close"), on_click=lambda: ui.navigate.to(SETTINGS_URL)).mark(
                        "wizard-status-close"
                    ),
                    "wizard-status-close",
                )
        ui.timer(STATUS_POLL_SECONDS, self.refresh)
        ui.timer(0.05, self.refresh, once=True)
        self.dialog.open()

    async def refresh(self) -> None:
        overview = await call(self.status.overview, self.company_id)
        runs = await call(self.status.runs, self.company_id, 10)
        initial = next((r for r in runs if r.kind == "initial"), None)
        self.progress.clear()
        with self.progress:
            if overview.initial_status == "done" and initial is not None:
                _pair("wizard.status.rows", fmt_number(initial.rows_up), marker="wizard-status-rows")
                tagged(
                    ui.label(_("wizard.status.done")).classes("text-green-9").mark("wizard-status-done"),
                    "wizard-status-done",
                )
            elif initial is not None and initial.status not in ("ok", "running"):
                _pair("wizard.status.rows", fmt_number(initial.rows_up), marker="wizard-status-rows")
                ui.label(_("wizard.status.failed", error=initial.error or initial.status)).classes(
                    "text-amber-10"
                )
            elif overview.schedule is not None and overview.schedule.run_at > dt.datetime.now(dt.UTC):
                tagged(
                    ui.label(_("wizard.status.scheduled", time=fmt_datetime(overview.schedule.run_at))).mark(
                        "wizard-status-scheduled"
                    ),
                    "wizard-status-scheduled",
                )
            else:
                tagged(
                    ui.label(_("wizard.status.waiting")).mark("wizard-status-waiting"),
                    "wizard-status-waiting",
                )


def _pair(label_key: str, value: str, *, marker: str | None = None) -> None:
    with ui.row().classes("gap-3 items-baseline"):
        ui.label(_(label_key)).classes("text-grey-7 w-48")
        shown = ui.label(value).classes("font-medium")
        if marker:
            tagged(shown.mark(marker), marker)


def _open_wizard(_services: Shell, _session: SessionView) -> None:
    ui.navigate.to(WIZARD_URL)


async def _disconnect_dialog(shell: Shell, session: SessionView) -> None:
    await _online_id_dialog(shell, session, "disconnect")


async def _reconnect_dialog(shell: Shell, session: SessionView) -> None:
    await _online_id_dialog(shell, session, "reconnect")


async def _change_user_dialog(shell: Shell, session: SessionView) -> None:
    await _online_id_dialog(shell, session, "change_user")


async def _online_id_dialog(shell: Shell, session: SessionView, action: str) -> None:
    """Disconnect, Reconnect or Change user: each needs an Online ID to log in first. Change user
    is a reconnect by another Super User of the account, who then stands for the connection."""
    service = shell.services.connect_wizard
    company_id = session.company_id
    if company_id is None:
        return
    status = await call(shell.services.online_settings.connection, company_id)
    # In the page content, not in the row of action buttons (which redraws after every check).
    with ui.context.client.content, ui.dialog() as dialog, ui.card().classes("w-[30rem] max-w-full gap-2"):
        tagged(dialog.mark(f"od-{action}-dialog"), f"od-{action}-dialog")
        ui.label(_(f"wizard.{action}.title")).classes("text-xl font-medium")
        ui.label(_(f"wizard.{action}.text")).classes("text-grey-8")
        proposed = "" if action == "change_user" else status.connected_by or ""
        email = ui.input(_("wizard.id.email"), value=proposed).classes("w-full")
        tagged(email.mark(f"od-{action}-email"), f"od-{action}-email")
        if action == "disconnect":
            email.props("readonly")
        password = ui.input(_("wizard.id.password"), password=True).classes("w-full")
        tagged(password.mark(f"od-{action}-password"), f"od-{action}-password")

        async def confirm() -> None:
            inputs = {"email": email, "password": password}
            try:
                login = await ask(service.log_in(email.value or "", password.value or "", lang()))
            except CallFailed as failed:
                show_field_errors(inputs, failed)
                return
            try:
                if action == "disconnect":
                    await ask(service.disconnect(company_id, login))
                else:
                    await ask(service.reconnect(company_id, login))
            except CallFailed:
                return
            dialog.close()
            ui.notify(_(f"wizard.{action}.done"), type="positive")
            ui.navigate.to(SETTINGS_URL)

        with ui.row().classes("w-full justify-end gap-2"):
            ui.button(_("wizard.cancel"), on_click=dialog.close).props("flat")
            confirm_button = ui.button(_(f"wizard.{action}.confirm"), on_click=confirm)
            confirm_button.props("color=negative" if action == "disconnect" else "color=primary")
            tagged(confirm_button.mark(f"od-{action}-confirm"), f"od-{action}-confirm")
    dialog.open()


def register(shell: Shell) -> None:
    shell.handle("connect", _open_wizard)
    shell.handle("reconnect", _reconnect_dialog)
    shell.handle("disconnect", _disconnect_dialog)
    shell.handle("change_user", _change_user_dialog)

    @ui.page(WIZARD_URL)
    async def connect_wizard_page() -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        companies = shell.services.companies
        company = await call(companies.get_company, session.company_id)
        with frame(shell, session, _("wizard.title")):
            ui.label(_("wizard.title")).classes("text-2xl")
            if not inactive_notice(shell, session):
                return
            ConnectWizard(shell, session, session.company_id, company.name)

"""Step 4, Online ID: log in with an existing one, or create one by e-mail link.

The Online ID is not the Business Software login. Creating one mails a link to set the password
(with the spam-folder hint and "Send again"); the person then logs in here.
"""

from __future__ import annotations

from nicegui import ui

from ui.components.attributes import tagged
from ui.components.calls import CallFailed, ask, call, show_field_errors
from ui.i18n import _, lang
from ui.local.connect_wizard.step import WizardStep


class OnlineIdStep(WizardStep):
    name = "online_id"
    title_key = "wizard.step.online_id"
    icon = "badge"
    next_enabled = False

    def draw(self) -> None:
        ui.label(_("wizard.id.text")).classes("text-grey-8")
        self.logged_in = ui.row().classes("items-center gap-2")
        self.sent_to = self.restored.get("link_sent", "")
        with ui.tabs(on_change=self._tab_changed).props("dense no-caps align=left") as tabs:
            tagged(ui.tab("have", _("wizard.id.have")).mark("wizard-id-have"), "wizard-id-have")
            tagged(ui.tab("create", _("wizard.id.create")).mark("wizard-id-create"), "wizard-id-create")
        self.id_tabs = tabs
        tab = self.restored.get("id_tab")
        with ui.tab_panels(tabs, value=tab if tab in ("have", "create") else "have").classes(
            "w-full max-w-xl"
        ):
            with ui.tab_panel("have").classes("gap-2"):
                self._login_form()
            with ui.tab_panel("create").classes("gap-2"):
                self._create_form()
        if self.state.login is not None:
            self._show_logged_in()
        if self.sent_to:
            self._show_sent(self.sent_to)
        ui.timer(0.05, self._propose_email, once=True)

    def entered_values(self) -> dict[str, str]:
        return {
            "id_tab": str(self.id_tabs.value or "have"),
            "email": str(self.email.value or ""),
            "new_email": str(self.new_email.value or ""),
            "link_sent": self.sent_to,
        }

    def next_allowed(self) -> bool:
        return self.state.login is not None

    async def still_holds(self) -> bool:
        return self.state.login is not None

    async def _tab_changed(self) -> None:
        await self.context.save()

    def _login_form(self) -> None:
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
            ui.button(_("wizard.id.log_in"), icon="login", on_click=self._log_in).mark("wizard-log-in"),
            "wizard-log-in",
        )

    def _create_form(self) -> None:
        self.new_email = tagged(
            ui.input(_("wizard.id.email"), value=self.restored.get("new_email", ""))
            .classes("w-full")
            .mark("wizard-new-email"),
            "wizard-new-email",
        )
        self.new_email.on("blur", self._keep)
        tagged(
            ui.button(_("wizard.id.send_link"), icon="mail", on_click=self._sign_up).mark("wizard-send-link"),
            "wizard-send-link",
        )
        self.sent = ui.column().classes("gap-1")

    async def may_leave(self) -> bool:
        if self.state.login is None:
            ui.notify(_("wizard.id.required"), type="warning")
            return False
        return True

    async def _keep(self) -> None:
        await self.context.save()

    async def _propose_email(self) -> None:
        proposed = await call(self.context.service.proposed_online_id, self.context.session.user.id)
        if proposed and not self.email.value:
            self.email.value = proposed
        if proposed and not self.new_email.value:
            self.new_email.value = proposed

    async def _log_in(self) -> None:
        inputs = {"email": self.email, "password": self.password}
        try:
            login = await ask(
                self.context.service.log_in(
                    self.email.value or "", password=self.password.value or "", language=lang()
                )
            )
        except CallFailed as failed:
            show_field_errors(inputs, failed)
            return
        show_field_errors(inputs, None)
        self.password.value = ""
        self.state.login = login
        context = self.context
        await call(context.progress.keep_login, context.company_id, user_id=context.user_id, login=login)
        await context.save()
        self._show_logged_in()

    def _show_logged_in(self) -> None:
        login = self.state.login
        self.logged_in.clear()
        if login is None:
            self.context.enable_next(self.name, False)
            return
        with self.logged_in:
            ui.icon("check_circle", color="green")
            tagged(
                ui.label(_("wizard.id.logged_in", email=login.email)).mark("wizard-logged-in"),
                "wizard-logged-in",
            )
        self.context.enable_next(self.name, True)

    def login_expired(self) -> None:
        """The Online Desktop ended the login (Run said so): log in again here."""
        self.state.login = None
        self._show_logged_in()

    async def _sign_up(self) -> None:
        address = (self.new_email.value or "").strip()
        try:
            await ask(self.context.service.sign_up(address, lang()))
        except CallFailed as failed:
            show_field_errors({"email": self.new_email}, failed)
            return
        show_field_errors({"email": self.new_email}, None)
        self.email.value = address
        self.sent_to = address
        self._show_sent(address)
        await self.context.save()

    def _show_sent(self, address: str) -> None:
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
            await ask(self.context.service.resend((self.new_email.value or "").strip(), lang()))
        except CallFailed:
            return
        ui.notify(_("wizard.id.sent_again"), type="positive")

"""Online ID pages without a link token: sign-up, "check your e-mail", login, forgot password,
change password. The pages behind e-mail links are in ``ui.id.link_pages``."""

from __future__ import annotations

from nicegui import app, ui

from services.container import OnlineServices
from services.online.identity import IdentityService
from services.redirects import safe_next
from ui.components.calls import CallFailed, call, show_field_errors
from ui.components.routes import app_page
from ui.i18n import _, lang
from ui.id.frame import form_card, online_frame, spam_hint
from ui.id.session import ONLINE_TOKEN_KEY, require_online_id

SENT_TO_KEY = "id_sent_to"  # the address the last link went to, for "check your e-mail"
FLASH_KEY = "id_flash"  # a message key the login page shows once (after activation or reset)


def register(online: OnlineServices) -> None:
    identity = online.identity
    mailbox = online.settings.mailbox_on

    @app_page("/id/")
    @app_page("/id")
    def sign_up_page() -> None:
        client = ui.context.client.ip or ""
        with online_frame(_("id.sign_up.title")), form_card(_("id.sign_up.title"), _("id.sign_up.hint")):
            email = _email_input()
            button = ui.button(_("id.sign_up.submit"), on_click=lambda: submit()).mark("sign-up")
            button.classes("w-full")
            with ui.row().classes("text-sm gap-1"):
                ui.label(_("id.sign_up.have_id"))
                ui.link(_("id.login.link"), "/id/login").mark("to-login")

        async def submit() -> None:
            await _send_and_announce(identity.sign_up, email, client)

    @app_page("/id/check-email")
    def check_email_page() -> None:
        client = ui.context.client.ip or ""
        address = app.storage.user.get(SENT_TO_KEY)
        with online_frame(_("id.check_email.title")), form_card(_("id.check_email.title")):
            if isinstance(address, str) and address:
                ui.label(_("id.check_email.sent_to", email=address)).mark("sent-to")
            else:
                ui.label(_("id.check_email.sent"))
            ui.label(_("id.check_email.next_step"))
            spam_hint()
            with ui.row().classes("gap-2"):
                if isinstance(address, str) and address:
                    ui.button(_("id.check_email.send_again"), on_click=lambda: resend(address)).props(
                        "outline"
                    ).mark("send-again")
                ui.button(_("id.login.link"), on_click=lambda: ui.navigate.to("/id/login")).props("flat")
            if mailbox:
                ui.link(_("mail.open_mailbox"), "/mail").classes("text-sm").mark("to-mailbox")

        async def resend(address: str) -> None:
            try:
                await call(identity.resend_verification, address, lang(), client_address=client)
            except CallFailed:
                return
            ui.notify(_("id.check_email.sent_again"), type="positive")

    @app_page("/id/login")
    def login_page(next: str = "") -> None:
        _login_form(identity, safe_next(next, "/online"))

    @app_page("/id/forgot")
    def forgot_page() -> None:
        client = ui.context.client.ip or ""
        with online_frame(_("id.forgot.title")), form_card(_("id.forgot.title"), _("id.forgot.hint")):
            email = _email_input()
            ui.button(_("id.forgot.submit"), on_click=lambda: submit()).mark("send-reset").classes("w-full")
            ui.link(_("id.login.link"), "/id/login").classes("text-sm")

        async def submit() -> None:
            await _send_and_announce(identity.request_password_reset, email, client)

    @app_page("/id/password")
    async def change_password_page() -> None:
        online_id = await require_online_id(identity, "/id/password")
        if online_id is None:
            return
        _change_password_form(identity, online_id.email)


async def _send_and_announce(action: object, email: ui.input, client: str) -> None:
    """Ask for a link to be mailed, then show "check your e-mail" (the same whatever the address)."""
    address = (email.value or "").strip()
    try:
        await call(action, address, lang(), client_address=client)  # type: ignore[arg-type]
    except CallFailed as failed:
        show_field_errors({"email": email}, failed)
        return
    app.storage.user[SENT_TO_KEY] = address.lower()
    ui.navigate.to("/id/check-email")


def _email_input(value: str = "") -> ui.input:
    field = ui.input(_("id.email"), value=value).props("type=email autocomplete=email autofocus")
    return field.mark("email").classes("w-full")


def _password_input(label_key: str, mark: str, *, autocomplete: str = "new-password") -> ui.input:
    field = ui.input(_(label_key), password=True, password_toggle_button=True)
    field.props["autocomplete"] = autocomplete
    return field.mark(mark).classes("w-full")


def _login_form(identity: IdentityService, target: str) -> None:
    flash = app.storage.user.pop(FLASH_KEY, None)
    with online_frame(_("id.login.title")), form_card(_("id.login.title"), _("id.login.hint")):
        if isinstance(flash, str):
            ui.label(_(flash)).classes("text-positive").mark("flash")
        email = _email_input(str(app.storage.user.get(SENT_TO_KEY) or ""))
        password = _password_input("id.password", "password", autocomplete="current-password")
        button = ui.button(_("id.login.submit"), on_click=lambda: submit()).mark("login").classes("w-full")
        password.on("keydown.enter", lambda: submit())
        with ui.row().classes("w-full justify-between text-sm"):
            ui.link(_("id.forgot.link"), "/id/forgot").mark("to-forgot")
            ui.link(_("id.sign_up.link"), "/id/").mark("to-sign-up")
    client_address = ui.context.client.ip

    async def submit() -> None:
        button.disable()
        try:
            result = await call(
                identity.login, email.value or "", password.value or "", client_address=client_address
            )
        except CallFailed:
            password.value = ""
            return
        finally:
            button.enable()
        app.storage.user[ONLINE_TOKEN_KEY] = result.token
        app.storage.user.pop(SENT_TO_KEY, None)
        ui.navigate.to(target)


def _change_password_form(identity: IdentityService, address: str) -> None:
    with online_frame(_("id.change_password.title")), form_card(_("id.change_password.title"), address):
        current = _password_input("id.current_password", "current-password", autocomplete="current-password")
        new = _password_input("id.new_password", "new-password")
        repeat = _password_input("id.repeat_password", "repeat-password")
        ui.button(_("id.change_password.submit"), on_click=lambda: submit()).mark("change-password")
        ui.link(_("action.back"), "/online").classes("text-sm")
    inputs = {"current_password": current, "new_password": new, "repeat": repeat}

    async def submit() -> None:
        if (new.value or "") != (repeat.value or ""):
            repeat.error = _("id.password_mismatch")
            return
        token = app.storage.user.get(ONLINE_TOKEN_KEY) or ""
        try:
            await call(
                identity.change_password,
                token,
                current_password=current.value or "",
                new_password=new.value or "",
            )
        except CallFailed as failed:
            show_field_errors(inputs, failed)
            return
        ui.notify(_("id.change_password.done"), type="positive")
        ui.navigate.to("/online")

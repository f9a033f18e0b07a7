"""The pages e-mail links open: verify (set the first password) and reset (set a new one).

A link that cannot be used (altered, expired, already used, meant for another step) gets a page
that says which, and offers the way forward right there: an address field and "send a new link".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nicegui import app, ui

from services.container import OnlineServices
from services.errors import ServiceError
from services.online.identity import IdentityService, LinkTarget, OnlineIdView
from services.online.tokens import LinkExpired, LinkInvalid, LinkUsed, LinkWrongPurpose
from ui.components.calls import CallFailed, call, fetch, show_field_errors
from ui.components.routes import app_page
from ui.i18n import _, lang
from ui.id.frame import form_card, online_frame, spam_hint
from ui.id.pages import FLASH_KEY, SENT_TO_KEY


@dataclass(frozen=True)
class LinkPage:
    """What differs between the verify and the reset page."""

    purpose: str  # "verify" | "reset"
    title_key: str
    submit_key: str
    done_key: str
    complete: Callable[[str, str], OnlineIdView]
    send_new: Callable[..., None]  # (e-mail, language, *, client_address)


PROBLEM_TITLES = {
    LinkInvalid: "id.link.invalid_title",
    LinkExpired: "id.link.expired_title",
    LinkUsed: "id.link.used_title",
    LinkWrongPurpose: "id.link.wrong_purpose_title",
}


def register(online: OnlineServices) -> None:
    identity = online.identity
    verify = LinkPage(
        purpose="verify",
        title_key="id.verify.title",
        submit_key="id.verify.submit",
        done_key="id.verify.done",
        complete=identity.complete_sign_up,
        send_new=identity.resend_verification,
    )
    reset = LinkPage(
        purpose="reset",
        title_key="id.reset.title",
        submit_key="id.reset.submit",
        done_key="id.reset.done",
        complete=identity.reset_password,
        send_new=identity.request_password_reset,
    )

    @app_page("/id/verify")
    async def verify_page(token: str = "") -> None:
        await _link_page(identity, verify, token)

    @app_page("/id/reset")
    async def reset_page(token: str = "") -> None:
        await _link_page(identity, reset, token)


async def _link_page(identity: IdentityService, page: LinkPage, token: str) -> None:
    try:
        target = await fetch(identity.check_link, page.purpose, token)  # type: ignore[arg-type]
    except ServiceError as problem:
        with online_frame(_(page.title_key)):
            _problem(page, problem)
        return
    assert isinstance(target, LinkTarget)
    with online_frame(_(page.title_key)):
        _password_form(page, token, target.email)


def _password_form(page: LinkPage, token: str, address: str) -> None:
    with form_card(_(page.title_key), _("id.link.for_address", email=address)):
        password = ui.input(_("id.new_password"), password=True, password_toggle_button=True)
        password.props("autocomplete=new-password autofocus").mark("password").classes("w-full")
        repeat = ui.input(_("id.repeat_password"), password=True, password_toggle_button=True)
        repeat.props("autocomplete=new-password").mark("repeat-password").classes("w-full")
        ui.label(_("id.password_rules")).classes("text-xs text-grey-7")
        ui.button(_(page.submit_key), on_click=lambda: submit()).mark("set-password").classes("w-full")

    async def submit() -> None:
        show_field_errors({"password": password, "repeat": repeat}, None)
        if (password.value or "") != (repeat.value or ""):
            repeat.error = _("id.password_mismatch")
            return
        try:
            await call(page.complete, token, password.value or "")
        except CallFailed as failed:
            show_field_errors({"password": password}, failed)
            return
        app.storage.user[FLASH_KEY] = page.done_key
        app.storage.user[SENT_TO_KEY] = address
        ui.navigate.to("/id/login")


def _problem(page: LinkPage, problem: ServiceError) -> None:
    title = PROBLEM_TITLES.get(type(problem), "id.link.invalid_title")
    with form_card(_(title)):
        with ui.row().classes("items-start gap-2 no-wrap"):
            ui.icon("link_off", size="md").classes("text-negative")
            ui.label(_(problem.key, **problem.params)).mark("link-problem")
        if isinstance(problem, LinkUsed) and page.purpose == "verify":
            ui.label(_("id.link.used_verify_hint"))
            ui.link(_("id.login.link"), "/id/login").mark("to-login")
        ui.separator()
        ui.label(_("id.link.send_new_hint")).classes("text-sm")
        email = ui.input(_("id.email")).props("type=email autocomplete=email").mark("email").classes("w-full")
        ui.button(_("id.link.send_new"), on_click=lambda: send()).mark("send-new-link").classes("w-full")
        done = ui.column().classes("gap-1")
    client = ui.context.client.ip or ""

    async def send() -> None:
        try:
            await call(page.send_new, email.value or "", lang(), client_address=client)
        except CallFailed as failed:
            show_field_errors({"email": email}, failed)
            return
        show_field_errors({"email": email}, None)
        done.clear()
        with done:
            ui.label(_("id.link.new_sent", email=(email.value or "").strip())).classes("text-positive")
            spam_hint()

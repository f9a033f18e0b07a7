"""The built-in mailbox at ``/mail``: every e-mail the outbox backend "sent", with clickable links.

It lets one person complete every e-mail flow on one machine. It shows all addresses' mail
(password-reset links included) to anyone who can reach the server, so it is for the embedded
setup only: on by default only for ``--role all`` on a loopback address, off for ``--role online``
and for any other host unless ``MAILBOX_ENABLED=true`` says otherwise (``main.py`` then warns),
and always off with SMTP delivery. The page says what it is: this installation's mail, not sent.
"""

from __future__ import annotations

from nicegui import ui

from services.container import OnlineServices
from services.errors import NotFound
from services.online.mail import MailSummary, MailView
from ui.components.calls import fetch
from ui.components.routes import app_page
from ui.i18n import _, fmt_datetime
from ui.id.frame import online_frame


def register(online: OnlineServices) -> None:
    mail = online.mail
    enabled = online.settings.mailbox_on
    sender = online.settings.mail_from
    disabled_key = "mail.disabled" if online.settings.mail_backend == "smtp" else "mail.disabled_outbox"

    @app_page("/mail")
    async def mailbox_page() -> None:
        with online_frame(_("mail.mailbox")):
            if not enabled:
                _disabled(disabled_key)
                return
            _mail_list(await fetch(mail.list_mail) or [])

    @app_page("/mail/{mail_id}")
    async def mail_page(mail_id: str) -> None:
        with online_frame(_("mail.mailbox")):
            if not enabled:
                _disabled(disabled_key)
                return
            try:
                view = await fetch(mail.get_mail, int(mail_id)) if mail_id.isdigit() else None
            except NotFound:
                view = None
            if view is None:
                _missing()
            else:
                _open_mail(view, sender)


def _disabled(key: str) -> None:
    with ui.card().classes("w-full max-w-2xl"):
        ui.label(_(key)).mark("mailbox-disabled")


def _what_it_is() -> None:
    ui.label(_("mail.what_it_is")).classes("text-sm text-grey-8 px-3").mark("mailbox-what-it-is").props(
        "data-testid=mailbox-what-it-is"
    )


def _missing() -> None:
    with ui.card().classes("w-full max-w-2xl"):
        ui.label(_("mail.not_found")).mark("mail-missing")
        ui.link(f"← {_('mail.back')}", "/mail").classes("text-sm")


def _mail_list(mails: list[MailSummary]) -> None:
    with ui.card().classes("w-full max-w-4xl gap-0 p-0"):
        with ui.row().classes("w-full items-center p-3"):
            ui.label(_("mail.mailbox")).classes("text-xl")
            ui.space()
            ui.button(icon="refresh", on_click=ui.navigate.reload).props("flat round").tooltip(
                _("mail.refresh")
            )
        _what_it_is()
        if not mails:
            ui.label(_("mail.empty")).classes("p-3 text-grey-7").mark("mailbox-empty")
        for item in mails:
            ui.separator()
            with ui.row().classes("w-full items-center gap-4 px-3 py-2 no-wrap"):
                ui.label(fmt_datetime(item.created_at)).classes("text-sm text-grey-7 w-40 shrink-0")
                ui.label(item.to).classes("text-sm w-56 shrink-0 truncate")
                ui.link(item.subject, f"/mail/{item.id}").classes("grow").mark("mail-link")
                if item.status not in ("stored", "sent"):
                    ui.badge(_(f"mail.status.{item.status}"), color="orange")


def _open_mail(view: MailView, sender: str) -> None:
    summary = view.summary
    with ui.card().classes("w-full max-w-4xl gap-2"):
        ui.link(f"← {_('mail.back')}", "/mail").classes("text-sm")
        ui.label(summary.subject).classes("text-xl").mark("mail-subject")
        _what_it_is()
        for label_key, value in (
            ("mail.from", sender),
            ("mail.to", summary.to),
            ("mail.date", fmt_datetime(summary.created_at)),
        ):
            with ui.row().classes("gap-2 text-sm"):
                ui.label(_(label_key)).classes("text-grey-7 w-16")
                ui.label(value)
        with ui.tabs().classes("w-full") as tabs:
            html_tab = ui.tab(_("mail.html_part"))
            text_tab = ui.tab(_("mail.text_part"))
        with ui.tab_panels(tabs, value=html_tab).classes("w-full"):
            with ui.tab_panel(html_tab):
                # Sanitised in the browser (DOMPurify): links stay, scripts and handlers go.
                ui.html(view.html, sanitize=True).classes("w-full").mark("mail-html")
            with ui.tab_panel(text_tab):
                ui.label(view.text).classes("whitespace-pre-wrap font-mono text-sm").mark("mail-text")

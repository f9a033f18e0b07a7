"""The Online Desktop frame for Online ID pages, the mailbox and the landing page.

Not the Business Software frame: no menu bar, the Online Desktop name, the language switch,
and (when logged in) the Online ID with a logout.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from nicegui import ui

from ui.components.language import language_switch
from ui.i18n import _


@contextmanager
def online_frame(
    title: str, *, user_label: str | None = None, on_logout: Callable[[], Awaitable[None]] | None = None
) -> Iterator[None]:
    """Header and a centred content column; pages build inside the ``with`` block."""
    ui.page_title(f"{title} · {_('app.online_desktop')}")
    with ui.header().classes("items-center gap-2 py-1 px-3 bg-indigo-9"):
        ui.link(_("app.online_desktop"), "/online").classes(
            "text-white text-lg font-medium no-underline mr-4"
        )
        ui.space()
        language_switch()
        if user_label is not None:
            with (
                ui.button(user_label, icon="account_circle").props("flat dense no-caps color=white"),
                ui.menu(),
            ):
                ui.menu_item(_("id.change_password.title"), on_click=lambda: ui.navigate.to("/id/password"))
                if on_logout is not None:
                    ui.menu_item(_("id.logout"), on_click=on_logout).mark("online-logout")
    with ui.column().classes("w-full items-center p-4 gap-4"):
        yield


@contextmanager
def form_card(title: str, hint: str | None = None) -> Iterator[None]:
    """The narrow card every Online ID form sits in."""
    with ui.card().classes("w-full max-w-md mt-8 gap-3"):
        ui.label(title).classes("text-xl")
        if hint:
            ui.label(hint).classes("text-sm text-grey-8")
        yield


def spam_hint() -> None:
    """Shown wherever an e-mail was announced (seed: "tip: check the spam folder")."""
    with ui.row().classes("items-start gap-2 no-wrap text-sm text-grey-8"):
        ui.icon("info", size="sm").classes("text-amber-8")
        ui.label(_("id.spam_hint")).mark("spam-hint")

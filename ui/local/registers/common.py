"""Small pieces shared by the register pages: the service, choosers' options, delete confirmation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import context, ui

from services.local.registers import Option, RegisterService
from ui.components.calls import CallFailed, call
from ui.components.form import OptionsFn
from ui.i18n import _
from ui.shell import Shell


def registers_of(shell: Shell) -> RegisterService:
    return shell.services.registers


def options_for(shell: Shell, company_id: int) -> OptionsFn:
    async def options(register: str, text: str) -> list[Option]:
        try:
            return await call(registers_of(shell).options, company_id, register=register, search=text)
        except CallFailed:
            return []

    return options


def show_missing(message_key: str, back: str) -> None:
    """The friendly answer to a missing, deleted or foreign record (inside the normal frame)."""
    with ui.column().classes("w-full items-center mt-16 gap-4").mark("not-found"):
        ui.icon("search_off", size="4rem").classes("text-grey-6")
        ui.label(_("error.not_found_title")).classes("text-2xl")
        ui.label(_(message_key)).classes("text-grey-8")
        ui.link(_("registers.back_to_list"), back)


class TransientDialog(ui.dialog):
    """A dialog built for one use, so that only the open dialog's inputs exist on the page.

    Its handlers close it at once but delete it only as their last step (a deleted dialog can no
    longer show their notifications); one closed otherwise (Escape) goes when the next opens.
    """

    def __init__(self) -> None:
        for element in list(context.client.elements.values()):
            if isinstance(element, TransientDialog) and not element.value and not element.is_deleted:
                element.delete()
        super().__init__()

    def dispose(self) -> None:
        self.close()
        self.delete()


def transient_dialog() -> TransientDialog:
    return TransientDialog()


def confirm_delete(title: str, delete: Callable[[], Awaitable[None]]) -> None:
    """Ask before deleting; only the confirm button deletes."""
    with transient_dialog() as dialog, ui.card():
        ui.label(_("registers.delete_confirm", title=title))

        async def confirmed() -> None:
            dialog.close()
            await delete()
            dialog.delete()

        with ui.row().classes("justify-end w-full"):
            ui.button(_("action.cancel"), on_click=dialog.dispose).props("flat")
            ui.button(_("action.delete"), on_click=confirmed).props("color=negative").mark("confirm-delete")
    dialog.open()

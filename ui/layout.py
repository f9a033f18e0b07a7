"""The Business Software frame: header with menu bar (File, View, Functions, Help), language, user."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from nicegui import ui

from services.local.views import SessionView
from ui.components.calls import fetch
from ui.components.language import language_switch
from ui.i18n import _
from ui.session import log_out
from ui.shell import MenuItem, Shell


def menu_for(shell: Shell, session: SessionView) -> dict[str, list[MenuItem]]:
    """The four menus with every area's entries; submenus of the same name are merged."""
    menus: dict[str, list[MenuItem]] = {
        "menu.file": [],
        "menu.view": [],
        "menu.functions": [],
        "menu.help": [],
    }
    for builder in shell.menus:
        for name, items in builder(shell, session).items():
            menus[name] = merge_items(menus.get(name, []), items)
    return menus


def merge_items(existing: list[MenuItem], added: list[MenuItem]) -> list[MenuItem]:
    """Append entries; an entry with children joins a same-named submenu (Functions › Settings › ...)."""
    result = list(existing)
    for item in added:
        index = next(
            (
                i
                for i, old in enumerate(result)
                if item.children and old.children and old.label_key == item.label_key
            ),
            None,
        )
        if index is None:
            result.append(item)
        else:
            old = result[index]
            result[index] = MenuItem(
                old.label_key, children=tuple(merge_items(list(old.children), list(item.children)))
            )
    return result


def _render_items(items: list[MenuItem] | tuple[MenuItem, ...]) -> None:
    for item in items:
        if item.children:
            with (
                ui.menu_item(_(item.label_key), auto_close=False)
                .props("data-testid=submenu")
                .mark(item.label_key)
            ):
                with ui.item_section().props("side"):
                    ui.icon("keyboard_arrow_right")
                with ui.menu().props('anchor="top end" self="top start"'):
                    _render_items(item.children)
        elif item.action is None:
            entry = ui.menu_item(_(item.label_key)).props("disable").mark(item.label_key)
            if item.disabled_reason_key:
                entry.tooltip(_(item.disabled_reason_key))
        else:
            # The label key is the entry's marker, so tests can walk a menu path (texts sit in a child).
            ui.menu_item(_(item.label_key), on_click=item.action).mark(item.label_key)


@contextmanager
def frame(shell: Shell, session: SessionView | None, title: str) -> Iterator[None]:
    """Header, menu bar and a content column; pages build inside the ``with`` block."""
    ui.page_title(f"{title} · {_('app.business_software')}")
    with ui.header().classes("items-center gap-2 py-1 px-3 bg-blue-grey-9"):
        ui.link(_("app.business_software"), "/").classes("text-white text-lg font-medium no-underline mr-4")
        if session is not None:
            for name, items in menu_for(shell, session).items():
                with ui.button(_(name)).props("flat dense no-caps color=white").mark(name), ui.menu():
                    if items:
                        _render_items(items)
                    else:
                        ui.menu_item(_("menu.empty")).props("disable")
        ui.space()
        language_switch(None if session is None else _saver(shell, session))
        if session is not None:
            _user_button(shell, session)
    if session is not None:
        for hook in shell.frame_hooks:
            hook(shell, session)
    with ui.column().classes("w-full p-4 gap-4"):
        yield


def _saver(shell: Shell, session: SessionView) -> Callable[[str], Awaitable[None]]:
    """Keep a logged-in user's language with the user, so it follows them to the next login."""

    async def save(language: str) -> None:
        await fetch(shell.services.auth.set_language, session.user.id, language)

    return save


def _user_button(shell: Shell, session: SessionView) -> None:
    async def logout() -> None:
        await log_out(shell, session.token)

    with (
        ui.button(session.user.full_name or session.user.username, icon="person").props(
            "flat dense no-caps color=white"
        ),
        ui.menu(),
    ):
        ui.menu_item(_("auth.logout"), on_click=logout).mark("logout")

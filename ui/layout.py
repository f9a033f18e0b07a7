"""The Business Software frame: header with menu bar (File, View, Functions, Help), language, user."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from nicegui import run, ui

from services.container import Services
from services.local.views import SessionView
from ui.i18n import _, lang, set_lang
from ui.session import log_out


@dataclass(frozen=True)
class MenuItem:
    """One entry of a menu; an entry without action is shown disabled with its reason as tooltip."""

    label_key: str
    action: Callable[[], object] | None = None
    disabled_reason_key: str | None = None
    children: tuple[MenuItem, ...] = ()


MenuBuilder = Callable[[Services, SessionView], dict[str, list[MenuItem]]]
FrameHook = Callable[[Services, SessionView], None]
# Areas add elements that every Business Software page carries (e.g. the initial-sync window).
FRAME_HOOKS: list[FrameHook] = []
# Areas of the application add entries to the four menus here (see ui.local.pages).
MENU_BUILDERS: list[MenuBuilder] = []


def menu_for(services: Services, session: SessionView) -> dict[str, list[MenuItem]]:
    """The four menus with every area's entries; submenus of the same name are merged."""
    menus: dict[str, list[MenuItem]] = {
        "menu.file": [],
        "menu.view": [],
        "menu.functions": [],
        "menu.help": [],
    }
    for builder in MENU_BUILDERS:
        for name, items in builder(services, session).items():
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


def language_switch(services: Services | None = None, session: SessionView | None = None) -> None:
    """DE/EN toggle; a logged-in user's choice is stored with the user, so it follows them."""

    async def switch(value: str) -> None:
        set_lang(value)
        if session is not None and services is not None and services.local_auth is not None:
            await run.io_bound(services.local_auth.set_language, session.user.id, lang())
        ui.navigate.reload()

    ui.toggle({"de": "DE", "en": "EN"}, value=lang(), on_change=lambda e: switch(e.value)).props(
        "dense flat toggle-color=white text-color=grey-4 data-testid=language"
    ).mark("language")


@contextmanager
def frame(services: Services, session: SessionView | None, title: str) -> Iterator[None]:
    """Header, menu bar and a content column; pages build inside the ``with`` block."""
    ui.page_title(f"{title} · {_('app.business_software')}")
    with ui.header().classes("items-center gap-2 py-1 px-3 bg-blue-grey-9"):
        ui.link(_("app.business_software"), "/").classes("text-white text-lg font-medium no-underline mr-4")
        if session is not None:
            for name, items in menu_for(services, session).items():
                with ui.button(_(name)).props("flat dense no-caps color=white").mark(name), ui.menu():
                    if items:
                        _render_items(items)
                    else:
                        ui.menu_item(_("menu.empty")).props("disable")
        ui.space()
        language_switch(services, session)
        if session is not None:
            _user_button(services, session)
    if session is not None:
        for hook in FRAME_HOOKS:
            hook(services, session)
    with ui.column().classes("w-full p-4 gap-4"):
        yield


def _user_button(services: Services, session: SessionView) -> None:
    async def logout() -> None:
        await log_out(services, session.token)

    with (
        ui.button(session.user.full_name or session.user.username, icon="person").props(
            "flat dense no-caps color=white"
        ),
        ui.menu(),
    ):
        ui.menu_item(_("auth.logout"), on_click=logout).mark("logout")

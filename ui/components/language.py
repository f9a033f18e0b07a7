"""The DE/EN language toggle in the header of both products."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from ui.i18n import lang, set_lang


def language_switch(save: Callable[[str], Awaitable[None]] | None = None) -> None:
    """DE/EN toggle; ``save`` keeps the choice somewhere more lasting than this browser (the user)."""

    async def switch(value: str) -> None:
        set_lang(value)
        if save is not None:
            await save(lang())
        ui.navigate.reload()

    ui.toggle({"de": "DE", "en": "EN"}, value=lang(), on_change=lambda e: switch(e.value)).props(
        "dense flat toggle-color=white text-color=grey-4 data-testid=language"
    ).mark("language")

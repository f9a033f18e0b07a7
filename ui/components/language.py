"""The DE/EN language toggle in the header of both products, and Quasar's own words.

Quasar's components have texts of their own (a table's "Records per page" and "1-2 of 2", a date
picker's month and day names, "Cancel"/"OK"). NiceGUI loads one Quasar language for the whole
application; ``follow_ui_language`` gives each page the pack of the reader's language instead
(``Quasar.lang.set`` reads ``window.uiQuasarLang``, see ``QUASAR_LANG_SET``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import __version__, app, ui

from ui.i18n import lang, set_lang

# The Quasar language pack of each UI language (files shipped with NiceGUI).
QUASAR_PACKS = {"de": "de-DE", "en": "en-GB"}
NICEGUI_DEFAULT = "Quasar.lang.set(Quasar.lang[language.replace('-', '')]);"
QUASAR_LANG_SET = (
    "Quasar.lang.set(Quasar.lang[(window.uiQuasarLang || language).replace('-', '')] || Quasar.lang.enUS);"
)


def use_page_languages() -> None:
    """Once at start-up: Quasar takes the language each page names, not the application's one."""
    script = app.config.vue_config_script
    if QUASAR_LANG_SET not in script:
        assert NICEGUI_DEFAULT in script, "NiceGUI's start script changed: adapt QUASAR_LANG_SET"
        app.config.vue_config_script = script.replace(NICEGUI_DEFAULT, QUASAR_LANG_SET)


def follow_ui_language() -> None:
    """Load the Quasar pack of the reader's language on this page (before the app mounts)."""
    pack = QUASAR_PACKS.get(lang(), QUASAR_PACKS["en"])
    ui.add_body_html(
        '<script defer src="/_nicegui/'
        + __version__
        + "/static/lang/"
        + pack
        + '.umd.prod.js"></script>'
        + '<script>window.uiQuasarLang = "'
        + pack
        + '";</script>'
    )


def language_switch(save: Callable[[str], Awaitable[None]] | None = None) -> None:
    """DE/EN toggle; ``save`` keeps the choice somewhere more lasting than this browser (the user).
    Every page's header has it, so the page's Quasar texts follow the same language here."""
    follow_ui_language()

    async def switch(value: str) -> None:
        set_lang(value)
        if save is not None:
            await save(lang())
        ui.navigate.reload()

    ui.toggle({"de": "DE", "en": "EN"}, value=lang(), on_change=lambda e: switch(e.value)).props(
        "dense flat toggle-color=white text-color=grey-4 data-testid=language"
    ).mark("language")

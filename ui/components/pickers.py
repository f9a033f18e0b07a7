"""Date and time fields with Quasar's pickers, which speak the page's language (the browser's own
``type=date``/``type=time`` fields follow the browser's locale instead: "mm/dd/yyyy", "PM")."""

from __future__ import annotations

from nicegui import ui

from ui.components.attributes import with_props
from ui.i18n import _


def date_input(text: str, value: str) -> ui.input:
    """A text input (ISO date, ``YYYY-MM-DD``) with a calendar to pick from."""
    with with_props(ui.input(text, value=value), hint=_("registers.date_hint")).classes("w-full") as widget:
        with ui.menu().props("no-parent-event") as menu:
            ui.date().bind_value(widget).on("update:model-value", menu.close)
        with widget.add_slot("append"):
            ui.icon("edit_calendar").on("click", menu.open).classes("cursor-pointer")
    return widget


def time_input(text: str, value: str) -> ui.input:
    """A text input (``HH:MM``, 24 hours) with a clock to pick from."""
    with with_props(ui.input(text, value=value), hint=_("wizard2.time_hint")).classes("w-full") as widget:
        with ui.menu().props("no-parent-event") as menu:
            ui.time().props("format24h").bind_value(widget)
        with widget.add_slot("append"):
            ui.icon("schedule").on("click", menu.open).classes("cursor-pointer")
    return widget

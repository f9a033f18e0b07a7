"""A label and its value on one row: the summaries of the connection wizard and the status window."""

from __future__ import annotations

from nicegui import ui

from ui.components.attributes import tagged
from ui.i18n import _


def pair(label_key: str, value: str, *, marker: str | None = None) -> None:
    """``label_key``'s text in grey, ``value`` beside it; ``marker`` tags the value for tests."""
    # German labels are longer ("Synchronisierte Zeilen"): the label keeps its width and wraps
    # inside it, the value keeps its words whole
    with ui.row().classes("gap-3 items-baseline no-wrap"):
        ui.label(_(label_key)).classes("text-grey-7 w-52 shrink-0")
        shown = ui.label(value).classes("font-medium break-words min-w-0")
        if marker:
            tagged(shown.mark(marker), marker)

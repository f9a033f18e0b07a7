"""Inputs built from a register's field declarations, and reading them back.

The service validates; the form only collects raw values and shows the service's per-field
messages under the inputs (``show_field_errors``). Every input carries the marker
``field-<name>`` and its translated label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from services.local.registers import Field, Option
from services.records.fields import BOOL, CHOICE, DATE, DATETIME, EMAIL, NUMERIC_KINDS, REF, TEXTAREA
from ui.components.attributes import with_props
from ui.components.display import input_number
from ui.components.pickers import date_input
from ui.i18n import _

OptionsFn = Callable[[str, str], Awaitable[list[Option]]]


def build_inputs(
    fields: tuple[Field, ...],
    values: dict[str, Any],
    labels: dict[str, str],
    options: OptionsFn,
    *,
    read_only: bool = False,
) -> dict[str, Any]:
    """One input per field, filled with ``values``; returns them by field name."""
    inputs = {
        field.name: _input(field, values.get(field.name), labels.get(field.name, ""), options)
        for field in fields
    }
    for widget in inputs.values():
        widget.mark(f"field-{widget_name(inputs, widget)}")
        if read_only:
            widget.disable()
    return inputs


async def prefill(inputs: dict[str, Any]) -> None:
    """Offer the first records in every chooser before the user types."""
    for widget in inputs.values():
        if isinstance(widget, ReferenceSelect):
            await widget.search("")


def widget_name(inputs: dict[str, Any], widget: Any) -> str:
    return next(name for name, w in inputs.items() if w is widget)


def read_values(inputs: dict[str, Any]) -> dict[str, Any]:
    """Raw values for the service (which cleans and validates them)."""
    return {name: widget.value for name, widget in inputs.items()}


def set_input(widget: Any, field: Field, value: Any) -> None:
    """Put a value (as the service gives it) into the field's input, as ``build_inputs`` would."""
    if field.kind == BOOL:
        widget.value = bool(value)
    elif field.kind == REF and isinstance(widget, ReferenceSelect):
        if value and isinstance(widget.options, dict) and value not in widget.options:
            widget.set_options({**widget.options, value: "…"})
        widget.value = value or None
    elif field.kind in NUMERIC_KINDS:
        widget.value = input_number(value)
    elif field.kind == DATE:
        widget.value = value.isoformat() if isinstance(value, dt.date) else value or ""
    elif field.kind == DATETIME:
        widget.value = _datetime_text(value)
    elif field.kind == CHOICE:
        widget.value = value or field.choices[0]
    else:
        widget.value = value or ""


def _datetime_text(value: Any) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else value or ""


def _input(field: Field, value: Any, label: str, options: OptionsFn) -> Any:
    text = _(field.label)
    if field.kind == BOOL:
        return ui.switch(text, value=bool(value))
    if field.kind == CHOICE:
        choices = {c: _(f"registers.choice.{c}") for c in field.choices}
        return ui.select(choices, label=text, value=value or field.choices[0]).classes("w-full")
    if field.kind == REF:
        return ReferenceSelect(text, field.ref or "", value, label, options)
    if field.kind in NUMERIC_KINDS:
        return ui.number(text, value=input_number(value), min=0).classes("w-full")
    if field.kind == TEXTAREA:
        return ui.textarea(text, value=value or "").props("autogrow").classes("w-full")
    if field.kind == DATE:
        return _date_input(text, value)
    if field.kind == DATETIME:
        return with_props(
            ui.input(text, value=_datetime_text(value)), hint=_("registers.datetime_hint")
        ).classes("w-full")
    widget = ui.input(text, value=value or "").classes("w-full")
    if field.kind == EMAIL:
        widget.props("type=email")
    return widget


def _date_input(text: str, value: Any) -> ui.input:
    """A text input (ISO date) with a calendar to pick from."""
    return date_input(text, value.isoformat() if isinstance(value, dt.date) else value or "")


class ReferenceSelect(ui.select):
    """Choose another record (contact, product, employee) by typing part of its name.

    Options come from the server a page at a time, so it works with 100,000 contacts.
    """

    def __init__(
        self, label: str, register: str, value: str | None, value_label: str, options: OptionsFn
    ) -> None:
        initial = {value: value_label} if value else {}
        super().__init__(initial, label=label, value=value, with_input=True, clearable=True)
        self.classes("w-full").props("input-debounce=300")
        self.props["hint"] = _("registers.choose_hint")
        self._register = register
        self._options = options
        self.on("input-value", lambda e: self.search(str(e.args or "")))
        self.on("focus", lambda: self.search("") if len(self.options) <= 1 else None)

    async def search(self, text: str) -> None:
        found = await self._options(self._register, text)
        options = {o.uuid: o.label for o in found}
        if self.value and self.value not in options and isinstance(self.options, dict):
            options[self.value] = self.options.get(self.value, "")
        self.set_options(options, value=self.value)

"""How register values read on screen: dates, money and choices in the user's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from services.local.registers import RegisterRow, RegisterSpec
from services.records.fields import (
    BOOL,
    CHOICE,
    DATE,
    DATETIME,
    DECIMAL,
    INTEGER,
    MONEY,
    NUMERIC_KINDS,
)
from ui.i18n import _, fmt_date, fmt_datetime, fmt_money, fmt_number


def show(kind: str, value: Any) -> str:
    """One value as text for a list cell."""
    if value is None or value == "":
        return ""
    if kind == MONEY:
        return fmt_money(value)
    if kind in (DECIMAL, INTEGER):
        return fmt_number(value)
    if kind == DATE:
        return fmt_date(value)
    if kind == DATETIME and isinstance(value, dt.datetime):
        return fmt_datetime(value.astimezone())
    if kind == BOOL:
        return "✓" if value else ""
    if kind == CHOICE:
        return _(f"registers.choice.{value}")
    return str(value)


def table_columns(spec: RegisterSpec) -> list[dict[str, Any]]:
    """Column definitions for a Quasar table; only whitelisted columns are sortable."""
    return [
        column(name, label_of(spec, name), spec.kind_of(name), name in spec.sortable) for name in spec.columns
    ]


def column(name: str, label: str, kind: str, sortable: bool) -> dict[str, Any]:
    align = "right" if kind in NUMERIC_KINDS else "left"
    return {"name": name, "label": label, "field": name, "sortable": sortable, "align": align}


def label_of(spec: RegisterSpec, name: str) -> str:
    field = next((f for f in spec.fields if f.name == name), None)
    return _(field.label if field else f"registers.field.{name}")


def table_row(spec: RegisterSpec, row: RegisterRow, columns: tuple[str, ...] | None = None) -> dict[str, Any]:
    """A row as the table shows it (strings only), keyed by column name, with its id."""
    cells = {name: show(spec.kind_of(name), row.values.get(name)) for name in columns or spec.columns}
    return {"id": row.id, **cells}


def input_number(value: Any) -> float | None:
    """A Decimal for a number input (which works with floats)."""
    return float(value) if isinstance(value, Decimal | int) else value

"""What a register's editable fields are, and how raw form input becomes clean, valid values.

One declaration per field serves three readers: the service validates with it, the UI builds its
inputs from it, and the list knows how to show a value. Errors are collected for every field at
once, so a form shows all its problems in one go and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from services.errors import ValidationFailed
from services.records.emails import is_email

# Field kinds; the UI picks an input per kind.
TEXT, TEXTAREA, EMAIL, DECIMAL, MONEY, INTEGER = "text", "textarea", "email", "decimal", "money", "int"
DATE, DATETIME, BOOL, CHOICE, REF = "date", "datetime", "bool", "choice", "ref"
NUMERIC_KINDS = (DECIMAL, MONEY, INTEGER)


@dataclass(frozen=True, kw_only=True, slots=True)
class Field:
    """One editable field. ``ref`` names the register a UUID reference points to."""

    name: str
    kind: str = TEXT
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    ref: str | None = None
    maximum: Decimal | None = None
    label_key: str | None = None
    default: object = None  # what a blank input means, instead of the kind's empty value

    @property
    def label(self) -> str:
        """Translation key of the field's label (shared across registers unless overridden)."""
        return self.label_key or f"registers.field.{self.name}"


def clean_values(
    fields: tuple[Field, ...], raw: Mapping[str, Any], *, partial: bool = False
) -> dict[str, Any]:
    """Turn raw input into typed values; raise ``ValidationFailed`` naming every bad field.

    With ``partial`` only the fields present in ``raw`` are checked (an update of some fields).
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        if partial and field.name not in raw:
            continue
        try:
            cleaned[field.name] = clean_value(field, raw.get(field.name))
        except _Invalid as invalid:
            errors[field.name] = invalid.key
    if errors:
        raise ValidationFailed(errors)
    return cleaned


class _Invalid(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def clean_value(field: Field, value: Any) -> Any:
    """One field's typed value; blank optional fields become their empty value."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        if field.required:
            raise _Invalid("validation.required")
        return _empty(field)
    return _CLEANERS[field.kind](field, value)


def _empty(field: Field) -> Any:
    if field.default is not None:
        return field.default
    if field.kind in (TEXT, TEXTAREA, EMAIL):
        return ""
    if field.kind in NUMERIC_KINDS:
        return 0 if field.kind == INTEGER else Decimal("0")
    if field.kind == BOOL:
        return False
    if field.kind == CHOICE:
        return field.choices[0]
    return None


def _text(field: Field, value: Any) -> str:
    text = str(value)
    if field.max_length is not None and len(text) > field.max_length:
        raise _Invalid("validation.too_long")
    return text


def _email(field: Field, value: Any) -> str:
    text = _text(field, value)
    if not is_email(text):
        raise _Invalid("validation.email")
    return text


def _decimal(field: Field, value: Any) -> Decimal:
    """Numbers from inputs (float), scripts (Decimal, int) or text with a decimal comma."""
    if isinstance(value, bool):
        raise _Invalid("validation.number")
    text = str(value).replace(" ", "")
    if isinstance(value, str) and "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _Invalid("validation.number") from None
    if not number.is_finite():
        raise _Invalid("validation.number")
    if number < 0:
        raise _Invalid("validation.negative")
    if field.maximum is not None and number > field.maximum:
        raise _Invalid("registers.validation.too_large")
    if number >= Decimal("1e11"):
        raise _Invalid("registers.validation.too_large")
    places = Decimal("0.01") if field.kind == MONEY else Decimal("0.001")
    return number.quantize(places)


def _integer(field: Field, value: Any) -> int:
    number = _decimal(Field(name=field.name, kind=DECIMAL, maximum=field.maximum), value)
    if number != number.to_integral_value():
        raise _Invalid("validation.number")
    return int(number)


def _date(field: Field, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _Invalid("validation.date") from None


def _datetime(field: Field, value: Any) -> dt.datetime:
    """A point in time; a time without zone is this computer's local time (a desktop program)."""
    if not isinstance(value, dt.datetime):
        try:
            value = dt.datetime.fromisoformat(str(value).replace("T", " "))
        except ValueError:
            raise _Invalid("validation.date") from None
    return value.astimezone(dt.UTC)


def _bool(field: Field, value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return bool(value)


def _choice(field: Field, value: Any) -> str:
    if value not in field.choices:
        raise _Invalid("validation.choice")
    return str(value)


def _ref(field: Field, value: Any) -> str:
    """A UUID of another record; whether it exists in this company is checked with a session."""
    text = str(value)
    if len(text) != 36:
        raise _Invalid("validation.choice")
    return text


_CLEANERS = {
    TEXT: _text,
    TEXTAREA: _text,
    EMAIL: _email,
    DECIMAL: _decimal,
    MONEY: _decimal,
    INTEGER: _integer,
    DATE: _date,
    DATETIME: _datetime,
    BOOL: _bool,
    CHOICE: _choice,
    REF: _ref,
}

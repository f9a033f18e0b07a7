"""The current user's language in the UI, and the translation shortcut ``_``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from nicegui import app, context

from services import i18n


def lang() -> str:
    """Language chosen by the user, else the browser's Accept-Language, else English."""
    try:
        stored = app.storage.user.get("lang")
    except (RuntimeError, AssertionError):
        stored = None
    if stored in i18n.LANGUAGES:
        return str(stored)
    try:
        header = context.client.request.headers.get("accept-language")
    except (RuntimeError, AttributeError, AssertionError):
        header = None
    return i18n.language_from_accept(header)


def set_lang(value: str) -> None:
    app.storage.user["lang"] = i18n.normalise_language(value)


def _(key: str, **params: Any) -> str:
    return i18n.translate(key, lang(), **params)


def fmt_date(value: dt.date | None) -> str:
    return i18n.format_date(value, lang=lang())


def fmt_datetime(value: dt.datetime | None) -> str:
    return i18n.format_datetime(value, lang=lang(), fmt="short")


def fmt_money(value: Decimal | float | int) -> str:
    return i18n.format_money(value, lang=lang())


def fmt_number(value: Decimal | float | int) -> str:
    return i18n.format_number(value, lang())

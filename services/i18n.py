"""Translations (German and English) and locale-aware formatting with Babel.

Catalogues live in ``assets/i18n/*.json``; each file maps a key to ``{"de": ..., "en": ...}``.
One file per area keeps them small. Services use this module for e-mails; the UI wraps it with
the current user's language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from babel import dates, numbers

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "en"
ASSETS = Path(__file__).resolve().parent.parent / "assets"
CATALOGUE_DIR = ASSETS / "i18n"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All keys of all catalogue files, loaded once."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.json")):
        for key, texts in orjson.loads(path.read_bytes()).items():
            if key in merged:
                raise ValueError(f"translation key {key!r} defined twice ({path.name})")
            merged[key] = texts
    return merged


def normalise_language(value: str | None) -> str:
    """Map 'de-DE', 'de_CH', 'EN' ... to a supported language."""
    if not value:
        return DEFAULT_LANGUAGE
    code = value.replace("_", "-").split("-")[0].strip().lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def language_from_accept(header: str | None) -> str:
    """Pick the first supported language from an Accept-Language header."""
    for part in (header or "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def translate(key: str, lang: str, /, **params: Any) -> str:
    """Translate ``key``; a missing key shows itself so it is noticed, never crashes."""
    texts = catalogue().get(key)
    text = key if texts is None else texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def format_date(value: dt.date | None, *, lang: str, fmt: str = "medium") -> str:
    return "" if value is None else dates.format_date(value, format=fmt, locale=lang)


def format_datetime(value: dt.datetime | None, *, lang: str, fmt: str = "medium") -> str:
    return "" if value is None else dates.format_datetime(value, format=fmt, locale=lang)


def format_relative(delta: dt.timedelta, lang: str) -> str:
    """'vor 3 Stunden' / '3 hours ago'."""
    return dates.format_timedelta(-delta, add_direction=True, locale=lang)


def format_number(value: int | float | Decimal, lang: str) -> str:
    return numbers.format_decimal(value, locale=lang)


def format_money(value: Decimal | float | int, *, lang: str, currency: str = "EUR") -> str:
    return numbers.format_currency(value, currency, locale=lang)

"""Every translation exists in German and English, and formatting follows the language."""

from __future__ import annotations

import datetime as dt

from services import i18n


def test_every_key_has_a_german_and_an_english_text() -> None:
    missing = [key for key, texts in i18n.catalogue().items() if not texts.get("de") or not texts.get("en")]
    assert missing == []


def test_accept_language_picks_the_first_supported_language() -> None:
    assert i18n.language_from_accept("fr-FR,de-DE;q=0.8,en;q=0.5") == "de"
    assert i18n.language_from_accept("fr") == "en"


def test_relative_time_reads_naturally_in_both_languages() -> None:
    assert i18n.format_relative(dt.timedelta(hours=3), "de") == "vor 3 Stunden"
    assert i18n.format_relative(dt.timedelta(hours=3), "en") == "3 hours ago"


def test_a_missing_key_shows_itself_instead_of_failing() -> None:
    assert i18n.translate("no.such.key", "de") == "no.such.key"

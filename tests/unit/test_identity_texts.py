"""Every error the Online ID and mail services can raise has a German and an English text."""

from __future__ import annotations

import pytest

from services import i18n
from services.online import throttle, tokens

KEYS = [
    tokens.LinkInvalid.key,
    tokens.LinkExpired.key,
    tokens.LinkUsed.key,
    tokens.LinkWrongPurpose.key,
    throttle.TooManyAttempts.key,
    "id.login.failed",
    "id.session.invalid",
    "id.password.too_long",
    "mail.not_found",
]


@pytest.mark.parametrize("key", KEYS)
def test_the_error_has_a_text_in_both_languages(key: str) -> None:
    texts = i18n.catalogue().get(key)
    assert texts is not None and texts["de"] and texts["en"]


def test_the_lockout_message_names_the_wait() -> None:
    assert "3" in i18n.translate(throttle.TooManyAttempts.key, "en", minutes=3)

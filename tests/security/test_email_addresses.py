"""E-mail addresses are the common RFC 5322 subset on both sides: no quotes, ``=``, spaces or brackets."""

from __future__ import annotations

import pytest

from services.errors import ValidationFailed
from services.online.identity import normalise_email
from services.records.emails import is_email
from services.records.fields import EMAIL, Field, clean_values
from tests.security.corpus import XSS_ADDRESSES

EMAIL_FIELD = (Field(name="email", kind=EMAIL, max_length=254),)


@pytest.mark.parametrize("address", XSS_ADDRESSES)
def test_an_address_carrying_markup_quotes_or_spaces_is_refused_by_register_fields(address: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        clean_values(EMAIL_FIELD, {"email": address})
    assert refused.value.fields == {"email": "validation.email"}


@pytest.mark.parametrize("address", XSS_ADDRESSES)
def test_an_address_carrying_markup_quotes_or_spaces_is_refused_for_online_ids(address: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        normalise_email(address)
    assert refused.value.fields == {"email": "validation.email"}


@pytest.mark.parametrize(
    "address", ["anna@example.com", "a.b+c_d%e-f@sub.example.co.uk", "chefin@mueller.example", "X@Y.DE"]
)
def test_ordinary_addresses_are_accepted(address: str) -> None:
    assert is_email(address)
    assert clean_values(EMAIL_FIELD, {"email": address}) == {"email": address}


@pytest.mark.parametrize("address", ["a@x", "a..b@x.de", ".a@x.de", "a@-x.de", "a@x.d", "a" * 65 + "@x.de"])
def test_malformed_addresses_are_refused(address: str) -> None:
    assert not is_email(address)

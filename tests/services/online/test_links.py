"""Signed links: every bad case (tampered, expired, reused, wrong purpose) is its own clear error."""

from __future__ import annotations

import pytest

from services.clock import FrozenClock
from services.container import Services
from services.online.identity import IdentityService
from services.online.tokens import LinkExpired, LinkInvalid, LinkTokens, LinkUsed, LinkWrongPurpose
from tests.services.conftest import link_token, mails_to

PASSWORD = "Blue-Tomato-Sunrise-7"
ADDRESS = "ben@example.com"


def ident(services: Services) -> IdentityService:
    return services.online.identity


def verify_token(services: Services) -> str:
    ident(services).sign_up(ADDRESS, "en")
    return link_token(mails_to(services, ADDRESS)[-1], "/id/verify")


def reset_token(services: Services, clock: FrozenClock) -> str:
    ident(services).complete_sign_up(verify_token(services), PASSWORD)
    clock.advance(minutes=2)
    ident(services).request_password_reset(ADDRESS, "en")
    return link_token(mails_to(services, ADDRESS)[-1], "/id/reset")


def tamper(token: str) -> str:
    """Change the first character of the signature (all its bits count, unlike the last one's)."""
    head, signature = token.rsplit(".", 1)
    return f"{head}.{'Q' if signature[0] != 'Q' else 'A'}{signature[1:]}"


@pytest.mark.parametrize(
    "mangle",
    [tamper, lambda t: "x" + t, lambda t: t.split(".")[0], lambda t: "", lambda t: "not a token at all"],
)
def test_a_tampered_verification_link_is_invalid(online: Services, mangle: object) -> None:
    token = verify_token(online)
    bad = mangle(token)  # type: ignore[operator]
    with pytest.raises(LinkInvalid):
        ident(online).check_link("verify", bad)
    with pytest.raises(LinkInvalid):
        ident(online).complete_sign_up(bad, PASSWORD)
    assert ident(online).complete_sign_up(token, PASSWORD).status == "active"


def test_a_link_signed_with_another_secret_is_invalid(online: Services) -> None:
    assert online.db.online is not None
    foreign = LinkTokens("some-other-secret")
    with online.db.online.begin() as s:
        token = foreign.issue(s, purpose="verify", subject="1")
    with pytest.raises(LinkInvalid):
        ident(online).check_link("verify", token)


def test_a_verification_link_expires_after_48_hours(online: Services, clock: FrozenClock) -> None:
    token = verify_token(online)
    clock.advance(hours=47, minutes=59)
    assert ident(online).check_link("verify", token).email == ADDRESS
    clock.advance(minutes=2)
    with pytest.raises(LinkExpired):
        ident(online).check_link("verify", token)
    with pytest.raises(LinkExpired):
        ident(online).complete_sign_up(token, PASSWORD)


def test_a_reset_link_expires_after_one_hour(online: Services, clock: FrozenClock) -> None:
    token = reset_token(online, clock)
    clock.advance(minutes=59)
    assert ident(online).check_link("reset", token).email == ADDRESS
    clock.advance(minutes=2)
    with pytest.raises(LinkExpired):
        ident(online).reset_password(token, "New-Garden-Path-88")


def test_a_verification_link_works_once(online: Services) -> None:
    token = verify_token(online)
    ident(online).complete_sign_up(token, PASSWORD)
    with pytest.raises(LinkUsed):
        ident(online).check_link("verify", token)
    with pytest.raises(LinkUsed):
        ident(online).complete_sign_up(token, "Another-Password-99")
    assert ident(online).login(ADDRESS, PASSWORD).token


def test_a_reset_link_works_once(online: Services, clock: FrozenClock) -> None:
    token = reset_token(online, clock)
    ident(online).reset_password(token, "New-Garden-Path-88")
    with pytest.raises(LinkUsed):
        ident(online).reset_password(token, "Third-Garden-Path-99")


def test_using_one_link_retires_the_older_links_of_the_same_kind(
    online: Services, clock: FrozenClock
) -> None:
    first = verify_token(online)
    clock.advance(minutes=2)
    second = verify_token(online)
    ident(online).complete_sign_up(second, PASSWORD)
    with pytest.raises(LinkUsed):
        ident(online).complete_sign_up(first, "Another-Password-99")


def test_a_reset_link_on_the_verification_page_is_the_wrong_purpose(
    online: Services, clock: FrozenClock
) -> None:
    token = reset_token(online, clock)
    with pytest.raises(LinkWrongPurpose):
        ident(online).check_link("verify", token)
    with pytest.raises(LinkWrongPurpose):
        ident(online).complete_sign_up(token, PASSWORD)


def test_a_verification_link_on_the_reset_page_is_the_wrong_purpose(online: Services) -> None:
    token = verify_token(online)
    with pytest.raises(LinkWrongPurpose):
        ident(online).reset_password(token, PASSWORD)


def test_links_serve_later_purposes_with_their_own_lifetime(online: Services, clock: FrozenClock) -> None:
    assert online.db.online is not None
    tokens = LinkTokens(online.secret_key, clock=clock)
    with online.db.online.begin() as s:
        token = tokens.issue(s, purpose="invitation", subject="invitation-42")
    clock.advance(days=6)
    with online.db.online.begin() as s:
        assert tokens.consume(s, purpose="invitation", token=token).subject == "invitation-42"
    with online.db.online.begin() as s, pytest.raises(LinkUsed):
        tokens.consume(s, purpose="invitation", token=token)

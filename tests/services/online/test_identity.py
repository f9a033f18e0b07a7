"""Online ID: sign-up, verification, password policy, login, lockout, reset, change, sessions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from models.online import OnlineId
from services.clock import FrozenClock
from services.container import Services
from services.errors import NotAuthenticated, ValidationFailed
from services.online.identity import IdentityService
from services.online.throttle import TooManyAttempts
from tests.services.conftest import link_token, mails_to

PASSWORD = "Blue-Tomato-Sunrise-7"
ADDRESS = "anna@example.com"


def ident(services: Services) -> IdentityService:
    return services.online.identity


def signed_up(services: Services, address: str = ADDRESS, password: str = PASSWORD) -> None:
    """An active Online ID, made the way a person makes one."""
    ident(services).sign_up(address, "en")
    token = link_token(mails_to(services, address)[-1], "/id/verify")
    ident(services).complete_sign_up(token, password)


def id_count(services: Services) -> int:
    assert services.db.online is not None
    with services.db.online() as s:
        return s.scalar(select(func.count()).select_from(OnlineId)) or 0


def test_sign_up_mails_a_verification_link_with_the_spam_hint(online: Services) -> None:
    ident(online).sign_up("  Anna@Example.COM ", "de")
    [mail] = mails_to(online, ADDRESS)
    assert mail.summary.subject == "Bestätigen Sie Ihre Online-ID"
    assert "/id/verify?token=" in mail.text and "/id/verify?token=" in mail.html
    assert "Spam-Ordner" in mail.text and "Spam-Ordner" in mail.html
    assert ident(online).check_link("verify", link_token(mail, "/id/verify")).email == ADDRESS


def test_an_invalid_address_is_refused(online: Services) -> None:
    with pytest.raises(ValidationFailed) as failed:
        ident(online).sign_up("not-an-address", "en")
    assert failed.value.fields == {"email": "validation.email"}
    assert mails_to(online, "not-an-address") == []


def test_a_pending_id_cannot_log_in(online: Services) -> None:
    ident(online).sign_up(ADDRESS, "en")
    with pytest.raises(NotAuthenticated):
        ident(online).login(ADDRESS, PASSWORD)


def test_a_second_sign_up_of_a_pending_address_resends_the_link_without_a_duplicate(
    online: Services, clock: FrozenClock
) -> None:
    ident(online).sign_up(ADDRESS, "en")
    ident(online).sign_up(ADDRESS, "en")  # at once: paced, no second mail
    assert len(mails_to(online, ADDRESS)) == 1
    clock.advance(minutes=2)
    ident(online).sign_up(ADDRESS.upper(), "en")
    first, second = mails_to(online, ADDRESS)
    assert second.summary.kind == "verify"
    assert link_token(first, "/id/verify") != link_token(second, "/id/verify")
    assert id_count(online) == 1


def test_a_sign_up_of_an_active_address_mails_the_owner_and_answers_the_same(
    online: Services, clock: FrozenClock
) -> None:
    signed_up(online)
    clock.advance(minutes=2)
    assert ident(online).sign_up(ADDRESS, "en") is None
    last = mails_to(online, ADDRESS)[-1]
    assert last.summary.kind == "account_exists"
    assert "/id/reset?token=" in last.text
    assert id_count(online) == 1


def test_following_the_link_and_setting_a_password_activates_the_id(online: Services) -> None:
    signed_up(online)
    result = ident(online).login(ADDRESS, PASSWORD)
    assert result.online_id.email == ADDRESS and result.online_id.status == "active"
    view = ident(online).current(result.token)
    assert view is not None and view.id == result.online_id.id


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-9", "password.too_short"),
        ("password123", "password.too_common"),
        (ADDRESS, "password.equals_identity"),
        ("x" * 1025, "id.password.too_long"),
    ],
)
def test_a_weak_password_is_refused_and_the_link_stays_usable(
    online: Services, password: str, problem: str
) -> None:
    ident(online).sign_up(ADDRESS, "en")
    token = link_token(mails_to(online, ADDRESS)[0], "/id/verify")
    with pytest.raises(ValidationFailed) as failed:
        ident(online).complete_sign_up(token, password)
    assert failed.value.fields == {"password": problem}
    assert ident(online).complete_sign_up(token, PASSWORD).status == "active"


def test_login_errors_do_not_say_whether_the_address_exists(online: Services) -> None:
    signed_up(online)
    with pytest.raises(NotAuthenticated) as wrong_password:
        ident(online).login(ADDRESS, "Wrong-Password-11")
    with pytest.raises(NotAuthenticated) as unknown:
        ident(online).login("nobody@example.com", "Wrong-Password-11")
    assert wrong_password.value.key == unknown.value.key == "id.login.failed"


def test_five_failures_lock_the_account_for_a_growing_delay(online: Services, clock: FrozenClock) -> None:
    signed_up(online)
    for _ in range(5):
        with pytest.raises(NotAuthenticated):
            ident(online).login(ADDRESS, "Wrong-Password-11", client_address="10.0.0.1")
    with pytest.raises(TooManyAttempts) as locked:
        ident(online).login(ADDRESS, PASSWORD, client_address="10.0.0.2")  # even the right password
    assert locked.value.params["seconds"] == 30
    clock.advance(seconds=31)
    with pytest.raises(NotAuthenticated):
        ident(online).login(ADDRESS, "Wrong-Password-11")
    with pytest.raises(TooManyAttempts) as longer:
        ident(online).login(ADDRESS, PASSWORD)
    assert longer.value.params["seconds"] == 60
    clock.advance(seconds=61)
    assert ident(online).login(ADDRESS, PASSWORD).online_id.email == ADDRESS


def test_a_successful_login_clears_the_account_counter(online: Services, clock: FrozenClock) -> None:
    signed_up(online)
    for _ in range(4):
        with pytest.raises(NotAuthenticated):
            ident(online).login(ADDRESS, "Wrong-Password-11")
    ident(online).login(ADDRESS, PASSWORD)
    for _ in range(4):
        with pytest.raises(NotAuthenticated):
            ident(online).login(ADDRESS, "Wrong-Password-11")
    assert ident(online).login(ADDRESS, PASSWORD).token


def test_an_unknown_address_is_locked_like_a_known_one(online: Services) -> None:
    for _ in range(5):
        with pytest.raises(NotAuthenticated):
            ident(online).login("nobody@example.com", "Wrong-Password-11")
    with pytest.raises(TooManyAttempts):
        ident(online).login("nobody@example.com", "Wrong-Password-11")


def test_many_failures_from_one_client_address_lock_that_address_only(online: Services) -> None:
    signed_up(online)
    for n in range(20):
        with pytest.raises(NotAuthenticated):
            ident(online).login(f"guess{n}@example.com", "Wrong-Password-11", client_address="203.0.113.9")
    with pytest.raises(TooManyAttempts):
        ident(online).login(ADDRESS, PASSWORD, client_address="203.0.113.9")
    assert ident(online).login(ADDRESS, PASSWORD, client_address="198.51.100.1").token


def test_a_password_reset_sets_a_new_password_and_ends_every_session(
    online: Services, clock: FrozenClock
) -> None:
    signed_up(online)
    session = ident(online).login(ADDRESS, PASSWORD)
    ident(online).request_password_reset(ADDRESS.upper(), "en")
    mail = mails_to(online, ADDRESS)[-1]
    assert mail.summary.subject == "Reset the password of your Online ID"
    ident(online).reset_password(link_token(mail, "/id/reset"), "New-Garden-Path-88")
    assert ident(online).current(session.token) is None
    with pytest.raises(NotAuthenticated):
        ident(online).login(ADDRESS, PASSWORD)
    assert ident(online).login(ADDRESS, "New-Garden-Path-88").token


def test_a_reset_lifts_a_lockout(online: Services) -> None:
    signed_up(online)
    for _ in range(6):
        with pytest.raises((NotAuthenticated, TooManyAttempts)):
            ident(online).login(ADDRESS, "Wrong-Password-11")
    ident(online).request_password_reset(ADDRESS, "en")
    ident(online).reset_password(link_token(mails_to(online, ADDRESS)[-1], "/id/reset"), "New-Garden-Path-88")
    assert ident(online).login(ADDRESS, "New-Garden-Path-88").token


def test_a_reset_request_for_an_unknown_address_sends_nothing_and_answers_the_same(online: Services) -> None:
    assert ident(online).request_password_reset("nobody@example.com", "en") is None
    assert mails_to(online, "nobody@example.com") == []


def test_a_reset_request_for_a_pending_id_sends_the_verification_link_again(
    online: Services, clock: FrozenClock
) -> None:
    ident(online).sign_up(ADDRESS, "en")
    clock.advance(minutes=2)
    ident(online).request_password_reset(ADDRESS, "en")
    assert [m.summary.kind for m in mails_to(online, ADDRESS)] == ["verify", "verify"]


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(online: Services) -> None:
    signed_up(online)
    browser = ident(online).login(ADDRESS, PASSWORD)
    wizard = ident(online).login(ADDRESS, PASSWORD, kind="api")
    with pytest.raises(ValidationFailed) as failed:
        ident(online).change_password(
            browser.token, current_password="Wrong-Password-11", new_password="New-Garden-Path-88"
        )
    assert failed.value.fields == {"current_password": "password.wrong_current"}
    ident(online).change_password(browser.token, current_password=PASSWORD, new_password="New-Garden-Path-88")
    still = ident(online).current(browser.token)
    assert still is not None and still.email == ADDRESS
    with pytest.raises(NotAuthenticated):
        ident(online).authenticate_api_token(wizard.token)
    assert ident(online).login(ADDRESS, "New-Garden-Path-88").token


def test_an_api_token_is_short_lived_and_ends_at_logout(online: Services, clock: FrozenClock) -> None:
    signed_up(online)
    api = ident(online).login(ADDRESS, PASSWORD, kind="api")
    assert api.expires_in == 3600
    browser = ident(online).login(ADDRESS, PASSWORD)
    ident(online).logout(browser.token)
    assert ident(online).current(browser.token) is None
    clock.advance(minutes=61)
    with pytest.raises(NotAuthenticated):
        ident(online).authenticate_api_token(api.token)
    with pytest.raises(NotAuthenticated):
        ident(online).authenticate_api_token("made-up-token")


def test_a_browser_session_reference_is_no_bearer_token_and_an_api_token_opens_no_page(
    online: Services,
) -> None:
    signed_up(online)
    browser = ident(online).login(ADDRESS, PASSWORD)
    api = ident(online).login(ADDRESS, PASSWORD, kind="api")
    with pytest.raises(NotAuthenticated):
        ident(online).authenticate_api_token(browser.token)
    assert ident(online).current(api.token) is None
    with pytest.raises(NotAuthenticated):
        ident(online).change_password(
            browser.token, current_password=PASSWORD, new_password="New-Garden-Path-88", kind="api"
        )


def test_a_weak_new_password_is_refused_when_changing(online: Services) -> None:
    signed_up(online)
    session = ident(online).login(ADDRESS, PASSWORD)
    with pytest.raises(ValidationFailed) as failed:
        ident(online).change_password(session.token, current_password=PASSWORD, new_password="short")
    assert failed.value.fields == {"new_password": "password.too_short"}
    assert ident(online).login(ADDRESS, PASSWORD).token


def test_simultaneous_sign_ups_of_one_address_make_one_id(online: Services) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _n: ident(online).sign_up(ADDRESS, "en"), range(4)))
    assert id_count(online) == 1
    assert len(mails_to(online, ADDRESS)) >= 1


def test_simultaneous_failed_logins_are_all_counted(online: Services) -> None:
    signed_up(online)

    def attempt(_n: int) -> str:
        try:
            ident(online).login(ADDRESS, "Wrong-Password-11")
        except (NotAuthenticated, TooManyAttempts) as refused:
            return refused.key
        return "logged in"

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(attempt, range(8)))
    assert set(answers) <= {"id.login.failed", "id.login.throttled"}
    with pytest.raises(TooManyAttempts):
        ident(online).login(ADDRESS, PASSWORD)

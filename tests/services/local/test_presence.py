"""Prerequisite 9 counts only other users' live sessions; a session lives while a browser shows
it; a Super User can log another user out (View › Users logged in)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from models.local import User, UserSession
from models.types import utcnow
from services.container import Services
from services.errors import NotAuthenticated, NotFound, PermissionDenied
from services.local.presence import LOGGED_IN_URL, SESSION_LIVE_LIMIT
from services.local.views import SessionView
from services.secrets.passwords import hash_password, token_hash
from tests.services.local.test_prerequisites import check, health_url, world

__all__ = ["health_url", "world"]  # fixtures, used by name


def add_user(services: Services, username: str, full_name: str, *, super_user: bool = False) -> None:
    assert services.db.local is not None
    with services.db.local.begin() as s:
        s.add(
            User(
                username=username,
                full_name=full_name,
                password_hash=hash_password("Long-Password-1"),
                is_super_user=super_user,
            )
        )


def log_in(services: Services, username: str, company_id: int | None = None) -> SessionView:
    session = services.local.auth.login(username, "Long-Password-1")
    if company_id is not None:
        services.local.auth.open_company(session.token, company_id)
    return session


def last_seen(services: Services, session: SessionView, ago: dt.timedelta) -> None:
    assert services.db.local is not None
    with services.db.local.begin() as s:
        s.execute(
            update(UserSession)
            .where(UserSession.token_hash == token_hash(session.token))
            .values(last_seen_at=utcnow() - ago)
        )


async def test_9_the_persons_own_other_sessions_do_not_count(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    # The browser closed during the initial sync: the same user's earlier session is still open.
    earlier = services.local.auth.login("admin", "Correct-Horse-42")
    services.local.auth.open_company(earlier.token, company.id)
    assert (await check(services, health_url + "/ok", company, session)).condition(9).status == "ok"


async def test_9_names_other_users_and_its_fix_link_opens_users_logged_in(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    add_user(services, "bob", "Bob Bauer")
    log_in(services, "bob", company.id)
    failed = (await check(services, health_url + "/ok", company, session)).condition(9)
    assert (failed.status, failed.reason_params["names"], failed.fix_link) == (
        "failed",
        "Bob Bauer",
        LOGGED_IN_URL,
    )


async def test_9_a_session_no_browser_has_shown_for_minutes_has_ended(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    add_user(services, "bob", "Bob Bauer")
    bob = log_in(services, "bob", company.id)
    last_seen(services, bob, SESSION_LIVE_LIMIT - dt.timedelta(seconds=30))
    assert (await check(services, health_url + "/ok", company, session)).condition(9).status == "failed"
    last_seen(services, bob, SESSION_LIVE_LIMIT + dt.timedelta(seconds=1))
    assert (await check(services, health_url + "/ok", company, session)).condition(9).status == "ok"
    assert services.local.auth.current(bob.token) is None  # and it does not come back
    assert services.local.presence.touch(bob.token) is False


def test_an_open_page_keeps_its_session_live(services: Services) -> None:
    add_user(services, "bob", "Bob Bauer")
    bob = log_in(services, "bob")
    last_seen(services, bob, SESSION_LIVE_LIMIT - dt.timedelta(seconds=10))
    assert services.local.presence.touch(bob.token) is True
    last_seen(services, bob, dt.timedelta(seconds=0))
    assert services.local.auth.current(bob.token) is not None


def test_users_logged_in_lists_others_and_a_super_user_logs_one_out(services: Services) -> None:
    services.local.auth.ensure_admin("Correct-Horse-42")
    company = services.local.companies.create_company({"name": "Müller GmbH"})
    add_user(services, "bob", "Bob Bauer")
    add_user(services, "eva", "Eva Engel")
    admin = services.local.auth.login("admin", "Correct-Horse-42")
    services.local.auth.login("admin", "Correct-Horse-42")  # a second tab of the same person
    bob, eva = log_in(services, "bob", company.id), log_in(services, "eva")
    presence = services.local.presence

    listed = presence.others(admin.token)
    assert [(v.user_name, v.company) for v in listed] == [("Bob Bauer", "Müller GmbH"), ("Eva Engel", "")]
    with pytest.raises(PermissionDenied):
        presence.end(eva.token, listed[0].id)  # Eva is no Super User
    presence.end(admin.token, listed[0].id)
    assert services.local.auth.current(bob.token) is None
    assert [v.user_name for v in presence.others(admin.token)] == ["Eva Engel"]
    with pytest.raises(NotFound):
        presence.end(admin.token, listed[0].id)  # already ended
    with pytest.raises(NotAuthenticated):
        presence.others(bob.token)

"""Business Software logins (the login page and the local REST API) are throttled like the Online ID's:
per name and per client address, a growing delay, one generic message."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import httpx
import pytest
from nicegui.testing import User

from services.clock import FrozenClock
from services.container import Services
from services.errors import NotAuthenticated
from services.local.auth import LocalAuthService
from services.local.throttle import local_throttler
from services.throttle import TooManyAttempts
from tests.conftest import ADMIN_PASSWORD
from tests.live_server import ROOT


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def auth(services: Services, clock: FrozenClock) -> LocalAuthService:
    assert services.db.local is not None
    auth = LocalAuthService(services.db.local, throttle=local_throttler(clock))
    auth.ensure_admin(ADMIN_PASSWORD)
    return auth


def test_five_wrong_passwords_lock_the_user_name_with_a_doubling_delay(
    auth: LocalAuthService, clock: FrozenClock
) -> None:
    for _ in range(4):
        with pytest.raises(NotAuthenticated):
            auth.login("admin", "wrong-password", client_address="203.0.113.5")
    with pytest.raises(NotAuthenticated):
        auth.login("admin", "wrong-password", client_address="203.0.113.6")  # the 5th: locks for 30 s
    with pytest.raises(TooManyAttempts) as locked:
        auth.login("admin", ADMIN_PASSWORD, client_address="203.0.113.7")  # even the right password waits
    assert locked.value.params["seconds"] == 30 and locked.value.key == "login.throttled"
    clock.advance(seconds=31)
    with pytest.raises(NotAuthenticated):
        auth.login("ADMIN", "wrong-password")  # names are counted case-blind
    with pytest.raises(TooManyAttempts) as longer:
        auth.login("admin", ADMIN_PASSWORD)
    assert longer.value.params["seconds"] == 60
    clock.advance(seconds=61)
    assert auth.login("admin", ADMIN_PASSWORD).user.username == "admin"


def test_an_unknown_name_is_throttled_exactly_like_a_known_one(auth: LocalAuthService) -> None:
    for name in ("admin", "nobody"):
        for _ in range(5):
            with pytest.raises(NotAuthenticated) as refused:
                auth.login(name, "wrong-password")
            assert refused.value.key == "login.failed"
        with pytest.raises(TooManyAttempts):
            auth.login(name, "wrong-password")


def test_one_client_guessing_many_names_is_paused_after_20_failures(auth: LocalAuthService) -> None:
    for i in range(20):
        with pytest.raises(NotAuthenticated):
            auth.login(f"user{i}", "wrong-password", client_address="203.0.113.9")
    with pytest.raises(TooManyAttempts):
        auth.login("admin", ADMIN_PASSWORD, client_address="203.0.113.9")
    assert auth.login("admin", ADMIN_PASSWORD, client_address="203.0.113.10").token  # another client


async def test_the_local_api_login_answers_429_with_retry_after_and_the_generic_message(
    services: Services, company: object, app_client: httpx.AsyncClient
) -> None:
    services.require_local().api_users.create_api_user(company.id, "shop")  # type: ignore[attr-defined]
    answers = [
        await app_client.post("/api/local/v1/login", json={"name": "shop", "secret": "guess"})
        for _ in range(6)
    ]
    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert answers[0].json()["message"] == "API user name or secret is wrong."
    assert answers[-1].headers["Retry-After"] == "30"
    assert answers[-1].json()["message"] == "Too many failed logins. Please wait 1 minute(s) and try again."


async def test_the_login_page_says_to_wait_after_repeated_failures(ui_env: Path, user: User) -> None:
    for _ in range(5):
        await user.open("/login")
        user.find(marker="username").type("admin")
        user.find(marker="password").type("wrong-password")
        user.find(marker="login").click()
        await user.should_see("User name or password is wrong.")
    user.find(marker="password").type(ADMIN_PASSWORD)
    user.find(marker="login").click()
    await user.should_see("Too many failed logins. Please wait 1 minute(s) and try again.")


def test_the_business_software_side_does_not_import_the_online_models() -> None:
    imported = []
    for path in sorted((ROOT / "services" / "local").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            imported += [
                f"{Path(path).relative_to(ROOT)}: {n}" for n in names if n.startswith("models.online")
            ]
    assert imported == []

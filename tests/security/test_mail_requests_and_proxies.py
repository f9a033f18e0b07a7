"""Sign-up, send-again and reset requests are limited per client; the client is the peer unless a
configured proxy (TRUSTED_PROXIES) names it."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.online import LoginThrottle
from services.config import Settings
from services.container import Services
from services.db import make_engine, make_session_factory
from services.online.throttle import MailRequestsPaused
from tests.live_server import ServerFactory


def test_one_client_gets_ten_mail_requests_then_a_pause_while_others_go_on(services: Services) -> None:
    identity = services.require_online().identity
    for i in range(10):
        identity.sign_up(f"person{i}@example.com", "en", client_address="203.0.113.20")
    with pytest.raises(MailRequestsPaused) as paused:
        identity.sign_up("person10@example.com", "en", client_address="203.0.113.20")
    with pytest.raises(MailRequestsPaused):
        identity.request_password_reset("person1@example.com", "en", client_address="203.0.113.20")
    with pytest.raises(MailRequestsPaused):
        identity.resend_verification("person1@example.com", "en", client_address="203.0.113.20")
    assert paused.value.params["seconds"] == 30 and paused.value.key == "id.mail.throttled"
    identity.sign_up("other@example.com", "en", client_address="203.0.113.21")


async def test_the_api_answers_429_with_retry_after_once_a_client_asked_too_often(
    app_client: httpx.AsyncClient,
) -> None:
    answers = [
        await app_client.post("/api/online/v1/id/sign-up", json={"email": f"p{i}@example.com"})
        for i in range(11)
    ]
    assert [a.status_code for a in answers] == [202] * 10 + [429]
    assert answers[-1].headers["Retry-After"] == "30"
    assert "Too many requests that send e-mail" in answers[-1].json()["message"]


def test_trusted_proxies_are_none_by_default_and_read_as_a_list() -> None:
    assert Settings().trusted_proxy_addresses == ()
    assert Settings(trusted_proxies="10.0.0.5, 10.0.0.6").trusted_proxy_addresses == ("10.0.0.5", "10.0.0.6")


def _throttled_addresses(sessions: sessionmaker[Session]) -> set[str]:
    with sessions() as s:
        keys = s.scalars(select(LoginThrottle.key).where(LoginThrottle.key.like("address:%"))).all()
    return {k.split(":", 1)[1] for k in keys}


def _failed_login(url: str, forwarded_for: str) -> None:
    response = httpx.post(
        f"{url}/api/online/v1/id/login",
        json={"email": "anna@example.com", "password": "wrong-password"},
        headers={"X-Forwarded-For": forwarded_for},
        timeout=30,
    )
    assert response.status_code == 401


def test_x_forwarded_for_counts_only_from_a_configured_proxy(start_server: ServerFactory) -> None:
    direct = start_server("--role", "online")
    _failed_login(direct.url, "198.51.100.99")
    sessions = make_session_factory(make_engine(f"sqlite:///{direct.data_dir / 'online.sqlite3'}"))
    assert _throttled_addresses(sessions) == {"127.0.0.1"}  # the header from a loopback peer is ignored

    proxied = start_server("--role", "online", env={"TRUSTED_PROXIES": "127.0.0.1"})
    _failed_login(proxied.url, "198.51.100.99")
    sessions = make_session_factory(make_engine(f"sqlite:///{proxied.data_dir / 'online.sqlite3'}"))
    assert _throttled_addresses(sessions) == {"198.51.100.99"}

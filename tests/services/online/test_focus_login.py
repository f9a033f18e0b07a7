"""The focus area's "Open Online Desktop": a single-use, short-lived link instead of a password."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from services.api.online.identity import identity_router
from services.clock import FrozenClock
from services.container import Services
from services.errors import NotAuthenticated
from services.online.identity import IdentityService
from services.online.tokens import LinkExpired, LinkInvalid, LinkUsed, LinkWrongPurpose
from tests.services.conftest import link_token, mails_to
from tests.services.online.test_identity import ADDRESS, PASSWORD, signed_up

ID = "/api/online/v1/id"


def ident(services: Services) -> IdentityService:
    return services.online.identity


def test_a_focus_link_opens_one_browser_session_once(online: Services) -> None:
    signed_up(online)
    api = ident(online).login(ADDRESS, PASSWORD, kind="api")
    link = ident(online).issue_focus_login(api.token)
    assert link.expires_in == 120 and PASSWORD not in link.token
    browser = ident(online).focus_login(link.token)
    seen = ident(online).current(browser.token, kind="browser")
    assert seen is not None and seen.email == ADDRESS
    assert ident(online).current(browser.token, kind="api") is None  # a page session, no bearer token
    with pytest.raises(LinkUsed):
        ident(online).focus_login(link.token)


def test_a_focus_link_expires_after_two_minutes(online: Services, clock: FrozenClock) -> None:
    signed_up(online)
    api = ident(online).login(ADDRESS, PASSWORD, kind="api")
    link = ident(online).issue_focus_login(api.token)
    clock.advance(minutes=2, seconds=1)
    with pytest.raises(LinkExpired):
        ident(online).focus_login(link.token)


def test_only_a_live_api_login_gets_a_focus_link(online: Services) -> None:
    signed_up(online)
    browser = ident(online).login(ADDRESS, PASSWORD, kind="browser")
    with pytest.raises(NotAuthenticated):
        ident(online).issue_focus_login(browser.token)  # a browser session's reference is no bearer token
    api = ident(online).login(ADDRESS, PASSWORD, kind="api")
    ident(online).logout(api.token)
    with pytest.raises(NotAuthenticated):
        ident(online).issue_focus_login(api.token)


def test_an_altered_link_or_one_of_another_purpose_is_refused(online: Services) -> None:
    signed_up(online)
    api = ident(online).login(ADDRESS, PASSWORD, kind="api")
    link = ident(online).issue_focus_login(api.token)
    with pytest.raises(LinkInvalid):
        ident(online).focus_login(link.token[:-3] + "xyz")
    ident(online).request_password_reset(ADDRESS, "en")
    reset = link_token(mails_to(online, ADDRESS)[-1], "/id/reset")
    with pytest.raises(LinkWrongPurpose):
        ident(online).focus_login(reset)
    assert ident(online).focus_login(link.token).token  # the genuine one still works


@pytest.fixture
async def api(online: Services) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(identity_router(online.online.identity))
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 5555))
    async with httpx.AsyncClient(transport=transport, base_url="http://online.test") as client:
        yield client


async def test_the_api_gives_a_link_path_for_a_bearer_token_only(
    api: httpx.AsyncClient, online: Services
) -> None:
    signed_up(online)
    assert (await api.post(f"{ID}/focus-login")).status_code == 401
    login = (await api.post(f"{ID}/login", json={"email": ADDRESS, "password": PASSWORD})).json()
    answer = await api.post(f"{ID}/focus-login", headers={"Authorization": f"Bearer {login['token']}"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["expires_in"] == 120 and body["path"].startswith("/id/focus?token=")
    [token] = parse_qs(urlsplit(body["path"]).query)["token"]
    assert token == body["token"]
    assert ident(online).focus_login(token).online_id.email == ADDRESS

"""The Online ID HTTP API, called with httpx the way the connection wizard calls it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from services.api.online.identity import identity_router
from services.api.online.openapi import openapi_router
from services.clock import FrozenClock
from services.container import Services
from tests.live_server import LiveServer
from tests.services.conftest import link_token, mails_to

PASSWORD = "Blue-Tomato-Sunrise-7"
ADDRESS = "dora@example.com"
ID = "/api/online/v1/id"


@pytest.fixture
async def api(online: Services) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(identity_router(online.online.identity))
    app.include_router(openapi_router(app))
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 5555))
    async with httpx.AsyncClient(transport=transport, base_url="http://online.test") as client:
        yield client


async def signed_up(api: httpx.AsyncClient, online: Services) -> None:
    assert (await api.post(f"{ID}/sign-up", json={"email": ADDRESS, "language": "en"})).status_code == 202
    token = link_token(mails_to(online, ADDRESS)[-1], "/id/verify")
    checked = await api.get(f"{ID}/verify", params={"token": token})
    assert checked.json() == {"purpose": "verify", "email": ADDRESS}
    done = await api.post(f"{ID}/verify", json={"token": token, "password": PASSWORD})
    assert done.status_code == 200 and done.json()["email"] == ADDRESS


async def test_the_wizard_signs_up_verifies_and_logs_in_for_a_short_lived_token(
    api: httpx.AsyncClient, online: Services
) -> None:
    await signed_up(api, online)
    login = await api.post(f"{ID}/login", json={"email": ADDRESS, "password": PASSWORD})
    assert login.status_code == 200
    body = login.json()
    assert body["expires_in"] == 3600 and body["token_type"] == "bearer"
    me = await api.get(f"{ID}/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json()["email"] == ADDRESS
    assert online.online.identity.authenticate_api_token(body["token"]).email == ADDRESS
    out = await api.post(f"{ID}/logout", headers={"Authorization": f"Bearer {body['token']}"})
    assert out.status_code == 204
    assert (
        await api.get(f"{ID}/me", headers={"Authorization": f"Bearer {body['token']}"})
    ).status_code == 401


async def test_sign_up_answers_the_same_for_new_and_existing_addresses(
    api: httpx.AsyncClient, online: Services
) -> None:
    await signed_up(api, online)
    again = await api.post(f"{ID}/sign-up", json={"email": ADDRESS})
    new = await api.post(f"{ID}/sign-up", json={"email": "someone.else@example.com"})
    assert (again.status_code, again.json()) == (new.status_code, new.json()) == (202, {"status": "accepted"})


async def test_a_wrong_login_is_a_generic_401_in_the_callers_language(
    api: httpx.AsyncClient, online: Services
) -> None:
    await signed_up(api, online)
    wrong = await api.post(
        f"{ID}/login",
        json={"email": ADDRESS, "password": "nope-nope-nope"},
        headers={"Accept-Language": "de"},
    )
    unknown = await api.post(f"{ID}/login", json={"email": "x@example.com", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"] == "id.login.failed"
    assert wrong.json()["message"] == "E-Mail-Adresse oder Passwort ist falsch."


async def test_repeated_failures_get_429_with_retry_after(api: httpx.AsyncClient, online: Services) -> None:
    for _ in range(5):
        await api.post(f"{ID}/login", json={"email": ADDRESS, "password": "nope-nope-nope"})
    locked = await api.post(f"{ID}/login", json={"email": ADDRESS, "password": "nope-nope-nope"})
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == "30"


async def test_bad_links_get_clear_4xx_answers(
    api: httpx.AsyncClient, online: Services, clock: FrozenClock
) -> None:
    await api.post(f"{ID}/sign-up", json={"email": ADDRESS})
    token = link_token(mails_to(online, ADDRESS)[-1], "/id/verify")
    tampered = await api.post(f"{ID}/verify", json={"token": token + "x", "password": PASSWORD})
    assert (tampered.status_code, tampered.json()["error"]) == (400, "id.link.invalid")
    wrong = await api.post(f"{ID}/password-reset", json={"token": token, "password": PASSWORD})
    assert (wrong.status_code, wrong.json()["error"]) == (400, "id.link.wrong_purpose")
    weak = await api.post(f"{ID}/verify", json={"token": token, "password": "short"})
    assert weak.status_code == 422
    assert weak.json()["fields"] == {"password": "The password must have at least 10 characters."}
    assert (await api.post(f"{ID}/verify", json={"token": token, "password": PASSWORD})).status_code == 200
    used = await api.get(f"{ID}/verify", params={"token": token})
    assert (used.status_code, used.json()["error"]) == (410, "id.link.used")
    clock.advance(minutes=2)
    await api.post(f"{ID}/password-reset/request", json={"email": ADDRESS})
    reset = link_token(mails_to(online, ADDRESS)[-1], "/id/reset")
    clock.advance(hours=2)
    expired = await api.post(f"{ID}/password-reset", json={"token": reset, "password": "New-Garden-Path-88"})
    assert (expired.status_code, expired.json()["error"]) == (410, "id.link.expired")


async def test_reset_and_change_password_through_the_api(
    api: httpx.AsyncClient, online: Services, clock: FrozenClock
) -> None:
    await signed_up(api, online)
    clock.advance(minutes=2)
    assert (await api.post(f"{ID}/password-reset/request", json={"email": ADDRESS})).status_code == 202
    reset = link_token(mails_to(online, ADDRESS)[-1], "/id/reset")
    assert (await api.get(f"{ID}/password-reset", params={"token": reset})).json()["email"] == ADDRESS
    assert (
        await api.post(f"{ID}/password-reset", json={"token": reset, "password": "New-Garden-Path-88"})
    ).is_success
    token = (await api.post(f"{ID}/login", json={"email": ADDRESS, "password": "New-Garden-Path-88"})).json()[
        "token"
    ]
    auth = {"Authorization": f"Bearer {token}"}
    refused = await api.post(
        f"{ID}/password",
        json={"current_password": "wrong-one-11", "new_password": "Third-Path-99x"},
        headers=auth,
    )
    assert refused.status_code == 422 and "current_password" in refused.json()["fields"]
    changed = await api.post(
        f"{ID}/password",
        json={"current_password": "New-Garden-Path-88", "new_password": "Third-Path-99x"},
        headers=auth,
    )
    assert changed.status_code == 204
    assert (await api.post(f"{ID}/login", json={"email": ADDRESS, "password": "Third-Path-99x"})).is_success


async def test_calls_without_a_token_or_with_malformed_input_get_4xx(api: httpx.AsyncClient) -> None:
    assert (await api.get(f"{ID}/me")).status_code == 401
    assert (await api.get(f"{ID}/me", headers={"Authorization": "Bearer made-up"})).status_code == 401
    assert (await api.post(f"{ID}/login", content=b"{not json")).status_code == 422
    assert (await api.post(f"{ID}/sign-up", json={"email": "x" * 400 + "@example.com"})).status_code == 422
    invalid = await api.post(f"{ID}/sign-up", json={"email": "no-at-sign"})
    assert invalid.status_code == 422 and invalid.json()["fields"] == {"email": "Not a valid e-mail address"}


async def test_the_openapi_schema_describes_the_online_id_endpoints(api: httpx.AsyncClient) -> None:
    schema = (await api.get("/api/online/v1/openapi.json")).json()
    assert schema["info"]["title"] == "Online Desktop API"
    for path in ("sign-up", "resend", "verify", "login", "logout", "me", "password-reset", "password"):
        assert f"{ID}/{path}" in schema["paths"]
    login = schema["paths"][f"{ID}/login"]["post"]
    assert "LoginOut" in str(login["responses"]["200"]) and "401" in login["responses"]


def test_the_running_server_publishes_the_schema_and_the_login(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        schema = client.get("/api/online/v1/openapi.json").json()
        assert f"{ID}/login" in schema["paths"] and "/api/online/v1/health" in schema["paths"]
        assert all(path.startswith("/api/online/") for path in schema["paths"])
        refused = client.post(f"{ID}/login", json={"email": ADDRESS, "password": PASSWORD})
        assert refused.status_code == 401 and refused.json()["error"] == "id.login.failed"

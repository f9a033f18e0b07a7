"""Fixtures of the security regression tests.

- ``app_client``: every HTTP API of one process (``services`` of role all) on an in-process
  FastAPI app with the body-limit middleware, as ``main.py`` assembles them.
- ``company``, ``api_headers``: a company database with an API user logged in to the local API.
- ``sync_connection``: a connected company (tenant and connection token) for the sync API.
- ``ui_env``: the environment of the NiceGUI ``user`` fixture (list it before ``user``).
- Browser fixtures (``browser``, ``page``) come from ``tests/e2e/conftest.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

import services.secrets.passwords
from services.api.limits import BodyLimitMiddleware
from services.api.local.router import local_api_router
from services.api.online.identity import identity_router
from services.api.online.openapi import openapi_router
from services.api.online.sync import sync_router
from services.container import Services
from services.local.views import CompanyView
from services.sync.protocol.messages import CompanyInfo, request_fields
from services.sync.server.connections import ConnectionCreated
from tests.e2e.conftest import browser, page  # noqa: F401 (fixtures for the browser tests)
from tests.services.local.licensing_factories import create_company


def api_app(services: Services) -> FastAPI:
    app = FastAPI()
    app.add_middleware(BodyLimitMiddleware)
    local, online = services.require_local(), services.require_online()
    app.include_router(identity_router(online.identity))
    app.include_router(openapi_router(app))
    app.include_router(
        sync_router(lambda: online.sync_server, lambda: online.identity.authenticate_api_token)
    )
    app.include_router(
        local_api_router(
            api_users=local.api_users,
            records=local.api_records,
            integrations=local.integrations,
            prerequisites=local.prerequisites,
        )
    )
    return app


@pytest.fixture
async def app_client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=api_app(services), client=("198.51.100.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as client:
        yield client


@pytest.fixture
def company(services: Services) -> CompanyView:
    return create_company(services)


@pytest.fixture
async def api_headers(
    services: Services, company: CompanyView, app_client: httpx.AsyncClient
) -> dict[str, str]:
    secret = services.require_local().api_users.create_api_user(company.id, "shop").secret
    response = await app_client.post("/api/local/v1/login", json={"name": "shop", "secret": secret})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@dataclass(frozen=True, kw_only=True, slots=True)
class Connected:
    created: ConnectionCreated
    headers: dict[str, str]

    def body(self, **fields: object) -> dict[str, object]:
        return {**request_fields(self.created.tenant_uuid), **fields}


@pytest.fixture
def sync_connection(services: Services) -> Connected:
    created = services.require_online().sync_server.connections.create_connection(
        online_id_id=None, company=CompanyInfo(name="Angreifer GmbH")
    )
    return Connected(created=created, headers={"Authorization": f"Bearer {created.token}"})


@pytest.fixture
def ui_env(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """For tests with the NiceGUI ``user`` fixture: name it before ``user`` (environment first),
    with argon2 at tiny costs like tests/ui."""
    monkeypatch.setattr(
        services.secrets.passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    )
    return app_env

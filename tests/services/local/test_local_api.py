"""The local REST API: token login per API user, company-scoped records, and the initial-sync lock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from services.api.local.router import local_api_router
from services.container import Services
from services.errors import Locked
from tests.services.local.licensing_factories import create_company


@pytest.fixture
async def api(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    local = services.local
    app.include_router(
        local_api_router(
            api_users=local.api_users,
            records=local.api_records,
            integrations=local.integrations,
            prerequisites=local.prerequisites,
        )
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bs.test") as client:
        yield client


def api_user(services: Services, company_id: int, name: str = "shop") -> str:
    return services.local.api_users.create_api_user(company_id, name).secret


async def login(api: httpx.AsyncClient, name: str, secret: str) -> dict[str, str]:
    response = await api.post("/api/local/v1/login", json={"name": name, "secret": secret})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_a_wrong_secret_is_refused_without_saying_which_part_was_wrong(
    services: Services, api: httpx.AsyncClient
) -> None:
    company = create_company(services)
    api_user(services, company.id)
    response = await api.post("/api/local/v1/login", json={"name": "shop", "secret": "nope"})
    assert response.status_code == 401
    assert response.json()["message"] == "API user name or secret is wrong."
    assert (await api.get("/api/local/v1/contacts")).status_code == 401


async def test_an_api_user_reads_and_writes_contacts_and_products(
    services: Services, api: httpx.AsyncClient
) -> None:
    company = create_company(services)
    headers = await login(api, "shop", api_user(services, company.id))
    created = await api.post(
        "/api/local/v1/contacts", json={"name": "Kunde AG", "city": "Köln"}, headers=headers
    )
    assert created.status_code == 201
    uuid = created.json()["uuid"]
    changed = await api.patch(f"/api/local/v1/contacts/{uuid}", json={"phone": "+49 221 1"}, headers=headers)
    assert (changed.json()["phone"], changed.json()["city"]) == ("+49 221 1", "Köln")
    listed = (await api.get("/api/local/v1/contacts", params={"search": "kunde"}, headers=headers)).json()
    assert [c["name"] for c in listed["items"]] == ["Kunde AG"] and listed["total"] == 1
    product = await api.post(
        "/api/local/v1/products", json={"number": "P-1", "name": "Schraube", "price": "0.25"}, headers=headers
    )
    assert product.status_code == 201 and product.json()["price"] == "0.25"
    assert (await api.get("/api/local/v1/products", headers=headers)).json()["total"] == 1
    assert (await api.delete(f"/api/local/v1/contacts/{uuid}", headers=headers)).status_code == 204
    assert (await api.get(f"/api/local/v1/contacts/{uuid}", headers=headers)).status_code == 404


async def test_bad_input_gets_a_clear_4xx_and_saves_nothing(
    services: Services, api: httpx.AsyncClient
) -> None:
    company = create_company(services)
    headers = await login(api, "shop", api_user(services, company.id))
    assert (await api.post("/api/local/v1/contacts", json={"name": ""}, headers=headers)).status_code == 422
    assert (
        await api.post("/api/local/v1/contacts", json={"name": "A", "x": 1}, headers=headers)
    ).status_code == 422
    bad_mail = await api.post("/api/local/v1/contacts", json={"name": "A", "email": "nope"}, headers=headers)
    assert bad_mail.status_code == 422 and bad_mail.json()["fields"] == {
        "email": "Not a valid e-mail address"
    }
    assert (await api.get("/api/local/v1/contacts", headers=headers)).json()["total"] == 0


async def test_a_token_never_reaches_another_companys_records(
    services: Services, api: httpx.AsyncClient
) -> None:
    mine, theirs = create_company(services), create_company(services, name="Schmidt AG")
    their_headers = await login(api, "their-shop", api_user(services, theirs.id, "their-shop"))
    secret = (
        await api.post("/api/local/v1/contacts", json={"name": "Geheim KG"}, headers=their_headers)
    ).json()
    my_headers = await login(api, "shop", api_user(services, mine.id))
    assert (await api.get("/api/local/v1/contacts", headers=my_headers)).json()["total"] == 0
    assert (await api.get(f"/api/local/v1/contacts/{secret['uuid']}", headers=my_headers)).status_code == 404
    url = f"/api/local/v1/contacts/{secret['uuid']}"
    assert (await api.patch(url, json={"name": "x"}, headers=my_headers)).status_code == 404
    assert (await api.delete(url, headers=my_headers)).status_code == 404
    assert (await api.get(url, headers=their_headers)).json()["name"] == "Geheim KG"


async def test_the_api_refuses_requests_while_the_initial_sync_holds_the_lock_and_accepts_them_after(
    services: Services, api: httpx.AsyncClient
) -> None:
    company = create_company(services)
    secret = api_user(services, company.id)
    headers = await login(api, "shop", secret)
    services.local.sync_lock.acquire(company.id, "initial-sync")
    refused = await api.get("/api/local/v1/contacts", headers=headers)
    assert refused.status_code == 423
    assert "initial synchronisation" in refused.json()["message"]
    refused_login = await api.post("/api/local/v1/login", json={"name": "shop", "secret": secret})
    assert refused_login.status_code == 423
    german = await api.get("/api/local/v1/contacts", headers={**headers, "Accept-Language": "de-DE"})
    assert "Erstsynchronisierung" in german.json()["message"]
    services.local.sync_lock.release(company.id)
    assert (await api.get("/api/local/v1/contacts", headers=headers)).status_code == 200
    assert (await api.post("/api/local/v1/login", json={"name": "shop", "secret": secret})).status_code == 200


async def test_the_lock_of_another_company_does_not_refuse_this_one(
    services: Services, api: httpx.AsyncClient
) -> None:
    mine, other = create_company(services), create_company(services, name="Schmidt AG")
    headers = await login(api, "shop", api_user(services, mine.id))
    services.local.sync_lock.acquire(other.id, "initial-sync")
    assert (await api.get("/api/local/v1/contacts", headers=headers)).status_code == 200


async def test_sessions_are_listed_in_business_software_and_can_be_logged_out(
    services: Services, api: httpx.AsyncClient
) -> None:
    company = create_company(services)
    headers = await login(api, "shop", api_user(services, company.id))
    sessions = services.local.api_users.list_sessions(company.id)
    assert [s.api_user_name for s in sessions] == ["shop"]
    assert services.local.api_users.list_api_users(company.id)[0].open_sessions == 1
    services.local.api_users.end_session(company.id, sessions[0].id)
    assert services.local.api_users.list_sessions(company.id) == []
    assert (await api.get("/api/local/v1/contacts", headers=headers)).status_code == 401


async def test_the_api_user_logs_out_itself(services: Services, api: httpx.AsyncClient) -> None:
    company = create_company(services)
    headers = await login(api, "shop", api_user(services, company.id))
    assert (await api.post("/api/local/v1/logout", headers=headers)).status_code == 204
    assert services.local.api_users.list_sessions(company.id) == []


async def test_integrations_cannot_open_during_the_initial_sync_but_can_close(
    services: Services, api: httpx.AsyncClient
) -> None:
    company = create_company(services)
    integration = services.local.integrations.register_integration(company.id, "Webshop")
    headers = await login(api, "shop", api_user(services, company.id))
    opened = await api.post(f"/api/local/v1/integrations/{integration.id}/open", headers=headers)
    assert opened.json()["open"] is True
    services.local.sync_lock.acquire(company.id, "initial-sync")
    with pytest.raises(Locked):
        services.local.integrations.open_integration(company.id, integration.id)
    assert services.local.integrations.close_integration(company.id, integration.id).is_open is False
    services.local.sync_lock.release(company.id)
    assert services.local.integrations.open_integration(company.id, integration.id).is_open


async def test_the_api_reports_the_prerequisites_of_its_company(
    services: Services, api: httpx.AsyncClient
) -> None:
    company = create_company(services)
    headers = await login(api, "shop", api_user(services, company.id))
    answer = (await api.get("/api/local/v1/online-desktop/prerequisites", headers=headers)).json()
    assert [c["number"] for c in answer["conditions"]] == list(range(1, 12))
    assert answer["ok"] is False
    eight = answer["conditions"][7]
    assert eight["status"] == "ok", "the caller's own session does not count against condition 8"
    assert answer["conditions"][0]["fix_link"] == "/settings/licence"

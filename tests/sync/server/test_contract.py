"""The service contract travels signed by the licence: connect stores it, a licence change updates
it, a key that does not verify changes nothing (PRODUCT.md §3, §7a)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from models.online import AuditEntry, OnlineId, Tenant
from services.api.online.sync import sync_router
from services.db import Databases
from services.licence_keys import IssueRequest, issue_key
from services.sync.protocol.messages import PROTOCOL_VERSION, request_fields
from services.sync.protocol.tables import SCHEMA_VERSION
from services.sync.server.service import SyncServer
from tests.sync.helpers import licence_key
from tests.sync.server.test_api import body, fake_identity, headers

ID_AUTH = {"Authorization": "Bearer id-token"}


@pytest.fixture
async def client(server: SyncServer, online_dbs: Databases) -> AsyncIterator[httpx.AsyncClient]:
    assert online_dbs.online is not None
    with online_dbs.online.begin() as s:
        if s.get(OnlineId, 1) is None:
            s.add(OnlineId(id=1, email="chefin@example.com", status="active"))
    app = FastAPI()
    app.include_router(sync_router(lambda: server, lambda: fake_identity))
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4711))
    async with httpx.AsyncClient(transport=transport, base_url="http://online") as c:
        yield c


def connect_body(name: str, licence: str, tenant: str | None = None) -> dict[str, Any]:
    return {
        "protocol_version": PROTOCOL_VERSION,
        "schema_version": SCHEMA_VERSION,
        "company": {"name": name},
        "computer_name": "BUERO-PC",
        "tenant": tenant,
        "licence": licence,
    }


def tenant_row(dbs: Databases, uuid: str) -> Tenant:
    assert dbs.online is not None
    with dbs.online() as s:
        row = s.scalar(select(Tenant).where(Tenant.uuid == uuid))
        assert row is not None
        return row


def audit(dbs: Databases, tenant_id: int) -> list[AuditEntry]:
    assert dbs.online is not None
    with dbs.online() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.tenant_id == tenant_id).order_by(AuditEntry.id))
        )


def tenants_named(dbs: Databases, name: str) -> int:
    assert dbs.online is not None
    with dbs.online() as s:
        return s.scalar(select(func.count()).select_from(Tenant).where(Tenant.name == name)) or 0


async def test_connect_stores_the_contract_of_the_licence_and_audits_who_from_where(
    client: httpx.AsyncClient, online_dbs: Databases
) -> None:
    until = dt.date.today() + dt.timedelta(days=30)
    key = licence_key(seats=3, modules=("contacts", "activities"), valid_until=until, number="BS-00000042")
    answer = await client.post(
        "/api/online/v1/sync/connections", json=connect_body("Vertrag GmbH", key), headers=ID_AUTH
    )
    assert answer.status_code == 200, answer.text
    tenant = tenant_row(online_dbs, answer.json()["tenant"])
    assert (tenant.seats, tenant.modules, tenant.contract_valid_until) == (3, "contacts,activities", until)
    assert tenant.licence_number == "BS-00000042"
    [entry] = audit(online_dbs, tenant.id)
    assert (entry.action, entry.actor_id, entry.actor, entry.address) == (
        "connect",
        1,
        "chefin@example.com",
        "203.0.113.7",
    )
    assert '"seats": 3' in entry.after and "BUERO-PC" in entry.after


@pytest.mark.parametrize(
    "licence",
    [
        "",
        licence_key()[:-3] + "abc",  # changed
        licence_key()[:40],  # cut off
        issue_key(
            IssueRequest(holder="X", seats=5, valid_until=dt.date(2030, 1, 1)),
            configured_vendor_key="foreign",
        ),
        issue_key(IssueRequest(holder="X", seats=5, valid_until=dt.date(2030, 1, 1), addons=("webshop",))),
    ],
    ids=["empty", "changed", "cut-off", "foreign-vendor", "no-online-desktop"],
)
async def test_a_licence_that_does_not_verify_creates_no_account(
    client: httpx.AsyncClient, online_dbs: Databases, licence: str
) -> None:
    answer = await client.post(
        "/api/online/v1/sync/connections", json=connect_body("Gefälscht KG", licence), headers=ID_AUTH
    )
    assert (answer.status_code, answer.json()["error"]) == (422, "contract.licence_refused")
    assert tenants_named(online_dbs, "Gefälscht KG") == 0


async def test_a_licence_change_updates_the_contract_once_with_an_audit_entry(
    client: httpx.AsyncClient, online_dbs: Databases
) -> None:
    first = licence_key(seats=3, number="BS-00000043")
    created = await client.post(
        "/api/online/v1/sync/connections", json=connect_body("Wechsel AG", first), headers=ID_AUTH
    )
    tenant_uuid, token = created.json()["tenant"], created.json()["token"]

    async def send(licence: str) -> httpx.Response:
        return await client.post(
            "/api/online/v1/sync/contract",
            content=body({**request_fields(tenant_uuid), "licence": licence}),
            headers=headers(token),
        )

    renewed = licence_key(seats=8, modules=("contacts", "sales"), number="BS-00000044")
    changed, again, forged = await send(renewed), await send(renewed), await send(renewed[:-2] + "xx")
    assert changed.json() == {**changed.json(), "seats": 8, "changed": True}
    assert again.json()["changed"] is False
    assert (forged.status_code, forged.json()["error"]) == (422, "contract.licence_refused")
    tenant = tenant_row(online_dbs, tenant_uuid)
    assert (tenant.seats, tenant.modules, tenant.licence_number) == (8, "contacts,sales", "BS-00000044")
    entries = [e for e in audit(online_dbs, tenant.id) if e.action == "contract_change"]
    assert len(entries) == 1
    assert '"seats": 3' in entries[0].before and '"seats": 8' in entries[0].after
    assert entries[0].address == "203.0.113.7"

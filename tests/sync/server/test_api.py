"""The sync HTTP API refuses bad requests with a 4xx and a message, and then has written nothing."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from models.online import Membership, OnlineId
from services.api.online.sync import sync_router
from services.db import Databases
from services.errors import NotAuthenticated
from services.sync.protocol.messages import (
    MAX_BODY_BYTES,
    MAX_INFLATED_BYTES,
    PROTOCOL_VERSION,
    CompanyInfo,
    ProtocolError,
    VerifyRequest,
)
from services.sync.protocol.tables import SCHEMA_VERSION
from services.sync.server.service import SyncServer
from tests.sync.helpers import columnar, connect, contact, fields, licence_key, many_contacts


@dataclass(frozen=True)
class FakeOnlineId:
    id: int
    email: str


def fake_identity(token: str) -> FakeOnlineId:
    if token != "id-token":
        raise NotAuthenticated()
    return FakeOnlineId(id=1, email="chefin@example.com")


@pytest.fixture
async def client(server: SyncServer) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(sync_router(lambda: server, lambda: fake_identity))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://online") as c:
        yield c


def body(payload: dict[str, Any]) -> bytes:
    return gzip.compress(orjson.dumps(payload))


def headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Encoding": "gzip",
        "Content-Type": "application/json",
    }


def contacts_online(server: SyncServer, ctx: Any) -> int:
    return server.verify(ctx, VerifyRequest(**fields(ctx))).tables["contacts"].count


async def begin(client: httpx.AsyncClient, ctx: Any, token: str) -> str:
    response = await client.post(
        "/api/online/v1/sync/snapshot/begin",
        content=body(
            {**fields(ctx), "snapshot_id": str(uuid.uuid4()), "kind": "initial", "tables": ["contacts"]}
        ),
        headers=headers(token),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["snapshot_id"])


async def test_a_valid_snapshot_page_is_stored(client: httpx.AsyncClient, server: SyncServer) -> None:
    ctx, token = connect(server)
    snapshot = await begin(client, ctx, token)
    columns, data = columnar("contacts", many_contacts(3))
    page = {
        **fields(ctx),
        "snapshot_id": snapshot,
        "table": "contacts",
        "page": 0,
        "columns": columns,
        "data": data,
    }
    response = await client.post(
        "/api/online/v1/sync/snapshot/page", content=body(page), headers=headers(token)
    )
    assert response.json()["rows"] == 3
    assert contacts_online(server, ctx) == 3


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        (lambda p: {**p, "protocol_version": PROTOCOL_VERSION + 1}, 400, "unsupported_protocol"),
        (lambda p: {**p, "schema_version": "0000"}, 409, "schema_mismatch"),
        (lambda p: {**p, "columns": p["columns"][::-1]}, 400, "bad_columns"),
        (lambda p: {**p, "data": [p["data"][0], *p["data"][1:-1]]}, 400, "bad_data"),
        (lambda p: {**p, "data": [p["data"][0], [None] * 3, *p["data"][2:]]}, 400, "bad_value"),
        (lambda p: {**p, "data": [p["data"][0], ["x" * 21] * 3, *p["data"][2:]]}, 400, "bad_value"),
        (lambda p: {**p, "table": "users"}, 400, "unknown_table"),
        (lambda p: {**p, "page": "eins"}, 400, "bad_message"),
        (lambda p: {k: v for k, v in p.items() if k != "snapshot_id"}, 400, "bad_message"),
    ],
)
async def test_a_bad_snapshot_page_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, server: SyncServer, change: Any, status: int, error: str
) -> None:
    ctx, token = connect(server)
    snapshot = await begin(client, ctx, token)
    columns, data = columnar("contacts", many_contacts(3))
    page = {
        **fields(ctx),
        "snapshot_id": snapshot,
        "table": "contacts",
        "page": 0,
        "columns": columns,
        "data": data,
    }
    response = await client.post(
        "/api/online/v1/sync/snapshot/page", content=body(change(page)), headers=headers(token)
    )
    assert (response.status_code, response.json()["error"]) == (status, error)
    assert response.json()["message"]
    assert contacts_online(server, ctx) == 0


async def test_a_request_for_another_tenant_is_refused_and_writes_nowhere(
    client: httpx.AsyncClient, server: SyncServer
) -> None:
    a, token_a = connect(server, "A GmbH")
    b, _token_b = connect(server, "B GmbH")
    push = {
        **fields(b),
        "mutations": [
            {"id": 1, "table": "contacts", "uuid": "u1", "op": "upsert", "base": 0, "values": contact()}
        ],
    }
    response = await client.post("/api/online/v1/sync/push", content=body(push), headers=headers(token_a))
    assert (response.status_code, response.json()["error"]) == (403, "wrong_tenant")
    assert contacts_online(server, a) == 0 and contacts_online(server, b) == 0


@pytest.mark.parametrize("token", ["", "nonsense", None])
async def test_a_missing_or_unknown_token_gets_401(
    client: httpx.AsyncClient, server: SyncServer, token: str | None
) -> None:
    ctx, _token = connect(server)
    hdrs = headers(token or "") if token is not None else {"Content-Encoding": "gzip"}
    response = await client.post(
        "/api/online/v1/sync/pull", content=body({**fields(ctx), "cursor": 0}), headers=hdrs
    )
    assert response.status_code == 401


async def test_a_revoked_connection_gets_401(client: httpx.AsyncClient, server: SyncServer) -> None:
    ctx, token = connect(server)
    server.connections.revoke_connection(ctx.connection_id)
    response = await client.post(
        "/api/online/v1/sync/pull", content=body({**fields(ctx), "cursor": 0}), headers=headers(token)
    )
    assert (response.status_code, response.json()["error"]) == (401, "unauthorized")


async def test_oversized_bodies_and_compression_bombs_are_refused(
    client: httpx.AsyncClient, server: SyncServer
) -> None:
    _ctx, token = connect(server)
    big = await client.post(
        "/api/online/v1/sync/pull",
        content=b"x" * (MAX_BODY_BYTES + 1),
        headers={"Authorization": f"Bearer {token}"},
    )
    bomb = await client.post(
        "/api/online/v1/sync/pull",
        content=gzip.compress(b" " * (MAX_INFLATED_BYTES + 10)),
        headers=headers(token),
    )
    assert (big.status_code, bomb.status_code) == (413, 413)


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\x00\x01"])
async def test_malformed_bodies_get_400(client: httpx.AsyncClient, server: SyncServer, raw: bytes) -> None:
    _ctx, token = connect(server)
    response = await client.post(
        "/api/online/v1/sync/push", content=gzip.compress(raw), headers=headers(token)
    )
    assert response.status_code == 400 and response.json()["message"]


async def test_a_pushed_record_that_does_not_fit_is_rejected_alone(
    client: httpx.AsyncClient, server: SyncServer
) -> None:
    ctx, token = connect(server)
    good, bad = contact(), contact(name=None)
    push = {
        **fields(ctx),
        "mutations": [
            {"id": 1, "table": "contacts", "uuid": "u-bad", "op": "upsert", "base": 0, "values": bad},
            {"id": 2, "table": "contacts", "uuid": "u-good", "op": "upsert", "base": 0, "values": good},
        ],
    }
    response = await client.post("/api/online/v1/sync/push", content=body(push), headers=headers(token))
    result = response.json()
    assert [r["uuid"] for r in result["rejections"]] == ["u-bad"]
    assert (result["applied"], result["last_mutation_id"]) == (1, 2)
    assert contacts_online(server, ctx) == 1


async def test_large_pull_answers_are_gzipped(client: httpx.AsyncClient, server: SyncServer) -> None:
    ctx, token = connect(server)
    for _ in range(20):
        server.apply_online_change(
            ctx.tenant_id, table="contacts", uuid=None, fields=contact(notes="Notiz " * 20)
        )
    response = await client.post(
        "/api/online/v1/sync/pull",
        content=body({**fields(ctx), "cursor": 0}),
        headers={**headers(token), "Accept-Encoding": "gzip"},
    )
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["changes"][0]["data"][0]) == 20


async def test_an_online_id_creates_a_company_account_and_a_connection(
    client: httpx.AsyncClient, server: SyncServer, online_dbs: Databases
) -> None:
    assert online_dbs.online is not None
    with online_dbs.online.begin() as s:
        s.add(OnlineId(id=1, email="chefin@example.com", status="active"))
    request = {
        "protocol_version": PROTOCOL_VERSION,
        "schema_version": SCHEMA_VERSION,
        "company": {"name": "Neu GmbH"},
        "licence": licence_key(seats=7),
    }
    refused = await client.post(
        "/api/online/v1/sync/connections", json=request, headers={"Authorization": "Bearer wrong"}
    )
    created = await client.post(
        "/api/online/v1/sync/connections", json=request, headers={"Authorization": "Bearer id-token"}
    )
    assert refused.status_code == 401
    answer = created.json()
    ctx = server.connections.authenticate(answer["token"])
    assert ctx.tenant_uuid == answer["tenant"]
    with online_dbs.online() as s:
        member = s.scalars(select(Membership).where(Membership.tenant_id == ctx.tenant_id)).one()
    assert (member.online_id_id, member.role) == (1, "super_user")


async def test_disconnect_is_refused_to_others_and_deletes_only_the_synced_data(
    client: httpx.AsyncClient, server: SyncServer, online_dbs: Databases
) -> None:
    assert online_dbs.online is not None
    with online_dbs.online.begin() as s:
        if s.get(OnlineId, 1) is None:
            s.add(OnlineId(id=1, email="chefin@example.com", status="active"))
    foreign = server.connections.create_connection(online_id_id=None, company=CompanyInfo(name="Fremd KG"))
    mine = server.connections.create_connection(online_id_id=1, company=CompanyInfo(name="Eigen GmbH"))
    for created in (foreign, mine):
        server.apply_online_change(created.tenant_id, table="contacts", uuid=None, fields={"name": "Kunde"})

    def request(tenant: str, **extra: Any) -> dict[str, Any]:
        return {
            "protocol_version": PROTOCOL_VERSION,
            "schema_version": SCHEMA_VERSION,
            "tenant": tenant,
            **extra,
        }

    url = "/api/online/v1/sync/connections/disconnect"
    auth = {"Authorization": "Bearer id-token"}
    not_mine = await client.post(url, json=request(foreign.tenant_uuid), headers=auth)
    no_login = await client.post(url, json=request(mine.tenant_uuid), headers={"Authorization": "Bearer x"})
    old = await client.post(url, json={**request(mine.tenant_uuid), "protocol_version": 0}, headers=auth)
    unknown = await client.post(url, json=request(mine.tenant_uuid, extra="field"), headers=auth)
    assert (not_mine.status_code, not_mine.json()["error"]) == (403, "sync.not_connected_by_you")
    assert (no_login.status_code, old.status_code, unknown.status_code) == (401, 400, 400)
    for created in (foreign, mine):
        ctx = server.connections.authenticate(created.token)  # nothing was revoked
        assert contacts_online(server, ctx) == 1

    done = await client.post(url, json=request(mine.tenant_uuid), headers=auth)
    assert done.status_code == 200 and done.json()["rows_deleted"] == 1
    ctx = server.connections.authenticate(foreign.token)
    assert contacts_online(server, ctx) == 1  # the other company account is untouched
    with pytest.raises(ProtocolError):
        server.connections.authenticate(mine.token)
    with online_dbs.online() as s:
        member = s.scalars(select(Membership).where(Membership.tenant_id == mine.tenant_id)).one()
    assert member.role == "super_user"

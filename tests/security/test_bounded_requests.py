"""Every route has a body limit that fits it, integers are bounded, and errors never echo input."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from services.api.limits import KB, limit_for
from services.container import Services
from services.sync.protocol.messages import MAX_BODY_BYTES, MAX_PAGE_ROWS, CompanyInfo
from services.sync.protocol.tables import TABLES
from tests.security.conftest import Connected

TOO_BIG = 2**63
SYNC = "/api/online/v1/sync"


def test_each_kind_of_route_has_a_limit_that_fits_it() -> None:
    assert limit_for("/api/online/v1/id/login") == 16 * KB
    assert limit_for("/api/local/v1/login") == 4 * KB
    assert limit_for("/api/local/v1/contacts") == 128 * KB
    assert limit_for("/api/online/v1/sync/snapshot/page") == MAX_BODY_BYTES  # the sync API keeps its own
    assert limit_for("/online/c/x/contacts") == 64 * KB


async def test_a_50_mb_password_gets_a_short_413_without_being_read(app_client: httpx.AsyncClient) -> None:
    body = b'{"email": "anna@example.com", "password": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    response = await app_client.post(
        "/api/online/v1/id/login", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"] == "api.too_large" and "16 kB" in response.json()["message"]
    assert len(response.content) < 300


async def test_a_chunked_body_over_the_limit_is_refused_too(
    app_client: httpx.AsyncClient, api_headers: dict[str, str]
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(200):
            yield b"y" * KB
        yield b'"}'

    response = await app_client.post(
        "/api/local/v1/contacts",
        content=chunks(),
        headers={**api_headers, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert "128 kB" in response.json()["message"]


async def test_a_login_form_is_limited_to_a_few_kilobytes(app_client: httpx.AsyncClient) -> None:
    response = await app_client.post("/api/local/v1/login", json={"name": "shop", "secret": "s" * 5000})
    assert response.status_code == 413


async def test_a_refused_value_is_named_but_never_echoed(app_client: httpx.AsyncClient) -> None:
    marker = "ECHO-" + "x" * 2000
    response = await app_client.post("/api/online/v1/id/login", json={"email": marker, "password": "p"})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"error", "message", "fields"} and body["fields"] == {"email": "Too long"}
    assert "ECHO" not in response.text


async def test_a_sync_date_that_is_not_a_date_is_refused_without_being_echoed(
    app_client: httpx.AsyncClient, sync_connection: Connected
) -> None:
    begin = await app_client.post(
        f"{SYNC}/snapshot/begin",
        json=sync_connection.body(snapshot_id=str(uuid.uuid4()), kind="initial", tables=["sales_orders"]),
        headers=sync_connection.headers,
    )
    assert begin.status_code == 200, begin.text
    spec = TABLES["sales_orders"]
    columns = ["uuid", *spec.column_names]
    row = {c.name: None for c in spec.columns}
    data = [["11111111-1111-1111-1111-111111111111"], *([row[c]] for c in spec.column_names)]
    data[1 + spec.column_names.index("order_date")] = ["<script>alert(1)</script>"]
    page = await app_client.post(
        f"{SYNC}/snapshot/page",
        json=sync_connection.body(
            snapshot_id=begin.json()["snapshot_id"], table="sales_orders", page=0, columns=columns, data=data
        ),
        headers=sync_connection.headers,
    )
    assert page.status_code == 400 and "script" not in page.text


# --- integers and ids (item 6) ----------------------------------------------------------------


@pytest.mark.parametrize("field", ["id", "base"])
async def test_a_pushed_integer_beyond_64_bits_gets_a_400_with_a_message(
    app_client: httpx.AsyncClient, sync_connection: Connected, field: str
) -> None:
    mutation = {"id": 1, "table": "contacts", "uuid": "u-1", "op": "delete", "base": 0, field: TOO_BIG}
    response = await app_client.post(
        f"{SYNC}/push", json=sync_connection.body(mutations=[mutation]), headers=sync_connection.headers
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad_message" and field in response.json()["message"]


async def test_a_pull_cursor_beyond_64_bits_gets_a_400(
    app_client: httpx.AsyncClient, sync_connection: Connected
) -> None:
    response = await app_client.post(
        f"{SYNC}/pull", json=sync_connection.body(cursor=TOO_BIG), headers=sync_connection.headers
    )
    assert response.status_code == 400


async def test_a_local_api_offset_beyond_the_database_range_gets_a_422(
    app_client: httpx.AsyncClient, api_headers: dict[str, str]
) -> None:
    for path in ("/api/local/v1/contacts", "/api/local/v1/products"):
        response = await app_client.get(path, params={"offset": TOO_BIG}, headers=api_headers)
        assert response.status_code == 422
        assert response.json()["fields"] == {"offset": "Out of the allowed range"}


@pytest.mark.parametrize("action", ["open", "close"])
async def test_an_integration_id_beyond_the_database_range_gets_a_422(
    app_client: httpx.AsyncClient, api_headers: dict[str, str], action: str
) -> None:
    response = await app_client.post(f"/api/local/v1/integrations/{TOO_BIG}/{action}", headers=api_headers)
    assert response.status_code == 422
    unknown = await app_client.post(f"/api/local/v1/integrations/{2**62}/{action}", headers=api_headers)
    assert unknown.status_code == 404


async def test_a_snapshot_id_of_another_connection_gets_a_409_and_opens_nothing(
    app_client: httpx.AsyncClient, services: Services, sync_connection: Connected
) -> None:
    snapshot_id = str(uuid.uuid4())
    first = await app_client.post(
        f"{SYNC}/snapshot/begin",
        json=sync_connection.body(snapshot_id=snapshot_id, kind="initial", tables=["contacts"]),
        headers=sync_connection.headers,
    )
    assert first.status_code == 200
    other = services.require_online().sync_server.connections.create_connection(
        online_id_id=None, company=CompanyInfo(name="Andere AG")
    )
    stolen = await app_client.post(
        f"{SYNC}/snapshot/begin",
        json=Connected(created=other, headers={}).body(
            snapshot_id=snapshot_id, kind="initial", tables=["contacts"]
        ),
        headers={"Authorization": f"Bearer {other.token}"},
    )
    assert stolen.status_code == 409 and stolen.json()["error"] == "snapshot_id_taken"
    again = await app_client.post(
        f"{SYNC}/snapshot/begin",
        json=sync_connection.body(snapshot_id=snapshot_id, kind="initial", tables=["contacts"]),
        headers=sync_connection.headers,
    )
    assert again.json()["base_seq"] == first.json()["base_seq"]  # the owner's snapshot is untouched


# --- documented limits (item 9) -----------------------------------------------------------------


async def test_a_snapshot_page_above_20000_rows_is_refused_before_anything_is_written(
    app_client: httpx.AsyncClient, services: Services, sync_connection: Connected
) -> None:
    begin = await app_client.post(
        f"{SYNC}/snapshot/begin",
        json=sync_connection.body(snapshot_id=str(uuid.uuid4()), kind="initial", tables=["contacts"]),
        headers=sync_connection.headers,
    )
    spec = TABLES["contacts"]
    rows = MAX_PAGE_ROWS + 1
    data = [[f"{i:08d}-0000-0000-0000-000000000000" for i in range(rows)]]
    for column in spec.columns:
        data.append([0 if column.kind == "int" else "x" if column.kind == "str" else None] * rows)
    page = await app_client.post(
        f"{SYNC}/snapshot/page",
        json=sync_connection.body(
            snapshot_id=begin.json()["snapshot_id"], table="contacts", page=0,
            columns=["uuid", *spec.column_names], data=data,
        ),
        headers=sync_connection.headers,
    )  # fmt: skip
    assert page.status_code == 413 and page.json()["error"] == "too_many_rows"
    assert "20000" in page.json()["message"]

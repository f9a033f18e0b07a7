"""Everything at rest is owner-only, storage holds no bearer token, and sync tokens are sealed."""

from __future__ import annotations

import asyncio
import json
import re
import stat
from pathlib import Path

import httpx
import pytest
from alembic import command
from playwright.async_api import Page, expect
from sqlalchemy import text

from models.local import SyncConnection
from models.online import OnlineId
from services.config import Settings
from services.container import build_services
from services.db import alembic_config, make_engine, migrate
from services.files import mode_of
from services.secrets.passwords import hash_password
from services.secrets.sealing import SealBroken, TokenSeal
from services.sync.client.connect import store_connection
from services.sync.client.manager import SyncManager
from tests.e2e.conftest import log_in_as_admin
from tests.live_server import LiveServer
from tests.sync.local_helpers import create_company

PASSWORD = "Blue-Tomato-Sunrise-7"
BEFORE_SEALING = "73c894f1cb87"  # the local revision before sync tokens were sealed


def test_a_new_sqlite_database_is_created_owner_only(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'db.sqlite3'}")
    migrate("local", engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE probe (x INTEGER)"))
    engine.dispose()
    files = sorted((tmp_path / "new").iterdir())
    assert files and {f.name: mode_of(f) for f in files} == {f.name: 0o600 for f in files}


def _online_id(server: LiveServer) -> None:
    services = build_services(Settings(data_dir=server.data_dir, role="online"))
    assert services.db.online is not None
    with services.db.online.begin() as s:
        s.add(OnlineId(email="anna@example.com", password_hash=hash_password(PASSWORD), status="active"))
    services.db.dispose()


def _read_storage(storage: Path) -> dict[Path, dict[str, object]]:
    return {p: json.loads(p.read_text()) for p in storage.glob("storage-user-*.json")}


async def _stored_sessions(storage: Path) -> dict[Path, dict[str, object]]:
    """The user storage files once both session references are written (NiceGUI writes behind)."""
    for _ in range(100):
        stored = await asyncio.to_thread(_read_storage, storage)
        if sum(k.endswith("_session") for content in stored.values() for k in content) >= 2:
            return stored
        await asyncio.sleep(0.1)
    return stored


@pytest.mark.e2e
async def test_the_data_directory_databases_and_storage_are_owner_only_and_hold_no_bearer_token(
    page: Page, live_server: LiveServer
) -> None:
    _online_id(live_server)
    await log_in_as_admin(page, live_server)
    await page.goto(live_server.url + "/id/login")
    await page.get_by_label("E-mail address").fill("anna@example.com")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/online(/c/[\w-]+)?$"))

    data = live_server.data_dir
    storage = data / "storage"
    stored = await _stored_sessions(storage)
    assert stored, "the browser's storage is kept in the data directory"
    assert mode_of(data) == mode_of(storage) == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"business.sqlite3", "online.sqlite3", "secret_key"}
    assert {str(p.relative_to(data)): mode_of(p) for p in files} == {
        str(p.relative_to(data)): 0o600 for p in files
    }
    values = [v for content in stored.values() for v in content.values() if isinstance(v, str)]
    references = [v for content in stored.values() for k, v in content.items() if k.endswith("_session")]
    assert len(references) == 2  # the Business Software and the Online ID session
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        for value in values:
            bearer = {"Authorization": f"Bearer {value}"}
            assert (await client.get("/api/online/v1/id/me", headers=bearer)).status_code == 401
            assert (await client.get("/api/local/v1/contacts", headers=bearer)).status_code == 401
            connect = await client.post("/api/online/v1/sync/connections", json={}, headers=bearer)
            assert connect.status_code == 401


def test_existing_sync_tokens_are_sealed_by_the_migration_and_open_only_with_the_secret(
    tmp_path: Path,
) -> None:
    path = tmp_path / "business.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    cfg = alembic_config("local", str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, BEFORE_SEALING)
        conn.execute(text("INSERT INTO companies (uuid, name, is_sample, street, postal_code, city, country, "
                          "phone, email, registration_number, created_at) VALUES ('c-1', 'Firma', 0, '', '', "
                          "'', '', '', '', '', '2026-01-01 00:00:00')"))  # fmt: skip
        conn.execute(
            text(
                "INSERT INTO sync_connections (company_id, online_url, tenant_uuid, token, connected_by, "
                "status, created_at, updated_at) VALUES (1, 'http://o', 't', 'CLEAR-TOKEN-123', '', "
                "'connected', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
    with pytest.raises(RuntimeError):  # without the secret the tokens cannot be sealed
        migrate("local", engine)
    migrate("local", engine, secret_key="installation-secret")
    with engine.connect() as conn:
        sealed = conn.execute(text("SELECT sealed_token FROM sync_connections")).scalar_one()
        columns = {r[1] for r in conn.execute(text("PRAGMA table_info(sync_connections)"))}
    engine.dispose()
    assert "token" not in columns and "CLEAR-TOKEN-123" not in sealed
    assert TokenSeal("installation-secret").open(sealed) == "CLEAR-TOKEN-123"
    with pytest.raises(SealBroken):
        TokenSeal("another-installation").open(sealed)
    assert b"CLEAR-TOKEN-123" not in path.read_bytes()


def test_a_sealed_token_that_does_not_open_asks_for_a_reconnect(tmp_path: Path) -> None:
    services = build_services(Settings(data_dir=tmp_path / "data", role="local", computer_name="TEST-PC"))
    assert services.db.local is not None and services.db.local_engine is not None
    company = create_company(services.db.local)
    with services.db.local.begin() as s:
        s.add(
            SyncConnection(
                company_id=company,
                online_url="http://o",
                tenant_uuid="t",
                sealed_token=TokenSeal("another-installation").seal("token"),
            )
        )
    manager = SyncManager(
        engine=services.db.local_engine,
        computer_name="TEST-PC",
        data_dir=tmp_path,
        http=lambda: None,
        lock=None,
        seal=TokenSeal(services.secret_key),
    )
    assert manager._candidates() == []
    with services.db.local() as s:
        connection = s.get(SyncConnection, company)
        assert connection is not None and connection.status == "needs_reconnect"
    services.db.dispose()
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700


def test_the_stored_value_of_a_new_connection_is_sealed(tmp_path: Path) -> None:
    services = build_services(Settings(data_dir=tmp_path / "data", role="local", computer_name="TEST-PC"))
    assert services.db.local is not None and services.db.local_engine is not None
    company = create_company(services.db.local)
    seal = TokenSeal(services.secret_key)
    store_connection(
        services.db.local, engine=services.db.local_engine, company_id=company, online_url="http://o",
        tenant_uuid="t", token="CLEAR-TOKEN-456", seal=seal, connected_by="a@example.com", new_account=True,
    )  # fmt: skip
    with services.db.local() as s:
        connection = s.get(SyncConnection, company)
    services.db.dispose()
    assert connection is not None and "CLEAR-TOKEN-456" not in connection.sealed_token
    assert seal.open(connection.sealed_token) == "CLEAR-TOKEN-456"

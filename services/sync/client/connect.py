"""Connecting a company database to an Online Desktop company account (Business Software side).

Shared by the connection wizard and ``main.py sync connect``: the HTTP calls that create the
company account and its connection (``POST /api/online/v1/sync/connections``, authenticated by
an Online ID login token), and storing the answer in the company's ``sync_connections`` row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from models.local import Licence, SyncConnection
from services.secrets.sealing import TokenSeal
from services.sync.client.store import LocalStore
from services.sync.protocol.messages import PROTOCOL_VERSION, CompanyInfo
from services.sync.protocol.tables import SCHEMA_VERSION

if TYPE_CHECKING:  # the caller's client brings httpx along
    import httpx

CONNECTIONS_PATH = "/api/online/v1/sync/connections"


def installed_licence(s: Session) -> str:
    """The licence key in force (the newest installed), sent so that the account gets its contract."""
    return s.scalar(select(Licence.key).order_by(Licence.id.desc()).limit(1)) or ""


def connection_request(
    info: CompanyInfo, *, computer: str, tenant: str | None, licence: str, attempt_key: str | None = None
) -> dict[str, Any]:
    """The body of ``POST /connections`` (``tenant`` reuses an existing company account;
    ``attempt_key`` makes a retried request land on the account the first one created)."""
    body: dict[str, Any] = {
        "protocol_version": PROTOCOL_VERSION,
        "schema_version": SCHEMA_VERSION,
        "company": info.model_dump(),
        "computer_name": computer,
        "tenant": tenant,
        "licence": licence,
    }
    if attempt_key:
        body["idempotency_key"] = attempt_key
    return body


async def post_connection(
    http: httpx.AsyncClient,
    *,
    url: str,
    login_token: str,
    info: CompanyInfo,
    computer: str,
    tenant: str | None,
    licence: str,
    attempt_key: str | None = None,
) -> httpx.Response:
    return await http.post(
        url.rstrip("/") + CONNECTIONS_PATH,
        json=connection_request(
            info, computer=computer, tenant=tenant, licence=licence, attempt_key=attempt_key
        ),
        headers={"Authorization": f"Bearer {login_token}"},
    )


def store_connection(
    sessions: sessionmaker[Session],
    *,
    engine: Engine,
    company_id: int,
    online_url: str,
    tenant_uuid: str,
    token: str,
    seal: TokenSeal,
    connected_by: str,
    new_account: bool,
) -> None:
    """Keep the sync credential (sealed); a new company account starts the sync from scratch."""
    with sessions.begin() as s:
        row = s.get(SyncConnection, company_id)
        if new_account:
            for table in ("sync_states", "sync_checkpoints", "sync_outbox"):
                s.execute(text(f"DELETE FROM {table} WHERE company_id = :c"), {"c": company_id})
        if row is None or new_account:
            if row is not None:
                s.delete(row)
                s.flush()
            row = SyncConnection(company_id=company_id, online_url=online_url, tenant_uuid=tenant_uuid)
            s.add(row)
        row.sealed_token, row.online_url, row.status = seal.seal(token), online_url, "connected"
        row.connected_by = connected_by
    LocalStore(engine, company_id).state()  # the sync state row exists from now on


def forget_sync_state(sessions: sessionmaker[Session], company_id: int) -> None:
    """After a disconnect: the connection is marked disconnected (its company account is kept for a
    later Connect) and the company's sync bookkeeping is removed, so the next sync starts afresh."""
    with sessions.begin() as s:
        row = s.get(SyncConnection, company_id)
        if row is not None:
            row.status, row.sealed_token = "disconnected", ""
        for table in ("sync_states", "sync_checkpoints", "sync_outbox", "sync_schedules"):
            s.execute(text(f"DELETE FROM {table} WHERE company_id = :c"), {"c": company_id})

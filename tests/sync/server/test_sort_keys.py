"""The Online Desktop derives the contacts' sort key on every path that stores a synced row:
snapshot pages, pushed changes and online edits (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from models.collation import sort_key
from models.online import OnlineContact
from models.types import new_uuid
from services.sync.protocol.messages import Mutation
from services.sync.server.service import SyncServer
from tests.sync.helpers import connect, contact
from tests.sync.server.test_server import push, upload


def stored_keys(server: SyncServer, tenant_id: int) -> dict[str, str]:
    with server._sessions() as s:
        rows = s.execute(
            select(OnlineContact.name, OnlineContact.name_sort).where(OnlineContact.tenant_id == tenant_id)
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def test_snapshot_pages_push_and_online_edits_store_the_sort_key(server: SyncServer) -> None:
    ctx, _token = connect(server)
    upload(server, ctx, {"contacts": {new_uuid(): contact(name="Bärer"), new_uuid(): contact(name="Öl AG")}})
    renamed = new_uuid()
    push(
        server,
        ctx,
        Mutation(
            id=1, table="contacts", uuid=renamed, op="upsert", base=0, fields=[], values=contact(name="Ärger")
        ),
    )
    push(
        server,
        ctx,
        Mutation(
            id=2, table="contacts", uuid=renamed, op="upsert", base=0, fields=["name"],
            values=contact(name="Straße 1"),
        ),
    )  # fmt: skip
    server.apply_online_change(ctx.tenant_id, table="contacts", uuid=None, fields={"name": "Zoë Ünal"})
    keys = stored_keys(server, ctx.tenant_id)
    assert set(keys) == {"Bärer", "Öl AG", "Straße 1", "Zoë Ünal"}
    assert all(key == sort_key(name) for name, key in keys.items())

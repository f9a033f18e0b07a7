"""The Online Desktop database behaves the same on SQLite and PostgreSQL (TEST_POSTGRES_URL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.online import OnlineBase, OnlineContact, OnlineProduct, Tenant
from models.online.base import include_object
from models.types import new_uuid
from services.db import make_engine, migrate


def _tenant(s: Session, name: str) -> int:
    tenant = Tenant(name=name)
    s.add(tenant)
    s.flush()
    return tenant.id


def _next_seq(s: Session, tenant_id: int) -> int:
    """Bump the tenant's sequence first, as every write transaction of the sync server does."""
    tenant = s.get_one(Tenant, tenant_id)
    tenant.seq += 1
    s.flush()
    return tenant.seq


def _contact(s: Session, tenant_id: int, name: str, *, uuid: str | None = None) -> str:
    row = OnlineContact(tenant_id=tenant_id, uuid=uuid or new_uuid(), seq=_next_seq(s, tenant_id), name=name)
    s.add(row)
    s.flush()
    return row.uuid


def _names(s: Session, tenant_id: int, *, after_seq: int = 0) -> list[str]:
    query = (
        select(OnlineContact.name)
        .where(OnlineContact.tenant_id == tenant_id, OnlineContact.seq > after_seq, ~OnlineContact.deleted)
        .order_by(OnlineContact.seq)
    )
    return list(s.scalars(query))


def test_migrations_bring_an_empty_database_to_exactly_the_models_schema(online_db_url: str) -> None:
    engine = make_engine(online_db_url)
    try:
        migrate("online", engine)
        migrate("online", engine)  # a second start-up finds nothing to do
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": include_object})
            diff = compare_metadata(context, OnlineBase.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_a_query_scoped_by_tenant_sees_only_that_tenants_rows(online_sessions: sessionmaker[Session]) -> None:
    with online_sessions.begin() as s:
        alpha, beta = _tenant(s, "Alpha GmbH"), _tenant(s, "Beta AG")
        _contact(s, alpha, "Alpha customer 1")
        _contact(s, beta, "Beta customer")
        _contact(s, alpha, "Alpha customer 2")

    with online_sessions() as s:
        assert _names(s, alpha) == ["Alpha customer 1", "Alpha customer 2"]
        assert _names(s, beta) == ["Beta customer"]
        assert s.get_one(Tenant, alpha).seq == 2
        assert s.get_one(Tenant, beta).seq == 1


def test_the_same_record_uuid_in_two_tenants_is_two_separate_rows(
    online_sessions: sessionmaker[Session],
) -> None:
    shared = new_uuid()
    with online_sessions.begin() as s:
        alpha, beta = _tenant(s, "Alpha GmbH"), _tenant(s, "Beta AG")
        _contact(s, alpha, "Alpha's copy", uuid=shared)
        _contact(s, beta, "Beta's copy", uuid=shared)

    with online_sessions() as s:
        assert s.get_one(OnlineContact, {"tenant_id": alpha, "uuid": shared}).name == "Alpha's copy"
        assert s.get_one(OnlineContact, {"tenant_id": beta, "uuid": shared}).name == "Beta's copy"


def test_a_record_uuid_cannot_exist_twice_in_one_tenant(online_sessions: sessionmaker[Session]) -> None:
    shared = new_uuid()
    with online_sessions.begin() as s:
        alpha = _tenant(s, "Alpha GmbH")
        _contact(s, alpha, "First", uuid=shared)

    with pytest.raises(IntegrityError), online_sessions.begin() as s:
        _contact(s, alpha, "Second", uuid=shared)


def test_changes_after_a_cursor_leave_out_older_rows_and_tombstones(
    online_sessions: sessionmaker[Session],
) -> None:
    with online_sessions.begin() as s:
        alpha = _tenant(s, "Alpha GmbH")
        _contact(s, alpha, "Old")
        cursor = s.get_one(Tenant, alpha).seq
        _contact(s, alpha, "New")
        gone = _contact(s, alpha, "Deleted")
        row = s.get_one(OnlineContact, {"tenant_id": alpha, "uuid": gone})
        row.deleted, row.seq = True, _next_seq(s, alpha)

    with online_sessions() as s:
        assert _names(s, alpha, after_seq=cursor) == ["New"]
        tombstones = s.scalar(
            select(func.count()).where(OnlineContact.deleted, OnlineContact.tenant_id == alpha)
        )
        assert tombstones == 1


def test_removing_a_tenant_removes_its_synced_rows_and_keeps_the_others(
    online_engine: Engine, online_sessions: sessionmaker[Session]
) -> None:
    with online_sessions.begin() as s:
        alpha, beta = _tenant(s, "Alpha GmbH"), _tenant(s, "Beta AG")
        _contact(s, alpha, "Alpha customer")
        _contact(s, beta, "Beta customer")

    with online_sessions.begin() as s:
        s.execute(delete(Tenant).where(Tenant.id == alpha))

    with online_sessions() as s:
        assert s.scalar(select(func.count()).select_from(OnlineContact)) == 1
        assert _names(s, beta) == ["Beta customer"]


def test_prices_and_timestamps_come_back_exactly_as_stored(online_sessions: sessionmaker[Session]) -> None:
    moment = dt.datetime(2024, 3, 31, 1, 30, 15, 123456, tzinfo=dt.UTC)
    with online_sessions.begin() as s:
        alpha = _tenant(s, "Alpha GmbH")
        product = OnlineProduct(
            tenant_id=alpha,
            uuid=new_uuid(),
            seq=_next_seq(s, alpha),
            number="P-1",
            name="Espresso machine",
            price=Decimal("1299.99"),
            updated_at=moment,
        )
        s.add(product)

    with online_sessions() as s:
        stored = s.scalars(select(OnlineProduct)).one()
        assert stored.price == Decimal("1299.99")
        assert stored.updated_at == moment
        assert stored.updated_at.tzinfo is not None

"""Sync bookkeeping of the Business Software side: outbox, cursor, checkpoints, history.

The outbox is filled by SQLite triggers (services/sync/client/tracking.py), so every local change of a
synced table is recorded in the same transaction as the change itself, whoever writes it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.local.base import LocalBase
from models.types import UTCDateTime, utcnow


def _company_fk(primary_key: bool = False) -> Mapped[int]:
    return mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=primary_key, index=not primary_key
    )


class SyncState(LocalBase):
    """Where a company's sync stands: pull cursor, initial-sync phase, agent lease, verify times."""

    __tablename__ = "sync_states"
    company_id: Mapped[int] = _company_fk(primary_key=True)
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)  # last server sequence applied here
    initial_status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|running|done
    snapshot_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    snapshot_base_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    resync_tables: Mapped[str] = mapped_column(String(300), default="")
    initial_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    initial_finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lease_holder: Mapped[str] = mapped_column(String(200), default="")
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_push_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_pull_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_verify_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")


class SyncOutboxEntry(LocalBase):
    """One local change waiting to be pushed; ``id`` is the client mutation id (never reused)."""

    __tablename__ = "sync_outbox"
    __table_args__ = (
        Index("ix_sync_outbox_company_uuid", "company_id", "uuid"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    company_id: Mapped[int] = _company_fk()
    table_name: Mapped[str] = mapped_column(String(64))
    uuid: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(1))  # I | U | D
    fields: Mapped[str] = mapped_column(Text, default="")  # changed columns of an update, comma separated
    base_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # pull cursor when the change was made


class SyncApplying(LocalBase):
    """Holds one row only inside a transaction that applies server changes: triggers then stay quiet."""

    __tablename__ = "sync_applying"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class SyncCheckpoint(LocalBase):
    """Initial-sync progress of one table: the last acknowledged page's key and row counts."""

    __tablename__ = "sync_checkpoints"
    company_id: Mapped[int] = _company_fk(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order of the table in the sync
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_total: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes_sent: Mapped[int] = mapped_column(BigInteger, default=0)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncRun(LocalBase):
    """One entry of the sync history (initial, continuous session, verify, re-sync)."""

    __tablename__ = "sync_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company_fk()
    kind: Mapped[str] = mapped_column(String(20))  # initial | continuous | verify | resync
    status: Mapped[str] = mapped_column(String(20), default="running")  # running|ok|failed|interrupted
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rows_up: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_down: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes_up: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes_down: Mapped[int] = mapped_column(BigInteger, default=0)
    error: Mapped[str] = mapped_column(Text, default="")


class SyncConflict(LocalBase):
    """A field changed on both sides; Business Software's value won (or a delete won)."""

    __tablename__ = "sync_conflicts"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company_fk()
    table_name: Mapped[str] = mapped_column(String(64))
    uuid: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(64))
    business_value: Mapped[str] = mapped_column(Text, default="")
    online_value: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    online_by: Mapped[str] = mapped_column(String(200), default="", server_default="")  # who, online
    online_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)  # when, online
    applied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)  # online value applied


class SyncRejection(LocalBase):
    """A local change the server refused; recorded so the queue goes on."""

    __tablename__ = "sync_rejections"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company_fk()
    table_name: Mapped[str] = mapped_column(String(64))
    uuid: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncSchedule(LocalBase):
    """A scheduled initial sync; it survives restarts. status: scheduled | missed | started."""

    __tablename__ = "sync_schedules"
    company_id: Mapped[int] = _company_fk(primary_key=True)
    run_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncDay(LocalBase):
    """Rows synchronised per company and day (UTC), counted in the transaction that moved them;
    the Sync tab's chart reads it (a continuous run may last for weeks, so runs cannot tell days)."""

    __tablename__ = "sync_days"
    company_id: Mapped[int] = _company_fk(primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD
    rows_up: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_down: Mapped[int] = mapped_column(BigInteger, default=0)

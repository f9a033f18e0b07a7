"""Sync bookkeeping of the Online Desktop side: field changes made online, conflicts, snapshots."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.online.base import OnlineBase
from models.types import UTCDateTime, utcnow


class SyncFieldChange(OnlineBase):
    """A field last changed online (not by Business Software), with the sequence of that change.

    A pushed change of the same field whose base is older than ``seq`` is a conflict.
    """

    __tablename__ = "sync_field_changes"
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    # Who changed the field online and when (shown with conflicts on both sides).
    changed_by: Mapped[str] = mapped_column(String(200), default="", server_default="")
    changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class OnlineSyncConflict(OnlineBase):
    """The online record of a conflict (the client keeps its own copy for its history)."""

    __tablename__ = "online_sync_conflicts"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int | None] = mapped_column(
        ForeignKey("connections.id", ondelete="SET NULL"), nullable=True
    )
    table_name: Mapped[str] = mapped_column(String(64))
    uuid: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(64))
    business_value: Mapped[str] = mapped_column(Text, default="")
    online_value: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(String(30))
    seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncSnapshot(OnlineBase):
    """An initial sync (or a table re-sync) in progress or finished, for one connection."""

    __tablename__ = "sync_snapshots"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    tables: Mapped[str] = mapped_column(String(300))
    base_seq: Mapped[int] = mapped_column(BigInteger)
    known_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # the client's cursor at begin
    pages: Mapped[int] = mapped_column(Integer, default=0)  # sequence numbers taken by its pages
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | finished
    finish_cursor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SyncDailyRows(OnlineBase):
    """Rows synchronised per company account and day (UTC): uploaded by Business Software (snapshot
    pages and pushes) and downloaded by it (pulls). The dashboard's sync health reads 14 days."""

    __tablename__ = "sync_daily_rows"
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    rows_up: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_down: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncRound(OnlineBase):
    """One exchange of rows with a Business Software: a snapshot page or a push it uploaded, a
    page of changes it pulled. Written in the transaction that moved the rows (beside
    ``SyncDailyRows``); the list behind the dashboard's sync health, per day."""

    __tablename__ = "sync_rounds"
    __table_args__ = (Index("ix_sync_rounds_tenant_at", "tenant_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    connection_id: Mapped[int | None] = mapped_column(
        ForeignKey("connections.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # snapshot | push | pull
    rows_up: Mapped[int] = mapped_column(BigInteger, default=0)  # from Business Software
    rows_down: Mapped[int] = mapped_column(BigInteger, default=0)  # to Business Software
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Sync connections, outgoing mail and the audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.online.base import OnlineBase
from models.types import UTCDateTime, utcnow


class Connection(OnlineBase):
    """A Business Software company database connected to a tenant; holds the sync credential."""

    __tablename__ = "connections"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | revoked
    connected_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("online_ids.id", ondelete="SET NULL"), nullable=True
    )
    computer_name: Mapped[str] = mapped_column(String(100), default="")
    # The Business Software's name for the attempt that asked for this connection: a retried
    # request with the same key (its answer was lost) gets the same company account.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    last_mutation_id: Mapped[int] = mapped_column(BigInteger, default=0)
    # The tenant sequence of this connection's last push that left the tenant exactly as the
    # client has it (see SyncServer.push); 0 when the last push was not such a one.
    clean_push_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    last_round_trip_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class OutgoingMail(OnlineBase):
    """An e-mail: in the outbox backend it is the mailbox; with SMTP it records the send status."""

    __tablename__ = "outgoing_mail"
    # The delivery worker asks for "queued or stale sending, due now".
    __table_args__ = (Index("ix_outgoing_mail_status_next", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30), default="")
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued|stored|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditEntry(OnlineBase):
    """An administrative action in a company account: who, when, what, before and after, from where.

    Written in the transaction of the action itself (services/online/audit.py), so an action that
    fails leaves no entry and one that commits always has its entry.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_tenant_created", "tenant_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), nullable=True, index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("online_ids.id", ondelete="SET NULL"), nullable=True
    )
    actor: Mapped[str] = mapped_column(String(300), default="", server_default="")  # name (e-mail) then
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(300), default="", server_default="")  # whom or what
    before: Mapped[str] = mapped_column(Text, default="", server_default="")  # JSON object or ""
    after: Mapped[str] = mapped_column(Text, default="", server_default="")
    address: Mapped[str] = mapped_column(String(64), default="", server_default="")
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

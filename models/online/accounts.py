"""Company accounts (tenants), Online IDs, memberships with roles, invitations, single-use tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.online.base import OnlineBase
from models.types import UTCDateTime, new_uuid, utcnow

ROLES = ("super_user", "administrator", "standard", "read_only")


class Tenant(OnlineBase):
    """A company account in the Online Desktop, with its service contract and change sequence."""

    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    registration_number: Mapped[str] = mapped_column(String(50), default="")
    seats: Mapped[int] = mapped_column(Integer, default=5)
    contract_valid_until: Mapped[dt.date | None] = mapped_column(nullable=True)
    modules: Mapped[str] = mapped_column(String(200), default="contacts,activities,sales,products")
    # The licence the contract was last read from (its number, and when it arrived).
    licence_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    contract_updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Last sequence number handed out; bumped first in every write transaction of the tenant.
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OnlineId(OnlineBase):
    """A person's login to the Online Desktop (e-mail + password)."""

    __tablename__ = "online_ids"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | active | disabled
    language: Mapped[str] = mapped_column(String(5), default="en")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Membership(OnlineBase):
    """An Online ID's access to one company account, with a role."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("tenant_id", "online_id_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    online_id_id: Mapped[int] = mapped_column(ForeignKey("online_ids.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="standard")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    employee_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invitation(OnlineBase):
    """An invitation of an e-mail address to a company account; one open invitation per address."""

    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_tenant_email", "tenant_id", "email"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20), default="standard")
    employee_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|accepted|revoked
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("online_ids.id", ondelete="SET NULL"), nullable=True
    )
    send_count: Mapped[int] = mapped_column(Integer, default=1)
    last_sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Resends are limited per hour: the hour's start and how many resends it has seen.
    resend_window_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resends_in_window: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The inviter is reminded once of an invitation still pending after five days.
    inviter_reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TokenUse(OnlineBase):
    """A single-use link's nonce; consumed in the same transaction as the action it allows."""

    __tablename__ = "token_uses"
    __table_args__ = (Index("ix_token_uses_purpose_subject", "purpose", "subject"),)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    consumed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

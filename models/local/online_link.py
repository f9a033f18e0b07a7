"""How a company database is linked to the Online Desktop: settings and the connection itself."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.local.base import LocalBase
from models.types import UTCDateTime, utcnow


class OnlineDesktopSettings(LocalBase):
    """Company settings › Settings per module › Online Desktop (Sync tab)."""

    __tablename__ = "online_desktop_settings"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    # Name of the network computer that runs the sync; None means the system database host.
    sync_computer: Mapped[str | None] = mapped_column(String(100), nullable=True)


class SyncConnection(LocalBase):
    """The company's connection to an Online Desktop company account, with its sync credential.

    The bearer token is kept here because this side must present it, sealed with the installation's
    secret key (``services.sealing``); the online side keeps only its hash.
    ``status``: connected | needs_reconnect | disconnected.
    """

    __tablename__ = "sync_connections"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    online_url: Mapped[str] = mapped_column(String(300))
    tenant_uuid: Mapped[str] = mapped_column(String(36))
    sealed_token: Mapped[str] = mapped_column(Text, default="")
    connected_by: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(20), default="connected")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

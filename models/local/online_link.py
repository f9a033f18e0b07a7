"""How a company database is linked to the Online Desktop: settings and the connection itself."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String, Text
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
    secret key (``services.secrets.sealing``); the online side keeps only its hash.
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


class ConnectWizardProgress(LocalBase):
    """Where one user stands in the connection wizard of one company, so that a reload or a Fix
    link's round trip returns to the same step with what was typed (never a password).

    ``sealed_login_token`` is the Online ID login of step 4, sealed like the sync credential; it
    expires on the Online Desktop like any login. ``attempt_key`` names the connection attempt of
    step 7: sent with every Run of this pass, so a Run whose answer was lost and is retried gets
    the same company account instead of a second one; it outlives Cancel and ends with a Run that
    answered.
    """

    __tablename__ = "connect_wizard_progress"
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    step: Mapped[str] = mapped_column(String(32), default="prerequisites")
    entered: Mapped[str] = mapped_column(Text, default="{}")  # JSON: field -> text the person entered
    login_email: Mapped[str] = mapped_column(String(254), default="")
    login_name: Mapped[str] = mapped_column(String(200), default="")
    sealed_login_token: Mapped[str] = mapped_column(Text, default="")
    fixing: Mapped[bool] = mapped_column(Boolean, default=False)  # left through a Fix link
    attempt_key: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

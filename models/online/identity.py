"""Online ID sessions and the failed-login counters that throttle guessing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.online.base import OnlineBase
from models.types import UTCDateTime, utcnow


class OnlineSession(OnlineBase):
    """A logged-in Online ID (browser or API client); the token is stored only as a hash."""

    __tablename__ = "online_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    online_id_id: Mapped[int] = mapped_column(ForeignKey("online_ids.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="browser")  # browser | api
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LoginThrottle(OnlineBase):
    """Failed logins per key ("account:<e-mail>" or "address:<ip>"), whether or not the account exists.

    Keyed by the typed address rather than the Online ID so that a lockout never reveals
    whether an account exists.
    """

    __tablename__ = "login_throttles"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

"""Company settings › Settings per module › Online Desktop: sync computer, connection status.

The sync computer is stored by name; None means "the computer hosting the system database", so
the default follows the installation when the host changes (PRODUCT.md S7). There is no sync
interval: the sync runs continuously (a local change is sent within a second, the Online
Desktop's changes arrive through a long poll as they happen), so an interval could only delay it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company, NetworkComputer, OnlineDesktopSettings, SyncConnection
from services.errors import NotFound, ValidationFailed
from services.local.network import ComputerView, computer_view


@dataclass(frozen=True, kw_only=True, slots=True)
class SyncSettingsView:
    company_id: int
    sync_computer: str | None  # the effective choice; None only when no computer is registered
    uses_default: bool  # True while the system database host is used implicitly
    computers: tuple[ComputerView, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class ConnectionStatusView:
    """status: not_connected | connected | needs_reconnect | disconnected."""

    company_id: int
    status: str
    connected_by: str
    online_url: str
    since: dt.datetime | None

    @property
    def is_connected(self) -> bool:
        return self.status in ("connected", "needs_reconnect")


def effective_sync_computer(s: Session, company_id: int) -> str | None:
    """The chosen sync computer, else the system database host (used by prerequisite 7)."""
    row = s.get(OnlineDesktopSettings, company_id)
    if row is not None and row.sync_computer:
        return row.sync_computer
    return s.scalar(select(NetworkComputer.name).where(NetworkComputer.hosts_system_database).limit(1))


def connection_status(s: Session, company_id: int) -> ConnectionStatusView:
    link = s.get(SyncConnection, company_id)
    if link is None:
        return ConnectionStatusView(
            company_id=company_id, status="not_connected", connected_by="", online_url="", since=None
        )
    gone = link.status == "disconnected"  # the row stays for a later Connect; its "by" is history
    return ConnectionStatusView(
        company_id=company_id,
        status=link.status,
        connected_by="" if gone else link.connected_by,
        online_url=link.online_url,
        since=None if gone else link.created_at,
    )


class OnlineDesktopSettingsService:
    """Read and change a company's Online Desktop settings."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def sync_settings(self, company_id: int) -> SyncSettingsView:
        with self._sessions() as s:
            return self._view(s, company_id)

    def save_sync_settings(self, company_id: int, *, sync_computer: str | None) -> SyncSettingsView:
        """Choose the sync computer (a registered network computer)."""
        errors: dict[str, str] = {}
        with self._sessions.begin() as s:
            if s.get(Company, company_id) is None:
                raise NotFound("company.not_found")
            names = set(s.scalars(select(NetworkComputer.name)))
            if sync_computer is not None and sync_computer not in names:
                errors["sync_computer"] = "validation.choice"
            if errors:
                raise ValidationFailed(errors)
            row = s.get(OnlineDesktopSettings, company_id)
            if row is None:
                row = OnlineDesktopSettings(company_id=company_id)
                s.add(row)
            row.sync_computer = sync_computer
            s.flush()
            return self._view(s, company_id)

    def connection(self, company_id: int) -> ConnectionStatusView:
        with self._sessions() as s:
            return connection_status(s, company_id)

    def _view(self, s: Session, company_id: int) -> SyncSettingsView:
        row = s.get(OnlineDesktopSettings, company_id)
        computers = s.scalars(
            select(NetworkComputer).order_by(
                NetworkComputer.hosts_system_database.desc(), NetworkComputer.name
            )
        )
        return SyncSettingsView(
            company_id=company_id,
            sync_computer=effective_sync_computer(s, company_id),
            uses_default=row is None or not row.sync_computer,
            computers=tuple(computer_view(c) for c in computers),
        )

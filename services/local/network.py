"""Network computers: the machines running Business Software against this system database.

Every process registers itself at start-up under ``settings.computer_name``. The first computer
ever registered hosts the system database (in a multi-user installation it is the server the
others connect to); the Online Desktop sync defaults to that computer (PRODUCT.md S7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import NetworkComputer
from models.types import utcnow
from services.errors import Conflict, NotFound, ValidationFailed


@dataclass(frozen=True, kw_only=True, slots=True)
class ComputerView:
    id: int
    name: str
    hosts_system_database: bool
    last_seen_at: dt.datetime | None


def computer_view(row: NetworkComputer) -> ComputerView:
    return ComputerView(
        id=row.id,
        name=row.name,
        hosts_system_database=row.hosts_system_database,
        last_seen_at=row.last_seen_at,
    )


class NetworkService:
    """Register and list network computers."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def register_computer(self, name: str) -> ComputerView:
        """Record that a computer runs now; the first one becomes the system database host."""
        cleaned = name.strip()
        if not cleaned:
            raise ValidationFailed({"name": "validation.required"})
        if len(cleaned) > 100:
            raise ValidationFailed({"name": "validation.too_long"})
        with self._sessions.begin() as s:
            row = s.scalar(select(NetworkComputer).where(func.lower(NetworkComputer.name) == cleaned.lower()))
            if row is None:
                first = s.scalar(select(func.count()).select_from(NetworkComputer)) == 0
                row = NetworkComputer(name=cleaned, hosts_system_database=first)
                s.add(row)
            row.last_seen_at = utcnow()
            s.flush()
            return computer_view(row)

    def list_computers(self) -> list[ComputerView]:
        """System database host first, then by name."""
        with self._sessions() as s:
            rows = s.scalars(
                select(NetworkComputer).order_by(
                    NetworkComputer.hosts_system_database.desc(), NetworkComputer.name
                )
            )
            return [computer_view(r) for r in rows]

    def system_database_host(self) -> str | None:
        with self._sessions() as s:
            return s.scalar(
                select(NetworkComputer.name).where(NetworkComputer.hosts_system_database).limit(1)
            )

    def remove_computer(self, computer_id: int) -> None:
        """Forget a computer that no longer runs Business Software (never the database host)."""
        with self._sessions.begin() as s:
            row = s.get(NetworkComputer, computer_id)
            if row is None:
                raise NotFound()
            if row.hosts_system_database:
                raise Conflict("licensing.computers.host_kept")
            s.delete(row)

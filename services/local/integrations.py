"""Third-party integrations registered with Business Software, open or closed.

An open integration is a program that is currently working with the company database; it blocks
the initial sync (prerequisite 8), and opening one is refused while the initial sync holds the lock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company, Integration
from models.types import utcnow
from services.errors import NotFound, ValidationFailed
from services.local.locks import InitialSyncLock


@dataclass(frozen=True, kw_only=True, slots=True)
class IntegrationView:
    id: int
    company_id: int
    name: str
    is_open: bool
    opened_at: dt.datetime | None
    created_at: dt.datetime


def integration_view(row: Integration) -> IntegrationView:
    return IntegrationView(
        id=row.id,
        company_id=row.company_id,
        name=row.name,
        is_open=row.is_open,
        opened_at=row.opened_at,
        created_at=row.created_at,
    )


class IntegrationService:
    """Register, open, close and remove a company's integrations."""

    def __init__(self, sessions: sessionmaker[Session], lock: InitialSyncLock) -> None:
        self._sessions = sessions
        self._lock = lock

    def register_integration(self, company_id: int, name: str) -> IntegrationView:
        cleaned = name.strip()
        if not cleaned or len(cleaned) > 100:
            raise ValidationFailed({"name": "validation.required" if not cleaned else "validation.too_long"})
        with self._sessions.begin() as s:
            if s.get(Company, company_id) is None:
                raise NotFound("company.not_found")
            taken = s.scalar(
                select(func.count()).where(
                    Integration.company_id == company_id, func.lower(Integration.name) == cleaned.lower()
                )
            )
            if taken:
                raise ValidationFailed({"name": "localapi.integration_name_taken"})
            row = Integration(company_id=company_id, name=cleaned)
            s.add(row)
            s.flush()
            return integration_view(row)

    def list_integrations(self, company_id: int) -> list[IntegrationView]:
        with self._sessions() as s:
            rows = s.scalars(
                select(Integration).where(Integration.company_id == company_id).order_by(Integration.name)
            )
            return [integration_view(r) for r in rows]

    def open_integration(self, company_id: int, integration_id: int) -> IntegrationView:
        """Mark an integration as started; refused while the initial sync runs."""
        with self._sessions.begin() as s:
            row = self._own(s, company_id, integration_id)
            self._lock.refuse_if_held(company_id)
            if not row.is_open:
                row.is_open, row.opened_at = True, utcnow()
            return integration_view(row)

    def close_integration(self, company_id: int, integration_id: int) -> IntegrationView:
        """Closing is always allowed (it is what the initial sync asks for)."""
        with self._sessions.begin() as s:
            row = self._own(s, company_id, integration_id)
            row.is_open, row.opened_at = False, None
            return integration_view(row)

    def delete_integration(self, company_id: int, integration_id: int) -> None:
        with self._sessions.begin() as s:
            s.delete(self._own(s, company_id, integration_id))

    @staticmethod
    def _own(s: Session, company_id: int, integration_id: int) -> Integration:
        row = s.get(Integration, integration_id)
        if row is None or row.company_id != company_id:
            raise NotFound()
        return row

"""The initial-sync lock: while a company's first synchronisation runs, API users and
third-party integrations are refused (PRODUCT.md S6).

It lives in the system database (``system_settings``), so every process of the installation
sees it, and it survives a crash of the holder: a stale lock is released by the next holder or by
the sync agent when it resumes.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import SystemSetting
from services.errors import Locked

PREFIX = "initial_sync_lock:"


class InitialSyncLock:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def acquire(self, company_id: int, holder: str) -> None:
        """Hold the lock for a company; idempotent for the same holder."""
        with self._sessions.begin() as s:
            row = s.get(SystemSetting, PREFIX + str(company_id))
            if row is None:
                s.add(SystemSetting(key=PREFIX + str(company_id), value=holder))
            else:
                row.value = holder

    def release(self, company_id: int) -> None:
        with self._sessions.begin() as s:
            s.execute(delete(SystemSetting).where(SystemSetting.key == PREFIX + str(company_id)))

    def held_for(self) -> list[int]:
        """Company ids whose initial sync currently holds the lock."""
        with self._sessions() as s:
            keys = s.scalars(select(SystemSetting.key).where(SystemSetting.key.startswith(PREFIX)))
            return [int(k.removeprefix(PREFIX)) for k in keys]

    def is_held(self, company_id: int | None = None) -> bool:
        held = self.held_for()
        return bool(held) if company_id is None else company_id in held

    def refuse_if_held(self, company_id: int | None = None) -> None:
        """Raise ``Locked`` (HTTP 423) while the initial sync runs."""
        if self.is_held(company_id):
            raise Locked("error.locked")

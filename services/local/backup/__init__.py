"""File › Backup and File › Restore of a company database (PRODUCT.md §5).

A backup may be taken at any time, also while the company is connected to the Online Desktop
and people work; a restore is refused while the company is connected (as in the original:
disconnect, restore, then connect again, which runs a full initial synchronisation, so the
Online Desktop never holds data the restored company no longer has). See ``files`` for what a
company backup is, ``create`` for how it stays consistent, ``restore`` for how it is put back.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import NotFound, ServiceError
from services.files import FILE_MODE
from services.local.backup.create import Progress, take_backup
from services.local.backup.files import (
    BackupProgress,
    BackupUnreadable,
    BackupView,
    backup_folder,
    company_of_name,
    file_name,
    list_backups,
    path_of,
    read_info,
)
from services.local.backup.restore import RestoreFailed, RestoreRefusedConnected, restore_company

__all__ = [
    "BackupProgress",
    "BackupService",
    "BackupUnreadable",
    "BackupView",
    "RestoreFailed",
    "RestoreRefusedConnected",
    "RestoreResult",
]


class BackupOfOtherCompany(ServiceError):
    key = "backup.restore.other_company"


class BackupOfOtherVersion(ServiceError):
    key = "backup.restore.other_version"


@dataclass(frozen=True, kw_only=True, slots=True)
class RestoreResult:
    rows: int
    backup: BackupView


@dataclass(frozen=True, kw_only=True, slots=True)
class _Company:
    id: int
    uuid: str
    name: str


class BackupService:
    def __init__(
        self, sessions: sessionmaker[Session], engine: Engine, data_dir: Path, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self._sessions, self._engine, self._data_dir, self._clock = sessions, engine, data_dir, clock

    def backups(self, company_id: int) -> list[BackupView]:
        """The company's backups kept in the data directory, newest first."""
        return list_backups(self._data_dir, self._company(company_id).uuid)

    def create_backup(self, company_id: int, progress: Progress | None = None) -> BackupView:
        """A consistent copy of the company, taken while people work (also while connected)."""
        company = self._company(company_id)
        path = take_backup(
            self._engine,
            self._data_dir,
            company_id=company.id,
            company_uuid=company.uuid,
            company_name=company.name,
            now=self._clock(),
            progress=progress,
        )
        return read_info(path)

    def backup_file(self, company_id: int, name: str) -> Path:
        """The file of one of the company's backups (to download it)."""
        if company_of_name(name) != self._company(company_id).uuid:
            raise NotFound("backup.not_found")
        return path_of(self._data_dir, name)

    def restore_refusal(self, company_id: int) -> str | None:
        """Why a restore is refused right now (a translation key), or None."""
        with self._sessions() as s:
            connected = s.scalar(
                text("SELECT 1 FROM sync_connections WHERE company_id = :c AND status != 'disconnected'"),
                {"c": company_id},
            )
        return RestoreRefusedConnected.key if connected else None

    def restore(self, company_id: int, *, name: str, progress: Progress | None = None) -> RestoreResult:
        """Replace the company's data by one of its backups; refused while connected."""
        company = self._company(company_id)
        if self.restore_refusal(company_id):
            raise RestoreRefusedConnected()
        path = self.backup_file(company_id, name)
        view = self._check(company, path)
        database = self._engine.url.database
        assert database, "the Business Software database is a SQLite file"
        rows = restore_company(
            Path(database), backup=path, view=view, company_id=company.id, progress=progress
        )
        return RestoreResult(rows=rows, backup=view)

    def upload_target(self) -> Path:
        """Where an uploaded backup file is written before ``import_upload`` checks it."""
        return backup_folder(self._data_dir) / f".upload-{secrets.token_hex(8)}.partial"

    def import_upload(self, company_id: int, upload: Path) -> BackupView:
        """Take an uploaded file into the backups folder if it is a backup of this company made by this
        version; anything else is refused and deleted."""
        company = self._company(company_id)
        folder = backup_folder(self._data_dir)
        if upload.parent.resolve() != folder.resolve() or not upload.name.startswith(".upload-"):
            raise NotFound("backup.not_found")
        try:
            view = self._check(company, upload)
            final = folder / file_name(company.uuid, at=view.created_at, folder=folder)
            upload.chmod(FILE_MODE)
            upload.replace(final)
        except BaseException:
            with contextlib.suppress(OSError):
                upload.unlink()
            raise
        return read_info(final)

    def _check(self, company: _Company, path: Path) -> BackupView:
        view = read_info(path)
        if view.company_uuid != company.uuid:
            raise BackupOfOtherCompany(name=view.company_name or view.company_uuid)
        if view.schema_revision not in self._revisions():
            raise BackupOfOtherVersion()
        return view

    def _revisions(self) -> set[str]:
        with self._sessions() as s:
            return set(s.scalars(text("SELECT version_num FROM alembic_version")))

    def _company(self, company_id: int) -> _Company:
        with self._sessions() as s:
            row = s.get(Company, company_id)
            if row is None:
                raise NotFound("company.not_found")
            return _Company(id=row.id, uuid=row.uuid, name=row.name)

"""Taking a company backup while people work: SQLite's online backup API, then one company kept.

The copy is made with ``sqlite3.Connection.backup`` page by page (with progress) from a
connection that holds one read transaction for the whole copy, so every page comes from the same
committed state: a consistent snapshot, while writers go on (WAL) and the backup never restarts.
The copy, a temporary file in the backups folder, then loses everything that is not the
company's (other companies, users, sessions, licences, the sync bookkeeping, search indexes and
triggers), gets its ``backup_info`` and is compacted; only then is it renamed to its final name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from services.files import FILE_MODE, private_file
from services.local.backup.files import (
    COMPANY_TABLES,
    FORMAT,
    KEPT_TABLES,
    BackupProgress,
    backup_folder,
    file_name,
)

Progress = Callable[[BackupProgress], None]
PAGES_PER_STEP = 1024  # 4 MB of a 4 kB-page database between progress reports


def take_backup(
    engine: Engine,
    data_dir: Path,
    *,
    company_id: int,
    company_uuid: str,
    company_name: str,
    now: dt.datetime,
    progress: Progress | None = None,
) -> Path:
    """Write the company's backup into the backups folder and return its path."""
    folder = backup_folder(data_dir)
    final = folder / file_name(company_uuid, at=now, folder=folder)
    partial = folder / f".{final.name}.partial"
    private_file(partial)
    try:
        _copy(engine, partial, progress)
        _keep_one_company(partial, company_id, progress)
        _describe(partial, company_uuid=company_uuid, company_name=company_name, now=now)
        os.chmod(partial, FILE_MODE)
        partial.replace(final)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return final


def _copy(engine: Engine, target: Path, progress: Progress | None) -> None:
    raw = engine.raw_connection()
    try:
        source: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        source.execute("BEGIN")
        source.execute("SELECT 1 FROM companies LIMIT 1").fetchall()  # the snapshot starts here
        copy = sqlite3.connect(target)
        try:

            def report(_status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(BackupProgress(phase="copy", done=total - remaining, total=total))

            source.backup(copy, pages=PAGES_PER_STEP, progress=report)
        finally:
            copy.close()
            source.execute("ROLLBACK")
    finally:
        raw.close()


def _keep_one_company(path: Path, company_id: int, progress: Progress | None) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        conn.execute("PRAGMA foreign_keys=OFF")
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        conn.execute("BEGIN")
        for kind, name, _sql in schema:
            if kind == "trigger":
                conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        virtual = [name for kind, name, sql in schema if kind == "table" and _is_virtual(sql)]
        for name in virtual:
            conn.execute(f'DROP TABLE IF EXISTS "{name}"')  # takes its shadow tables along
        tables = {
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        }
        doomed = sorted(t for t in tables - KEPT_TABLES if not t.startswith("sqlite_"))
        steps = len(doomed) + len(COMPANY_TABLES) + 1
        for done, name in enumerate(doomed, 1):
            conn.execute(f'DROP TABLE IF EXISTS "{name}"')
            _report(progress, done, steps)
        for done, name in enumerate(COMPANY_TABLES, len(doomed) + 1):
            conn.execute(f'DELETE FROM "{name}" WHERE company_id != ?', (company_id,))
            _report(progress, done, steps)
        conn.execute("DELETE FROM companies WHERE id != ?", (company_id,))
        conn.execute("COMMIT")
        conn.execute("VACUUM")
        _report(progress, steps, steps)
    finally:
        conn.close()


def _describe(path: Path, *, company_uuid: str, company_name: str, now: dt.datetime) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        rows = sum(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COMPANY_TABLES)
        conn.execute("CREATE TABLE backup_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.executemany(
            "INSERT INTO backup_info (key, value) VALUES (?, ?)",
            [
                ("format", FORMAT),
                ("company_uuid", company_uuid),
                ("company_name", company_name),
                ("created_at", now.astimezone(dt.UTC).isoformat()),
                ("rows", str(rows)),
            ],
        )
    finally:
        conn.close()


def _is_virtual(sql: str | None) -> bool:
    return bool(sql) and str(sql).lstrip().upper().startswith("CREATE VIRTUAL TABLE")


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(BackupProgress(phase="prepare", done=done, total=total))

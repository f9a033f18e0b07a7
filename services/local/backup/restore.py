"""Restoring a company backup: the company's registers are replaced by the backup's, in one transaction.

Only a backup of the same company (its UUID) and of the same schema revision is taken. The
registers are deleted and inserted again from the attached backup file, children after parents;
rows get new local ids (records refer to each other by UUID) and keep their UUIDs. Business
Software users linked to one of the company's employees keep that link when the employee is in
the backup. The registration information and the Online Desktop settings come from the backup
too. The caller has refused the restore while the company is connected to the Online Desktop;
the same check is repeated inside the transaction, so a Connect at that moment cannot slip in.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from services.errors import Conflict, ServiceError
from services.local.backup.files import REGISTERS, REGISTRATION, BackupProgress, BackupView

Progress = Callable[[BackupProgress], None]
log = logging.getLogger(__name__)


class RestoreRefusedConnected(Conflict):
    """The original's rule: disconnect, restore, then connect again (a full initial sync)."""

    key = "backup.restore.connected"


class RestoreFailed(ServiceError):
    key = "backup.restore.failed"


def is_connected(conn: sqlite3.Connection, company_id: int) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sync_connections WHERE company_id = ? AND status != 'disconnected'", (company_id,)
    ).fetchone()
    return row is not None


def restore_company(
    database: Path, *, backup: Path, view: BackupView, company_id: int, progress: Progress | None = None
) -> int:
    """Replace the company's data by the backup's; returns the number of rows restored."""
    conn = sqlite3.connect(database, isolation_level=None, timeout=30, uri=True)
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("ATTACH DATABASE ? AS bk", (backup.resolve().as_uri() + "?mode=ro",))
        try:
            return _replace(conn, company_id, view, progress)
        finally:
            conn.execute("DETACH DATABASE bk")
    except sqlite3.Error as exc:
        log.error("restoring %s into company %s failed", backup.name, company_id, exc_info=exc)
        raise RestoreFailed() from exc
    finally:
        conn.close()


def _replace(conn: sqlite3.Connection, company_id: int, view: BackupView, progress: Progress | None) -> int:
    source = conn.execute("SELECT id FROM bk.companies WHERE uuid = ?", (view.company_uuid,)).fetchone()
    if source is None:
        raise RestoreFailed()
    total = view.rows or 1
    conn.execute("BEGIN IMMEDIATE")
    try:
        if is_connected(conn, company_id):
            raise RestoreRefusedConnected()
        links = conn.execute(
            "SELECT u.id, u.employee_uuid FROM users u JOIN employees e ON e.uuid = u.employee_uuid "
            "WHERE e.company_id = ?",
            (company_id,),
        ).fetchall()
        for table in reversed(REGISTERS):
            conn.execute(f'DELETE FROM main."{table}" WHERE company_id = ?', (company_id,))
        done = 0
        for table in REGISTERS:
            done += _copy_table(conn, table, company_id, source[0])
            if progress is not None:
                progress(BackupProgress(phase="restore", done=min(done, total), total=total))
        for user_id, employee_uuid in links:
            conn.execute(
                "UPDATE users SET employee_uuid = ? WHERE id = ? AND EXISTS "
                "(SELECT 1 FROM employees WHERE uuid = ? AND company_id = ?)",
                (employee_uuid, user_id, employee_uuid, company_id),
            )
        _registration(conn, company_id, source[0])
        done += _settings(conn, company_id, source[0])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return done


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA {schema}.table_info("{table}")').fetchall()]


def _copy_table(conn: sqlite3.Connection, table: str, company_id: int, source_id: int) -> int:
    """Insert the backup's rows of one register with new local ids and this company's id."""
    live = _columns(conn, "main", table)
    kept = set(_columns(conn, "bk", table))
    columns = [c for c in live if c in kept and c not in ("id", "company_id")]
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.execute(
        f'INSERT INTO main."{table}" (company_id, {names}) '
        f'SELECT ?, {names} FROM bk."{table}" WHERE company_id = ? ORDER BY id',
        (company_id, source_id),
    )
    return int(cursor.rowcount or 0)


def _registration(conn: sqlite3.Connection, company_id: int, source_id: int) -> None:
    row = conn.execute(
        f"SELECT {', '.join(REGISTRATION)} FROM bk.companies WHERE id = ?", (source_id,)
    ).fetchone()
    assignments = ", ".join(f"{c} = ?" for c in REGISTRATION)
    conn.execute(f"UPDATE main.companies SET {assignments} WHERE id = ?", (*row, company_id))


def _settings(conn: sqlite3.Connection, company_id: int, source_id: int) -> int:
    conn.execute("DELETE FROM main.online_desktop_settings WHERE company_id = ?", (company_id,))
    live = _columns(conn, "main", "online_desktop_settings")
    kept = set(_columns(conn, "bk", "online_desktop_settings"))
    columns = [c for c in live if c in kept and c != "company_id"]
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.execute(
        f"INSERT INTO main.online_desktop_settings (company_id, {names}) "
        f"SELECT ?, {names} FROM bk.online_desktop_settings WHERE company_id = ?",
        (company_id, source_id),
    )
    return int(cursor.rowcount or 0)

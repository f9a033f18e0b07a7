"""Company backup files: where they live, what they are called, and what a file says about itself.

All companies of an installation share one SQLite database (``business.sqlite3``), so a company
backup cannot be a copy of "its" database file. It is a SQLite file of the same schema holding
only that company: its registration information, its Online Desktop settings and its registers,
plus a ``backup_info`` table (format, company, time, schema revision, row counts). Files live in
``DATA_DIR/backups`` (0700, files 0600) and are named ``company-<company uuid>-<UTC time>.sqlite3``.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from services.errors import NotFound, ServiceError
from services.files import private_directory

FORMAT = "1"
FOLDER = "backups"
# The registers in dependency order (parents first): restore inserts in this order.
REGISTERS = (
    "employees",
    "contacts",
    "contact_persons",
    "products",
    "sales_orders",
    "sales_order_lines",
    "activities",
)
COMPANY_TABLES = ("online_desktop_settings", *REGISTERS)  # rows with a company_id that travel along
KEPT_TABLES = frozenset({"companies", "alembic_version", *COMPANY_TABLES})
REGISTRATION = ("name", "street", "postal_code", "city", "country", "phone", "email", "registration_number")
NAME = re.compile(r"^company-(?P<uuid>[0-9a-f-]{36})-(?P<stamp>\d{8}-\d{6})(-\d+)?\.sqlite3$")
STAMP = "%Y%m%d-%H%M%S"


class BackupUnreadable(ServiceError):
    key = "backup.file.unreadable"


@dataclass(frozen=True, kw_only=True, slots=True)
class BackupView:
    name: str  # the file name in the backups folder
    company_uuid: str
    company_name: str
    created_at: dt.datetime
    schema_revision: str
    rows: int
    size_bytes: int


@dataclass(frozen=True, kw_only=True, slots=True)
class BackupProgress:
    """phase: copy (the online backup of the database) | prepare (keeping one company) | restore."""

    phase: str
    done: int
    total: int


def backup_folder(data_dir: Path) -> Path:
    return private_directory(data_dir / FOLDER)


def file_name(company_uuid: str, *, at: dt.datetime, folder: Path) -> str:
    base = f"company-{company_uuid}-{at.astimezone(dt.UTC).strftime(STAMP)}"
    name, n = f"{base}.sqlite3", 1
    while (folder / name).exists():
        n += 1
        name = f"{base}-{n}.sqlite3"
    return name


def company_of_name(name: str) -> str | None:
    """The company UUID a backup's file name names, or None for anything that is not a backup name."""
    found = NAME.match(name)
    return found.group("uuid") if found else None


def path_of(data_dir: Path, name: str) -> Path:
    """The file of a backup by name; names are never paths (no ``..``, no folders)."""
    if company_of_name(name) is None:
        raise NotFound("backup.not_found")
    path = data_dir / FOLDER / name
    if not path.is_file():
        raise NotFound("backup.not_found")
    return path


def read_info(path: Path) -> BackupView:
    """What a backup file says about itself; BackupUnreadable for anything that is not a backup."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupUnreadable() from exc
    try:
        info = dict(conn.execute("SELECT key, value FROM backup_info").fetchall())
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:  # not a database, or not a company backup
        raise BackupUnreadable() from exc
    finally:
        conn.close()
    if info.get("format") != FORMAT or not info.get("company_uuid") or revision is None:
        raise BackupUnreadable()
    try:
        created = dt.datetime.fromisoformat(str(info.get("created_at")))
        rows = int(info.get("rows", "0"))
    except ValueError as exc:
        raise BackupUnreadable() from exc
    return BackupView(
        name=path.name,
        company_uuid=str(info["company_uuid"]),
        company_name=str(info.get("company_name", "")),
        created_at=created,
        schema_revision=str(revision[0]),
        rows=rows,
        size_bytes=path.stat().st_size,
    )


def list_backups(data_dir: Path, company_uuid: str) -> list[BackupView]:
    """The company's backups in the data directory, newest first (unreadable files are left out)."""
    folder = data_dir / FOLDER
    if not folder.is_dir():
        return []
    views = []
    for path in folder.iterdir():
        if company_of_name(path.name) != company_uuid or not path.is_file():
            continue
        try:
            views.append(read_info(path))
        except BackupUnreadable:
            continue
    return sorted(views, key=lambda v: (v.created_at, v.name), reverse=True)

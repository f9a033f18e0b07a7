"""File › Backup and File › Restore of a company (one company of the shared Business Software database)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.local import Contact, Employee, SyncConnection, User
from services.container import Services
from services.local.backup import (
    BackupProgress,
    BackupService,
    BackupUnreadable,
    RestoreRefusedConnected,
)
from services.local.backup.files import KEPT_TABLES, REGISTERS
from tests.sealing import TEST_SEAL
from tests.sync.local_helpers import create_company, fill


@pytest.fixture
def db(services: Services) -> tuple[sessionmaker[Session], Engine]:
    assert services.db.local is not None and services.db.local_engine is not None
    return services.db.local, services.db.local_engine


def local_summary(engine: Engine, company: int) -> dict[str, tuple[int, list[tuple[object, ...]]]]:
    """Per register: how many rows and every row's values except its local id (sorted by UUID)."""
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        result = {}
        for table in REGISTERS:
            cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")') if r[1] != "id"]  # type: ignore[union-attr]
            names = ", ".join(f'"{c}"' for c in cols)
            rows = conn.execute(  # type: ignore[union-attr]
                f'SELECT {names} FROM "{table}" WHERE company_id = ? ORDER BY uuid', (company,)
            ).fetchall()
            result[table] = (len(rows), rows)
        return result
    finally:
        raw.close()


def backups(services: Services) -> BackupService:
    return services.local.backup


def tables_of(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def connect(sessions: sessionmaker[Session], company: int, status: str = "connected") -> None:
    with sessions.begin() as s:
        s.add(
            SyncConnection(
                company_id=company,
                online_url="http://online",
                tenant_uuid="t-1",
                sealed_token=TEST_SEAL.seal("x"),
                status=status,
            )
        )


def test_a_backup_holds_the_one_company_and_nothing_of_the_installation(
    services: Services, db: tuple[sessionmaker[Session], Engine]
) -> None:
    sessions, engine = db
    mine, other = create_company(sessions, "Müller GmbH"), create_company(sessions, "Andere AG")
    fill(sessions, mine, contacts=30)
    fill(sessions, other, contacts=20, seed=2)
    seen: list[BackupProgress] = []

    view = backups(services).create_backup(mine, seen.append)

    path = backups(services).backup_file(mine, view.name)
    assert path.parent == services.settings.data_dir / "backups" and oct(path.stat().st_mode)[-3:] == "600"
    assert view.company_name == "Müller GmbH" and view.rows == sum(
        n for n, _ in local_summary(engine, mine).values()
    )
    assert tables_of(path) == KEPT_TABLES | {"backup_info"}  # no users, sessions, licences, sync data
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM companies").fetchall() == [("Müller GmbH",)]
        assert conn.execute("SELECT count(*) FROM contacts").fetchone() == (30,)
        assert conn.execute("SELECT DISTINCT company_id FROM contact_persons").fetchall() == [(mine,)]
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone() == (0,)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    copied = [p for p in seen if p.phase == "copy"]
    assert copied and copied[-1].done == copied[-1].total > 0
    assert [p.done for p in copied] == sorted(p.done for p in copied)
    assert seen[-1].phase == "prepare" and seen[-1].done == seen[-1].total
    assert [v.name for v in backups(services).backups(mine)] == [view.name]
    assert backups(services).backups(other) == []


def test_a_backup_is_consistent_while_people_keep_writing(
    services: Services, db: tuple[sessionmaker[Session], Engine]
) -> None:
    sessions, _engine = db
    company = create_company(sessions)
    fill(sessions, company, contacts=400)
    stop, written = threading.Event(), [0]

    def colleague() -> None:
        while not stop.is_set():
            with sessions.begin() as s:
                s.add(Contact(company_id=company, name=f"Neu {written[0]}"))
            written[0] += 1

    worker = threading.Thread(target=colleague)
    worker.start()
    try:
        steps: list[BackupProgress] = []
        view = backups(services).create_backup(company, steps.append)
    finally:
        stop.set()
        worker.join()
    path = backups(services).backup_file(company, view.name)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        contacts = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
    assert 400 <= contacts <= 400 + written[0] and written[0] > 0
    copied = [p.done for p in steps if p.phase == "copy"]
    assert copied == sorted(copied)  # one snapshot: the copy never started over


def test_restore_puts_the_company_back_as_it_was_and_leaves_the_others_alone(
    services: Services, db: tuple[sessionmaker[Session], Engine]
) -> None:
    sessions, engine = db
    mine, other = create_company(sessions, "Müller GmbH"), create_company(sessions, "Andere AG")
    fill(sessions, mine, contacts=25)
    fill(sessions, other, contacts=10, seed=2)
    with sessions.begin() as s:
        employee, gone = s.scalars(select(Employee).where(Employee.company_id == mine)).all()[:2]
        s.add(User(username="anna", password_hash="-", employee_uuid=employee.uuid))
        linked = employee.uuid
        a_name = s.scalars(
            select(Contact.name).where(Contact.company_id == mine).order_by(Contact.id)
        ).first()
    assert a_name and len(a_name) >= 7
    before, others = local_summary(engine, mine), local_summary(engine, other)
    view = backups(services).create_backup(mine)

    with sessions.begin() as s:  # what happened after the backup
        s.execute(update(Contact).where(Contact.company_id == mine).values(name="Geändert"))
        s.add(Contact(company_id=mine, name="Nach der Sicherung"))
        s.delete(s.get(Employee, gone.id))
    assert local_summary(engine, mine) != before
    steps: list[BackupProgress] = []

    result = backups(services).restore(mine, name=view.name, progress=steps.append)

    assert local_summary(engine, mine) == before and local_summary(engine, other) == others
    assert result.rows == view.rows and steps[-1].done == steps[-1].total
    with sessions() as s:
        anna = s.scalars(select(User).where(User.username == "anna")).one()
        assert anna.employee_uuid == linked  # the user's employee link survives
    found = services.local.registers.list_rows(mine, "contacts", search=a_name[2:7], page_size=100)
    assert a_name in {r.values["name"] for r in found.rows}  # the search index follows the restored rows


def test_restore_is_refused_while_connected_and_backup_is_not(
    services: Services, db: tuple[sessionmaker[Session], Engine]
) -> None:
    sessions, engine = db
    company = create_company(sessions)
    fill(sessions, company, contacts=5)
    connect(sessions, company)
    view = backups(services).create_backup(company)  # allowed while connected
    assert backups(services).restore_refusal(company) == "backup.restore.connected"
    before = local_summary(engine, company)
    with pytest.raises(RestoreRefusedConnected):
        backups(services).restore(company, name=view.name)
    assert local_summary(engine, company) == before
    with sessions.begin() as s:
        link = s.get(SyncConnection, company)
        assert link is not None
        link.status = "disconnected"
    assert backups(services).restore_refusal(company) is None
    assert backups(services).restore(company, name=view.name).rows == view.rows


def test_only_a_backup_of_this_company_and_this_version_is_taken(
    services: Services, db: tuple[sessionmaker[Session], Engine], tmp_path: Path
) -> None:
    sessions, _engine = db
    mine, other = create_company(sessions, "Müller GmbH"), create_company(sessions, "Andere AG")
    theirs = backups(services).create_backup(other)
    service = backups(services)

    def upload(source: Path) -> Path:
        target = service.upload_target()
        shutil.copyfile(source, target)
        return target

    with pytest.raises(Exception) as refused:
        service.import_upload(mine, upload(service.backup_file(other, theirs.name)))
    assert getattr(refused.value, "key", "") == "backup.restore.other_company"
    garbage = tmp_path / "notes.txt"
    garbage.write_text("not a database")
    target = upload(garbage)
    with pytest.raises(BackupUnreadable):
        service.import_upload(mine, target)
    assert not target.exists()  # a refused upload is not kept
    mine_view = service.create_backup(mine)
    older = tmp_path / "older.sqlite3"
    shutil.copyfile(service.backup_file(mine, mine_view.name), older)
    with sqlite3.connect(older) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'feedfacecafe'")
    with pytest.raises(Exception) as refused:
        service.import_upload(mine, upload(older))
    assert getattr(refused.value, "key", "") == "backup.restore.other_version"
    with pytest.raises(Exception) as refused:
        service.backup_file(mine, theirs.name)  # a name of another company's backup
    assert getattr(refused.value, "key", "") == "backup.not_found"
    with pytest.raises(Exception) as refused:
        service.backup_file(mine, "../business.sqlite3")
    assert getattr(refused.value, "key", "") == "backup.not_found"
    again = service.import_upload(mine, upload(service.backup_file(mine, mine_view.name)))
    assert again.name != mine_view.name and {v.name for v in service.backups(mine)} == {
        again.name,
        mine_view.name,
    }

"""File › Backup and File › Restore through the NiceGUI user fixture."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Contact
from tests.ui.test_sync_pages import connect, local_db, open_new_company

__all__ = ["local_db"]  # fixture used by name


def contacts(sessions: sessionmaker[Session], company: int) -> list[str]:
    with sessions() as s:
        return sorted(s.scalars(select(Contact.name).where(Contact.company_id == company)))


async def test_back_up_download_and_restore_after_confirming(
    user: User, local_db: sessionmaker[Session]
) -> None:
    company = await open_new_company(user, local_db, "Sicherung GmbH")
    with local_db.begin() as s:
        s.add_all(Contact(company_id=company, name=f"Kunde {i}") for i in range(3))
    user.find(marker="menu.file").click()
    user.find(marker="backup.menu.backup").click()
    await user.should_see("A backup copies this company database's data")
    await user.should_see(marker="backup-none")
    user.find(marker="backup-create").click()
    await user.should_see("Backup created")
    await user.should_see("3 records")
    await user.should_see(marker="backup-download")  # the list is drawn after the notice
    user.find(marker="backup-download").click()
    response = await user.download.next(timeout=10)
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "backup.sqlite3"
        saved.write_bytes(response.content)
        with sqlite3.connect(saved) as conn:
            assert conn.execute("SELECT count(*) FROM contacts").fetchone() == (3,)

    with local_db.begin() as s:
        s.add(Contact(company_id=company, name="Nach der Sicherung"))
    await user.open("/restore")
    await user.should_see("Restoring replaces this company database's data")
    await user.should_see(marker="backup-restore")  # the list follows the page
    user.find(marker="backup-restore").click()
    await user.should_see("Restore the backup?")
    user.find(marker="restore-cancel").click()
    await user.should_not_see("Restore the backup?")
    assert "Nach der Sicherung" in contacts(local_db, company)  # cancelled: nothing changed
    user.find(marker="backup-restore").click()
    await user.should_see(marker="restore-confirm")
    user.find(marker="restore-confirm").click()
    await user.should_see("The backup was restored")
    assert contacts(local_db, company) == ["Kunde 0", "Kunde 1", "Kunde 2"]


async def test_restore_is_refused_while_connected_with_the_advice_and_backup_still_works(
    user: User, local_db: sessionmaker[Session]
) -> None:
    company = await open_new_company(user, local_db, "Verbunden GmbH")
    connect(local_db, company)
    await user.open("/backup")
    user.find(marker="backup-create").click()
    await user.should_see("Backup created")
    await user.open("/restore")
    await user.should_see(marker="restore-refused")
    await user.should_see("disconnect it")
    await user.should_see("which runs a full initial synchronisation")
    await user.should_see(marker="backup-row")
    await user.should_not_see(marker="backup-restore")
    with local_db() as s:
        assert s.scalar(select(func.count()).select_from(Contact).where(Contact.company_id == company)) == 0


async def test_a_downloaded_backup_can_be_uploaded_again_and_anything_else_is_refused(
    user: User, local_db: sessionmaker[Session], app_env: Path
) -> None:
    company = await open_new_company(user, local_db, "Hochladen GmbH")
    with local_db.begin() as s:
        s.add(Contact(company_id=company, name="Kunde A"))
    await user.open("/backup")
    user.find(marker="backup-create").click()
    await user.should_see("Backup created")
    await user.should_see(marker="backup-download")  # the list is drawn after the notice
    user.find(marker="backup-download").click()
    content = (await user.download.next(timeout=10)).content
    for kept in (app_env / "backups").glob("company-*.sqlite3"):
        kept.unlink()  # only the downloaded copy is left
    with local_db.begin() as s:
        s.add(Contact(company_id=company, name="Kunde B"))

    await user.open("/restore")
    await user.should_see(marker="backup-none")
    [upload] = user.find(kind=ui.upload).elements
    assert isinstance(upload, ui.upload)
    await upload.handle_uploads(
        [SmallFileUpload(name="notes.txt", content_type="text/plain", _data=b"hello")]
    )
    await user.should_see("This file is not a backup of a Business Software company database.")
    assert list((app_env / "backups").glob("*")) == []  # nothing of the refused file is kept
    await upload.handle_uploads(
        [SmallFileUpload(name="sicherung.sqlite3", content_type="application/octet-stream", _data=content)]
    )
    await user.should_see("The backup was taken in")
    await user.should_see(marker="backup-restore")
    user.find(marker="backup-restore").click()
    await user.should_see(marker="restore-confirm")
    user.find(marker="restore-confirm").click()
    await user.should_see("The backup was restored")
    assert contacts(local_db, company) == ["Kunde A"]

"""File › Backup and File › Restore of the open company (PRODUCT.md §5), for Super Users.

Backup: a consistent copy while everyone goes on working (also while connected to the Online
Desktop), with progress; kept in the data directory and downloadable. Restore: one of the
company's backups (kept here or uploaded), after a confirmation; refused while the company is
connected to the Online Desktop, with the original's advice. The work is in
``services.local.backup``; this module draws, asks and shows progress.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote

from fastapi import Response
from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse
from nicegui import events, ui

from services.errors import ServiceError
from services.local.backup import BackupProgress, BackupService, BackupView
from services.local.views import SessionView
from ui.components.attributes import tagged
from ui.components.calls import CallFailed, call, fetch
from ui.components.routes import app_page
from ui.i18n import _, fmt_datetime, fmt_number
from ui.layout import frame
from ui.local.online_desktop_links import SETTINGS_URL
from ui.session import current_session, require_session
from ui.shell import MenuItem, Shell

BACKUP_URL, RESTORE_URL, DOWNLOAD_URL = "/backup", "/restore", "/backup/download"
UPLOAD_LIMIT = 1024 * 1024 * 1024  # services/api/limits.py lets uploads of this size through
R = TypeVar("R")


def backup_menu(shell: Shell, session: SessionView) -> dict[str, list[MenuItem]]:
    if not session.user.is_super_user:
        reason = "backup.super_user_only"
        return {
            "menu.file": [
                MenuItem("backup.menu.backup", disabled_reason_key=reason),
                MenuItem("backup.menu.restore", disabled_reason_key=reason),
            ]
        }
    return {
        "menu.file": [
            MenuItem("backup.menu.backup", lambda: ui.navigate.to(BACKUP_URL)),
            MenuItem("backup.menu.restore", lambda: ui.navigate.to(RESTORE_URL)),
        ]
    }


def register(shell: Shell) -> None:
    shell.menus.append(backup_menu)
    service = shell.services.backup

    @app_page(BACKUP_URL)
    async def backup_page() -> None:
        session = await _super_user(shell)
        if session is None or session.company_id is None:
            return
        company_id = session.company_id
        with frame(shell, session, _("backup.title")):
            ui.label(_("backup.title")).classes("text-2xl")
            ui.label(_("backup.hint")).classes("text-grey-8 max-w-3xl")
            progress = ProgressBox()
            listing = ui.column().classes("w-full max-w-3xl gap-1")

            async def create() -> None:
                button.disable()
                try:
                    made = await progress.run(lambda report: service.create_backup(company_id, report))
                except CallFailed:
                    return
                finally:
                    button.enable()
                ui.notify(_("backup.created", name=made.name), type="positive")
                await _draw_list(listing, service, company_id, restore=None)

            button = ui.button(_("backup.create"), icon="backup", on_click=create).mark("backup-create")
        await _draw_list(listing, service, company_id, restore=None)

    @app_page(RESTORE_URL)
    async def restore_page() -> None:
        session = await _super_user(shell)
        if session is None or session.company_id is None:
            return
        company_id = session.company_id
        refusal = await call(service.restore_refusal, company_id)
        with frame(shell, session, _("backup.restore.title")):
            ui.label(_("backup.restore.title")).classes("text-2xl")
            if refusal is not None:
                with ui.row().classes("items-start gap-3 bg-amber-1 p-3 rounded max-w-3xl no-wrap"):
                    ui.icon("link", color="amber-9", size="md")
                    with ui.column().classes("gap-1"):
                        ui.label(_(refusal)).mark("restore-refused")
                        ui.link(_("licensing.menu.online_desktop"), SETTINGS_URL).mark("restore-to-settings")
            else:
                ui.label(_("backup.restore.hint")).classes("text-grey-8 max-w-3xl")
            progress = ProgressBox()
            listing = ui.column().classes("w-full max-w-3xl gap-1")

            async def restore(view: BackupView) -> None:
                if not await _confirm(view):
                    return
                try:
                    done = await progress.run(
                        lambda report: service.restore(company_id, name=view.name, progress=report)
                    )
                except CallFailed:
                    return
                ui.notify(_("backup.restore.done", rows=fmt_number(done.rows)), type="positive")

            async def uploaded(event: events.UploadEventArguments) -> None:
                target = await fetch(service.upload_target)
                await event.file.save(target)
                try:
                    await call(service.import_upload, company_id, target)
                except CallFailed:
                    return
                ui.notify(_("backup.upload.taken"), type="positive")
                await _draw_list(listing, service, company_id, restore=restore if refusal is None else None)

            if refusal is None:
                ui.upload(
                    label=_("backup.upload"), on_upload=uploaded, auto_upload=True, max_file_size=UPLOAD_LIMIT
                )
        await _draw_list(listing, service, company_id, restore=restore if refusal is None else None)

    @app_page(DOWNLOAD_URL)
    async def download(name: str = "") -> Response:
        """The backup file itself, for the logged-in Super User of its company only."""
        session = await current_session(shell)
        if session is None or session.company_id is None or not session.user.is_super_user:
            return RedirectResponse("/login" if session is None else "/", status_code=303)
        try:
            path = await fetch(service.backup_file, session.company_id, name)
        except ServiceError as problem:
            return PlainTextResponse(_(problem.key), status_code=404)
        return FileResponse(path, filename=path.name, media_type="application/vnd.sqlite3")


async def _super_user(shell: Shell) -> SessionView | None:
    session = await require_session(shell, company=True)
    if session is not None and not session.user.is_super_user:
        ui.navigate.to("/")
        return None
    return session


class ProgressBox:
    """A progress bar fed from the worker thread (the service's callback) and drawn by a timer."""

    def __init__(self) -> None:
        self._latest: BackupProgress | None = None
        with ui.column().classes("w-full max-w-3xl gap-1") as self.box:
            self.text = ui.label("").mark("backup-progress-text")
            self.bar = ui.linear_progress(value=0, show_value=False).mark("backup-progress")
        self.box.set_visibility(False)
        self._timer = ui.timer(0.2, self._draw, active=False)

    def report(self, progress: BackupProgress) -> None:  # called in the worker thread
        self._latest = progress

    async def run(self, work: Callable[[Callable[[BackupProgress], None]], R]) -> R:
        self._latest = None
        self.box.set_visibility(True)
        self._timer.activate()
        try:
            return await call(work, self.report)
        finally:
            self._timer.deactivate()
            self._draw()
            self.box.set_visibility(False)

    def _draw(self) -> None:
        latest = self._latest
        if latest is None:
            self.text.text = _("backup.progress.start")
            return
        share = latest.done / latest.total if latest.total else 0.0
        self.bar.value = share
        self.text.text = _(f"backup.progress.{latest.phase}", percent=fmt_number(round(share * 100)))


async def _draw_list(
    listing: ui.column,
    service: BackupService,
    company_id: int,
    *,
    restore: Callable[[BackupView], object] | None,
) -> None:
    views = await call(service.backups, company_id)
    listing.clear()
    with listing:
        ui.label(_("backup.kept")).classes("text-lg font-medium mt-2")
        if not views:
            ui.label(_("backup.none")).classes("text-grey-8").mark("backup-none")
            return
        for view in views:
            with tagged(ui.row().classes("items-center gap-4 w-full border-b py-1"), "backup-row").mark(
                "backup-row"
            ):
                ui.label(fmt_datetime(view.created_at)).classes("w-40")
                ui.label(_("backup.rows", rows=fmt_number(view.rows))).classes("w-32 text-grey-8")
                ui.label(_("backup.size", size=fmt_number(round(view.size_bytes / 1024)))).classes(
                    "w-28 text-grey-8"
                )
                ui.space()
                ui.button(
                    _("backup.download"),
                    icon="download",
                    on_click=lambda v=view: _download(v),
                ).props("flat").mark("backup-download")
                if restore is not None:
                    ui.button(
                        _("backup.restore.action"),
                        icon="settings_backup_restore",
                        on_click=lambda v=view: restore(v),
                    ).props("outline").mark("backup-restore")


def _download(view: BackupView) -> None:
    ui.download.from_url(f"{DOWNLOAD_URL}?name={quote(view.name)}", view.name)


async def _confirm(view: BackupView) -> bool:
    with ui.dialog() as dialog, ui.card().classes("max-w-lg"):
        ui.label(_("backup.restore.confirm_title")).classes("text-lg")
        ui.label(_("backup.restore.confirm", time=fmt_datetime(view.created_at), rows=fmt_number(view.rows)))
        with ui.row().classes("w-full justify-end gap-2"):
            ui.button(_("action.cancel"), on_click=lambda: dialog.submit(False)).props("flat").mark(
                "restore-cancel"
            )
            ui.button(_("backup.restore.action"), on_click=lambda: dialog.submit(True)).props(
                "color=negative"
            ).mark("restore-confirm")
    answer = await dialog
    dialog.delete()
    return bool(answer)

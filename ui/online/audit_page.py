"""The audit log of a company account (``/online/c/<tenant>/audit``), for its Super Users.

Filter by action, person and period; paged in the database; the filtered entries download as CSV.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from nicegui import ui

from services.container import OnlineServices
from services.online.audit import ACTIONS
from services.online.audit_log import AuditFilter, AuditLog, AuditPage, AuditRow
from ui.components.calls import CallFailed, call
from ui.components.routes import app_page
from ui.i18n import _, fmt_datetime, fmt_number
from ui.online.frame import Workspace, open_workspace, tag, workspace_frame, workspace_url

PAGE_SIZE = 50


def register(online: OnlineServices) -> None:
    @app_page("/online/c/{tenant_uuid}/audit")
    async def audit_page(tenant_uuid: str) -> None:
        here = workspace_url(tenant_uuid, "audit")
        workspace = await open_workspace(online, tenant_uuid, here)
        if workspace is None:
            return
        with workspace_frame(online, workspace, _("audit.title")):
            if workspace.header.role != "super_user":
                ui.label(_("audit.super_users_only")).mark("online-refused")
                return
            await AuditPageView(online.audit, workspace).build()


def changes_text(before: str, after: str) -> str:
    """'role: standard → administrator' from the entry's JSON objects."""
    old = _load(before)
    new = _load(after)
    parts = []
    for key in sorted(set(old) | set(new)):
        if key in old and key in new:
            parts.append(f"{key}: {old[key]} → {new[key]}")
        elif key in new:
            parts.append(f"{key}: {new[key]}")
        else:
            parts.append(f"{key}: {old[key]} → –")
    return "; ".join(parts)


def _load(text: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class AuditPageView:
    def __init__(self, log: AuditLog, workspace: Workspace) -> None:
        self.log = log
        self.online_id = workspace.online_id.id
        self.tenant_uuid = workspace.header.tenant_uuid
        self.page = 1

    async def build(self) -> None:
        ui.label(_("audit.title")).classes("text-2xl")
        ui.label(_("audit.hint")).classes("text-grey-8")
        with ui.row().classes("items-end gap-3"):
            options = {"": _("audit.all_actions"), **{a: _(f"audit.action.{a}") for a in ACTIONS}}
            self.action = tag(
                ui.select(options, value="", label=_("audit.filter.action"), on_change=self.reload),
                "audit-action",
            ).classes("w-56")
            self.text = tag(
                ui.input(_("audit.filter.person"), on_change=self.reload).props("clearable"), "audit-person"
            )
            self.since = tag(ui.input(_("audit.filter.since"), on_change=self.reload), "audit-since")
            self.until = tag(ui.input(_("audit.filter.until"), on_change=self.reload), "audit-until")
            for field in (self.since, self.until):
                field.props("type=date stack-label")
            tag(ui.button(_("audit.download"), icon="download", on_click=self.download), "audit-csv")
        self.count = tag(ui.label().classes("text-grey-7"), "audit-count")
        columns = [
            {"name": name, "label": _(f"audit.column.{name}"), "field": name, "align": "left"}
            for name in ("time", "actor", "action", "target", "changes", "address")
        ]
        self.table = tag(ui.table(columns=columns, rows=[], row_key="id"), "audit-table")
        self.table.props("flat bordered hide-pagination").classes("w-full")
        with_pager = ui.row().classes("items-center gap-2")
        with with_pager:
            self.pager = tag(ui.pagination(1, 1, direction_links=True, on_change=self.turn), "audit-pager")
        await self.load()

    def where(self) -> AuditFilter:
        return AuditFilter(
            action=str(self.action.value or ""),
            text=str(self.text.value or ""),
            since=_date(self.since.value),
            until=_date(self.until.value),
        )

    async def reload(self) -> None:
        self.page = 1
        await self.load()

    async def turn(self) -> None:
        wanted = int(self.pager.value or 1)
        if wanted != self.page:
            self.page = wanted
            await self.load()

    async def load(self) -> None:
        try:
            found: AuditPage = await call(
                self.log.entries,
                self.online_id,
                self.tenant_uuid,
                where=self.where(),
                page=self.page,
                page_size=PAGE_SIZE,
            )
        except CallFailed:
            return
        self.page = found.page
        self.count.text = _("audit.count", count=fmt_number(found.total))
        self.table.rows = [_cells(r) for r in found.rows]
        self.table.update()
        self.pager.max = max(1, -(-found.total // found.page_size))
        self.pager.value = found.page

    async def download(self) -> None:
        try:
            text = await call(self.log.csv, self.online_id, self.tenant_uuid, where=self.where())
        except CallFailed:
            return
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
        ui.download.content(text.encode("utf-8-sig"), f"audit-log-{stamp}.csv", "text/csv")


def _cells(row: AuditRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "time": fmt_datetime(row.created_at.astimezone()),
        "actor": row.actor or _("audit.business_software"),
        "action": _(f"audit.action.{row.action}"),
        "target": row.target,
        "changes": changes_text(row.before, row.after),
        "address": row.address,
    }


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None

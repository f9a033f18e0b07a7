"""The Online Desktop of one company account (PRODUCT.md §3, S16).

``/online/c/<tenant>`` is the company's home page: a tile per module the caller's role opens and
the dashboard (``ui/online/dashboard.py``, one more service call). The registers
(``ui/online/registers.py``), the calendar (``ui/online/calendar_page.py``) and the audit log are
registered with it. Every page opens with one service call (``frame.open_workspace``).
"""

from __future__ import annotations

from nicegui import ui

from services.container import OnlineServices
from ui.components.calls import CallFailed, call
from ui.components.routes import app_page
from ui.i18n import _
from ui.online import audit_page, calendar_page, registers, sales_list, sales_page, sync_rounds_page
from ui.online.dashboard import show_dashboard
from ui.online.frame import MODULE_TILES, open_workspace, tag, workspace_frame, workspace_url


def register(online: OnlineServices) -> None:
    @app_page("/online/c/{tenant_uuid}")
    async def company_home(tenant_uuid: str) -> None:
        workspace = await open_workspace(online, tenant_uuid, workspace_url(tenant_uuid))
        if workspace is None:
            return
        header, access = workspace.header, workspace.page.access
        with workspace_frame(online, workspace, _("dashboard.title")):
            ui.label(header.company).classes("text-2xl")
            ui.label(_(f"online.role.{header.role}")).classes("text-grey-7").mark("online-role")
            with ui.row().classes("gap-4"):
                for page, module, icon, label in MODULE_TILES:
                    if access.get(module, "none") == "none":
                        continue
                    target = workspace_url(tenant_uuid, page)
                    card = ui.card().classes("w-44 items-center cursor-pointer")
                    card.on("click", lambda target=target: ui.navigate.to(target))
                    with tag(card, f"online-tile-{page}"):
                        ui.icon(icon, size="xl").classes("text-indigo-8")
                        ui.label(_(label))
                if header.role == "super_user":
                    target = workspace_url(tenant_uuid, "audit")
                    card = ui.card().classes("w-44 items-center cursor-pointer")
                    card.on("click", lambda target=target: ui.navigate.to(target))
                    with tag(card, "online-tile-audit"):
                        ui.icon("history", size="xl").classes("text-indigo-8")
                        ui.label(_("audit.title"))
            try:
                board = await call(online.workspace.dashboard.build, workspace.online_id.id, tenant_uuid)
            except CallFailed:
                return
            show_dashboard(tenant_uuid, board)

    registers.register(online)
    calendar_page.register(online)
    audit_page.register(online)
    sales_list.register(online)
    sales_page.register(online)
    sync_rounds_page.register(online)

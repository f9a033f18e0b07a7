"""The sales register of a company account (``/online/c/<tenant>/sales_orders``): quotes, orders and
invoices with search, sort, paging and a status filter, all in the database; a row opens the
document (``ui/online/sales_page.py``), and those with Full access start a new quote or order.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from services.container import OnlineServices
from services.records.views import ListPage, RegisterRow
from ui.components.calls import call
from ui.components.routes import app_page
from ui.components.table import RegisterTable
from ui.i18n import _, fmt_date, fmt_money, fmt_number
from ui.online.frame import TITLES, Workspace, open_workspace, tag, workspace_frame, workspace_url

REGISTER = "sales_orders"
STATUSES = ("quote", "order", "invoice")
COLUMNS = ("number", "status", "order_date", "contact_name", "total")
SORTABLE = ("order_date", "number", "total")


def document_url(tenant_uuid: str, uuid: str) -> str:
    return workspace_url(tenant_uuid, f"{REGISTER}/{uuid}")


def new_url(tenant_uuid: str, status: str) -> str:
    return workspace_url(tenant_uuid, f"{REGISTER}/new/{status}")


def register(online: OnlineServices) -> None:
    @app_page(f"/online/c/{{tenant_uuid}}/{REGISTER}")
    async def sales_list(tenant_uuid: str, status: str = "", month: str = "", contact: str = "") -> None:
        """``?status=``, ``?month=YYYY-MM`` and ``?contact=<uuid>`` open the list filtered (the
        dashboard's charts link here)."""
        here = workspace_url(tenant_uuid, REGISTER)
        workspace = await open_workspace(online, tenant_uuid, here, "sales")
        if workspace is None:
            return
        with workspace_frame(online, workspace, _(TITLES[REGISTER])):
            chosen = status if status in STATUSES else ""
            await SalesList(online, workspace, chosen, month=month[:7], contact=contact[:36]).build()


class SalesList:
    def __init__(
        self, online: OnlineServices, workspace: Workspace, status: str, *, month: str = "", contact: str = ""
    ) -> None:
        self.sales = online.workspace.sales
        self.online_id = workspace.online_id.id
        self.tenant_uuid = workspace.header.tenant_uuid
        self.can_edit = REGISTER in workspace.page.editable
        self.status = status
        self.month, self.contact = month, contact  # from a dashboard link
        self.uuids: dict[int, str] = {}

    async def build(self) -> None:
        with ui.row().classes("items-center gap-4"):
            ui.label(_(TITLES[REGISTER])).classes("text-2xl")
            if self.can_edit:
                for status in ("quote", "order"):
                    target = new_url(self.tenant_uuid, status)
                    button = ui.button(
                        _(f"sales.new.{status}"), icon="add", on_click=lambda t=target: ui.navigate.to(t)
                    )
                    tag(button, f"sales-new-{status}")
        with ui.row().classes("items-center gap-4"):
            choices = {"": _("sales.filter.all"), **{s: _(f"registers.choice.{s}") for s in STATUSES}}
            tag(
                ui.select(choices, value=self.status, label=_("sales.filter.status"), on_change=self._filter)
                .props("outlined dense")
                .classes("w-48"),
                "sales-status-filter",
            )
            self.count = ui.label().classes("text-grey-7").mark("online-count")
            if self.month or self.contact:  # narrowed by a dashboard link: say so, offer all
                text = (
                    _("dashboard.filtered_month", month=self.month)
                    if self.month
                    else _("dashboard.filtered_customer")
                )
                plain = workspace_url(self.tenant_uuid, REGISTER) + (
                    f"?status={self.status}" if self.status else ""
                )
                tag(
                    ui.chip(
                        text, icon="filter_alt", removable=True, on_value_change=lambda: ui.navigate.to(plain)
                    ),
                    "sales-narrowed",
                )
        columns = [
            {
                "name": c,
                "label": _(f"registers.field.{c}"),
                "field": c,
                "align": "right" if c == "total" else "left",
                "sortable": c in SORTABLE,
            }
            for c in COLUMNS
        ]
        self.table = RegisterTable(
            columns=columns, fetch=self.fetch, to_cells=_cells, on_open=self.open_row, sort=SORTABLE[0]
        )
        self.table.table.pagination = {**self.table.table.pagination, "descending": True}
        await self.table.load()

    async def _filter(self, event: Any) -> None:
        self.status = event.value or ""
        await self.table.load({"page": 1})

    async def fetch(self, search: str, sort: str, descending: bool, page: int, page_size: int) -> ListPage:
        found = await call(
            self.sales.rows,
            self.online_id,
            self.tenant_uuid,
            search=search,
            sort=sort,
            descending=descending,
            page=page,
            page_size=page_size,
            status=self.status,
            month=self.month,
            contact_uuid=self.contact,
        )
        self.uuids = {row.id: row.uuid for row in found.rows}
        self.count.text = _("online.count", count=fmt_number(found.total))
        return found

    def open_row(self, row_id: int) -> None:
        uuid = self.uuids.get(row_id)
        if uuid is not None:
            ui.navigate.to(document_url(self.tenant_uuid, uuid))


def _cells(row: RegisterRow) -> dict[str, Any]:
    v = row.values
    return {
        "id": row.id,
        "number": v["number"],
        "status": _(f"registers.choice.{v['status']}"),
        "order_date": fmt_date(v["order_date"]),
        "contact_name": v["contact_name"],
        "total": fmt_money(v["total"]),
    }

"""A register list: search box, sortable columns and server-side paging in a Quasar table.

Only one page of rows ever reaches the browser. Changing the page, the page size or the sort
column emits Quasar's ``request`` event; the table then asks the service for exactly that page
and tells Quasar the total (``rowsNumber``), so count and page buttons show from the first page on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from services.local.registers import ListPage, RegisterRow
from ui.components.calls import CallFailed
from ui.components.paging import translate_pager
from ui.i18n import _

Fetch = Callable[[str, str, bool, int, int], Awaitable[ListPage]]
SEARCH_DELAY = 0.3


class _PagedTable(ui.table):
    """A Quasar table whose pagination the server sets. Quasar reports its pagination once when the
    table mounts; the same pagination again changes nothing, so it sends nothing back (otherwise
    every page open would send the whole table, rows and all, a second time)."""

    @property
    def pagination(self) -> dict[str, Any]:
        return self._props["pagination"]

    @pagination.setter
    def pagination(self, value: dict[str, Any]) -> None:
        if value != self._props["pagination"]:
            self._props["pagination"] = value


class RegisterTable:
    """Search + table + pager; ``fetch(search, sort, descending, page, page_size)`` gives a page."""

    def __init__(
        self,
        *,
        columns: list[dict[str, Any]],
        fetch: Fetch,
        to_cells: Callable[[RegisterRow], dict[str, Any]],
        on_open: Callable[[int], Any],
        sort: str,
        page_size: int = 25,
    ) -> None:
        self._fetch, self._to_cells = fetch, to_cells
        self._typed = 0
        self.search = ui.input(_("action.search"), on_change=self._search_changed).props(
            "clearable outlined dense"
        )
        self.search.mark("search").classes("w-96")
        with self.search.add_slot("prepend"):
            ui.icon("search")
        pagination = {
            "page": 1,
            "rowsPerPage": page_size,
            "sortBy": sort,
            "descending": False,
            "rowsNumber": 0,
        }
        self.table = _PagedTable(columns=columns, rows=[], row_key="id", pagination=pagination)
        self.table.mark("register-table").classes("w-full").props(
            'flat bordered :rows-per-page-options="[10, 25, 50, 100]"'
        )
        translate_pager(self.table)
        self.table.on("request", lambda e: self.load(e.args["pagination"]))
        # Quasar reports its pagination once when the table mounts, which may be after the first
        # page arrived: that stale report ("0 rows") must not replace the total the server told.
        self._shown: dict[str, Any] | None = None
        self.table.on_pagination_change(self._keep_shown_pagination)
        self.table.on("rowClick", lambda e: on_open(int(e.args[1]["id"])))
        self.table.classes("cursor-pointer")

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.table.rows

    async def load(self, pagination: dict[str, Any] | None = None) -> None:
        """Fetch the requested page (default: the current one) and show it."""
        wanted = {**self.table.pagination, **(pagination or {})}
        try:
            page = await self._fetch(
                self.search.value or "",
                wanted.get("sortBy") or self.table.pagination["sortBy"],
                bool(wanted.get("descending")),
                int(wanted.get("page") or 1),
                int(wanted.get("rowsPerPage") or 25),
            )
        except CallFailed:
            return
        self.table.rows = [self._to_cells(row) for row in page.rows]
        self._shown = {**wanted, "page": page.page, "rowsNumber": page.total}
        self.table.pagination = dict(self._shown)

    def _keep_shown_pagination(self) -> None:
        """The server pages this list: the page, sort and total it showed last stay what Quasar shows."""
        if self._shown is not None and self.table.pagination != self._shown:
            self.table.pagination = dict(self._shown)

    async def _search_changed(self) -> None:
        """Search while typing, once the user pauses."""
        self._typed += 1
        typed = self._typed
        await asyncio.sleep(SEARCH_DELAY)
        if typed == self._typed:
            await self.load({"page": 1})

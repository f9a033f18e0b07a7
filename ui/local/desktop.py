"""The Business Software desktop: the tiles every area adds to the shell."""

from __future__ import annotations

import inspect

from nicegui import ui

from ui.components.attributes import tagged
from ui.components.calls import call
from ui.components.routes import app_page
from ui.i18n import _
from ui.layout import frame
from ui.session import require_session
from ui.shell import Shell, Tile


def register(shell: Shell) -> None:
    companies = shell.services.companies

    @app_page("/")
    async def desktop_page() -> None:
        session = await require_session(shell, company=True)
        if session is None or session.company_id is None:
            return
        company = await call(companies.get_company, session.company_id)
        with frame(shell, session, _("desktop.title")):
            with ui.row().classes("items-baseline gap-3"):
                ui.label(company.name).classes("text-2xl").props("data-testid=company-name")
                if company.is_sample:
                    ui.badge(_("company.sample_badge"), color="orange")
            for notice in shell.desktop_notices:
                await notice(shell, session)
            with ui.row().classes("gap-4 flex-wrap"):
                for builder in shell.tiles:
                    tiles = builder(shell, session)
                    for tile in await tiles if inspect.isawaitable(tiles) else tiles:
                        _tile(tile)


def _tile(tile: Tile) -> None:
    with tagged(
        ui.card()
        .classes("w-48 h-32 items-center justify-center cursor-pointer hover:shadow-lg")
        .on("click", lambda t=tile: ui.navigate.to(t.target)),
        f"tile-{tile.testid}",
    ).mark(f"tile-{tile.testid}"):
        ui.icon(tile.icon, size="xl").classes("text-blue-grey-7")
        ui.label(_(tile.label_key)).classes("text-center")
        if tile.detail:
            detail = ui.label(tile.detail).classes("text-xs text-center px-2")
            detail.classes("text-amber-10" if tile.detail_tone == "attention" else "text-grey-8")
            tagged(detail.mark(f"tile-detail-{tile.testid}"), f"tile-detail-{tile.testid}")

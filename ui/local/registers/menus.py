"""The registers' desktop tiles and menu entries (File, View, Functions › Settings › Company)."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from services.container import Services
from services.local.registers import TOP_LEVEL
from services.local.views import SessionView
from ui.layout import MENU_BUILDERS, MenuItem
from ui.local.desktop import TILE_BUILDERS, Tile
from ui.session import log_out

ICONS = {
    "contacts": "contacts",
    "products": "inventory_2",
    "sales_orders": "receipt_long",
    "activities": "event",
    "employees": "badge",
}


def install() -> None:
    """Add tiles and menus once per process (pages may be registered again, e.g. in tests)."""
    if register_tiles not in TILE_BUILDERS:
        TILE_BUILDERS.append(register_tiles)
    if register_menus not in MENU_BUILDERS:
        MENU_BUILDERS.append(register_menus)


def register_tiles(services: Services, session: SessionView) -> list[Tile]:
    return [
        Tile(label_key=f"registers.{name}.title", icon=ICONS[name], target=f"/registers/{name}", testid=name)
        for name in TOP_LEVEL
    ]


def register_menus(services: Services, session: SessionView) -> dict[str, list[MenuItem]]:
    users = (
        MenuItem("registers.menu.users", _go("/registers/users"))
        if session.user.is_super_user
        else MenuItem("registers.menu.users", disabled_reason_key="registers.users.super_user_only")
    )
    company = MenuItem(
        "menu.settings.company",
        children=(MenuItem("registers.menu.registration", _go("/settings/company")), users),
    )
    return {
        "menu.file": [
            MenuItem("registers.menu.company_databases", _go("/companies")),
            MenuItem("auth.logout", lambda: log_out(services, session.token)),
        ],
        "menu.view": [MenuItem(f"registers.{name}.title", _go(f"/registers/{name}")) for name in TOP_LEVEL],
        "menu.functions": [MenuItem("menu.settings", children=(company,))],
    }


def _go(target: str) -> Callable[[], object]:
    return lambda: ui.navigate.to(target)

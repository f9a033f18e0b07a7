"""The registers' desktop tiles and menu entries (File, View, Functions › Settings › Company)."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from services.local.registers import TOP_LEVEL
from services.local.views import SessionView
from ui.session import log_out
from ui.shell import MenuItem, Shell, Tile

ICONS = {
    "contacts": "contacts",
    "products": "inventory_2",
    "sales_orders": "receipt_long",
    "activities": "event",
    "employees": "badge",
}


def install(shell: Shell) -> None:
    """Add the registers' tiles and menus to the shell."""
    shell.tiles.append(register_tiles)
    shell.menus.append(register_menus)


def register_tiles(shell: Shell, session: SessionView) -> list[Tile]:
    return [
        Tile(label_key=f"registers.{name}.title", icon=ICONS[name], target=f"/registers/{name}", testid=name)
        for name in TOP_LEVEL
    ]


def register_menus(shell: Shell, session: SessionView) -> dict[str, list[MenuItem]]:
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
            MenuItem("auth.logout", lambda: log_out(shell, session.token)),
        ],
        "menu.view": [MenuItem(f"registers.{name}.title", _go(f"/registers/{name}")) for name in TOP_LEVEL],
        "menu.functions": [MenuItem("menu.settings", children=(company,))],
    }


def _go(target: str) -> Callable[[], object]:
    return lambda: ui.navigate.to(target)

"""Business Software registers: list and detail pages, users, registration information, menus."""

from __future__ import annotations

from ui.local.registers import company_settings, menus, pages, users_pages
from ui.shell import Shell


def register(shell: Shell) -> None:
    pages.register(shell)
    users_pages.register(shell)
    company_settings.register(shell)
    menus.install(shell)

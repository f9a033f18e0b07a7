"""Business Software registers: list and detail pages, users, registration information, menus."""

from __future__ import annotations

from services.container import Services
from ui.local.registers import company_settings, menus, pages, users_pages


def register(services: Services) -> None:
    pages.register(services)
    users_pages.register(services)
    company_settings.register(services)
    menus.install()

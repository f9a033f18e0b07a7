"""Registers every page of the roles this process plays."""

from __future__ import annotations

from services.container import Services
from ui import errors
from ui.local import auth_pages, company_pages, desktop, registers


def register_pages(services: Services) -> None:
    errors.register()
    if services.settings.runs_local:
        auth_pages.register(services)
        company_pages.register(services)
        desktop.register(services)
        registers.register(services)

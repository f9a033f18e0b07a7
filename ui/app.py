"""Registers every page of the roles this process plays."""

from __future__ import annotations

from services.container import Services
from ui import errors
from ui.id import link_pages, pages
from ui.local import (
    api_users_page,
    auth_pages,
    company_pages,
    connect_wizard,
    desktop,
    focus_area,
    integrations_page,
    licence_page,
    network_page,
    online_desktop_page,
    registers,
    sync_pages,
)
from ui.mailbox import pages as mailbox_pages
from ui.online import home, users_page, workspace


def register_pages(services: Services) -> None:
    errors.register()
    if services.settings.runs_local:
        auth_pages.register(services)
        company_pages.register(services)
        desktop.register(services)
        registers.register(services)
        licence_page.register(services)
        online_desktop_page.register(services)
        connect_wizard.register(services)
        focus_area.register(services)
        network_page.register(services)
        api_users_page.register(services)
        integrations_page.register(services)
        sync_pages.register(services)
    if services.settings.runs_online:
        pages.register(services)
        link_pages.register(services)
        mailbox_pages.register(services)
        home.register(services)
        workspace.register(services)
        users_page.register(services)

"""Registers every page of the roles this process plays.

The Business Software's areas share one ``Shell`` (its services, menus, tiles, frame hooks and
the settings page's actions), built here and passed to each area; the Online Desktop's pages get
the Online Desktop services.
"""

from __future__ import annotations

from nicegui import app
from starlette.responses import RedirectResponse

from services.container import LocalServices, OnlineServices, Services
from ui import errors, styles
from ui.components.language import use_page_languages
from ui.id import focus_page, link_pages, pages
from ui.local import (
    api_users_page,
    auth_pages,
    backup_pages,
    company_pages,
    connect_wizard,
    desktop,
    focus_area,
    integrations_page,
    licence_page,
    network_page,
    online_desktop_page,
    presence_page,
    registers,
    status_window,
    sync_pages,
)
from ui.mailbox import pages as mailbox_pages
from ui.online import home, users_page, workspace
from ui.shell import Shell


def register_pages(services: Services) -> None:
    use_page_languages()
    styles.install()
    errors.register()
    if services.local is not None:
        register_local(services.local)
    if services.online is not None:
        register_online(services.online)
        if services.local is None:
            register_online_root()


def register_local(local: LocalServices) -> Shell:
    shell = Shell(services=local)
    for area in (
        auth_pages,
        company_pages,
        desktop,
        registers,
        licence_page,
        online_desktop_page,
        connect_wizard,
        status_window,
        focus_area,
        network_page,
        api_users_page,
        integrations_page,
        sync_pages,
        backup_pages,
        presence_page,
    ):
        area.register(shell)
    return shell


def register_online(online: OnlineServices) -> None:
    for area in (pages, link_pages, focus_page, mailbox_pages, home, workspace, users_page):
        area.register(online)


def register_online_root() -> None:
    """``/`` of a process that runs only the Online Desktop (``--role online``, e.g. behind the
    balancer) leads to its start page, which asks for the Online ID login when needed."""

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/online")

"""Helpers for register UI tests: a logged-in user with an open company, and the visible list."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from nicegui.testing import User

from services.container import Services
from tests.ui.test_login_and_companies import log_in


async def open_new_company(user: User, name: str = "Test GmbH") -> None:
    """Log in as the administrator and create (and open) a company database."""
    await log_in(user)
    await user.should_see("Company databases")
    user.find("Create company database").click()
    user.find("Company name").type(name)
    user.find(marker="create-company").click()
    await user.should_see(marker="tile-contacts")


def company_id(services: Services, name: str = "Test GmbH") -> int:
    """The id of a company created through the UI (tests fill it directly through the services)."""
    return next(c.id for c in services.local.companies.list_companies() if c.name == name)


def table(user: User) -> ui.table:
    return next(iter(user.find(kind=ui.table, marker="register-table").elements))


def table_rows(user: User) -> list[dict[str, Any]]:
    """The rows the register list shows right now."""
    tables = [e for e in user.find(kind=ui.table, marker="register-table").elements]
    assert len(tables) == 1
    return list(tables[0].rows)


def request_page(user: User, **pagination: Any) -> None:
    """What Quasar sends when the user pages or clicks a column header."""
    user.find(kind=ui.table, marker="register-table").trigger(
        "request", {"pagination": {**table(user).pagination, **pagination}}
    )


async def wait_for_rows(user: User, predicate: Any, retries: int = 50) -> list[dict[str, Any]]:
    """Wait until the list shows rows that satisfy ``predicate`` (searching is debounced)."""
    import asyncio

    rows: list[dict[str, Any]] = []
    for _ in range(retries):
        try:
            rows = table_rows(user)
        except AssertionError:  # the list page is still loading
            rows = []
        else:
            if predicate(rows):
                return rows
        await asyncio.sleep(0.1)
    raise AssertionError(f"list never matched; it shows {rows}")

"""Creating a company database with the "Fill with demo data" box ticked, through the user fixture."""

from __future__ import annotations

from pathlib import Path

from nicegui.testing import User
from sqlalchemy import select

from models.local import Company
from services.config import Settings
from services.db import open_databases
from services.local.demo_data import DemoDataService
from tests.ui.test_login_and_companies import log_in


def rows_of(data_dir: Path, name: str) -> dict[str, int]:
    url = Settings(data_dir=data_dir).local_db_url
    db = open_databases(local_url=url, online_url=None, migrate_now=False)
    assert db.local is not None
    try:
        with db.local() as s:
            company_id = s.scalars(select(Company.id).where(Company.name == name)).one()
        return DemoDataService(db.local).count_rows(company_id)
    finally:
        db.dispose()


async def test_a_new_company_with_the_box_ticked_opens_filled_with_demo_data(
    user: User, app_env: Path
) -> None:
    await log_in(user)
    await user.should_see("Company databases")
    user.find("Create company database").click()
    user.find("Company name").type("Demo Handel GmbH")
    user.find(marker="with-demo-data").click()
    user.find(marker="create-company").click()
    await user.should_see("Demo data created")
    await user.should_see(marker="tile-contacts")  # the company's desktop
    await user.should_see("Demo Handel GmbH")
    counts = rows_of(app_env, "Demo Handel GmbH")
    assert counts["contacts"] == 200 and 900 <= sum(counts.values()) <= 1_100


async def test_a_new_company_without_the_box_opens_empty(user: User, app_env: Path) -> None:
    await log_in(user)
    await user.should_see("Company databases")
    user.find("Create company database").click()
    user.find("Company name").type("Leer GmbH")
    user.find(marker="create-company").click()
    await user.should_not_see(marker="create-company", retries=100)
    await user.should_see("Leer GmbH")
    assert sum(rows_of(app_env, "Leer GmbH").values()) == 0

"""Business Software login and the company database list, through the NiceGUI user fixture."""

from __future__ import annotations

from nicegui.testing import User

from tests.conftest import ADMIN_PASSWORD


async def log_in(user: User, password: str = ADMIN_PASSWORD) -> None:
    await user.open("/login")
    user.find(marker="username").type("admin")
    user.find(marker="password").type(password)
    user.find(marker="login").click()


async def test_a_wrong_password_is_refused_with_a_generic_message(user: User) -> None:
    await log_in(user, "wrong-password")
    await user.should_see("User name or password is wrong.")
    await user.should_not_see("Company databases")


async def test_an_anonymous_visitor_is_sent_to_the_login(user: User) -> None:
    await user.open("/")
    await user.should_see("Log in to Business Software")


async def test_the_administrator_logs_in_and_sees_the_sample_company(user: User) -> None:
    await log_in(user)
    await user.should_see("Company databases")
    await user.should_see("Beispielfirma / Sample company")


async def test_a_new_company_is_created_opened_and_shown_on_the_desktop(user: User) -> None:
    await log_in(user)
    await user.should_see("Company databases")
    user.find("Create company database").click()
    user.find("Company name").type("Müller GmbH")
    user.find(marker="create-company").click()
    await user.should_see("Desktop")
    await user.should_see("Müller GmbH")


async def test_a_company_without_name_is_refused_and_nothing_is_saved(user: User) -> None:
    await log_in(user)
    await user.should_see("Company databases")
    user.find("Create company database").click()
    user.find(marker="create-company").click()
    await user.should_see("Please check the highlighted fields.")
    await user.should_see("Create company database")

"""Log in again where you were: the page and company asked for, never an address of another site;
a used invitation link offers the way in."""

from __future__ import annotations

from pathlib import Path

from nicegui import app
from nicegui.testing import User
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company, UserSession
from services.secrets.passwords import token_hash
from tests.conftest import ADMIN_PASSWORD
from tests.ui.test_login_and_companies import log_in
from tests.ui.test_online_users_pages import company_with_employees, newest_link, online_side, set_password
from tests.ui.test_sync_pages import local_db, open_new_company
from ui.session import TOKEN_KEY

__all__ = ["local_db"]  # fixture used by name


def end_sessions(sessions: sessionmaker[Session]) -> None:
    """What a session that ended elsewhere (logged out, expired) looks like to this browser."""
    with sessions.begin() as s:
        for row in s.scalars(select(UserSession).where(UserSession.ended_at.is_(None))):
            row.ended_at = row.last_seen_at


def open_company_of(sessions: sessionmaker[Session], token: str) -> int | None:
    with sessions() as s:
        return s.scalar(select(UserSession.company_id).where(UserSession.token_hash == token_hash(token)))


async def test_a_new_login_returns_to_the_page_and_company_asked_for(
    user: User, local_db: sessionmaker[Session]
) -> None:
    first = await open_new_company(user, local_db, "Erste GmbH")
    await user.open("/companies")
    second = await open_new_company_from_list(user, local_db, "Zweite GmbH")
    assert first != second
    await user.open("/registers/contacts?search=Berg")
    await user.should_see("Contacts")
    end_sessions(local_db)

    await user.open("/registers/contacts?search=Berg")
    await user.should_see("Log in to Business Software")
    assert user.back_history[-1].startswith("/login?next=")
    await log_in_here(user)
    await user.should_see("Contacts")
    assert user.back_history[-1] == "/registers/contacts?search=Berg"
    token = user_token(user)
    assert open_company_of(local_db, token) == second  # not the company list, not the first company


async def open_new_company_from_list(user: User, sessions: sessionmaker[Session], name: str) -> int:
    user.find("Create company database").click()
    user.find("Company name").type(name)
    user.find(marker="create-company").click()
    await user.should_not_see(marker="create-company", retries=100)
    await user.should_see(name)
    with sessions() as s:
        return s.scalars(select(Company.id).where(Company.name == name)).one()


def user_token(user: User) -> str:
    with user:
        token = app.storage.user.get(TOKEN_KEY)
    assert isinstance(token, str)
    return token


async def test_the_login_sends_nobody_to_another_site(user: User) -> None:
    await user.open("/login?next=https://evil.example/phish&company=1")
    await log_in_here(user)
    await user.should_see("Company databases")
    assert user.back_history[-1] == "/companies"
    await user.open("/login?next=//evil.example")
    await log_in_here(user)
    await user.should_see("Company databases")
    assert user.back_history[-1] == "/companies"


async def log_in_here(user: User) -> None:
    user.find(marker="username").type("admin")
    user.find(marker="password").type(ADMIN_PASSWORD)
    user.find(marker="login").click()


async def test_without_a_company_the_asked_page_follows_the_choice_of_one(
    user: User, local_db: sessionmaker[Session]
) -> None:
    await log_in(user)
    await user.should_see("Company databases")
    await user.open("/registers/products")
    await user.should_see("Create company database")
    assert user.back_history[-1] == "/companies?next=/registers/products"
    user.find("Create company database").click()
    user.find("Company name").type("Dritte GmbH")
    user.find(marker="create-company").click()  # creating opens the new company
    await user.should_not_see("Create company database")
    assert user.back_history[-1] == "/registers/products"
    with local_db() as s:
        assert s.scalars(select(Company.name)).all()[-1] == "Dritte GmbH"


async def test_a_used_invitation_link_offers_log_in_and_open_online_desktop(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    co = company_with_employees(services)
    services.online.users.invitations.invite(
        co.owner, co.tenant_uuid, email="ben@example.com", role="standard"
    )
    services.db.dispose()
    link = await newest_link(user, "/id/invitation")
    await user.open(link)
    await set_password(user, link)
    await user.should_see(marker="online-company", content="Müller GmbH")
    await user.open(link)
    await user.should_see(marker="invitation-problem", content="already been used")
    await user.should_see("If you have already joined the company with this link")
    user.find(marker="invitation-used-open").click()
    await user.should_see(marker="online-company", content="Müller GmbH")  # still logged in: straight in
    await user.open(link)
    user.find(marker="invitation-used-log-in").click()
    await user.should_see("Log in to Online Desktop")
    assert user.back_history[-1] == "/id/login?next=/online"

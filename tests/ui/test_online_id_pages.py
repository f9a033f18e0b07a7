"""Online ID pages and the built-in mailbox, through the NiceGUI user fixture (main.py in-process)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from nicegui.testing import User
from sqlalchemy import select

import services.secrets.passwords
from models.online import OnlineId
from services.clock import FrozenClock
from services.config import load_secret_key
from services.db import make_engine, make_session_factory
from services.online.tokens import LinkTokens

PASSWORD = "Blue-Tomato-Sunrise-7"
ADDRESS = "erik@example.com"


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        services.secrets.passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    )


def texts(user: User, marker: str) -> list[str]:
    return [getattr(e, "text", "") for e in user.find(marker=marker).elements]


async def sign_up(user: User, address: str = ADDRESS) -> None:
    await user.open("/id/")
    user.find(marker="email").type(address)
    user.find(marker="sign-up").click()
    await user.should_see("Check your e-mail")


async def newest_link(user: User, page: str) -> str:
    """Open the newest mail in /mail and return the path of its link to ``page``."""
    await user.open("/mail")
    await user.should_see("Mailbox")
    hrefs = [str(e.props["href"]) for e in user.find(marker="mail-link").elements]
    await user.open(max(hrefs, key=lambda href: int(href.rsplit("/", 1)[1])))
    [text] = texts(user, "mail-text")
    found = re.search(rf"https?://[^/\s]+({re.escape(page)}\?token=\S+)", text)
    assert found, text
    return found.group(1)


async def set_password(user: User, path: str, password: str = PASSWORD, repeat: str | None = None) -> None:
    await user.open(path)
    user.find(marker="password").type(password)
    user.find(marker="repeat-password").type(password if repeat is None else repeat)
    user.find(marker="set-password").click()


async def activate(user: User) -> None:
    """Follow the verification link in the mailbox and set the password."""
    await set_password(user, await newest_link(user, "/id/verify"))
    await user.should_see("Your Online ID is active. Log in now.")


async def log_in(
    user: User, address: str = ADDRESS, password: str = PASSWORD, path: str = "/id/login"
) -> None:
    await user.open(path)
    user.find(marker="email").clear().type(address)
    user.find(marker="password").type(password)
    user.find(marker="login").click()


async def test_sign_up_announces_the_mail_with_the_spam_hint_and_send_again(user: User) -> None:
    await sign_up(user)
    await user.should_see(f"We have sent an e-mail to {ADDRESS}.")
    await user.should_see("No e-mail? Please check your spam folder as well.")
    user.find(marker="send-again").click()
    await user.should_see("The e-mail is on its way.")
    await user.open("/mail")
    await user.should_see("Confirm your Online ID")


async def test_an_invalid_address_is_refused_under_the_field(user: User) -> None:
    await user.open("/id/")
    user.find(marker="email").type("no-at-sign")
    user.find(marker="sign-up").click()
    await user.should_see("Please check the highlighted fields.")
    await user.should_see("Create an Online ID")


async def test_the_whole_flow_from_sign_up_to_the_online_desktop_and_out(user: User) -> None:
    await sign_up(user)
    verify = await newest_link(user, "/id/verify")
    await set_password(user, verify, repeat="Something-Else-12")
    await user.should_see("The passwords do not match.")
    await set_password(user, verify, password="short")
    await user.should_see("The password must have at least 10 characters.")
    await set_password(user, verify)
    await user.should_see("Your Online ID is active. Log in now.")
    await log_in(user, password="Wrong-Password-11")
    await user.should_see("E-mail address or password is wrong.")
    await log_in(user)
    await user.should_see(f"Logged in as {ADDRESS}")
    user.find(marker="logout").click()
    await user.should_see("Log in to Online Desktop")
    await user.open("/online")
    await user.should_see("Log in to Online Desktop")


async def test_an_anonymous_visitor_of_the_online_desktop_is_sent_to_the_login(user: User) -> None:
    await user.open("/online")
    await user.should_see("Log in to Online Desktop")


async def test_login_never_redirects_to_another_site(user: User) -> None:
    await sign_up(user)
    await activate(user)
    await log_in(user, path="/id/login?next=https://evil.example/steal")
    await user.should_see(f"Logged in as {ADDRESS}")


async def test_a_used_link_says_so_and_offers_a_new_one(user: User) -> None:
    await sign_up(user)
    verify = await newest_link(user, "/id/verify")
    await set_password(user, verify)
    await user.should_see("Your Online ID is active.")
    await user.open(verify)
    await user.should_see("Link already used")
    await user.should_see("This link has already been used.")
    await user.should_see("Send a new link")


async def test_a_tampered_link_is_invalid_and_a_new_one_can_be_sent(user: User) -> None:
    await sign_up(user)
    verify = await newest_link(user, "/id/verify")
    await user.open(verify[:-3] + "abc")
    await user.should_see("Invalid link")
    user.find(marker="email").type(ADDRESS)
    user.find(marker="send-new-link").click()
    await user.should_see(f"If {ADDRESS} has or can have an Online ID, a new link is on its way.")


async def test_a_reset_link_on_the_verify_page_is_the_wrong_link(user: User) -> None:
    await sign_up(user)
    verify = await newest_link(user, "/id/verify")
    await user.open(verify.replace("/id/verify", "/id/reset"))
    await user.should_see("Wrong link")
    await user.should_see("This link belongs to another step")


async def test_an_expired_link_says_so(user: User, app_env: Path) -> None:
    await sign_up(user)
    engine = make_engine(f"sqlite:///{app_env / 'online.sqlite3'}")
    sessions = make_session_factory(engine)
    three_days_ago = FrozenClock(dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
    with sessions.begin() as s:
        online_id = s.scalar(select(OnlineId.id).where(OnlineId.email == ADDRESS))
        token = LinkTokens(load_secret_key(app_env), clock=three_days_ago).issue(
            s, purpose="verify", subject=str(online_id)
        )
    engine.dispose()
    await user.open(f"/id/verify?token={token}")
    await user.should_see("Link expired")
    await user.should_see("This link has expired.")
    await user.should_see("Send a new link")


async def test_a_forgotten_password_is_reset_by_mail(user: User) -> None:
    await sign_up(user)
    await activate(user)
    await user.open("/id/forgot")
    user.find(marker="email").type(ADDRESS)
    user.find(marker="send-reset").click()
    await user.should_see("Check your e-mail")
    reset = await newest_link(user, "/id/reset")
    await set_password(user, reset, password="New-Garden-Path-88")
    await user.should_see("Your new password is saved. Log in now.")
    await log_in(user, password="New-Garden-Path-88")
    await user.should_see(f"Logged in as {ADDRESS}")


async def test_the_password_is_changed_on_its_page(user: User) -> None:
    await sign_up(user)
    await activate(user)
    await log_in(user)
    await user.should_see(f"Logged in as {ADDRESS}")
    await user.open("/id/password")
    user.find(marker="current-password").type("Wrong-Password-11")
    user.find(marker="new-password").type("New-Garden-Path-88")
    user.find(marker="repeat-password").type("New-Garden-Path-88")
    user.find(marker="change-password").click()
    await user.should_see("The current password is wrong.")
    user.find(marker="current-password").clear().type(PASSWORD)
    user.find(marker="change-password").click()
    await user.should_see(f"Logged in as {ADDRESS}")


async def test_the_mailbox_opens_a_mail_with_its_link_in_sanitised_html(user: User) -> None:
    await user.open("/mail")
    await user.should_see("No e-mails yet.")
    await sign_up(user)
    await user.open("/mail")
    user.find("Confirm your Online ID").click()
    await user.should_see("Set password")
    html = next(iter(user.find(marker="mail-html").elements))
    assert html.props["sanitize"] is True
    assert '<a href="http://127.0.0.1:8080/id/verify?token=' in getattr(html, "content", "")


async def test_a_mail_that_does_not_exist_gets_a_friendly_page(user: User) -> None:
    await user.open("/mail/9999")
    await user.should_see("This e-mail does not exist (any more).")


@pytest.fixture
def mailbox_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILBOX_ENABLED", "false")


async def test_settings_can_turn_the_mailbox_off(mailbox_off: None, user: User) -> None:
    await sign_up(user)
    await user.should_not_see("Open the built-in mailbox")
    await user.open("/mail")
    await user.should_see("The built-in mailbox is off on this server")
    await user.should_not_see("Confirm your Online ID")
    await user.open("/mail/1")
    await user.should_see("The built-in mailbox is off on this server")


async def test_the_pages_speak_german_to_a_german_browser(user: User) -> None:
    user.http_client.headers["Accept-Language"] = "de-DE,de;q=0.9"
    await user.open("/id/")
    user.find(marker="email").type(ADDRESS)
    user.find(marker="sign-up").click()
    await user.should_see("Sehen Sie in Ihre E-Mails")
    await user.should_see("Keine E-Mail erhalten? Sehen Sie bitte auch in Ihrem Spam-Ordner nach.")
    await user.open("/mail")
    await user.should_see("Bestätigen Sie Ihre Online-ID")

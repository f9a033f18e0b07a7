"""User administration and the invitation page through the `user` fixture: invite an employee, the
list shows Invited, duplicate protection offers Resend, resend and revoke; the invitee joins."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from nicegui.testing import User
from sqlalchemy import update

from models.online import Invitation, Membership, OnlineEmployee, OnlineId, Tenant
from services.config import Settings
from services.container import Services, build_services
from services.secrets.passwords import hash_password
from tests.ui.test_online_id_pages import log_in, newest_link, set_password

PASSWORD = "Blue-Tomato-Sunrise-7"


@dataclass
class Company:
    tenant_uuid: str
    owner: int


def online_side(data_dir: Path) -> Services:
    return build_services(Settings(data_dir=data_dir, role="online"))


def person(services: Services, email: str) -> int:
    assert services.db.online is not None
    with services.db.online.begin() as s:
        row = OnlineId(email=email, password_hash=hash_password(PASSWORD), status="active")
        s.add(row)
        s.flush()
        return row.id


def company_with_employees(services: Services, *, owner_role: str = "super_user") -> Company:
    """Müller GmbH: anna@example.com (Online ID, ``owner_role``) and the employees Anna Berg and Ben Adler."""
    owner = person(services, "anna@example.com")
    assert services.db.online is not None
    with services.db.online.begin() as s:
        tenant = Tenant(name="Müller GmbH", seats=5)
        s.add(tenant)
        s.flush()
        s.add(Membership(tenant_id=tenant.id, online_id_id=owner, role=owner_role, active=True))
        for first, last, email in (("Anna", "Berg", "anna@example.com"), ("Ben", "Adler", "ben@example.com")):
            s.add(
                OnlineEmployee(
                    tenant_id=tenant.id,
                    uuid=str(uuid.uuid4()),
                    seq=1,
                    first_name=first,
                    last_name=last,
                    email=email,
                )
            )
        return Company(tenant_uuid=tenant.uuid, owner=owner)


def marked(user: User, marker: str) -> str:
    return " ".join(str(getattr(e, "text", "")) for e in user.find(marker=marker).elements)


async def test_invite_shows_invited_refuses_a_second_invitation_then_resend_and_revoke(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    co = company_with_employees(services)
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-company", content="Müller GmbH")
    await user.open(f"/online/c/{co.tenant_uuid}/users")
    await user.should_see("User administration")
    await user.should_see(marker="seat-counter", content="Seats: 5 · used: 1 · pending: 0 · left: 4")
    await user.should_see(marker="status-ben@example.com", content="Not invited")
    await user.should_see(marker="status-anna@example.com", content="Active")
    await user.should_see(marker="spam-hint")

    user.find(marker="invite-ben@example.com").click()
    await user.should_see(marker="invite-email")
    assert [e.value for e in user.find(marker="invite-email").elements] == ["ben@example.com"]
    user.find(marker="invite-message").type("Willkommen!")
    user.find(marker="invite-send").click()
    await user.should_see("The invitation to ben@example.com is on its way.")
    await user.should_see(marker="status-ben@example.com", content="Invited (pending, expires")
    await user.should_see(marker="seat-counter", content="pending: 1 · left: 3")

    # The same address again: nothing is created, Resend is offered instead.
    user.find(marker="invite-other").click()
    user.find(marker="invite-email").type("Ben@Example.com")
    user.find(marker="invite-send").click()
    await user.should_see(marker="already-invited", content="ben@example.com has already been invited.")
    user.find(marker="dialog-resend").click()
    await user.should_see("The invitation was sent only a moment ago.")  # paced: at most once a minute
    assert services.db.online is not None
    with services.db.online.begin() as s:
        s.execute(update(Invitation).values(last_sent_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)))
    user.find(marker="dialog-resend").click()
    await user.should_see("The invitation was sent again.")
    await user.should_see(marker="seat-counter", content="pending: 1 · left: 3")

    await user.open("/mail")
    await user.should_see("Mailbox")
    assert len([e for e in user.find("Invitation to Müller GmbH in Online Desktop").elements]) == 2

    await user.open(f"/online/c/{co.tenant_uuid}/users")
    await user.should_see(marker="revoke-ben@example.com")  # the list arrives with its own call
    user.find(marker="revoke-ben@example.com").click()
    await user.should_see("The invitation was revoked.")
    await user.should_see(marker="status-ben@example.com", content="Not invited")
    await user.should_see(marker="seat-counter", content="pending: 0 · left: 4")
    services.db.dispose()


async def test_the_invitee_sets_a_password_and_lands_in_the_company(user: User, app_env: Path) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    co = company_with_employees(services)
    services.online.users.invitations.invite(
        co.owner, co.tenant_uuid, email="ben@example.com", role="standard"
    )
    services.db.dispose()
    link = await newest_link(user, "/id/invitation")
    await user.open(link)
    await user.should_see(marker="invitation-company", content="Company account: Müller GmbH")
    await user.should_see(marker="invitation-address", content="Invited address: ben@example.com")
    await set_password(user, link, password="short")
    await user.should_see("The password must have at least 10 characters.")
    await set_password(user, link)
    await user.should_see(marker="online-company", content="Müller GmbH")
    await user.should_see("Standard user")
    await user.open(link)
    await user.should_see(marker="invitation-problem", content="already been used")
    await user.should_see("Ask the person who invited you for a new invitation.")


async def test_a_person_with_an_online_id_logs_in_and_joins(user: User, app_env: Path) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    co = company_with_employees(services)
    person(services, "ben@example.com")
    services.online.users.invitations.invite(
        co.owner, co.tenant_uuid, email="ben@example.com", role="read_only"
    )
    services.db.dispose()
    link = await newest_link(user, "/id/invitation")
    await user.open(link)
    await user.should_see("There is already an Online ID with this address. Log in to join.")
    user.find(marker="invitation-log-in").click()
    await user.should_see("Log in to Online Desktop")
    user.find(marker="password").type(PASSWORD)
    user.find(marker="login").click()
    await user.should_see(marker="join")
    user.find(marker="join").click()
    await user.should_see(marker="online-company", content="Müller GmbH")
    await user.should_see("Read-only")


async def test_a_standard_user_cannot_open_the_user_administration(user: User, app_env: Path) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    co = company_with_employees(services, owner_role="standard")
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-company", content="Müller GmbH")
    await user.open(f"/online/c/{co.tenant_uuid}/users")
    await user.should_see(marker="online-refused", content="Your role does not allow this.")
    await user.should_not_see("Invite user")


async def test_roles_change_the_last_super_user_stays_and_a_member_is_deactivated_in_german(
    user: User, app_env: Path
) -> None:
    user.http_client.headers["Accept-Language"] = "de-DE,de;q=0.9"
    await user.open("/id/login")
    services = online_side(app_env)
    co = company_with_employees(services)
    ben = person(services, "ben@example.com")
    assert services.db.online is not None
    with services.db.online.begin() as s:
        tenant_id = s.query(Tenant.id).filter(Tenant.uuid == co.tenant_uuid).scalar()
        s.add(Membership(tenant_id=tenant_id, online_id_id=ben, role="standard", active=True))
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-company", content="Müller GmbH")
    await user.open(f"/online/c/{co.tenant_uuid}/users")
    await user.should_see(marker="status-ben@example.com", content="Aktiv")
    await user.should_see(marker="seat-counter", content="Lizenzen: 5 · belegt: 2 · ausstehend: 0 · frei: 3")

    # Anna is the only Super User: she cannot be deactivated, nor give the role away.
    await user.should_see(marker="deactivate-ben@example.com")
    await user.should_not_see(marker="deactivate-anna@example.com")
    select_anna = user.find(marker="role-anna@example.com").elements.pop()
    assert user.client is not None
    with user.client:
        select_anna.set_value("administrator")
    await user.should_see("Das ist der letzte aktive Superuser.")
    await user.should_see(marker="role-anna@example.com")
    assert [e.value for e in user.find(marker="role-anna@example.com").elements] == ["super_user"]

    select_ben = user.find(marker="role-ben@example.com").elements.pop()
    with user.client:
        select_ben.set_value("administrator")
    await user.should_see("Die Rolle wurde geändert.")
    assert services.online.workspace.access.context(ben, co.tenant_uuid).role == "administrator"

    user.find(marker="deactivate-ben@example.com").click()
    user.find(marker="confirm-deactivate").click()
    await user.should_see("Der Benutzer wurde deaktiviert.")
    await user.should_see(marker="status-ben@example.com", content="Deaktiviert")
    await user.should_see(marker="seat-counter", content="belegt: 1")
    services.db.dispose()


async def test_a_revoked_invitation_link_says_so_and_a_foreign_login_cannot_join(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    co = company_with_employees(services)
    first = services.online.users.invitations.invite(
        co.owner, co.tenant_uuid, email="ben@example.com", role="standard"
    )
    revoked = await newest_link(user, "/id/invitation")
    services.online.users.invitations.revoke(co.owner, co.tenant_uuid, invitation_id=first)
    services.online.users.invitations.invite(
        co.owner, co.tenant_uuid, email="ben@example.com", role="standard"
    )
    services.db.dispose()
    await user.open(revoked)
    await user.should_see(marker="invitation-problem", content="This invitation was revoked.")
    await user.should_see("Ask the person who invited you for a new invitation.")
    await user.should_not_see("Set password and join")

    fresh = await newest_link(user, "/id/invitation")
    assert fresh != revoked
    await log_in(user, "anna@example.com", PASSWORD)  # logged in, but not as the invited address
    await user.should_see(marker="online-company", content="Müller GmbH")
    await user.open(fresh)
    await user.should_see("You are logged in as anna@example.com, but the invitation is for ben@example.com.")
    await user.should_not_see(marker="join")
    user.find(marker="invitation-log-out").click()
    await user.should_see("Log in to Online Desktop")


async def test_a_super_user_who_gives_up_the_role_leaves_the_user_administration(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    co = company_with_employees(services)
    ben = person(services, "ben@example.com")
    assert services.db.online is not None
    with services.db.online.begin() as s:
        tenant_id = s.query(Tenant.id).filter(Tenant.uuid == co.tenant_uuid).scalar()
        s.add(Membership(tenant_id=tenant_id, online_id_id=ben, role="super_user", active=True))
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-company", content="Müller GmbH")
    await user.open(f"/online/c/{co.tenant_uuid}/users")
    await user.should_see(marker="role-anna@example.com")
    select_anna = user.find(marker="role-anna@example.com").elements.pop()
    assert user.client is not None
    with user.client:
        select_anna.set_value("standard")
    await user.should_see(marker="online-role", content="Standard user")
    await user.should_not_see(marker="online-tile-users")

"""User administration and invitations of a company account (PRODUCT.md §3), on the service layer."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, update

from models.online import Invitation, Membership, OnlineEmployee, OnlineId, Tenant
from services.clock import FrozenClock
from services.container import OnlineUsers, Services
from services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from services.online.tokens import LinkUsed
from services.online.users.accepting import (
    AddressHasOnlineId,
    InvitationExpired,
    InvitationRevoked,
    InvitationUsed,
    InvitedAnotherAddress,
)
from services.online.users.directory import UserRow
from services.online.users.invitations import AlreadyInvited, AlreadyMember, ResendTooSoon, SeatLimitReached
from services.online.users.members import LastSuperUser
from services.online.users.rules import SuperUserRequired
from services.online.workspace.access import NoAccess
from services.passwords import hash_password, verify_password
from tests.services.conftest import link_token, mails_to, transactions

PASSWORD = "Blue-Tomato-Sunrise-7"


@dataclass
class Company:
    tenant_id: int
    tenant_uuid: str
    owner: int  # Online ID of the Super User


def users(services: Services) -> OnlineUsers:
    return services.online.users


def online_id(services: Services, email: str, *, status: str = "active") -> int:
    assert services.db.online is not None
    with services.db.online.begin() as s:
        row = OnlineId(email=email, password_hash=hash_password(PASSWORD), status=status, full_name="")
        s.add(row)
        s.flush()
        return row.id


def company(services: Services, name: str, owner_email: str, *, seats: int = 5) -> Company:
    owner = online_id(services, owner_email)
    assert services.db.online is not None
    with services.db.online.begin() as s:
        tenant = Tenant(name=name, seats=seats)
        s.add(tenant)
        s.flush()
        s.add(Membership(tenant_id=tenant.id, online_id_id=owner, role="super_user", active=True))
        return Company(tenant_id=tenant.id, tenant_uuid=tenant.uuid, owner=owner)


def member(services: Services, co: Company, email: str, role: str) -> tuple[int, int]:
    """A new Online ID that is an active member with ``role``: (online_id_id, membership id)."""
    oid = online_id(services, email)
    assert services.db.online is not None
    with services.db.online.begin() as s:
        row = Membership(tenant_id=co.tenant_id, online_id_id=oid, role=role, active=True)
        s.add(row)
        s.flush()
        return oid, row.id


def employee(services: Services, co: Company, first: str, last: str, email: str) -> str:
    assert services.db.online is not None
    key = str(uuid.uuid4())
    with services.db.online.begin() as s:
        s.add(
            OnlineEmployee(
                tenant_id=co.tenant_id, uuid=key, seq=1, first_name=first, last_name=last, email=email
            )
        )
    return key


def membership_id(services: Services, co: Company, oid: int) -> int:
    assert services.db.online is not None
    with services.db.online() as s:
        found = s.scalar(
            select(Membership.id).where(Membership.tenant_id == co.tenant_id, Membership.online_id_id == oid)
        )
        assert found is not None
        return found


def invitation_count(services: Services, email: str) -> int:
    assert services.db.online is not None
    with services.db.online() as s:
        return s.scalar(select(func.count()).select_from(Invitation).where(Invitation.email == email)) or 0


def row_for(services: Services, co: Company, email: str) -> UserRow:
    [row] = [r for r in users(services).directory.overview(co.owner, co.tenant_uuid).rows if r.email == email]
    return row


def invite_token(services: Services, email: str) -> str:
    return link_token(mails_to(services, email)[-1], "/id/invitation")


@pytest.fixture
def co(online: Services) -> Company:
    return company(online, "Müller GmbH", "anna@example.com")


def test_the_overview_shows_each_employee_with_status_and_the_seat_counter(
    online: Services, co: Company, clock: FrozenClock
) -> None:
    svc = users(online)
    employee(online, co, "Anna", "Berg", "Anna@Example.com")  # the Super User, matched by address
    ben = employee(online, co, "Ben", "Adler", "ben@example.com")
    employee(online, co, "Cleo", "Zorn", "cleo@example.com")
    svc.invitations.invite(
        co.owner, co.tenant_uuid, email="ben@example.com", role="standard", employee_uuid=ben
    )
    overview = svc.directory.overview(co.owner, co.tenant_uuid)
    statuses = {r.name: r.status for r in overview.rows}
    assert statuses == {"Ben Adler": "invited", "Anna Berg": "active", "Cleo Zorn": "not_invited"}
    ben_row = row_for(online, co, "ben@example.com")
    assert ben_row.expires_at == clock.now + dt.timedelta(days=7)
    assert (overview.seats.seats, overview.seats.used, overview.seats.pending, overview.seats.left) == (
        5,
        1,
        1,
        3,
    )
    clock.advance(days=8)
    assert row_for(online, co, "ben@example.com").status == "expired"
    assert users(online).directory.seats(co.owner, co.tenant_uuid).pending == 0


def test_members_who_are_not_employees_are_listed_too(online: Services, co: Company) -> None:
    member(online, co, "extern@example.com", "read_only")
    row = row_for(online, co, "extern@example.com")
    assert (row.status, row.role, row.is_employee) == ("active", "read_only", False)


def test_the_invitation_mail_has_company_role_message_link_and_spam_hint(
    online: Services, co: Company
) -> None:
    users(online).invitations.invite(
        co.owner,
        co.tenant_uuid,
        email="ben@example.com",
        role="administrator",
        message="Willkommen an Bord!",
        language="de",
    )
    [mail] = mails_to(online, "ben@example.com")
    assert "Müller GmbH" in mail.summary.subject
    for part in ("anna@example.com", "Administrator", "Willkommen an Bord!", "Spam"):
        assert part in mail.text
    assert "/id/invitation?token=" in mail.html
    assert link_token(mail, "/id/invitation")


def test_inviting_an_invited_address_again_is_a_conflict_and_no_second_invitation(
    online: Services, co: Company
) -> None:
    svc = users(online)
    first = svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    with pytest.raises(AlreadyInvited) as refused:
        svc.invitations.invite(co.owner, co.tenant_uuid, email=" BEN@example.com ", role="administrator")
    assert refused.value.key == "users.already_invited"
    assert refused.value.invitation_id == first
    assert invitation_count(online, "ben@example.com") == 1
    assert len(mails_to(online, "ben@example.com")) == 1


def test_an_active_member_cannot_be_invited(online: Services, co: Company) -> None:
    with pytest.raises(AlreadyMember) as refused:
        users(online).invitations.invite(co.owner, co.tenant_uuid, email="anna@example.com", role="standard")
    assert refused.value.key == "users.already_member"


def test_no_seat_left_refuses_the_invitation(online: Services) -> None:
    small = company(online, "Klein KG", "klein@example.com", seats=2)
    svc = users(online)
    svc.invitations.invite(small.owner, small.tenant_uuid, email="one@example.com", role="standard")
    with pytest.raises(SeatLimitReached) as refused:
        svc.invitations.invite(small.owner, small.tenant_uuid, email="two@example.com", role="standard")
    assert refused.value.key == "users.no_seat_left"
    assert invitation_count(online, "two@example.com") == 0


def test_bad_input_is_refused_per_field(online: Services, co: Company) -> None:
    svc = users(online)
    with pytest.raises(ValidationFailed) as bad:
        svc.invitations.invite(co.owner, co.tenant_uuid, email="no-address", role="standard")
    assert bad.value.fields == {"email": "validation.email"}
    with pytest.raises(ValidationFailed) as bad:
        svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="king")
    assert bad.value.fields == {"role": "users.role_unknown"}


def test_resend_gives_a_new_expiry_and_link_and_retires_the_old_one(
    online: Services, co: Company, clock: FrozenClock
) -> None:
    svc = users(online)
    inv = svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    old = invite_token(online, "ben@example.com")
    with pytest.raises(ResendTooSoon) as paced:
        svc.invitations.resend(co.owner, co.tenant_uuid, invitation_id=inv)
    assert paced.value.key == "users.resend_too_soon"
    assert len(mails_to(online, "ben@example.com")) == 1
    clock.advance(days=2)
    svc.invitations.resend(co.owner, co.tenant_uuid, invitation_id=inv)
    new = invite_token(online, "ben@example.com")
    assert new != old
    assert row_for(online, co, "ben@example.com").expires_at == clock.now + dt.timedelta(days=7)
    with pytest.raises(InvitationUsed):
        svc.accepting.check_invitation(old)
    assert svc.accepting.check_invitation(new).email == "ben@example.com"
    assert invitation_count(online, "ben@example.com") == 1


def test_an_expired_invitation_says_so_and_resend_revives_it(
    online: Services, co: Company, clock: FrozenClock
) -> None:
    svc = users(online)
    inv = svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    token = invite_token(online, "ben@example.com")
    clock.advance(days=7, seconds=1)
    with pytest.raises(InvitationExpired) as expired:
        svc.accepting.check_invitation(token)
    assert expired.value.key == "users.invitation.expired"
    with pytest.raises(InvitationExpired):
        svc.accepting.accept_with_new_password(token, PASSWORD)
    with pytest.raises(AlreadyInvited):  # still one invitation: resend instead
        svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    svc.invitations.resend(co.owner, co.tenant_uuid, invitation_id=inv)
    joined = svc.accepting.accept_with_new_password(invite_token(online, "ben@example.com"), PASSWORD)
    assert joined.tenant_uuid == co.tenant_uuid


def test_a_revoked_invitation_cannot_be_accepted(online: Services, co: Company) -> None:
    svc = users(online)
    inv = svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    token = invite_token(online, "ben@example.com")
    svc.invitations.revoke(co.owner, co.tenant_uuid, invitation_id=inv)
    with pytest.raises(InvitationRevoked):
        svc.accepting.check_invitation(token)
    with pytest.raises(InvitationRevoked):
        svc.accepting.accept_with_new_password(token, PASSWORD)
    assert row_for_employee_free(online, co, "ben@example.com") is None
    assert svc.directory.seats(co.owner, co.tenant_uuid).pending == 0
    # A new invitation may be sent after a revoke.
    svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    assert invitation_count(online, "ben@example.com") == 2


def row_for_employee_free(services: Services, co: Company, email: str) -> UserRow | None:
    found = [r for r in users(services).directory.overview(co.owner, co.tenant_uuid).rows if r.email == email]
    return found[0] if found else None


def test_a_new_person_sets_a_password_joins_and_the_link_works_once(online: Services, co: Company) -> None:
    svc = users(online)
    ben = employee(online, co, "Ben", "Adler", "ben@example.com")
    svc.invitations.invite(
        co.owner, co.tenant_uuid, email="ben@example.com", role="administrator", employee_uuid=ben
    )
    token = invite_token(online, "ben@example.com")
    info = svc.accepting.check_invitation(token)
    assert (info.company, info.email, info.has_online_id, info.role) == (
        "Müller GmbH",
        "ben@example.com",
        False,
        "administrator",
    )
    with pytest.raises(ValidationFailed) as weak:
        svc.accepting.accept_with_new_password(token, "short")
    assert weak.value.fields == {"password": "password.too_short"}
    joined = svc.accepting.accept_with_new_password(token, PASSWORD)
    assert joined.tenant_uuid == co.tenant_uuid and joined.online_id.email == "ben@example.com"
    assert online.online.identity.login("ben@example.com", PASSWORD).online_id.id == joined.online_id.id
    row = row_for(online, co, "ben@example.com")
    assert (row.status, row.role, row.name) == ("active", "administrator", "Ben Adler")
    assert svc.directory.seats(co.owner, co.tenant_uuid).used == 2
    with pytest.raises(InvitationUsed):
        svc.accepting.check_invitation(token)
    with pytest.raises(InvitationUsed):
        svc.accepting.accept_with_new_password(token, "Another-Password-99")
    assert online.db.online is not None
    with online.db.online() as s:
        stored = s.scalar(select(OnlineId.password_hash).where(OnlineId.email == "ben@example.com"))
    assert verify_password(stored, PASSWORD)


def test_a_person_with_an_online_id_logs_in_and_only_the_invited_address_may_join(
    online: Services, co: Company
) -> None:
    svc = users(online)
    ben = online_id(online, "ben@example.com")
    eve = online_id(online, "eve@example.com")
    svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="read_only")
    token = invite_token(online, "ben@example.com")
    assert svc.accepting.check_invitation(token).has_online_id is True
    with pytest.raises(AddressHasOnlineId) as has_id:
        svc.accepting.accept_with_new_password(token, "Takeover-Password-1")  # the address has an ID: log in
    assert has_id.value.key == "users.invitation.has_online_id"
    with pytest.raises(InvitedAnotherAddress) as other:
        svc.accepting.accept_as_logged_in(token, eve)
    assert other.value.key == "users.invitation.other_address"
    with pytest.raises(NotFound):
        online.online.workspace.access.context(eve, co.tenant_uuid)
    joined = svc.accepting.accept_as_logged_in(token, ben)
    assert joined.tenant_uuid == co.tenant_uuid
    assert online.online.workspace.access.context(ben, co.tenant_uuid).role == "read_only"
    with pytest.raises(InvitationUsed):
        svc.accepting.accept_as_logged_in(token, ben)


def test_the_last_super_user_cannot_be_demoted_or_deactivated(online: Services, co: Company) -> None:
    svc = users(online)
    own = membership_id(online, co, co.owner)
    for attempt in (
        lambda: svc.members.change_role(co.owner, co.tenant_uuid, member_id=own, role="administrator"),
        lambda: svc.members.deactivate(co.owner, co.tenant_uuid, member_id=own),
    ):
        with pytest.raises(LastSuperUser) as refused:
            attempt()
        assert refused.value.key == "users.last_super_user"
    second, second_member = member(online, co, "zoe@example.com", "administrator")
    svc.members.change_role(co.owner, co.tenant_uuid, member_id=second_member, role="super_user")
    svc.members.change_role(
        co.owner, co.tenant_uuid, member_id=own, role="administrator"
    )  # another Super User is left
    with pytest.raises(LastSuperUser):
        svc.members.deactivate(second, co.tenant_uuid, member_id=second_member)
    assert row_for_by(online, co, second, "zoe@example.com").role == "super_user"


def row_for_by(services: Services, co: Company, caller: int, email: str) -> UserRow:
    [row] = [r for r in users(services).directory.overview(caller, co.tenant_uuid).rows if r.email == email]
    return row


def test_deactivate_frees_the_seat_and_closes_the_company(online: Services, co: Company) -> None:
    svc = users(online)
    ben, ben_member = member(online, co, "ben@example.com", "standard")
    svc.members.deactivate(co.owner, co.tenant_uuid, member_id=ben_member)
    assert row_for(online, co, "ben@example.com").status == "deactivated"
    assert svc.directory.seats(co.owner, co.tenant_uuid).used == 1
    with pytest.raises(NotFound):
        online.online.workspace.access.context(ben, co.tenant_uuid)


def test_an_administrator_manages_users_but_not_super_users(online: Services, co: Company) -> None:
    svc = users(online)
    admin, _ = member(online, co, "adam@example.com", "administrator")
    svc.invitations.invite(admin, co.tenant_uuid, email="ben@example.com", role="standard")
    with pytest.raises(SuperUserRequired) as refused:
        svc.invitations.invite(admin, co.tenant_uuid, email="carl@example.com", role="super_user")
    assert refused.value.key == "users.only_super_user"
    with pytest.raises(SuperUserRequired):
        svc.members.deactivate(admin, co.tenant_uuid, member_id=membership_id(online, co, co.owner))


@pytest.mark.parametrize("role", ["standard", "read_only"])
def test_standard_and_read_only_users_are_refused_everything(
    online: Services, co: Company, role: str
) -> None:
    svc = users(online)
    inv = svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    caller, own = member(online, co, "plain@example.com", role)
    calls = [
        lambda: svc.directory.overview(caller, co.tenant_uuid),
        lambda: svc.directory.seats(caller, co.tenant_uuid),
        lambda: svc.invitations.invite(caller, co.tenant_uuid, email="x@example.com", role="standard"),
        lambda: svc.invitations.resend(caller, co.tenant_uuid, invitation_id=inv),
        lambda: svc.invitations.revoke(caller, co.tenant_uuid, invitation_id=inv),
        lambda: svc.members.change_role(caller, co.tenant_uuid, member_id=own, role="super_user"),
        lambda: svc.members.deactivate(caller, co.tenant_uuid, member_id=membership_id(online, co, co.owner)),
    ]
    for attempt in calls:
        with pytest.raises(PermissionDenied):
            attempt()
    assert invitation_count(online, "x@example.com") == 0
    assert row_for(online, co, "plain@example.com").role == role


def test_no_call_reaches_another_company(online: Services, co: Company) -> None:
    svc = users(online)
    other = company(online, "Schmidt KG", "ben@schmidt.example")
    foreign_inv = svc.invitations.invite(
        other.owner, other.tenant_uuid, email="kim@schmidt.example", role="standard"
    )
    foreign_member = membership_id(online, other, other.owner)
    employee(online, other, "Kim", "Schmidt", "kim@schmidt.example")
    # Anna (Super User of Müller GmbH) names the other company directly: no membership, no data.
    with pytest.raises(NotFound):
        svc.directory.overview(co.owner, other.tenant_uuid)
    with pytest.raises(NotFound):
        svc.invitations.invite(co.owner, other.tenant_uuid, email="x@example.com", role="standard")
    # ... or names the other company's rows through her own company.
    with pytest.raises(NotFound):
        svc.invitations.revoke(co.owner, co.tenant_uuid, invitation_id=foreign_inv)
    with pytest.raises(NotFound):
        svc.invitations.resend(co.owner, co.tenant_uuid, invitation_id=foreign_inv)
    with pytest.raises(NotFound):
        svc.members.deactivate(co.owner, co.tenant_uuid, member_id=foreign_member)
    with pytest.raises(NotFound):
        svc.members.change_role(co.owner, co.tenant_uuid, member_id=foreign_member, role="read_only")
    assert all(
        r.email != "kim@schmidt.example" for r in svc.directory.overview(co.owner, co.tenant_uuid).rows
    )
    assert row_for_by(online, other, other.owner, "kim@schmidt.example").status == "invited"
    assert row_for_by(online, other, other.owner, "ben@schmidt.example").role == "super_user"


def test_a_deactivated_member_is_invited_again_and_comes_back_with_the_new_role(
    online: Services, co: Company
) -> None:
    svc = users(online)
    ben, ben_member = member(online, co, "ben@example.com", "administrator")
    svc.members.deactivate(co.owner, co.tenant_uuid, member_id=ben_member)
    svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="read_only")
    assert row_for(online, co, "ben@example.com").status == "invited"
    svc.accepting.accept_as_logged_in(invite_token(online, "ben@example.com"), ben)
    row = row_for(online, co, "ben@example.com")
    assert (row.status, row.role, row.member_id) == ("active", "read_only", ben_member)


def test_a_signed_up_but_unconfirmed_address_is_confirmed_by_the_invitation(
    online: Services, co: Company
) -> None:
    identity, _mail = online.online.identity, online.online.mail
    identity.sign_up("ben@example.com")
    verify = link_token(mails_to(online, "ben@example.com")[-1], "/id/verify")
    svc = users(online)
    svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    token = invite_token(online, "ben@example.com")
    assert svc.accepting.check_invitation(token).has_online_id is False
    joined = svc.accepting.accept_with_new_password(token, PASSWORD)
    assert joined.online_id.status == "active"
    assert identity.login("ben@example.com", PASSWORD).online_id.id == joined.online_id.id
    with pytest.raises(LinkUsed):
        identity.complete_sign_up(verify, "Other-Password-321")  # the old sign-up link is retired


def test_an_employee_of_another_company_cannot_be_named(online: Services, co: Company) -> None:
    other = company(online, "Schmidt KG", "ben@schmidt.example")
    kim = employee(online, other, "Kim", "Schmidt", "kim@schmidt.example")
    with pytest.raises(NotFound):
        users(online).invitations.invite(
            co.owner, co.tenant_uuid, email="kim@schmidt.example", role="standard", employee_uuid=kim
        )
    assert invitation_count(online, "kim@schmidt.example") == 0


def test_simultaneous_invitations_of_one_address_create_one(online: Services, co: Company) -> None:
    svc = users(online)

    def invite() -> str:
        try:
            svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
        except Conflict:
            return "conflict"
        except Exception as exc:  # SQLite may refuse a writer that lost the race
            return type(exc).__name__
        return "created"

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _i: invite(), range(4)))
    assert results.count("created") == 1, results
    assert invitation_count(online, "ben@example.com") == 1
    assert len(mails_to(online, "ben@example.com")) == 1


def test_simultaneous_accepts_of_one_link_join_once(online: Services, co: Company) -> None:
    svc = users(online)
    svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    token = invite_token(online, "ben@example.com")

    def accept() -> str:
        try:
            svc.accepting.accept_with_new_password(token, PASSWORD)
        except (InvitationUsed, Conflict):
            return "refused"
        except Exception as exc:  # SQLite may refuse a writer that lost the race
            return type(exc).__name__
        return "joined"

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _i: accept(), range(3)))
    assert results.count("joined") == 1, results
    assert svc.directory.seats(co.owner, co.tenant_uuid).used == 2


def test_an_unanswered_invitation_is_reminded_once_two_days_before_it_expires(
    online: Services, co: Company, clock: FrozenClock
) -> None:
    svc = users(online)
    svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    svc.invitations.invite(co.owner, co.tenant_uuid, email="eva@example.com", role="read_only")
    first = invite_token(online, "ben@example.com")
    clock.advance(days=4)
    assert svc.reminders.send_reminders() == 0  # three days left: not yet
    clock.advance(days=1, hours=12)
    eva = row_for(online, co, "eva@example.com").invitation_id
    assert eva is not None
    svc.invitations.revoke(co.owner, co.tenant_uuid, invitation_id=eva)
    assert svc.reminders.send_reminders() == 1  # Ben only: Eva's invitation was revoked
    reminder = mails_to(online, "ben@example.com")[-1]
    assert reminder.summary.subject.startswith("Reminder: invitation to")
    assert "spam folder" in reminder.text
    assert len(mails_to(online, "eva@example.com")) == 1
    clock.advance(hours=6)
    assert svc.reminders.send_reminders() == 0  # once
    newest = invite_token(online, "ben@example.com")
    with pytest.raises(InvitationUsed):
        svc.accepting.check_invitation(first)  # the reminder's link replaces the first one
    assert svc.accepting.check_invitation(newest).email == "ben@example.com"
    assert row_for(online, co, "ben@example.com").expires_at > clock.now  # the expiry did not move
    clock.advance(days=1)
    assert svc.reminders.send_reminders() == 0  # expired invitations are not reminded


def test_every_administration_call_is_one_transaction_that_checks_the_role_inside_it(
    online: Services, co: Company, clock: FrozenClock
) -> None:
    svc = users(online)
    _ben, ben_member = member(online, co, "ben@example.com", "standard")
    invited: list[int] = []
    calls: list[tuple[str, Callable[[], object]]] = [
        ("overview", lambda: svc.directory.overview(co.owner, co.tenant_uuid)),
        ("seats", lambda: svc.directory.seats(co.owner, co.tenant_uuid)),
        (
            "invite",
            lambda: invited.append(
                svc.invitations.invite(co.owner, co.tenant_uuid, email="eva@example.com", role="standard")
            ),
        ),
        ("resend", lambda: svc.invitations.resend(co.owner, co.tenant_uuid, invitation_id=invited[0])),
        ("revoke", lambda: svc.invitations.revoke(co.owner, co.tenant_uuid, invitation_id=invited[0])),
        (
            "change_role",
            lambda: svc.members.change_role(co.owner, co.tenant_uuid, member_id=ben_member, role="read_only"),
        ),
        ("deactivate", lambda: svc.members.deactivate(co.owner, co.tenant_uuid, member_id=ben_member)),
    ]
    for name, attempt in calls:
        clock.advance(minutes=2)  # past the resend pause
        with transactions(online) as begun:
            attempt()
        assert len(begun) == 1, name
    assert row_for(online, co, "ben@example.com").status == "deactivated"


def test_an_administrator_demoted_meanwhile_cannot_invite_once_the_demotion_commits(
    online: Services, co: Company
) -> None:
    svc = users(online)
    adam, _ = member(online, co, "adam@example.com", "administrator")
    assert online.db.online is not None
    demoting = online.db.online()  # the demoting transaction locks the tenant row first, as change_role does
    demoting.begin()
    demoting.execute(select(Tenant.id).where(Tenant.id == co.tenant_id).with_for_update())
    demoting.execute(
        update(Membership)
        .where(Membership.tenant_id == co.tenant_id, Membership.online_id_id == adam)
        .values(role="standard")
    )
    with ThreadPoolExecutor(max_workers=1) as pool:
        inviting = pool.submit(
            svc.invitations.invite, adam, co.tenant_uuid, email="ben@example.com", role="standard"
        )
        time.sleep(0.5)
        assert not inviting.done()  # the invitation waits for the demotion ...
        demoting.commit()
        demoting.close()
        with pytest.raises(NoAccess):  # ... and then finds that Adam may no longer invite
            inviting.result(timeout=30)
    assert invitation_count(online, "ben@example.com") == 0
    assert mails_to(online, "ben@example.com") == []


def test_the_rows_say_what_the_caller_may_do_and_the_overview_which_roles_they_may_grant(
    online: Services, co: Company
) -> None:
    svc = users(online)
    admin, _ = member(online, co, "adam@example.com", "administrator")
    member(online, co, "ben@example.com", "standard")
    svc.invitations.invite(co.owner, co.tenant_uuid, email="sue@example.com", role="super_user")
    as_admin = svc.directory.overview(admin, co.tenant_uuid)
    assert as_admin.grantable_roles == ("administrator", "standard", "read_only")
    rows = {r.email: r for r in as_admin.rows}
    anna, ben, sue = rows["anna@example.com"], rows["ben@example.com"], rows["sue@example.com"]
    assert (anna.may_change_role, anna.may_deactivate) == (False, False)  # a Super User
    assert (ben.may_change_role, ben.may_deactivate, ben.may_invite) == (True, True, False)
    assert (sue.status, sue.may_resend, sue.may_revoke) == ("invited", False, False)
    as_owner = {r.email: r for r in svc.directory.overview(co.owner, co.tenant_uuid).rows}
    assert svc.directory.overview(co.owner, co.tenant_uuid).grantable_roles[0] == "super_user"
    assert (as_owner["sue@example.com"].may_resend, as_owner["sue@example.com"].may_revoke) == (True, True)
    # Anna is the only active Super User: she may change roles, but not be deactivated.
    assert (as_owner["anna@example.com"].may_change_role, as_owner["anna@example.com"].may_deactivate) == (
        True,
        False,
    )

"""Invitations: invite, resend, revoke and the mail with the link (PRODUCT.md §3)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.clock import FrozenClock
from services.container import Services
from services.errors import Conflict, NotFound, ValidationFailed
from services.online.users.accepting import (
    InvitationExpired,
    InvitationUsed,
)
from services.online.users.invitations import AlreadyInvited, AlreadyMember, ResendTooSoon, SeatLimitReached
from tests.services.conftest import link_token, mails_to
from tests.services.online.users.factories import (
    PASSWORD,
    Company,
    company,
    employee,
    invitation_count,
    invite_token,
    row_for,
    users,
)


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

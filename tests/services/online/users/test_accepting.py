"""Accepting an invitation: with an Online ID, or by setting a password (PRODUCT.md §3)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from models.online import OnlineId
from services.container import Services
from services.errors import Conflict, NotFound, ValidationFailed
from services.online.tokens import LinkUsed
from services.online.users.accepting import (
    AddressHasOnlineId,
    InvitationRevoked,
    InvitationUsed,
    InvitedAnotherAddress,
)
from services.secrets.passwords import verify_password
from tests.services.conftest import link_token, mails_to
from tests.services.online.users.factories import (
    PASSWORD,
    Company,
    employee,
    invitation_count,
    invite_token,
    member,
    online_id,
    row_for,
    row_for_employee_free,
    users,
)


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

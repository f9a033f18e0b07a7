"""Who may call the user administration: every call checks the role inside its one transaction
and stays in the caller's company account."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, update

from models.online import Membership, Tenant
from services.clock import FrozenClock
from services.container import Services
from services.errors import NotFound, PermissionDenied
from services.online.workspace.access import NoAccess
from tests.services.conftest import mails_to, transactions
from tests.services.online.users.factories import (
    Company,
    company,
    employee,
    invitation_count,
    member,
    membership_id,
    row_for,
    row_for_by,
    users,
)


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

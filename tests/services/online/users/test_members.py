"""Members: change a role, deactivate; there is always an active Super User (PRODUCT.md §3)."""

from __future__ import annotations

import pytest

from services.container import Services
from services.errors import NotFound
from services.online.users.members import LastSuperUser
from services.online.users.rules import SuperUserRequired
from tests.services.online.users.factories import (
    Company,
    member,
    membership_id,
    row_for,
    row_for_by,
    users,
)


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

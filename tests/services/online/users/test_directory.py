"""The user administration's overview and seat counter (PRODUCT.md §3), on the service layer."""

from __future__ import annotations

import datetime as dt

from services.clock import FrozenClock
from services.container import Services
from tests.services.online.users.factories import (
    Company,
    employee,
    member,
    row_for,
    users,
)


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

"""The user administration's list, matched from employees, members and invitations (no database)."""

from __future__ import annotations

import datetime as dt

from services.online.users.directory import (
    EmployeeEntry,
    InvitationEntry,
    MemberEntry,
    UserRow,
    match_users,
)
from services.online.users.rules import grantable_roles

NOW = dt.datetime(2030, 5, 1, 12, tzinfo=dt.UTC)
ANNA = MemberEntry(
    id=1, email="anna@example.com", full_name="Anna Berg", role="super_user", active=True, employee_uuid=None
)


def employee(uuid: str, name: str, email: str) -> EmployeeEntry:
    return EmployeeEntry(uuid=uuid, name=name, email=email)


def invitation(
    id: int, email: str, *, role: str = "standard", employee_uuid: str | None = None, days: int = 7
) -> InvitationEntry:
    return InvitationEntry(
        id=id, email=email, role=role, employee_uuid=employee_uuid, expires_at=NOW + dt.timedelta(days=days)
    )


def rows(
    employees: list[EmployeeEntry],
    members: list[MemberEntry],
    invitations: list[InvitationEntry],
    caller_role: str = "super_user",
) -> list[UserRow]:
    return list(
        match_users(
            employees=employees, members=members, invitations=invitations, caller_role=caller_role, now=NOW
        )
    )


def test_an_employee_is_matched_to_a_member_by_address_whatever_its_case() -> None:
    [row] = rows([employee("e-1", "Anna Berg", " Anna@Example.com ")], [ANNA], [])
    assert (row.name, row.email, row.status, row.role, row.member_id) == (
        "Anna Berg",
        "anna@example.com",
        "active",
        "super_user",
        1,
    )
    assert row.is_employee


def test_an_employee_is_matched_to_a_member_and_an_invitation_by_its_uuid_when_the_addresses_differ() -> None:
    ben = MemberEntry(
        id=2, email="b.adler@example.com", full_name="", role="standard", active=False, employee_uuid="e-2"
    )
    found = rows(
        [employee("e-2", "Ben Adler", "ben@example.com")],
        [ANNA, ben],
        [invitation(9, "x@example.com", employee_uuid="e-2")],
    )
    row = found[0]
    assert (row.status, row.member_id, row.invitation_id, row.email) == (
        "invited",
        2,
        9,
        "b.adler@example.com",
    )
    assert [r.name for r in found] == ["Ben Adler", "Anna Berg"]  # Ben's membership is not listed again


def test_employees_come_first_then_other_members_then_invitations_of_nobody() -> None:
    found = rows(
        [employee("e-1", "Cleo Zorn", "cleo@example.com")],
        [ANNA],
        [invitation(5, "extern@example.com")],
    )
    assert [(r.name, r.status, r.is_employee) for r in found] == [
        ("Cleo Zorn", "not_invited", True),
        ("Anna Berg", "active", False),
        ("", "invited", False),
    ]
    assert found[2].email == "extern@example.com"


def test_an_invitation_past_its_expiry_shows_expired_and_keeps_its_date() -> None:
    [row] = rows(
        [employee("e-1", "Ben Adler", "ben@example.com")], [], [invitation(3, "ben@example.com", days=-1)]
    )
    assert (row.status, row.invitation_id, row.expires_at) == ("expired", 3, NOW - dt.timedelta(days=1))
    assert (row.may_resend, row.may_revoke, row.may_invite) == (True, True, False)


def test_an_invitation_shows_on_one_row_only() -> None:
    twice = [employee("e-1", "Ben Adler", "ben@example.com"), employee("e-2", "Ben Zweit", "ben@example.com")]
    found = rows(twice, [], [invitation(3, "ben@example.com")])
    assert [(r.name, r.status, r.invitation_id) for r in found] == [
        ("Ben Adler", "invited", 3),
        ("Ben Zweit", "not_invited", None),
    ]


def test_an_active_member_hides_an_invitation_of_the_same_address() -> None:
    [row] = rows([], [ANNA], [invitation(4, "anna@example.com")])
    assert (row.status, row.invitation_id, row.expires_at, row.may_resend) == ("active", None, None, False)


def test_a_deactivated_member_may_be_invited_again() -> None:
    gone = MemberEntry(
        id=2, email="ben@example.com", full_name="Ben", role="standard", active=False, employee_uuid=None
    )
    row = rows([], [ANNA, gone], [])[1]
    assert (row.status, row.may_invite, row.may_change_role, row.may_deactivate) == (
        "deactivated",
        True,
        False,
        False,
    )


def test_an_administrator_may_not_touch_a_super_user_or_a_super_users_invitation() -> None:
    second = MemberEntry(
        id=2, email="zoe@example.com", full_name="", role="super_user", active=True, employee_uuid=None
    )
    plain = MemberEntry(
        id=3, email="ben@example.com", full_name="", role="standard", active=True, employee_uuid=None
    )
    found = rows(
        [], [ANNA, second, plain], [invitation(7, "sue@example.com", role="super_user")], "administrator"
    )
    flags = {r.email: (r.may_change_role, r.may_deactivate, r.may_resend) for r in found}
    assert flags == {
        "anna@example.com": (False, False, False),
        "zoe@example.com": (False, False, False),
        "ben@example.com": (True, True, False),
        "sue@example.com": (False, False, False),
    }


def test_a_super_user_may_deactivate_a_super_user_unless_it_is_the_last_active_one() -> None:
    [alone] = rows([], [ANNA], [])
    assert (alone.may_change_role, alone.may_deactivate) == (True, False)
    second = MemberEntry(
        id=2, email="zoe@example.com", full_name="", role="super_user", active=True, employee_uuid=None
    )
    assert [r.may_deactivate for r in rows([], [ANNA, second], [])] == [True, True]


def test_only_a_super_user_may_grant_the_super_user_role() -> None:
    assert grantable_roles("super_user") == ("super_user", "administrator", "standard", "read_only")
    assert grantable_roles("administrator") == ("administrator", "standard", "read_only")

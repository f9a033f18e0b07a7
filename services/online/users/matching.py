"""Matching the user administration's rows: employees, members and invitations into one list.

A pure function (``match_users``) of what the database holds; each row says what the caller may
do with it, so the page only shows what the service would allow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from services.online.users.rules import SUPER_USER, may_handle


@dataclass(frozen=True, kw_only=True, slots=True)
class UserRow:
    """One line of the user administration: an employee, a member or an invitation.

    ``status`` is active | invited | expired | deactivated | not_invited; the ``may_*`` flags say
    which actions the caller may take on the line.
    """

    employee_uuid: str | None
    name: str
    email: str
    status: str
    role: str | None
    member_id: int | None
    invitation_id: int | None
    expires_at: dt.datetime | None
    is_employee: bool
    may_invite: bool = False
    may_resend: bool = False
    may_revoke: bool = False
    may_change_role: bool = False
    may_deactivate: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class EmployeeEntry:
    uuid: str
    name: str
    email: str


@dataclass(frozen=True, kw_only=True, slots=True)
class MemberEntry:
    id: int
    email: str  # of the member's Online ID
    full_name: str
    role: str
    active: bool
    employee_uuid: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class InvitationEntry:
    id: int
    email: str
    role: str
    employee_uuid: str | None
    expires_at: dt.datetime


def match_users(
    *,
    employees: Sequence[EmployeeEntry],
    members: Sequence[MemberEntry],
    invitations: Sequence[InvitationEntry],
    caller_role: str,
    now: dt.datetime,
    read_only: bool = False,
) -> tuple[UserRow, ...]:
    """The rows of the overview: employees first (in the order given), each with the member and
    the pending invitation of its UUID or address; then members no employee matched; then the
    invitations nobody matched. An invitation shows on one row only."""
    supers = sum(1 for m in members if m.active and m.role == SUPER_USER)
    rules = _RowRules(caller_role=caller_role, now=now, last_super_user=supers <= 1, read_only=read_only)
    match = _Matcher(members=members, invitations=invitations, rules=rules)
    rows = [match.employee(e) for e in employees]
    rows += [match.member(m) for m in members if m.id not in match.matched]
    rows += [match.invitation(i) for i in invitations if i.id not in match.taken]
    return tuple(rows)


class _Matcher:
    """Remembers which members and invitations earlier rows showed already."""

    def __init__(
        self, *, members: Sequence[MemberEntry], invitations: Sequence[InvitationEntry], rules: _RowRules
    ) -> None:
        self.members, self.invitations, self.rules = members, invitations, rules
        self.matched: set[int] = set()  # member ids
        self.taken: set[int] = set()  # invitation ids

    def employee(self, emp: EmployeeEntry) -> UserRow:
        email = emp.email.strip().lower()
        member = next(
            (m for m in self.members if m.employee_uuid == emp.uuid or (email and m.email == email)), None
        )
        if member is not None:
            self.matched.add(member.id)
        return self.rules.row(
            employee_uuid=emp.uuid,
            name=emp.name,
            email=member.email if member is not None else email,
            member=member,
            invitation=self._take(employee_uuid=emp.uuid, email=email),
            is_employee=True,
        )

    def member(self, member: MemberEntry) -> UserRow:
        return self.rules.row(
            employee_uuid=member.employee_uuid,
            name=member.full_name,
            email=member.email,
            member=member,
            invitation=self._take(employee_uuid=None, email=member.email),
        )

    def invitation(self, invitation: InvitationEntry) -> UserRow:
        return self.rules.row(
            employee_uuid=invitation.employee_uuid,
            name="",
            email=invitation.email,
            member=None,
            invitation=invitation,
        )

    def _take(self, *, employee_uuid: str | None, email: str) -> InvitationEntry | None:
        """The first invitation not shown yet for this employee (UUID) or address."""
        found = next(
            (
                i
                for i in self.invitations
                if i.id not in self.taken
                and (
                    (employee_uuid is not None and i.employee_uuid == employee_uuid)
                    or (email and i.email == email)
                )
            ),
            None,
        )
        if found is not None:
            self.taken.add(found.id)
        return found


@dataclass(frozen=True, kw_only=True, slots=True)
class _RowRules:
    caller_role: str
    now: dt.datetime
    last_super_user: bool  # at most one active Super User: that one cannot be deactivated
    read_only: bool = False  # the contract has expired: no action on any row

    def row(
        self,
        *,
        employee_uuid: str | None,
        name: str,
        email: str,
        member: MemberEntry | None,
        invitation: InvitationEntry | None,
        is_employee: bool = False,
    ) -> UserRow:
        active = member is not None and member.active
        status = self._status(member, invitation)
        role = member.role if member is not None else (invitation.role if invitation is not None else None)
        open_invitation = invitation if invitation is not None and not active else None
        handles = may_handle(self.caller_role, role)
        if self.read_only:
            return UserRow(
                employee_uuid=employee_uuid,
                name=name,
                email=email,
                status=status,
                role=role,
                member_id=member.id if member is not None else None,
                invitation_id=open_invitation.id if open_invitation is not None else None,
                expires_at=open_invitation.expires_at if open_invitation is not None else None,
                is_employee=is_employee,
            )
        return UserRow(
            employee_uuid=employee_uuid,
            name=name,
            email=email,
            status=status,
            role=role,
            member_id=member.id if member is not None else None,
            invitation_id=open_invitation.id if open_invitation is not None else None,
            expires_at=open_invitation.expires_at if open_invitation is not None else None,
            is_employee=is_employee,
            may_invite=status in ("not_invited", "deactivated"),
            may_resend=open_invitation is not None and may_handle(self.caller_role, open_invitation.role),
            may_revoke=open_invitation is not None and may_handle(self.caller_role, open_invitation.role),
            may_change_role=active and handles,
            may_deactivate=active and handles and not (role == SUPER_USER and self.last_super_user),
        )

    def _status(self, member: MemberEntry | None, invitation: InvitationEntry | None) -> str:
        if member is not None and member.active:
            return "active"
        if invitation is not None:
            return "invited" if invitation.expires_at > self.now else "expired"
        return "deactivated" if member is not None else "not_invited"

"""The user administration's list: the company's employees (synced from the Business Software)
with their status *Active*, *Invited* (pending, with its expiry) or *Not invited*, members who are
not employees, open invitations of neither, and the seat counter of the service contract.

Matching is a pure function (``matching.match_users``) of what the database holds; each row says
what the caller may do with it; the Show filter and paging work on the matched rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.online import Invitation, Membership, OnlineEmployee, OnlineId, Tenant
from services.clock import SYSTEM_CLOCK, Clock
from services.online.users.matching import (
    EmployeeEntry,
    InvitationEntry,
    MemberEntry,
    UserRow,
    match_users,
)
from services.online.users.rules import admin_context, grantable_roles


@dataclass(frozen=True, kw_only=True, slots=True)
class SeatCounter:
    seats: int
    used: int  # active members
    pending: int  # open, unexpired invitations
    left: int


# The Show filter of the original: which row statuses each choice lists.
SHOW_FILTERS: dict[str, frozenset[str]] = {
    "all": frozenset({"active", "invited", "expired", "deactivated", "not_invited"}),
    "active": frozenset({"active"}),
    "invited": frozenset({"invited", "expired"}),
    "not_invited": frozenset({"not_invited", "deactivated"}),
}
PAGE_SIZE = 25
MAX_PAGE_SIZE = 200


@dataclass(frozen=True, kw_only=True, slots=True)
class UserOverview:
    tenant_uuid: str
    company: str
    caller_role: str
    grantable_roles: tuple[str, ...]  # the roles the caller may hand out
    rows: tuple[UserRow, ...]  # the page of the rows the Show filter lists
    seats: SeatCounter
    show: str = "all"
    total: int = 0  # rows the filter lists, on every page
    page: int = 1
    page_size: int = PAGE_SIZE
    counts: dict[str, int] | None = None  # rows per Show filter

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def page_of(
    rows: Sequence[UserRow], *, show: str, page: int, page_size: int
) -> tuple[tuple[UserRow, ...], int, int, dict[str, int]]:
    """The rows of one page of a Show filter: (rows, total, page, counts per filter)."""
    wanted = SHOW_FILTERS.get(show, SHOW_FILTERS["all"])
    counts = {name: sum(1 for r in rows if r.status in statuses) for name, statuses in SHOW_FILTERS.items()}
    listed = [r for r in rows if r.status in wanted]
    pages = max(1, -(-len(listed) // page_size))
    page = max(1, min(page, pages))
    return tuple(listed[(page - 1) * page_size : page * page_size]), len(listed), page, counts


def count_seats(s: Session, *, tenant_id: int, now: dt.datetime) -> SeatCounter:
    """Seats of the contract; used by active members and held by open, unexpired invitations."""
    seats = s.scalar(select(Tenant.seats).where(Tenant.id == tenant_id)) or 0
    used = s.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.tenant_id == tenant_id, Membership.active.is_(True))
    )
    pending = s.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.tenant_id == tenant_id, Invitation.status == "pending", Invitation.expires_at > now)
    )
    used, pending = used or 0, pending or 0
    return SeatCounter(seats=seats, used=used, pending=pending, left=max(0, seats - used - pending))


class UserDirectory:
    """The overview and the seat counter; each call one read transaction."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock = SYSTEM_CLOCK) -> None:
        self._sessions, self._clock = sessions, clock

    def overview(
        self,
        online_id_id: int,
        tenant_uuid: str,
        *,
        show: str = "all",
        page: int = 1,
        page_size: int = PAGE_SIZE,
    ) -> UserOverview:
        """One page of the rows the Show filter (all, active, invited, not_invited) lists."""
        now = self._clock()
        size = max(1, min(page_size, MAX_PAGE_SIZE))
        show = show if show in SHOW_FILTERS else "all"
        with self._sessions() as s:
            ctx = admin_context(s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, level="read")
            rows = match_users(
                employees=_employees(s, ctx.tenant_id),
                members=_members(s, ctx.tenant_id),
                invitations=_invitations(s, ctx.tenant_id),
                caller_role=ctx.role,
                now=now,
                read_only=ctx.expired,
            )
            seats = count_seats(s, tenant_id=ctx.tenant_id, now=now)
        listed, total, page, counts = page_of(rows, show=show, page=page, page_size=size)
        return UserOverview(
            show=show,
            total=total,
            page=page,
            page_size=size,
            counts=counts,
            tenant_uuid=ctx.tenant_uuid,
            company=ctx.company,
            caller_role=ctx.role,
            grantable_roles=() if ctx.expired else grantable_roles(ctx.role),
            rows=listed,
            seats=seats,
        )

    def seats(self, online_id_id: int, tenant_uuid: str) -> SeatCounter:
        with self._sessions() as s:
            ctx = admin_context(s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, level="read")
            return count_seats(s, tenant_id=ctx.tenant_id, now=self._clock())


def _employees(s: Session, tenant_id: int) -> list[EmployeeEntry]:
    found = s.scalars(
        select(OnlineEmployee)
        .where(OnlineEmployee.tenant_id == tenant_id, OnlineEmployee.deleted.is_(False))
        .order_by(OnlineEmployee.last_name, OnlineEmployee.first_name, OnlineEmployee.uuid)
    ).all()
    return [
        EmployeeEntry(
            uuid=e.uuid, name=" ".join(p for p in (e.first_name, e.last_name) if p), email=e.email or ""
        )
        for e in found
    ]


def _members(s: Session, tenant_id: int) -> list[MemberEntry]:
    found = s.execute(
        select(Membership, OnlineId)
        .join(OnlineId, OnlineId.id == Membership.online_id_id)
        .where(Membership.tenant_id == tenant_id)
        .order_by(OnlineId.email)
    ).all()
    return [
        MemberEntry(
            id=m.id,
            email=o.email,
            full_name=o.full_name,
            role=m.role,
            active=m.active,
            employee_uuid=m.employee_uuid,
        )
        for m, o in found
    ]


def _invitations(s: Session, tenant_id: int) -> list[InvitationEntry]:
    found = s.scalars(
        select(Invitation)
        .where(Invitation.tenant_id == tenant_id, Invitation.status == "pending")
        .order_by(Invitation.id)
    ).all()
    return [
        InvitationEntry(
            id=i.id, email=i.email, role=i.role, employee_uuid=i.employee_uuid, expires_at=i.expires_at
        )
        for i in found
    ]

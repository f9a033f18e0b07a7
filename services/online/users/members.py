"""The members of a company account: change a role, deactivate; there is always an active Super User.

Each public method is one transaction that locks the tenant row, then resolves the caller's role:
two administrators demoting the last two Super Users at the same moment cannot both succeed.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.online import Membership, OnlineId
from services.errors import Conflict, NotFound
from services.online.audit import record
from services.online.names import labelled
from services.online.users.rules import SUPER_USER, admin_context, check_role, require_may_handle
from services.online.workspace.access import TenantContext


class MemberNotFound(NotFound):
    key = "users.member_not_found"


class LastSuperUser(Conflict):
    """The member is the company's last active Super User: the role would be gone."""

    key = "users.last_super_user"


class MemberService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def change_role(
        self, online_id_id: int, tenant_uuid: str, *, member_id: int, role: str, client_address: str = ""
    ) -> None:
        with self._sessions.begin() as s:
            ctx = admin_context(s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, for_write=True)
            check_role(role)
            member = _member(s, ctx, member_id)
            if role == member.role:
                return
            require_may_handle(ctx, role, member.role)
            if member.role == SUPER_USER and member.active:
                _keep_a_super_user(s, ctx.tenant_id)
            before = member.role
            member.role = role
            _audit(s, ctx, member, "role_change", {"role": before}, {"role": role}, client_address)

    def deactivate(
        self, online_id_id: int, tenant_uuid: str, *, member_id: int, client_address: str = ""
    ) -> None:
        with self._sessions.begin() as s:
            ctx = admin_context(s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, for_write=True)
            member = _member(s, ctx, member_id)
            if not member.active:
                return
            require_may_handle(ctx, member.role)
            if member.role == SUPER_USER:
                _keep_a_super_user(s, ctx.tenant_id)
            member.active = False
            _audit(s, ctx, member, "deactivate", {"active": True}, {"active": False}, client_address)


def _audit(
    s: Session,
    ctx: TenantContext,
    member: Membership,
    action: str,
    before: dict[str, object],
    after: dict[str, object],
    address: str,
) -> None:
    record(
        s,
        tenant_id=ctx.tenant_id,
        actor_id=ctx.online_id_id,
        action=action,
        target=labelled(s, tenant_id=ctx.tenant_id, row=s.get(OnlineId, member.online_id_id)),
        before=before,
        after=after,
        address=address,
    )


def _member(s: Session, ctx: TenantContext, member_id: int) -> Membership:
    member = s.get(Membership, member_id)
    if member is None or member.tenant_id != ctx.tenant_id:
        raise MemberNotFound()
    return member


def _keep_a_super_user(s: Session, tenant_id: int) -> None:
    """Refuse when the member about to lose the role is the company's last active Super User."""
    count = s.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.tenant_id == tenant_id, Membership.active.is_(True), Membership.role == SUPER_USER)
    )
    if (count or 0) <= 1:
        raise LastSuperUser()

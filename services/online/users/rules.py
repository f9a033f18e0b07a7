"""The rules every part of the user administration shares: who may administer, which roles a
caller may hand out, and how the caller is resolved inside the call's transaction.

- only Super Users and Administrators (Full access to "users") may call the administration;
- only a Super User may grant, take away or deactivate the Super User role, or handle a Super
  User's invitation.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.online import ROLES
from services.errors import PermissionDenied, ValidationFailed
from services.online.workspace.access import Access, TenantContext, resolve_context

SUPER_USER = "super_user"
ROLE_CHOICES: tuple[str, ...] = tuple(ROLES)  # in the order the UI offers them


class SuperUserRequired(PermissionDenied):
    """Only a Super User grants, takes away or deactivates the Super User role."""

    key = "users.only_super_user"


def admin_context(
    s: Session, *, online_id_id: int, tenant_uuid: str, for_write: bool = False, level: Access = "full"
) -> TenantContext:
    """The caller, who must have Full access to the user administration, in the call's session
    (Read for the overview: while the contract has expired administrators still see it).

    A writing call locks the tenant row first, so that seat counts, the last Super User and the
    caller's own role cannot change under it until it commits.
    """
    return resolve_context(
        s,
        online_id_id=online_id_id,
        tenant_uuid=tenant_uuid,
        module="users",
        level=level,
        for_write=for_write,
    )


def grantable_roles(caller_role: str) -> tuple[str, ...]:
    """The roles a caller may hand out, in the order they are offered."""
    return tuple(r for r in ROLE_CHOICES if may_handle(caller_role, r))


def may_handle(caller_role: str, role: str | None) -> bool:
    """May a caller with ``caller_role`` grant, take away or act on someone with ``role``?"""
    return role != SUPER_USER or caller_role == SUPER_USER


def require_may_handle(ctx: TenantContext, *roles: str | None) -> None:
    if not all(may_handle(ctx.role, r) for r in roles):
        raise SuperUserRequired()


def check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationFailed({"role": "users.role_unknown"})

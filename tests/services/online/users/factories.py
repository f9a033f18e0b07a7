"""Factories for the user administration tests: company accounts, Online IDs, members, employees."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from models.online import Invitation, Membership, OnlineEmployee, OnlineId, Tenant
from services.container import OnlineUsers, Services
from services.online.users.directory import UserRow
from services.secrets.passwords import hash_password
from tests.services.conftest import link_token, mails_to

PASSWORD = "Blue-Tomato-Sunrise-7"


@dataclass
class Company:
    tenant_id: int
    tenant_uuid: str
    owner: int  # Online ID of the Super User


def users(services: Services) -> OnlineUsers:
    return services.online.users


def online_id(services: Services, email: str, *, status: str = "active") -> int:
    assert services.db.online is not None
    with services.db.online.begin() as s:
        row = OnlineId(email=email, password_hash=hash_password(PASSWORD), status=status, full_name="")
        s.add(row)
        s.flush()
        return row.id


def company(services: Services, name: str, owner_email: str, *, seats: int = 5) -> Company:
    owner = online_id(services, owner_email)
    assert services.db.online is not None
    with services.db.online.begin() as s:
        tenant = Tenant(name=name, seats=seats)
        s.add(tenant)
        s.flush()
        s.add(Membership(tenant_id=tenant.id, online_id_id=owner, role="super_user", active=True))
        return Company(tenant_id=tenant.id, tenant_uuid=tenant.uuid, owner=owner)


def member(services: Services, co: Company, email: str, role: str) -> tuple[int, int]:
    """A new Online ID that is an active member with ``role``: (online_id_id, membership id)."""
    oid = online_id(services, email)
    assert services.db.online is not None
    with services.db.online.begin() as s:
        row = Membership(tenant_id=co.tenant_id, online_id_id=oid, role=role, active=True)
        s.add(row)
        s.flush()
        return oid, row.id


def employee(services: Services, co: Company, first: str, last: str, email: str) -> str:
    assert services.db.online is not None
    key = str(uuid.uuid4())
    with services.db.online.begin() as s:
        s.add(
            OnlineEmployee(
                tenant_id=co.tenant_id, uuid=key, seq=1, first_name=first, last_name=last, email=email
            )
        )
    return key


def membership_id(services: Services, co: Company, oid: int) -> int:
    assert services.db.online is not None
    with services.db.online() as s:
        found = s.scalar(
            select(Membership.id).where(Membership.tenant_id == co.tenant_id, Membership.online_id_id == oid)
        )
        assert found is not None
        return found


def invitation_count(services: Services, email: str) -> int:
    assert services.db.online is not None
    with services.db.online() as s:
        return s.scalar(select(func.count()).select_from(Invitation).where(Invitation.email == email)) or 0


def row_for(services: Services, co: Company, email: str) -> UserRow:
    [row] = [r for r in users(services).directory.overview(co.owner, co.tenant_uuid).rows if r.email == email]
    return row


def invite_token(services: Services, email: str) -> str:
    return link_token(mails_to(services, email)[-1], "/id/invitation")


def row_for_employee_free(services: Services, co: Company, email: str) -> UserRow | None:
    found = [r for r in users(services).directory.overview(co.owner, co.tenant_uuid).rows if r.email == email]
    return found[0] if found else None


def row_for_by(services: Services, co: Company, caller: int, email: str) -> UserRow:
    [row] = [r for r in users(services).directory.overview(caller, co.tenant_uuid).rows if r.email == email]
    return row

"""How people are named in a company account: by name, as the original shows them.

An Online ID's own full name when it has one; otherwise the name of the employee (synced from
Business Software) its membership is linked to, or whose e-mail address it has; the e-mail address
only when neither is known. ``labelled`` adds the address: "Anna Berg (anna@example.com)".
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.online import Membership, OnlineEmployee, OnlineId


def employee_name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p)


def name_in(s: Session, *, tenant_id: int, row: OnlineId | None) -> str:
    """The person's name in this account ("" when nothing but the address is known)."""
    if row is None:
        return ""
    if row.full_name:
        return row.full_name
    linked = s.scalar(
        select(Membership.employee_uuid).where(
            Membership.tenant_id == tenant_id, Membership.online_id_id == row.id
        )
    )
    employee = None
    if linked:
        employee = s.get(OnlineEmployee, {"tenant_id": tenant_id, "uuid": linked})
    if employee is None or employee.deleted:
        employee = s.scalars(
            select(OnlineEmployee)
            .where(
                OnlineEmployee.tenant_id == tenant_id,
                OnlineEmployee.deleted.is_(False),
                func.lower(OnlineEmployee.email) == row.email.lower(),
            )
            .order_by(OnlineEmployee.uuid)
            .limit(1)
        ).first()
    return employee_name(employee.first_name, employee.last_name) if employee is not None else ""


def labelled(s: Session, *, tenant_id: int, row: OnlineId | None) -> str:
    """ "Anna Berg (anna@example.com)", or the address alone."""
    if row is None:
        return ""
    name = name_in(s, tenant_id=tenant_id, row=row)
    return f"{name} ({row.email})" if name else row.email

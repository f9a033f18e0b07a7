"""The users register: Business Software users, kept by Super Users.

Users belong to the installation, not to one company; the employee a user is linked to is
chosen from the open company. There is always at least one active Super User, so nobody can lock
the installation out of its own settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Employee, User
from services.errors import NotFound, PermissionDenied, ValidationFailed
from services.local.registers.listing import MAX_PAGE_SIZE
from services.records.fields import BOOL, REF, Field, clean_values
from services.records.views import ListPage, RegisterRow
from services.secrets.passwords import hash_password, password_problem

USER_FIELDS = (
    Field(name="username", required=True, max_length=100, label_key="registers.users.username"),
    Field(name="full_name", max_length=200, label_key="registers.users.full_name"),
    Field(name="is_super_user", kind=BOOL, label_key="registers.users.is_super_user"),
    Field(name="active", kind=BOOL, label_key="registers.users.active"),
    Field(name="employee_uuid", kind=REF, ref="employees", label_key="registers.field.employee"),
)
USER_COLUMNS = ("username", "full_name", "is_super_user", "active")
USER_SORTABLE = ("username", "full_name")


class UserAdminService:
    """Create and change Business Software users; every method checks the actor is a Super User."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def list_users(
        self, actor_id: int, *, search: str = "", sort: str | None = None, descending: bool = False,
        page: int = 1, page_size: int = 25,
    ) -> ListPage:  # fmt: skip
        sort = sort or "username"
        if sort not in USER_SORTABLE:
            raise ValidationFailed({"sort": "validation.choice"})
        page, page_size = max(1, page), min(MAX_PAGE_SIZE, max(1, page_size))
        with self._sessions() as s:
            _require_super_user(s, actor_id)
            conditions = [
                or_(User.username.ilike(f"%{word}%"), User.full_name.ilike(f"%{word}%"))
                for word in search.split()
            ]
            total = s.scalar(select(func.count(User.id)).where(*conditions)) or 0
            column = getattr(User, sort)
            order = (column.desc(), User.id.desc()) if descending else (column.asc(), User.id.asc())
            found = s.scalars(
                select(User)
                .where(*conditions)
                .order_by(*order)
                .limit(page_size)
                .offset((page - 1) * page_size)
            )
            rows = tuple(_row(s, u) for u in found)
        return ListPage(rows=rows, total=total, page=page, page_size=page_size)

    def get_user(self, actor_id: int, user_id: int) -> RegisterRow:
        with self._sessions() as s:
            _require_super_user(s, actor_id)
            return _row(s, _load(s, user_id))

    def create_user(
        self, actor_id: int, *, company_id: int, values: Mapping[str, Any], password: str
    ) -> RegisterRow:
        """A new user with a password that follows the policy; the employee is of the open company."""
        problem = password_problem(password, username=str(values.get("username") or ""))
        try:
            cleaned = clean_values(USER_FIELDS, {"active": True, **values})
        except ValidationFailed as failed:
            raise ValidationFailed({**failed.fields, **({"password": problem} if problem else {})}) from None
        with self._sessions.begin() as s:
            _require_super_user(s, actor_id)
            _check(s, company_id, cleaned, user_id=None, extra={"password": problem} if problem else {})
            user = User(password_hash=hash_password(password), **cleaned)
            s.add(user)
            s.flush()
            return _row(s, user)

    def update_user(
        self, actor_id: int, *, company_id: int, user_id: int, values: Mapping[str, Any]
    ) -> RegisterRow:
        cleaned = clean_values(USER_FIELDS, values, partial=True)
        with self._sessions.begin() as s:
            _require_super_user(s, actor_id)
            user = _load(s, user_id)
            extra = {"active": "registers.users.not_yourself"} if user_id == actor_id and not cleaned.get(
                "active", True
            ) else {}  # fmt: skip
            _check(s, company_id, cleaned, user_id=user_id, extra=extra)
            for name, value in cleaned.items():
                setattr(user, name, value)
            s.flush()
            if not s.scalar(select(func.count(User.id)).where(User.is_super_user, User.active)):
                raise ValidationFailed({"is_super_user": "registers.users.last_super_user"})
            return _row(s, user)

    def reset_password(self, actor_id: int, *, user_id: int, password: str) -> None:
        with self._sessions.begin() as s:
            _require_super_user(s, actor_id)
            user = _load(s, user_id)
            problem = password_problem(password, username=user.username)
            if problem:
                raise ValidationFailed({"password": problem})
            user.password_hash = hash_password(password)


def _require_super_user(s: Session, actor_id: int) -> None:
    actor = s.get(User, actor_id)
    if actor is None or not actor.active or not actor.is_super_user:
        raise PermissionDenied("registers.users.super_user_only")


def _load(s: Session, user_id: int) -> User:
    user = s.get(User, user_id)
    if user is None:
        raise NotFound("registers.not_found")
    return user


def _check(
    s: Session, company_id: int, cleaned: dict[str, Any], *, user_id: int | None, extra: dict[str, str]
) -> None:
    """User names are unique (case-insensitively); a linked employee belongs to the open company."""
    errors = dict(extra)
    if "username" in cleaned:
        same = select(User.id).where(func.lower(User.username) == cleaned["username"].lower())
        if s.scalar(same.where(User.id != (user_id or 0))) is not None:
            errors["username"] = "registers.users.username_taken"
    employee_uuid = cleaned.get("employee_uuid")
    if employee_uuid and s.scalar(
        select(Employee.id).where(Employee.uuid == employee_uuid, Employee.company_id == company_id)
    ) is None:  # fmt: skip
        errors["employee_uuid"] = "validation.choice"
    if errors:
        raise ValidationFailed(errors)


def _row(s: Session, user: User) -> RegisterRow:
    labels = {}
    if user.employee_uuid:
        employee = s.scalar(select(Employee).where(Employee.uuid == user.employee_uuid))
        if employee is not None:
            labels["employee_uuid"] = f"{employee.first_name} {employee.last_name}".strip()
    values = {f.name: getattr(user, f.name) for f in USER_FIELDS}
    return RegisterRow(id=user.id, uuid=str(user.id), values=values, labels=labels)

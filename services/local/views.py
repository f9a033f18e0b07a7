"""Frozen views that services return instead of ORM objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True, slots=True)
class UserView:
    id: int
    username: str
    full_name: str
    is_super_user: bool
    active: bool
    must_change_password: bool
    employee_uuid: str | None
    language: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class SessionView:
    token: str
    user: UserView
    company_id: int | None


@dataclass(frozen=True, kw_only=True, slots=True)
class CompanyView:
    id: int
    uuid: str
    name: str
    is_sample: bool
    street: str
    postal_code: str
    city: str
    country: str
    phone: str
    email: str
    registration_number: str
    created_at: dt.datetime

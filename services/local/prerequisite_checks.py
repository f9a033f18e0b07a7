"""Conditions 1–9 and 11 of the prerequisites check, read from the Business Software database.

Each ``_cN`` helper takes the open session and returns one ``Condition``; ``LocalChecks.run``
calls them all inside one transaction. Fix links point to the page where a person fixes the row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import (
    AddonBinding,
    ApiSession,
    ApiUser,
    Company,
    Employee,
    Integration,
    Licence,
    LicenceHolder,
    User,
)
from services.config import Settings
from services.licence_keys import (
    ONLINE_DESKTOP,
    LicenceDoc,
    LicenceKeyInvalid,
    LicenceKeyMalformed,
    read_key,
)
from services.local.api_users import open_session_filter
from services.local.auth import LocalAuthService
from services.local.online_desktop_settings import connection_status, effective_sync_computer
from services.local.presence import LOGGED_IN_URL

# "connected": condition 11 on a connected company. Not a failure to repair (the settings page
# shows it as the state it is), but it blocks connecting again like one.
Status = Literal["ok", "failed", "warning", "connected"]
EXPIRY_WARNING_DAYS = 30
REGISTRATION_REQUIRED = (
    ("name", "company.name"), ("street", "company.street"), ("postal_code", "company.postal_code"),
    ("city", "company.city"), ("country", "company.country"), ("phone", "company.phone"),
    ("email", "company.email"), ("registration_number", "company.registration_number"),
)  # fmt: skip
HOLDER_REQUIRED = (
    ("name", "licensing.holder.name"),
    ("contact_person", "licensing.holder.contact_person"),
    ("phone", "licensing.holder.phone"),
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Condition:
    """One row of the list. ``details`` are translation keys shown as a list (missing fields ...)."""

    number: int
    status: Status
    reason_key: str
    reason_params: dict[str, str] = field(default_factory=dict)
    details: tuple[str, ...] = ()
    fix_key: str | None = None
    fix_link: str | None = None

    @property
    def name_key(self) -> str:
        return f"prereq.c{self.number}.name"


def _ok(number: int, reason: str = "", **params: str) -> Condition:
    return Condition(
        number=number, status="ok", reason_key=reason or f"prereq.c{number}.ok", reason_params=params
    )


def _failed(
    number: int, reason: str, link: str | None, details: tuple[str, ...] = (), **params: str
) -> Condition:
    return Condition(
        number=number,
        status="failed",
        reason_key=reason,
        reason_params=params,
        details=details,
        fix_key=f"prereq.c{number}.fix",
        fix_link=link,
    )


class LocalChecks:
    def __init__(
        self, sessions: sessionmaker[Session], settings: Settings, local_auth: LocalAuthService
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self._auth = local_auth

    def run(
        self,
        company_id: int,
        *,
        user_id: int | None,
        session_token: str | None,
        api_session_id: int | None,
    ) -> list[Condition]:
        with self._sessions() as s:
            company = s.get(Company, company_id)
            if company is None:
                return [
                    _failed(n, "prereq.no_company", "/companies") for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11)
                ]
            doc = self._licence(s)
            return [
                self._c1(s, doc, company_id),
                self._c2(doc),
                _failed(3, "prereq.c3.sample", "/companies") if company.is_sample else _ok(3),
                self._c4(s, company_id, user_id),
                self._c5(company),
                self._c6(s),
                self._c7(s, company_id),
                self._c8(s, company_id, api_session_id),
                self._c9(company_id, session_token),
                self._c11(s, company_id),
            ]

    def _licence(self, s: Session) -> LicenceDoc | None:
        key = s.scalar(select(Licence.key).order_by(Licence.id.desc()).limit(1))
        if key is None:
            return None
        try:
            return read_key(key, configured_vendor_key=self._settings.licence_vendor_key)
        except (LicenceKeyInvalid, LicenceKeyMalformed):
            return None

    def _c1(self, s: Session, doc: LicenceDoc | None, company_id: int) -> Condition:
        link = "/settings/licence"
        if doc is None:
            return _failed(1, "prereq.c1.no_licence", link)
        if ONLINE_DESKTOP not in doc.addons:
            return _failed(1, "prereq.c1.not_granted", link, licence=doc.number)
        binding = s.scalar(select(AddonBinding).where(AddonBinding.addon == ONLINE_DESKTOP))
        if binding is None:
            return _failed(1, "prereq.c1.not_bound", link)
        if binding.company_id != company_id:
            other = s.get(Company, binding.company_id)
            return _failed(1, "prereq.c1.bound_elsewhere", link, company=other.name if other else "?")
        if binding.activated_at is None:
            return _failed(1, "prereq.c1.restart_pending", link)
        return _ok(1, licence=doc.number)

    def _c2(self, doc: LicenceDoc | None) -> Condition:
        link = "/settings/licence"
        granted = doc.addons.get(ONLINE_DESKTOP) if doc else None
        contract = granted.contract if granted else None
        if contract is None:
            return _failed(2, "prereq.c2.no_contract", link)
        until = contract.valid_until.isoformat()
        days = (contract.valid_until - dt.date.today()).days
        if days < 0:
            return _failed(2, "prereq.c2.expired", link, date=until)
        if not contract.modules:
            return _failed(2, "prereq.c2.no_modules", link)
        if days <= EXPIRY_WARNING_DAYS:
            return Condition(
                number=2,
                status="warning",
                reason_key="prereq.c2.expires_soon",
                reason_params={"date": until, "days": str(days)},
                fix_key="prereq.c2.fix",
                fix_link=link,
            )
        return _ok(2, date=until, seats=str(contract.seats))

    def _c4(self, s: Session, company_id: int, user_id: int | None) -> Condition:
        if user_id is None:
            return Condition(number=4, status="warning", reason_key="prereq.c4.no_user")
        user = s.get(User, user_id)
        if user is None:
            return _failed(4, "prereq.c4.no_user", "/registers/users")
        if not user.is_super_user:
            return _failed(4, "prereq.c4.not_super_user", "/registers/users", user=user.username)
        employee = (
            s.scalar(select(Employee).where(Employee.uuid == user.employee_uuid))
            if user.employee_uuid
            else None
        )
        if employee is None or employee.company_id != company_id:
            return _failed(4, "prereq.c4.no_employee", "/registers/users", user=user.username)
        name = f"{employee.first_name} {employee.last_name}".strip()
        if not employee.email.strip():
            return _failed(4, "prereq.c4.no_email", f"/registers/employees/{employee.id}", employee=name)
        return _ok(4, email=employee.email, employee=name)

    def _c5(self, company: Company) -> Condition:
        missing = tuple(
            label for attr, label in REGISTRATION_REQUIRED if not str(getattr(company, attr)).strip()
        )
        if not missing:
            return _ok(5)
        return _failed(5, "prereq.c5.missing", "/settings/company", missing)

    def _c6(self, s: Session) -> Condition:
        holder = s.get(LicenceHolder, 1)
        missing = tuple(
            label for attr, label in HOLDER_REQUIRED if holder is None or not getattr(holder, attr).strip()
        )
        if not missing:
            return _ok(6)
        return _failed(6, "prereq.c6.missing", "/settings/licence", missing)

    def _c7(self, s: Session, company_id: int) -> Condition:
        chosen = effective_sync_computer(s, company_id)
        here = self._settings.computer_name
        link = "/settings/online-desktop?tab=sync"
        if chosen is None:
            return _failed(7, "prereq.c7.none", link, here=here)
        if chosen.casefold() != here.casefold():
            return _failed(7, "prereq.c7.other", link, chosen=chosen, here=here)
        return _ok(7, here=here)

    def _c8(self, s: Session, company_id: int, api_session_id: int | None) -> Condition:
        own_users = select(ApiUser.id).where(ApiUser.company_id == company_id)
        stmt = select(func.count()).where(ApiSession.api_user_id.in_(own_users), *open_session_filter())
        if api_session_id is not None:
            stmt = stmt.where(ApiSession.id != api_session_id)
        sessions = int(s.scalar(stmt) or 0)
        open_names = list(
            s.scalars(
                select(Integration.name).where(Integration.company_id == company_id, Integration.is_open)
            )
        )
        if sessions:
            return _failed(8, "prereq.c8.api_sessions", "/registers/api-users", count=str(sessions))
        if open_names:
            return _failed(
                8, "prereq.c8.integrations_open", "/registers/integrations", names=", ".join(open_names)
            )
        return _ok(8)

    def _c9(self, company_id: int, session_token: str | None) -> Condition:
        others = self._auth.other_sessions(company_id, session_token)
        if others:
            names = ", ".join(sorted({u.full_name or u.username for u in others}))
            return _failed(9, "prereq.c9.others", LOGGED_IN_URL, names=names)
        return _ok(9)

    def _c11(self, s: Session, company_id: int) -> Condition:
        status = connection_status(s, company_id)
        if status.is_connected:
            return Condition(
                number=11,
                status="connected",
                reason_key="prereq.c11.connected",
                reason_params={"by": status.connected_by or "?"},
            )
        return _ok(11)

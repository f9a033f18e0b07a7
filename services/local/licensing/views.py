"""Frozen views of licence information, returned by ``services.local.licensing.service``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.local import AddonBinding, Company, LicenceHolder
from services.licence_keys import AddonDoc

HOLDER_FIELDS = ("name", "contact_person", "phone", "street", "postal_code", "city", "country")


@dataclass(frozen=True, kw_only=True, slots=True)
class HolderView:
    name: str
    contact_person: str
    phone: str
    street: str
    postal_code: str
    city: str
    country: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ContractView:
    """The Online Desktop service contract (Servicevertrag)."""

    valid_until: dt.date
    seats: int
    modules: tuple[str, ...]
    expired: bool
    days_left: int


@dataclass(frozen=True, kw_only=True, slots=True)
class BindingView:
    company_id: int
    company_name: str
    bound_at: dt.datetime
    activated: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class AddonView:
    code: str
    contract: ContractView | None
    binding: BindingView | None

    @property
    def name_key(self) -> str:
        return f"licensing.addon.{self.code}"


@dataclass(frozen=True, kw_only=True, slots=True)
class LicenceView:
    number: str
    holder: str
    issued: dt.date
    demo: bool
    installed_at: dt.datetime
    addons: tuple[AddonView, ...]
    restart_pending: bool

    def addon(self, code: str) -> AddonView | None:
        return next((a for a in self.addons if a.code == code), None)


def holder_view(row: LicenceHolder) -> HolderView:
    return HolderView(**{f: getattr(row, f) or "" for f in HOLDER_FIELDS})


def addon_view(
    code: str, *, granted: AddonDoc, binding: AddonBinding | None, company: Company | None, today: dt.date
) -> AddonView:
    contract = None
    if granted.contract is not None:
        left = (granted.contract.valid_until - today).days
        contract = ContractView(
            valid_until=granted.contract.valid_until,
            seats=granted.contract.seats,
            modules=granted.contract.modules,
            expired=left < 0,
            days_left=left,
        )
    binding_view = None
    if binding is not None:
        binding_view = BindingView(
            company_id=binding.company_id,
            company_name=company.name if company else "?",
            bound_at=binding.bound_at,
            activated=binding.activated_at is not None,
        )
    return AddonView(code=code, contract=contract, binding=binding_view)

"""The service contract of a company account, as the licence names it (PRODUCT.md §3, S1).

Business Software sends its installed licence key with the connect request and again whenever
the key changes (``POST /sync/contract``). The key is verified here with the vendor key, so a
contract's seats, modules and end date cannot be raised without the vendor's signature; the
account stores the contract, and every change of it writes an audit entry in the same
transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.online import Tenant
from services.errors import ServiceError
from services.licence_keys import LicenceKeyInvalid, LicenceKeyMalformed, service_contract
from services.online.audit import record
from services.sync.protocol.messages import MAX_LICENCE_LENGTH


class LicenceRefused(ServiceError):
    """The licence key does not verify or grants no Online Desktop contract."""

    key = "contract.licence_refused"
    status_code = 422


@dataclass(frozen=True, kw_only=True, slots=True)
class ContractTerms:
    licence_number: str
    seats: int
    modules: tuple[str, ...]
    valid_until: dt.date

    def as_dict(self) -> dict[str, object]:
        return {
            "licence": self.licence_number,
            "seats": self.seats,
            "modules": ",".join(self.modules),
            "valid_until": self.valid_until.isoformat(),
        }


class ContractReader:
    """Reads the service contract from a licence key (verified with the vendor key)."""

    def __init__(self, vendor_key: str | None = None) -> None:
        self._vendor_key = vendor_key

    def read(self, licence: str) -> ContractTerms:
        if not licence or len(licence) > MAX_LICENCE_LENGTH:
            raise LicenceRefused()
        try:
            doc, contract = service_contract(licence, configured_vendor_key=self._vendor_key)
        except (LicenceKeyInvalid, LicenceKeyMalformed):
            raise LicenceRefused() from None
        return ContractTerms(
            licence_number=doc.number,
            seats=contract.seats,
            modules=tuple(contract.modules),
            valid_until=contract.valid_until,
        )


def tenant_terms(tenant: Tenant) -> dict[str, object]:
    """The contract the account holds now, in the shape of ``ContractTerms.as_dict``."""
    return {
        "licence": tenant.licence_number or "",
        "seats": tenant.seats,
        "modules": tenant.modules,
        "valid_until": tenant.contract_valid_until.isoformat() if tenant.contract_valid_until else None,
    }


def apply_contract(
    s: Session,
    *,
    tenant: Tenant,
    terms: ContractTerms,
    actor_id: int | None,
    address: str = "",
    audit: bool = True,
) -> bool:
    """Store the contract on the account; whether anything changed. A change is audited with the
    values before and after (``audit=False``: the caller's own entry, e.g. connect, names it)."""
    before, after = tenant_terms(tenant), terms.as_dict()
    if before == after:
        return False
    tenant.licence_number = terms.licence_number
    tenant.seats = terms.seats
    tenant.modules = ",".join(terms.modules)
    tenant.contract_valid_until = terms.valid_until
    tenant.contract_updated_at = dt.datetime.now(dt.UTC)
    if audit:
        changed = [k for k in after if before.get(k) != after[k]]
        record(
            s,
            tenant_id=tenant.id,
            actor_id=actor_id,
            action="contract_change",
            target=terms.licence_number,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            address=address,
        )
    return True

"""Licence keys: signed documents naming the holder and the add-on products a licence grants.

Shared by both sides: Business Software installs and reads keys, and the Online Desktop reads the
service contract (seats, modules, valid until) from the key a connection sends
(``service_contract``), so a contract cannot be changed without the vendor's signature.

A key is an itsdangerous ``URLSafeSerializer`` token with its own salt. It is signed with the
*vendor* key, not with the per-installation secret: keys are issued once by the vendor
(``python main.py licence issue``) and must be accepted by every installation, whereas the
installation secret differs per data directory.

About the vendor key: itsdangerous signs with HMAC, so whoever verifies a key can also sign one.
A real vendor would sign with a private key and ship only the public key; here vendor and product
are the same program, so the vendor key is derived from a fixed, versioned label (below). It can be
replaced per deployment through the ``LICENCE_VENDOR_KEY`` setting, which the vendor command and
every installation of that deployment then share. This is deliberately *not* the installation's
``secret_key`` file, which protects sessions and tokens and never leaves the data directory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeSerializer
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.errors import ServiceError

SALT = "business-software.licence-key.v1"
_VENDOR_LABEL = b"business-software vendor licence signing key, version 1"
ONLINE_DESKTOP = "online-desktop"
ONLINE_MODULES = ("contacts", "activities", "sales", "products")
# Add-on products the vendor sells. Only Online Desktop carries a service contract.
ADDONS = (ONLINE_DESKTOP, "webshop", "payroll")


class LicenceKeyInvalid(ServiceError):
    """The key's signature does not match: it was changed, cut off or is not a licence key."""

    key = "licensing.key_invalid"


class LicenceKeyMalformed(ServiceError):
    """The key is signed by the vendor but its content is not a licence this program understands."""

    key = "licensing.key_malformed"


class ContractDoc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    valid_until: dt.date
    seats: int = Field(ge=1, le=100_000)
    modules: tuple[str, ...] = ONLINE_MODULES


class AddonDoc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    contract: ContractDoc | None = None


class LicenceDoc(BaseModel):
    """The signed content of a licence key."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    v: int = 1
    number: str = Field(min_length=1, max_length=40)
    holder: str = Field(min_length=1, max_length=200)
    issued: dt.date
    demo: bool = False
    addons: dict[str, AddonDoc] = Field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class IssueRequest:
    """What the vendor puts into a new key."""

    holder: str
    seats: int
    valid_until: dt.date
    addons: tuple[str, ...] = (ONLINE_DESKTOP,)
    modules: tuple[str, ...] = ONLINE_MODULES
    number: str | None = None
    demo: bool = False


def vendor_key(configured: str | None = None) -> str:
    """The secret licence keys are signed with (see the module docstring for why it is fixed)."""
    return configured or hashlib.sha256(_VENDOR_LABEL).hexdigest()


def _serializer(configured_vendor_key: str | None) -> URLSafeSerializer:
    return URLSafeSerializer(vendor_key(configured_vendor_key), salt=SALT)


def issue_key(request: IssueRequest, *, configured_vendor_key: str | None = None) -> str:
    """Sign a licence document; the vendor's side of licensing."""
    unknown = [a for a in (*request.addons, *request.modules) if a not in (*ADDONS, *ONLINE_MODULES)]
    if unknown:
        raise ValueError(f"unknown add-on or module: {', '.join(unknown)}")
    addons = {
        code: AddonDoc(
            contract=ContractDoc(
                valid_until=request.valid_until, seats=request.seats, modules=request.modules
            )
            if code == ONLINE_DESKTOP
            else None
        )
        for code in request.addons
    }
    doc = LicenceDoc(
        number=request.number or f"{'DEMO' if request.demo else 'BS'}-{secrets.randbelow(10**8):08d}",
        holder=request.holder.strip(),
        issued=dt.date.today(),
        demo=request.demo,
        addons=addons,
    )
    return str(_serializer(configured_vendor_key).dumps(doc.model_dump(mode="json")))


def read_key(key: str, *, configured_vendor_key: str | None = None) -> LicenceDoc:
    """Verify and parse a key as pasted by a person (line breaks and spaces are ignored)."""
    cleaned = re.sub(r"\s+", "", key or "")
    if not cleaned:
        raise LicenceKeyInvalid("licensing.key_empty")
    try:
        raw = _serializer(configured_vendor_key).loads(cleaned)
    except BadData as exc:
        raise LicenceKeyInvalid() from exc
    try:
        doc = LicenceDoc.model_validate(raw)
    except ValidationError as exc:
        raise LicenceKeyMalformed() from exc
    if doc.v != 1 or any(code not in ADDONS for code in doc.addons):
        raise LicenceKeyMalformed()
    return doc


def same_holder(a: str, b: str) -> bool:
    """Holder names match regardless of case and spacing."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def service_contract(key: str, *, configured_vendor_key: str | None = None) -> tuple[LicenceDoc, ContractDoc]:
    """The licence and its Online Desktop service contract; ``LicenceKeyMalformed`` without one."""
    doc = read_key(key, configured_vendor_key=configured_vendor_key)
    granted = doc.addons.get(ONLINE_DESKTOP)
    if granted is None or granted.contract is None:
        raise LicenceKeyMalformed("licensing.addon_not_granted", addon=ONLINE_DESKTOP)
    return doc, granted.contract

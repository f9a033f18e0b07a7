"""Licence information: the installed licence key, the licence holder and add-on bindings.

Binding an add-on to a company database takes effect after Business Software restarts (the
original asks the user to close and restart). The set of *active* add-ons is therefore read once
when the shell is built — at process start and by the Restart action — and kept on this service;
menus and desktop tiles read that snapshot instead of the database.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.local import AddonBinding, Company, Licence, LicenceHolder, SyncConnection
from models.types import utcnow
from services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from services.licence_keys import (
    ONLINE_DESKTOP,
    IssueRequest,
    LicenceDoc,
    LicenceKeyInvalid,
    LicenceKeyMalformed,
    issue_key,
    read_key,
    same_holder,
)
from services.local.licensing.views import (
    HOLDER_FIELDS,
    AddonView,
    BindingView,
    HolderView,
    LicenceView,
    addon_view,
    holder_view,
)

log = logging.getLogger(__name__)
CONNECTED_STATES = ("connected", "needs_reconnect")


class LicenceMissing(ServiceError):
    key = "licensing.no_licence"


class LicenceHolderMismatch(ServiceError):
    key = "licensing.key_other_holder"


class AddonNotGranted(ServiceError):
    key = "licensing.addon_not_granted"


class SampleDatabaseRefused(ServiceError):
    key = "licensing.sample_refused"


class ContractExpired(ServiceError):
    key = "licensing.contract_expired"


class AddonAlreadyBound(Conflict):
    key = "licensing.already_bound"


class LicensingService:
    """Licence holder, licence key, add-on products and the restart that activates them."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        vendor_key: str | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._sessions = sessions
        self._vendor_key = vendor_key
        self._today = today
        self._active: frozenset[tuple[str, int]] = frozenset()

    # --- the licence key -------------------------------------------------------------------
    def licence(self) -> LicenceView | None:
        """The licence in force (the newest installed key) with its add-ons, or None."""
        with self._sessions() as s:
            row, doc = self._current(s)
            if row is None or doc is None:
                return None
            return self._licence_view(s, row, doc)

    def install_key(self, key: str) -> LicenceView:
        """Install a pasted key; refused when tampered, malformed or issued to another holder.

        A key may name a new holder only while no licence or the demo licence is installed; then the
        holder name is taken from the key. Otherwise the key must name the current licence holder.
        """
        doc = read_key(key, configured_vendor_key=self._vendor_key)
        with self._sessions.begin() as s:
            _row, current = self._current(s)
            holder = self._holder_row(s)
            may_change_holder = current is None or current.demo
            if not may_change_holder and not same_holder(holder.name, doc.holder):
                raise LicenceHolderMismatch(holder=doc.holder, expected=holder.name)
            if may_change_holder:
                holder.name = doc.holder
            row = Licence(key=key.strip())
            s.add(row)
            s.flush()
            return self._licence_view(s, row, doc)

    def ensure_demo_licence(self) -> bool:
        """First start: install a demo licence granting Online Desktop and complete holder info.

        Returns True when it was installed. The demo holder info is complete, so a newcomer can go
        through the whole connection journey without a vendor key.
        """
        with self._sessions.begin() as s:
            if s.scalar(select(Licence.id).limit(1)) is not None:
                return False
            holder = self._holder_row(s)
            demo_values = {
                "name": "Demo-Lizenznehmer / Demo licence holder",
                "contact_person": "Erika Mustermann",
                "phone": "+49 30 9876543",
                "street": "Lizenzweg 5",
                "postal_code": "10117",
                "city": "Berlin",
                "country": "Deutschland",
            }
            for field, value in demo_values.items():
                if not getattr(holder, field):
                    setattr(holder, field, value)
            key = issue_key(
                IssueRequest(
                    holder=holder.name,
                    seats=5,
                    valid_until=self._today() + dt.timedelta(days=365),
                    addons=(ONLINE_DESKTOP, "webshop"),
                    demo=True,
                ),
                configured_vendor_key=self._vendor_key,
            )
            s.add(Licence(key=key))
            return True

    # --- the licence holder ----------------------------------------------------------------
    def holder(self) -> HolderView:
        with self._sessions() as s:
            row = s.get(LicenceHolder, 1)
            return holder_view(row) if row else HolderView(**dict.fromkeys(HOLDER_FIELDS, ""))

    def update_holder(self, values: dict[str, str]) -> HolderView:
        """Save holder info; its name must stay the one the (non-demo) licence key names."""
        cleaned = {f: str(values.get(f) or "").strip() for f in HOLDER_FIELDS}
        errors = {f: "validation.too_long" for f, v in cleaned.items() if len(v) > 200}
        if not cleaned["name"]:
            errors["name"] = "validation.required"
        if errors:
            raise ValidationFailed(errors)
        with self._sessions.begin() as s:
            _row, doc = self._current(s)
            if doc is not None and not doc.demo and not same_holder(doc.holder, cleaned["name"]):
                raise ValidationFailed({"name": "licensing.holder_name_fixed"}, holder=doc.holder)
            row = self._holder_row(s)
            for field, value in cleaned.items():
                setattr(row, field, value)
            return holder_view(row)

    # --- add-on products ---------------------------------------------------------------------
    def bind_addon(self, addon: str, company_id: int) -> AddonView:
        """Bind a granted add-on to one company database (active after the restart)."""
        with self._sessions.begin() as s:
            _row, doc = self._current(s)
            if doc is None:
                raise LicenceMissing()
            granted = doc.addons.get(addon)
            if granted is None:
                raise AddonNotGranted(addon=addon)
            company = s.get(Company, company_id)
            if company is None:
                raise NotFound("company.not_found")
            if company.is_sample:
                raise SampleDatabaseRefused(company=company.name)
            if granted.contract is not None and granted.contract.valid_until < self._today():
                raise ContractExpired(date=granted.contract.valid_until.isoformat())
            binding = s.scalar(select(AddonBinding).where(AddonBinding.addon == addon))
            if binding is not None and binding.company_id != company_id:
                other = s.get(Company, binding.company_id)
                raise AddonAlreadyBound(company=other.name if other else "?")
            if binding is None:
                binding = AddonBinding(addon=addon, company_id=company_id)
                s.add(binding)
                s.flush()
            return addon_view(addon, granted=granted, binding=binding, company=company, today=self._today())

    def unbind_addon(self, addon: str) -> None:
        """Release an add-on from its company database, unless that company is connected online."""
        with self._sessions.begin() as s:
            binding = s.scalar(select(AddonBinding).where(AddonBinding.addon == addon))
            if binding is None:
                return
            link = s.get(SyncConnection, binding.company_id)
            if addon == ONLINE_DESKTOP and link is not None and link.status in CONNECTED_STATES:
                raise Conflict("licensing.unbind_connected")
            s.delete(binding)

    def binding(self, addon: str) -> BindingView | None:
        with self._sessions() as s:
            row = s.scalar(select(AddonBinding).where(AddonBinding.addon == addon))
            if row is None:
                return None
            company = s.get(Company, row.company_id)
            return BindingView(
                company_id=row.company_id,
                company_name=company.name if company else "?",
                bound_at=row.bound_at,
                activated=row.activated_at is not None,
            )

    # --- restart -------------------------------------------------------------------------------
    def restart(self) -> frozenset[tuple[str, int]]:
        """What a restart of Business Software does: activate new bindings and rebuild the snapshot."""
        with self._sessions.begin() as s:
            for binding in s.scalars(select(AddonBinding).where(AddonBinding.activated_at.is_(None))):
                binding.activated_at = utcnow()
            _row, doc = self._current(s)
            granted = set(doc.addons) if doc is not None else set()
            active = frozenset(
                (b.addon, b.company_id) for b in s.scalars(select(AddonBinding)) if b.addon in granted
            )
        self._active = active
        return active

    def is_active(self, company_id: int | None, addon: str = ONLINE_DESKTOP) -> bool:
        """Whether the shell built at the last (re)start shows this add-on for a company."""
        return company_id is not None and (addon, company_id) in self._active

    # --- helpers -------------------------------------------------------------------------------
    def _current(self, s: Session) -> tuple[Licence | None, LicenceDoc | None]:
        row = s.scalar(select(Licence).order_by(Licence.id.desc()).limit(1))
        if row is None:
            return None, None
        try:
            return row, read_key(row.key, configured_vendor_key=self._vendor_key)
        except (LicenceKeyInvalid, LicenceKeyMalformed):
            log.warning("installed licence key %s does not verify (vendor key changed?)", row.id)
            return row, None

    def _holder_row(self, s: Session) -> LicenceHolder:
        row = s.get(LicenceHolder, 1)
        if row is None:
            row = LicenceHolder(id=1)
            s.add(row)
            s.flush()
        return row

    def _licence_view(self, s: Session, row: Licence, doc: LicenceDoc) -> LicenceView:
        bindings = {b.addon: b for b in s.scalars(select(AddonBinding))}
        addons = []
        for code, granted in doc.addons.items():
            binding = bindings.get(code)
            company = s.get(Company, binding.company_id) if binding else None
            addons.append(
                addon_view(code, granted=granted, binding=binding, company=company, today=self._today())
            )
        return LicenceView(
            number=doc.number,
            holder=doc.holder,
            issued=doc.issued,
            demo=doc.demo,
            installed_at=row.installed_at,
            addons=tuple(addons),
            restart_pending=any(a.binding is not None and not a.binding.activated for a in addons),
        )

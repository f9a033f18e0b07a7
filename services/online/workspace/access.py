"""Who may open what in the Online Desktop: memberships, roles and their access per module (PRODUCT.md §3).

Every call names the Online ID and the company account (tenant UUID) and resolves the caller's
active membership there inside its own transaction: no membership, no data (one company never
sees another's). Roles grant No/Read/Full access per module; the check is here, in the service
layer, and the UI only shows what the views it gets say (``WorkspacePage.access``).

The service contract narrows the roles: a module the contract does not include (contacts,
activities, sales, products) is No access for everyone, and once the contract has expired every
Full access is Read (``ContractExpired`` names the date; Business Software keeps working and the
sync goes on, so a renewed licence reaches the account with the next sync).

A writing call resolves the context with ``for_write=True``: the tenant row is locked first (as
every membership change does), then the membership is read, so a membership revoked or a role
lowered by a concurrent transaction is seen before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.online import Connection, Membership, OnlineId, Tenant
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import NotFound, PermissionDenied
from services.online.names import name_in

Access = Literal["none", "read", "full"]
MODULES = ("contacts", "activities", "sales", "products", "employees", "users")
_EVERYTHING: dict[str, Access] = {
    "contacts": "full",
    "activities": "full",
    "sales": "full",
    "products": "read",  # maintained in the Business Software
    "employees": "read",
    "users": "full",
}
ROLE_ACCESS: dict[str, dict[str, Access]] = {
    "super_user": dict(_EVERYTHING),
    "administrator": dict(_EVERYTHING),
    "standard": {**_EVERYTHING, "users": "none"},
    "read_only": {**dict.fromkeys(MODULES, "read"), "users": "none"},
}
LEVELS = {"none": 0, "read": 1, "full": 2}
# The modules a service contract grants or leaves out (employees and users come with every contract).
CONTRACT_MODULES = ("contacts", "activities", "sales", "products")
# The registers edited online, with the module whose Full access allows it.
EDITABLE_MODULES = {"contacts": "contacts", "activities": "activities", "sales_orders": "sales"}
STALE_AFTER = dt.timedelta(hours=1)  # S16: a longer interruption is shown under the login name


class CompanyNotFound(NotFound):
    """No active membership in this account (whether the account exists is not told)."""

    key = "online.no_company"


class NoAccess(PermissionDenied):
    """The caller's role does not grant the access the call needs."""

    key = "online.no_access"


class NotInContract(PermissionDenied):
    """The company's service contract does not include the module."""

    key = "contract.module_not_included"


class ContractExpired(PermissionDenied):
    """The service contract has expired: the Online Desktop is read-only."""

    key = "contract.expired_read_only"


@dataclass(frozen=True, kw_only=True, slots=True)
class TenantContext:
    """The caller's membership in one company account, resolved for this call."""

    online_id_id: int
    tenant_id: int
    tenant_uuid: str
    company: str
    role: str
    modules: frozenset[str] = frozenset(CONTRACT_MODULES)  # the contract's modules
    valid_until: dt.date | None = None  # of the contract (None: no end)
    expired: bool = False

    def role_access(self, module: str) -> Access:
        return ROLE_ACCESS.get(self.role, {}).get(module, "none")

    def access(self, module: str) -> Access:
        """The role's access, narrowed by the contract."""
        if module in CONTRACT_MODULES and module not in self.modules:
            return "none"
        granted = self.role_access(module)
        return "read" if self.expired and granted == "full" else granted

    def can(self, module: str, level: Access = "read") -> bool:
        return LEVELS[self.access(module)] >= LEVELS[level]

    def refusal(self, module: str, level: Access) -> PermissionDenied:
        """Why ``module`` at ``level`` is refused: the contract, its end, or the role."""
        if module in CONTRACT_MODULES and module not in self.modules:
            return NotInContract(module=module)
        if self.expired and LEVELS[self.role_access(module)] >= LEVELS[level]:
            return ContractExpired(date=self.valid_until.isoformat() if self.valid_until else "")
        return NoAccess()


@dataclass(frozen=True, kw_only=True, slots=True)
class CompanyChoice:
    tenant_uuid: str
    company: str
    role: str


@dataclass(frozen=True, kw_only=True, slots=True)
class WorkspaceHeader:
    tenant_uuid: str
    company: str
    role: str
    last_sync_at: dt.datetime | None
    stale: bool  # no sync round trip for more than an hour (or never)
    user_name: str = ""  # the caller by name (services.online.names), "" when only the address is known
    contract_expired: bool = False  # the Online Desktop is read-only (the frame says why)
    contract_valid_until: dt.date | None = None
    checked_at: dt.datetime | None = None  # when the header was read, by the application's clock


@dataclass(frozen=True, kw_only=True, slots=True)
class WorkspacePage:
    """Everything the frame of a workspace page needs, read in one call."""

    header: WorkspaceHeader
    companies: tuple[CompanyChoice, ...]  # to switch between the caller's accounts
    access: dict[str, Access]  # module -> the caller's access
    editable: frozenset[str]  # the registers the caller may create and change online
    tenant_id: int  # the account's key (a page follows its changes by it)


def contract_today() -> dt.date:
    """The calendar day a contract's end date is compared with (a contract ends with its day)."""
    return dt.datetime.now(dt.UTC).date()


def resolve_context(
    s: Session,
    *,
    online_id_id: int,
    tenant_uuid: str,
    module: str | None = None,
    level: Access = "read",
    for_write: bool = False,
) -> TenantContext:
    """The caller's active membership, inside the caller's session.

    Raises CompanyNotFound without one and NoAccess when ``module`` needs more than the role grants.
    """
    if for_write:
        # Lock first, then read the membership in a later statement, which sees every membership
        # change committed before the lock was granted (PostgreSQL; SQLite writers are serial).
        s.scalar(select(Tenant.id).where(Tenant.uuid == tenant_uuid).with_for_update())
    row = s.execute(
        select(
            Tenant.id, Tenant.uuid, Tenant.name, Membership.role, Tenant.modules, Tenant.contract_valid_until
        )
        .join(Membership, Membership.tenant_id == Tenant.id)
        .where(
            Tenant.uuid == tenant_uuid,
            Membership.online_id_id == online_id_id,
            Membership.active.is_(True),
        )
    ).first()
    if row is None:
        raise CompanyNotFound()
    until: dt.date | None = row[5]
    ctx = TenantContext(
        online_id_id=online_id_id,
        tenant_id=row[0],
        tenant_uuid=row[1],
        company=row[2],
        role=row[3],
        modules=frozenset(m for m in (row[4] or "").split(",") if m),
        valid_until=until,
        expired=until is not None and until < contract_today(),
    )
    if module is not None and not ctx.can(module, level):
        raise ctx.refusal(module, level)
    return ctx


class WorkspaceAccess:
    """Memberships and the frame of a workspace page; each method one read transaction."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock = SYSTEM_CLOCK) -> None:
        self._sessions, self._clock = sessions, clock

    def companies(self, online_id_id: int) -> list[CompanyChoice]:
        """The company accounts this Online ID may open (to switch between them)."""
        with self._sessions() as s:
            return _companies(s, online_id_id)

    def context(
        self, online_id_id: int, tenant_uuid: str, *, module: str | None = None, level: Access = "read"
    ) -> TenantContext:
        """The caller's membership; CompanyNotFound when there is none."""
        with self._sessions() as s:
            return resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module=module, level=level
            )

    def header(self, online_id_id: int, tenant_uuid: str) -> WorkspaceHeader:
        with self._sessions() as s:
            return self._header(s, resolve_context(s, online_id_id=online_id_id, tenant_uuid=tenant_uuid))

    def open_page(
        self, online_id_id: int, tenant_uuid: str, *, module: str | None = None, level: Access = "read"
    ) -> WorkspacePage:
        """Header, company switch and the role's access map of a page that needs ``level`` on
        ``module`` (NoAccess otherwise), in one transaction."""
        with self._sessions() as s:
            ctx = resolve_context(
                s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, module=module, level=level
            )
            header = self._header(s, ctx)
            companies = _companies(s, online_id_id)
        access = {m: ctx.access(m) for m in MODULES}
        editable = frozenset(r for r, m in EDITABLE_MODULES.items() if access[m] == "full")
        return WorkspacePage(
            header=header,
            companies=tuple(companies),
            access=access,
            editable=editable,
            tenant_id=ctx.tenant_id,
        )

    def _header(self, s: Session, ctx: TenantContext) -> WorkspaceHeader:
        last = s.scalar(
            select(func.max(Connection.last_round_trip_at)).where(Connection.tenant_id == ctx.tenant_id)
        )
        now = self._clock()
        stale = last is None or now - last > STALE_AFTER
        return WorkspaceHeader(
            tenant_uuid=ctx.tenant_uuid,
            company=ctx.company,
            role=ctx.role,
            last_sync_at=last,
            stale=stale,
            user_name=name_in(s, tenant_id=ctx.tenant_id, row=s.get(OnlineId, ctx.online_id_id)),
            contract_expired=ctx.expired,
            contract_valid_until=ctx.valid_until,
            checked_at=now,
        )


def _companies(s: Session, online_id_id: int) -> list[CompanyChoice]:
    rows = s.execute(
        select(Tenant.uuid, Tenant.name, Membership.role)
        .join(Membership, Membership.tenant_id == Tenant.id)
        .where(Membership.online_id_id == online_id_id, Membership.active.is_(True))
        .order_by(Tenant.name, Tenant.id)
    ).all()
    return [CompanyChoice(tenant_uuid=u, company=n, role=r) for u, n, r in rows]

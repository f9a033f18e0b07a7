"""Sync connections on the online side: creating a company account, tokens, authentication.

A connection's bearer token is random and stored only as its SHA-256 hash; it is scoped to one
tenant, so every request authenticated by it reads and writes that tenant only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.online import Connection, Membership, OnlineSyncConflict, SyncFieldChange, SyncSnapshot, Tenant
from models.online.company_data import SYNCED_ONLINE_MODELS
from services.db import single_read
from services.errors import NotFound, PermissionDenied
from services.online.audit import record
from services.sync.protocol.messages import CompanyInfo, ProtocolError
from services.sync.server.contract import ContractTerms, apply_contract

ROUND_TRIP_RESOLUTION = dt.timedelta(seconds=30)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, kw_only=True, slots=True)
class ConnectionContext:
    """Who is calling: one connection of one tenant."""

    connection_id: int
    tenant_id: int
    tenant_uuid: str
    last_round_trip_at: dt.datetime | None
    client_address: str = ""  # the caller's address, for the audit log


@dataclass(frozen=True, kw_only=True, slots=True)
class ConnectionCreated:
    connection_id: int
    tenant_id: int
    tenant_uuid: str
    token: str  # shown once; only its hash is stored
    seq: int


class ConnectionService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def create_connection(
        self,
        *,
        online_id_id: int | None,
        company: CompanyInfo,
        computer_name: str = "",
        tenant_uuid: str | None = None,
        contract: ContractTerms | None = None,
        client_address: str = "",
        idempotency_key: str | None = None,
    ) -> ConnectionCreated:
        """Create the company account (or reuse ``tenant_uuid``) and a new connection with a token.

        The connecting Online ID becomes the account's Super User. Reusing an account needs the
        caller to be its active Super User, and revokes the account's previous connections.
        ``contract`` (read from the licence the request carries) becomes the account's contract.
        The audit entry says connect, reconnect (same Online ID) or change user (another one).
        ``idempotency_key``: a key this Online ID sent before names the account it created then,
        so a retried request (its answer was lost) creates no second account.
        """
        token = secrets.token_urlsafe(32)
        with self._sessions.begin() as s:
            if idempotency_key and online_id_id is not None:
                tenant_uuid = self._tenant_of_attempt(s, online_id_id, idempotency_key) or tenant_uuid
            tenant = self._tenant_for(s, online_id_id, company, tenant_uuid)
            previous = s.scalars(
                select(Connection.connected_by_id).where(
                    Connection.tenant_id == tenant.id, Connection.status == "active"
                )
            ).all()
            if contract is not None:
                apply_contract(
                    s, tenant=tenant, terms=contract, actor_id=online_id_id, audit=tenant_uuid is not None
                )
            # A new token for the same company database keeps counting its mutation ids.
            applied = s.scalar(
                select(func.max(Connection.last_mutation_id)).where(Connection.tenant_id == tenant.id)
            )
            s.execute(
                update(Connection)
                .where(Connection.tenant_id == tenant.id, Connection.status == "active")
                .values(status="revoked", revoked_at=dt.datetime.now(dt.UTC))
            )
            connection = Connection(
                tenant_id=tenant.id,
                token_hash=hash_token(token),
                connected_by_id=online_id_id,
                computer_name=computer_name,
                idempotency_key=idempotency_key or None,
                last_mutation_id=applied or 0,
            )
            s.add(connection)
            s.flush()
            action = "connect" if not previous else "reconnect"
            if previous and online_id_id not in previous:
                action = "change_user"
            record(
                s,
                tenant_id=tenant.id,
                actor_id=online_id_id,
                action=action,
                target=computer_name,
                after={"computer": computer_name, **(contract.as_dict() if contract is not None else {})},
                address=client_address,
            )
            return ConnectionCreated(
                connection_id=connection.id,
                tenant_id=tenant.id,
                tenant_uuid=tenant.uuid,
                token=token,
                seq=tenant.seq,
            )

    @staticmethod
    def _tenant_of_attempt(s: Session, online_id_id: int, key: str) -> str | None:
        """The account an earlier request of this Online ID with this key connected to."""
        return s.scalar(
            select(Tenant.uuid)
            .join(Connection, Connection.tenant_id == Tenant.id)
            .where(Connection.connected_by_id == online_id_id, Connection.idempotency_key == key)
            .order_by(Connection.id.desc())
            .limit(1)
        )

    def _tenant_for(
        self, s: Session, online_id_id: int | None, company: CompanyInfo, tenant_uuid: str | None
    ) -> Tenant:
        if tenant_uuid is None:
            tenant = Tenant(**company.model_dump(), seq=0)
            s.add(tenant)
            s.flush()
            if online_id_id is not None:
                s.add(Membership(tenant_id=tenant.id, online_id_id=online_id_id, role="super_user"))
            return tenant
        existing = s.scalar(select(Tenant).where(Tenant.uuid == tenant_uuid))
        if existing is None:
            raise NotFound("sync.tenant_not_found")
        member = s.scalar(
            select(Membership).where(
                Membership.tenant_id == existing.id,
                Membership.online_id_id == online_id_id,
                Membership.role == "super_user",
                Membership.active.is_(True),
            )
        )
        if member is None:
            raise PermissionDenied("sync.not_super_user")
        return existing

    def disconnect(self, *, online_id_id: int, tenant_uuid: str, client_address: str = "") -> int:
        """PRODUCT.md §5 Disconnect, by the Online ID that connected: the synced data of the account
        is deleted (the account, its members and invitations stay) and its connections stop working.
        Returns how many synced rows were deleted."""
        with self._sessions.begin() as s:
            tenant = s.scalar(select(Tenant).where(Tenant.uuid == tenant_uuid))
            if tenant is None:
                raise NotFound("sync.tenant_not_found")
            active = s.scalars(
                select(Connection).where(Connection.tenant_id == tenant.id, Connection.status == "active")
            ).all()
            if not active:
                raise NotFound("sync.not_connected")
            if all(c.connected_by_id != online_id_id for c in active):
                raise PermissionDenied("sync.not_connected_by_you")
            deleted = 0
            for model in SYNCED_ONLINE_MODELS.values():
                table: Table = model.__table__  # type: ignore[assignment]
                result = s.execute(delete(table).where(table.c.tenant_id == tenant.id))
                deleted += int(getattr(result, "rowcount", 0) or 0)
            for bookkeeping in (SyncFieldChange, SyncSnapshot, OnlineSyncConflict):
                table = bookkeeping.__table__  # type: ignore[assignment]
                s.execute(delete(table).where(table.c.tenant_id == tenant.id))
            s.execute(
                update(Connection)
                .where(Connection.tenant_id == tenant.id, Connection.status == "active")
                .values(status="revoked", revoked_at=dt.datetime.now(dt.UTC))
            )
            record(
                s,
                tenant_id=tenant.id,
                actor_id=online_id_id,
                action="disconnect",
                target=", ".join(c.computer_name for c in active if c.computer_name),
                after={"rows_deleted": deleted},
                address=client_address,
            )
            return deleted

    def update_contract(self, ctx: ConnectionContext, terms: ContractTerms) -> bool:
        """Store the contract a connection sent (after a licence change); whether it changed."""
        with self._sessions.begin() as s:
            tenant = s.scalar(select(Tenant).where(Tenant.id == ctx.tenant_id).with_for_update())
            if tenant is None:
                raise NotFound("sync.tenant_not_found")
            return apply_contract(s, tenant=tenant, terms=terms, actor_id=None, address=ctx.client_address)

    def revoke_connection(self, connection_id: int) -> None:
        """Disconnect: the token stops working at once."""
        with self._sessions.begin() as s:
            s.execute(
                update(Connection)
                .where(Connection.id == connection_id)
                .values(status="revoked", revoked_at=dt.datetime.now(dt.UTC))
            )

    def authenticate(self, token: str) -> ConnectionContext:
        """The active connection holding this bearer token, else a 401."""
        if not token or len(token) > 200:
            raise ProtocolError(401, "unauthorized", "a valid sync token is required")
        with single_read(self._sessions) as conn:
            row = conn.execute(
                select(Connection.id, Connection.tenant_id, Tenant.uuid, Connection.last_round_trip_at)
                .join(Tenant, Tenant.id == Connection.tenant_id)
                .where(Connection.token_hash == hash_token(token), Connection.status == "active")
            ).first()
        if row is None:
            raise ProtocolError(401, "unauthorized", "the sync token is unknown or was revoked; reconnect")
        return ConnectionContext(
            connection_id=row[0], tenant_id=row[1], tenant_uuid=row[2], last_round_trip_at=row[3]
        )

    def record_round_trip(self, ctx: ConnectionContext) -> None:
        """Remember a successful round trip (at most every 30 s, to spare the database)."""
        now = dt.datetime.now(dt.UTC)
        if ctx.last_round_trip_at is not None and now - ctx.last_round_trip_at < ROUND_TRIP_RESOLUTION:
            return
        with self._sessions.begin() as s:
            s.execute(
                update(Connection).where(Connection.id == ctx.connection_id).values(last_round_trip_at=now)
            )

    def last_round_trip(self, tenant_id: int) -> dt.datetime | None:
        """Latest successful round trip of the tenant's connections (for the S16 staleness notice)."""
        with self._sessions() as s:
            times = s.scalars(
                select(Connection.last_round_trip_at).where(
                    Connection.tenant_id == tenant_id, Connection.last_round_trip_at.is_not(None)
                )
            ).all()
        return max((t for t in times if t is not None), default=None)

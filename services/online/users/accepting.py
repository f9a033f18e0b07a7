"""Accepting an invitation: a person with an Online ID logs in and joins; a person without one sets
a password (the link proves the address) and joins. A link works once, until the invitation
expires, only while it is the invitation's newest, and only for the invited address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.online import Invitation, Membership, OnlineId, Tenant
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import Conflict, PermissionDenied, ServiceError, ValidationFailed
from services.online.audit import record
from services.online.identity import MAX_PASSWORD_LENGTH, OnlineIdView, id_view
from services.online.names import labelled
from services.online.tokens import LinkExpired, LinkTokens, LinkUsed
from services.online.users.invitations import PURPOSE
from services.secrets.passwords import hash_password, password_problem


class InvitationInvalid(ServiceError):
    key = "users.invitation.invalid"


class InvitationExpired(ServiceError):
    key = "users.invitation.expired"
    status_code = 410


class InvitationRevoked(ServiceError):
    key = "users.invitation.revoked"
    status_code = 410


class InvitationUsed(ServiceError):
    """Accepted already, or the link was replaced by a newer one (resend)."""

    key = "users.invitation.used"
    status_code = 410


class LogInFirst(PermissionDenied):
    key = "users.invitation.log_in_first"


class InvitedAnotherAddress(PermissionDenied):
    """The logged-in Online ID is not the invited address."""

    key = "users.invitation.other_address"


class AddressHasOnlineId(Conflict):
    """The invited address has an Online ID: log in to join instead of setting a password."""

    key = "users.invitation.has_online_id"


@dataclass(frozen=True, kw_only=True, slots=True)
class InvitationInfo:
    """What the accept page shows about a valid invitation link."""

    invitation_id: int
    tenant_uuid: str
    company: str
    email: str
    role: str
    inviter: str
    expires_at: dt.datetime
    has_online_id: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class Joined:
    tenant_uuid: str
    online_id: OnlineIdView


class InvitationAcceptance:
    """Every public method is one transaction on the online database."""

    def __init__(
        self, sessions: sessionmaker[Session], *, tokens: LinkTokens, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self._sessions, self._tokens, self._clock = sessions, tokens, clock

    def check_invitation(self, token: str) -> InvitationInfo:
        """What the accept page shows; a distinct error for expired, revoked and used links."""
        with self._sessions() as s:
            invitation = self._valid_invitation(s, token)
            tenant = s.get(Tenant, invitation.tenant_id)
            assert tenant is not None
            inviter = s.get(OnlineId, invitation.invited_by_id) if invitation.invited_by_id else None
            existing = s.scalar(select(OnlineId.status).where(OnlineId.email == invitation.email))
            return InvitationInfo(
                invitation_id=invitation.id,
                tenant_uuid=tenant.uuid,
                company=tenant.name,
                email=invitation.email,
                role=invitation.role,
                inviter=labelled(s, tenant_id=tenant.id, row=inviter),
                expires_at=invitation.expires_at,
                has_online_id=existing == "active",
            )

    def accept_as_logged_in(self, token: str, online_id_id: int, *, client_address: str = "") -> Joined:
        """The logged-in Online ID joins; it must have the invited address."""
        with self._sessions.begin() as s:
            invitation = self._valid_invitation(s, token)
            row = s.get(OnlineId, online_id_id)
            if row is None or row.status != "active":
                raise LogInFirst()
            if row.email != invitation.email:
                raise InvitedAnotherAddress(email=invitation.email)
            return self._join(s, token, invitation, row, client_address)

    def accept_with_new_password(self, token: str, password: str, *, client_address: str = "") -> Joined:
        """No Online ID yet: the link proves the address; create an active one and join."""
        try:
            return self._accept_with_new_password(token, password, client_address)
        except IntegrityError:
            # The Online ID was created at the same moment by another request: log in instead.
            raise AddressHasOnlineId() from None

    def _accept_with_new_password(self, token: str, password: str, client_address: str) -> Joined:
        with self._sessions.begin() as s:
            invitation = self._valid_invitation(s, token)
            row = s.scalar(select(OnlineId).where(OnlineId.email == invitation.email))
            if row is not None and row.status != "pending":
                raise AddressHasOnlineId()
            password = password or ""
            problem = (
                "id.password.too_long"
                if len(password) > MAX_PASSWORD_LENGTH
                else password_problem(password, email=invitation.email)
            )
            if problem:
                raise ValidationFailed({"password": problem})
            now = self._clock()
            if row is None:
                row = OnlineId(email=invitation.email, created_at=now)
                s.add(row)
            row.password_hash = hash_password(password)
            row.password_changed_at = now
            row.status = "active"
            row.verified_at = now
            s.flush()
            # An open sign-up link of this address is no longer needed.
            self._tokens.retire(s, purpose="verify", subject=str(row.id))
            return self._join(s, token, invitation, row, client_address)

    def _valid_invitation(self, s: Session, token: str) -> Invitation:
        try:
            claim = self._tokens.check(s, purpose=PURPOSE, token=token)
        except LinkExpired:
            raise InvitationExpired() from None
        except LinkUsed:
            raise InvitationUsed() from None
        except ServiceError:
            raise InvitationInvalid() from None
        invitation = s.get(Invitation, int(claim.subject)) if claim.subject.isdigit() else None
        if invitation is None:
            raise InvitationInvalid()
        if invitation.status == "revoked":
            raise InvitationRevoked()
        if invitation.status == "accepted" or invitation.nonce != claim.nonce:
            raise InvitationUsed()
        if invitation.expires_at <= self._clock():
            raise InvitationExpired()
        return invitation

    def _join(
        self, s: Session, token: str, invitation: Invitation, row: OnlineId, client_address: str
    ) -> Joined:
        try:
            self._tokens.consume(s, purpose=PURPOSE, token=token)
        except LinkUsed:  # a simultaneous request used the link first
            raise InvitationUsed() from None
        member = s.scalar(
            select(Membership).where(
                Membership.tenant_id == invitation.tenant_id, Membership.online_id_id == row.id
            )
        )
        now = self._clock()
        if member is None:
            s.add(
                Membership(
                    tenant_id=invitation.tenant_id,
                    online_id_id=row.id,
                    role=invitation.role,
                    active=True,
                    employee_uuid=invitation.employee_uuid,
                    created_at=now,
                )
            )
        elif not member.active:
            member.active = True
            member.role = invitation.role
            member.employee_uuid = invitation.employee_uuid or member.employee_uuid
        invitation.status = "accepted"
        invitation.accepted_at = now
        record(
            s,
            tenant_id=invitation.tenant_id,
            actor_id=row.id,
            action="join",
            target=row.email,
            before={"status": "invited"},
            after={"status": "active", "role": invitation.role},
            address=client_address,
        )
        tenant = s.get(Tenant, invitation.tenant_id)
        assert tenant is not None
        return Joined(tenant_uuid=tenant.uuid, online_id=id_view(row))

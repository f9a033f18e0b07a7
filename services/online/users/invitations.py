"""Invitations to a company account: invite, resend, revoke, and the mail that carries the link.

- one open invitation per address and company: inviting again is ``AlreadyInvited`` (resend instead);
- an invitation holds a seat while it is open and unexpired; none is left: ``SeatLimitReached``;
- every link is signed, expires with the invitation, works once, and only the newest link of an
  invitation works (the invitation stores its nonce);
- resending is paced (``ResendTooSoon``: once a minute; ``ResendLimitReached``: three an hour) so
  that the service cannot flood a mailbox.

Each public method is one transaction that resolves the caller's role inside it.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.online import Invitation, Membership, OnlineEmployee, OnlineId, Tenant
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import Conflict, NotFound, ValidationFailed
from services.i18n import format_date, normalise_language, translate
from services.online.audit import record
from services.online.identity import normalise_email
from services.online.mail import MailService
from services.online.names import labelled
from services.online.tokens import LinkTokens
from services.online.users.directory import count_seats
from services.online.users.rules import admin_context, check_role, require_may_handle
from services.online.workspace.access import TenantContext

PURPOSE = "invitation"  # the link tokens' purpose (salt)
INVITATION_LIFETIME = dt.timedelta(days=7)
RESEND_PAUSE = dt.timedelta(seconds=60)
RESENDS_PER_HOUR = 3  # besides the pause: a few resends an hour, then the hour must end
RESEND_WINDOW = dt.timedelta(hours=1)
MAX_MESSAGE_LENGTH = 2000
INVITATION_PAGE = "/id/invitation"


class AlreadyInvited(Conflict):
    """The address has an open invitation (even an expired one): resend it instead."""

    key = "users.already_invited"

    def __init__(self, *, email: str, invitation_id: int) -> None:
        super().__init__(email=email, invitation_id=invitation_id)
        self.invitation_id = invitation_id


class AlreadyMember(Conflict):
    key = "users.already_member"


class SeatLimitReached(Conflict):
    key = "users.no_seat_left"


class ResendTooSoon(Conflict):
    key = "users.resend_too_soon"


class ResendLimitReached(Conflict):
    """The invitation was resent the most times an hour allows."""

    key = "admin.resend_limit"


class InvitationClosed(Conflict):
    """The invitation was accepted or revoked: there is nothing to resend or revoke."""

    key = "users.invitation_revoked"

    def __init__(self, status: str) -> None:
        super().__init__(f"users.invitation_{status}")


class InvitationNotFound(NotFound):
    key = "users.invitation_not_found"


class EmployeeNotFound(NotFound):
    key = "users.employee_not_found"


class InvitationMailer:
    """Issues an invitation's newest link and mails it (for invitations, resends and reminders)."""

    def __init__(
        self, *, tokens: LinkTokens, mail: MailService, link_base_url: str, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self._tokens, self._mail, self._clock = tokens, mail, clock
        self._base = link_base_url.rstrip("/")

    @property
    def mail(self) -> MailService:
        return self._mail

    @property
    def base_url(self) -> str:
        return self._base

    def send(
        self, s: Session, *, invitation: Invitation, tenant: Tenant, lang: str, kind: str = "invitation"
    ) -> None:
        """Retire the invitation's older links, issue a new one and queue the mail (same transaction)."""
        self._tokens.retire(s, purpose=PURPOSE, subject=str(invitation.id))
        token, nonce = self._tokens.issue_with_nonce(s, purpose=PURPOSE, subject=str(invitation.id))
        invitation.nonce = nonce
        invitation.send_count = (invitation.send_count or 0) + 1
        invitation.last_sent_at = self._clock()
        inviter = s.get(OnlineId, invitation.invited_by_id) if invitation.invited_by_id else None
        message = self._mail.compose(
            kind,
            lang,
            to=invitation.email,
            email=invitation.email,
            inviter=labelled(s, tenant_id=tenant.id, row=inviter),
            company=tenant.name,
            role=translate(f"online.role.{invitation.role}", lang),
            message=invitation.message,
            expires=format_date(invitation.expires_at, lang=lang),
            link=f"{self._base}{INVITATION_PAGE}?token={token}",
        )
        self._mail.enqueue(s, message)


class InvitationService:
    def __init__(
        self, sessions: sessionmaker[Session], *, mailer: InvitationMailer, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self._sessions, self._mailer, self._clock = sessions, mailer, clock

    def invite(
        self,
        online_id_id: int,
        tenant_uuid: str,
        *,
        email: str,
        role: str,
        employee_uuid: str | None = None,
        message: str = "",
        language: str = "en",
        client_address: str = "",
    ) -> int:
        """Create an invitation and mail its link; returns the invitation's id."""
        now = self._clock()
        with self._sessions.begin() as s:
            ctx = admin_context(s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, for_write=True)
            address = normalise_email(email)
            check_role(role)
            require_may_handle(ctx, role)
            text = (message or "").strip()
            if len(text) > MAX_MESSAGE_LENGTH:
                raise ValidationFailed({"message": "users.message_too_long"})
            tenant = _tenant(s, ctx)
            _check_invitable(s, ctx, address, employee_uuid, now)
            invitation = _new_invitation(ctx, address, role, employee_uuid, text, now)
            s.add(invitation)
            s.flush()
            self._mailer.send(s, invitation=invitation, tenant=tenant, lang=normalise_language(language))
            record(
                s,
                tenant_id=ctx.tenant_id,
                actor_id=ctx.online_id_id,
                action="invite",
                target=address,
                after={"role": role, "expires": invitation.expires_at.isoformat()},
                address=client_address,
            )
            return invitation.id

    def resend(
        self,
        online_id_id: int,
        tenant_uuid: str,
        *,
        invitation_id: int,
        language: str = "en",
        client_address: str = "",
    ) -> None:
        """New expiry and a new link; the older links stop working. At most once a minute."""
        now = self._clock()
        with self._sessions.begin() as s:
            ctx = admin_context(s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, for_write=True)
            invitation = _open_invitation(s, ctx, invitation_id)
            if now - invitation.last_sent_at < RESEND_PAUSE:
                wait = int((RESEND_PAUSE - (now - invitation.last_sent_at)).total_seconds()) + 1
                raise ResendTooSoon(seconds=wait)
            _count_resend(invitation, now)
            tenant = _tenant(s, ctx)
            if invitation.expires_at <= now and count_seats(s, tenant_id=ctx.tenant_id, now=now).left <= 0:
                raise SeatLimitReached(seats=tenant.seats)
            before = {"expires": invitation.expires_at.isoformat()}
            invitation.expires_at = now + INVITATION_LIFETIME
            self._mailer.send(s, invitation=invitation, tenant=tenant, lang=normalise_language(language))
            record(
                s,
                tenant_id=ctx.tenant_id,
                actor_id=ctx.online_id_id,
                action="resend",
                target=invitation.email,
                before=before,
                after={"expires": invitation.expires_at.isoformat()},
                address=client_address,
            )

    def revoke(
        self, online_id_id: int, tenant_uuid: str, *, invitation_id: int, client_address: str = ""
    ) -> None:
        with self._sessions.begin() as s:
            ctx = admin_context(s, online_id_id=online_id_id, tenant_uuid=tenant_uuid, for_write=True)
            invitation = _open_invitation(s, ctx, invitation_id)
            invitation.status = "revoked"
            record(
                s,
                tenant_id=ctx.tenant_id,
                actor_id=ctx.online_id_id,
                action="revoke",
                target=invitation.email,
                before={"status": "pending"},
                after={"status": "revoked"},
                address=client_address,
            )


def _count_resend(invitation: Invitation, now: dt.datetime) -> None:
    """At most RESENDS_PER_HOUR resends in an hour that starts with the first resend of it."""
    start = invitation.resend_window_at
    if start is None or now - start >= RESEND_WINDOW:
        invitation.resend_window_at, invitation.resends_in_window = now, 0
        start = now
    if invitation.resends_in_window >= RESENDS_PER_HOUR:
        minutes = int((start + RESEND_WINDOW - now).total_seconds() // 60) + 1
        raise ResendLimitReached(limit=RESENDS_PER_HOUR, minutes=minutes)
    invitation.resends_in_window += 1


def _new_invitation(
    ctx: TenantContext, address: str, role: str, employee_uuid: str | None, message: str, now: dt.datetime
) -> Invitation:
    return Invitation(
        tenant_id=ctx.tenant_id,
        email=address,
        role=role,
        employee_uuid=employee_uuid,
        message=message,
        status="pending",
        nonce=secrets.token_urlsafe(24),  # replaced by the first link's nonce when it is sent
        expires_at=now + INVITATION_LIFETIME,
        invited_by_id=ctx.online_id_id,
        send_count=0,
        last_sent_at=now,
        created_at=now,
    )


def _tenant(s: Session, ctx: TenantContext) -> Tenant:
    tenant = s.get(Tenant, ctx.tenant_id)
    assert tenant is not None  # the context was resolved (and the row locked) in this transaction
    return tenant


def _check_invitable(
    s: Session, ctx: TenantContext, address: str, employee_uuid: str | None, now: dt.datetime
) -> None:
    if employee_uuid is not None:
        employee = s.get(OnlineEmployee, {"tenant_id": ctx.tenant_id, "uuid": employee_uuid})
        if employee is None or employee.deleted:
            raise EmployeeNotFound()
    open_one = s.scalar(
        select(Invitation.id).where(
            Invitation.tenant_id == ctx.tenant_id, Invitation.email == address, Invitation.status == "pending"
        )
    )
    if open_one is not None:
        raise AlreadyInvited(email=address, invitation_id=open_one)
    member = s.scalar(
        select(Membership.id)
        .join(OnlineId, OnlineId.id == Membership.online_id_id)
        .where(Membership.tenant_id == ctx.tenant_id, Membership.active.is_(True), OnlineId.email == address)
    )
    if member is not None:
        raise AlreadyMember(email=address)
    seats = count_seats(s, tenant_id=ctx.tenant_id, now=now)
    if seats.left <= 0:
        raise SeatLimitReached(seats=seats.seats)


def _open_invitation(s: Session, ctx: TenantContext, invitation_id: int) -> Invitation:
    """A pending invitation of this account that the caller may handle."""
    invitation = s.get(Invitation, invitation_id)
    if invitation is None or invitation.tenant_id != ctx.tenant_id:
        raise InvitationNotFound()
    if invitation.status != "pending":
        raise InvitationClosed(invitation.status)
    require_may_handle(ctx, invitation.role)
    return invitation

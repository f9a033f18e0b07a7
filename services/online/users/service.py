"""User administration of a company account in the Online Desktop (PRODUCT.md §3).

The company's employees (synced from the Business Software) with their status *Active*,
*Invited* (pending, with its expiry) or *Not invited*, the seat counter of the service contract,
and invitations: invite, resend, revoke; members: change role, deactivate. Accepting an
invitation: a person with an Online ID logs in and joins, a person without one sets a password
(the link proves the address) and joins.

Rules kept here, not in the UI:
- only Super Users and Administrators (Full access to "users") may call the administration;
  only a Super User may grant, take away or deactivate the Super User role;
- one open invitation per address and company: inviting again is a Conflict (resend instead);
- every link is signed, expires with the invitation, works once and only the newest link of an
  invitation works (the invitation stores its nonce);
- there is always at least one active Super User.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.online import ROLES, Invitation, Membership, OnlineEmployee, OnlineId, Tenant
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import Conflict, NotFound, PermissionDenied, ServiceError, ValidationFailed
from services.i18n import format_date, normalise_language, translate
from services.online.identity import MAX_PASSWORD_LENGTH, OnlineIdView, id_view, normalise_email
from services.online.mail import MailService
from services.online.tokens import LinkExpired, LinkTokens, LinkUsed
from services.online.workspace.service import OnlineWorkspaceService, TenantContext
from services.passwords import hash_password, password_problem

log = logging.getLogger(__name__)

PURPOSE = "invitation"
INVITATION_LIFETIME = dt.timedelta(days=7)
REMINDER_BEFORE = dt.timedelta(days=2)  # an unanswered invitation is reminded of this long before expiry
REMINDER_CHECK_SECONDS = 3600.0
# Resending is paced so that the service cannot be used to flood a mailbox.
RESEND_PAUSE = dt.timedelta(seconds=60)
MAX_MESSAGE_LENGTH = 2000
INVITATION_PAGE = "/id/invitation"
ROLE_CHOICES: tuple[str, ...] = tuple(ROLES)  # in the order the UI offers them


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


@dataclass(frozen=True, kw_only=True, slots=True)
class SeatCounter:
    seats: int
    used: int  # active members
    pending: int  # open, unexpired invitations
    left: int


@dataclass(frozen=True, kw_only=True, slots=True)
class UserRow:
    """One line of the user administration: an employee, or a member who is not an employee.

    ``status`` is active | invited | expired | deactivated | not_invited.
    """

    employee_uuid: str | None
    name: str
    email: str
    status: str
    role: str | None
    member_id: int | None
    invitation_id: int | None
    expires_at: dt.datetime | None
    is_employee: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class UserOverview:
    tenant_uuid: str
    company: str
    caller_role: str
    rows: tuple[UserRow, ...]
    seats: SeatCounter


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


class OnlineUserService:
    """Every public method is one transaction on the online database."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        tokens: LinkTokens,
        mail: MailService,
        link_base_url: str,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._sessions = sessions
        self._tokens = tokens
        self._mail = mail
        self._base = link_base_url.rstrip("/")
        self._clock = clock
        self._workspace = OnlineWorkspaceService(sessions, clock)

    # --- overview -------------------------------------------------------------------------------

    def overview(self, online_id_id: int, tenant_uuid: str) -> UserOverview:
        ctx = self._admin(online_id_id, tenant_uuid)
        now = self._clock()
        with self._sessions() as s:
            employees = s.scalars(
                select(OnlineEmployee)
                .where(OnlineEmployee.tenant_id == ctx.tenant_id, OnlineEmployee.deleted.is_(False))
                .order_by(OnlineEmployee.last_name, OnlineEmployee.first_name, OnlineEmployee.uuid)
            ).all()
            members = s.execute(
                select(Membership, OnlineId)
                .join(OnlineId, OnlineId.id == Membership.online_id_id)
                .where(Membership.tenant_id == ctx.tenant_id)
                .order_by(OnlineId.email)
            ).all()
            invitations = s.scalars(
                select(Invitation)
                .where(Invitation.tenant_id == ctx.tenant_id, Invitation.status == "pending")
                .order_by(Invitation.id)
            ).all()
            seats = self._seats(s, ctx.tenant_id, now)

        matched: set[int] = set()
        used_invitations: set[int] = set()
        rows: list[UserRow] = []
        for emp in employees:
            email = (emp.email or "").strip().lower()
            member = next(
                (m for m, o in members if m.employee_uuid == emp.uuid or (email and o.email == email)), None
            )
            member_email = None
            if member is not None:
                matched.add(member.id)
                member_email = next(o.email for m, o in members if m.id == member.id)
            invitation = next(
                (
                    i
                    for i in invitations
                    if i.employee_uuid == emp.uuid or (email and i.email == email)
                    if i.id not in used_invitations
                ),
                None,
            )
            if invitation is not None:
                used_invitations.add(invitation.id)
            rows.append(
                _row(
                    employee_uuid=emp.uuid,
                    name=" ".join(p for p in (emp.first_name, emp.last_name) if p),
                    email=member_email or email,
                    member=member,
                    invitation=invitation,
                    now=now,
                )
            )
        for member, online_id in members:
            if member.id in matched:
                continue
            invitation = next(
                (i for i in invitations if i.email == online_id.email and i.id not in used_invitations), None
            )
            if invitation is not None:
                used_invitations.add(invitation.id)
            rows.append(
                _row(
                    employee_uuid=member.employee_uuid,
                    name=online_id.full_name,
                    email=online_id.email,
                    member=member,
                    invitation=invitation,
                    now=now,
                    is_employee=False,
                )
            )
        for invitation in invitations:
            if invitation.id not in used_invitations:
                rows.append(
                    _row(
                        employee_uuid=invitation.employee_uuid,
                        name="",
                        email=invitation.email,
                        member=None,
                        invitation=invitation,
                        now=now,
                        is_employee=False,
                    )
                )
        return UserOverview(
            tenant_uuid=ctx.tenant_uuid,
            company=ctx.company,
            caller_role=ctx.role,
            rows=tuple(rows),
            seats=seats,
        )

    def seats(self, online_id_id: int, tenant_uuid: str) -> SeatCounter:
        ctx = self._admin(online_id_id, tenant_uuid)
        with self._sessions() as s:
            return self._seats(s, ctx.tenant_id, self._clock())

    # --- invitations ----------------------------------------------------------------------------

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
    ) -> int:
        """Create an invitation and mail its link; returns the invitation's id.

        An address with a pending invitation (even an expired one) is a Conflict: resend it instead.
        """
        ctx = self._admin(online_id_id, tenant_uuid)
        address = normalise_email(email)
        _check_role(role)
        if role == "super_user":
            _require_super_user(ctx)
        text = (message or "").strip()
        if len(text) > MAX_MESSAGE_LENGTH:
            raise ValidationFailed({"message": "users.message_too_long"})
        now = self._clock()
        with self._sessions.begin() as s:
            tenant = self._lock_tenant(s, ctx.tenant_id)
            if employee_uuid is not None:
                employee = s.get(OnlineEmployee, {"tenant_id": ctx.tenant_id, "uuid": employee_uuid})
                if employee is None or employee.deleted:
                    raise NotFound("users.employee_not_found")
            open_one = s.scalar(
                select(Invitation.id).where(
                    Invitation.tenant_id == ctx.tenant_id,
                    Invitation.email == address,
                    Invitation.status == "pending",
                )
            )
            if open_one is not None:
                raise Conflict("users.already_invited", email=address, invitation_id=open_one)
            if self._active_member_with(s, ctx.tenant_id, address):
                raise Conflict("users.already_member", email=address)
            if self._seats(s, ctx.tenant_id, now).left <= 0:
                raise Conflict("users.no_seat_left", seats=tenant.seats)
            invitation = Invitation(
                tenant_id=ctx.tenant_id,
                email=address,
                role=role,
                employee_uuid=employee_uuid,
                message=text,
                status="pending",
                nonce=secrets.token_urlsafe(24),
                expires_at=now + INVITATION_LIFETIME,
                invited_by_id=online_id_id,
                send_count=0,
                last_sent_at=now,
                created_at=now,
            )
            s.add(invitation)
            s.flush()
            self._send(s, invitation, tenant, normalise_language(language))
            return invitation.id

    def resend(
        self, online_id_id: int, tenant_uuid: str, invitation_id: int, *, language: str = "en"
    ) -> None:
        """New expiry and a new link; the older links stop working. At most once a minute."""
        ctx = self._admin(online_id_id, tenant_uuid)
        now = self._clock()
        with self._sessions.begin() as s:
            tenant = self._lock_tenant(s, ctx.tenant_id)
            invitation = self._invitation(s, ctx, invitation_id)
            if invitation.status != "pending":
                raise Conflict(f"users.invitation_{invitation.status}")
            if invitation.role == "super_user":
                _require_super_user(ctx)
            if now - invitation.last_sent_at < RESEND_PAUSE:
                wait = int((RESEND_PAUSE - (now - invitation.last_sent_at)).total_seconds()) + 1
                raise Conflict("users.resend_too_soon", seconds=wait)
            if invitation.expires_at <= now and self._seats(s, ctx.tenant_id, now).left <= 0:
                raise Conflict("users.no_seat_left", seats=tenant.seats)
            invitation.expires_at = now + INVITATION_LIFETIME
            self._send(s, invitation, tenant, normalise_language(language))

    def revoke(self, online_id_id: int, tenant_uuid: str, invitation_id: int) -> None:
        ctx = self._admin(online_id_id, tenant_uuid)
        with self._sessions.begin() as s:
            invitation = self._invitation(s, ctx, invitation_id)
            if invitation.status != "pending":
                raise Conflict(f"users.invitation_{invitation.status}")
            if invitation.role == "super_user":
                _require_super_user(ctx)
            invitation.status = "revoked"

    # --- members --------------------------------------------------------------------------------

    def change_role(self, online_id_id: int, tenant_uuid: str, member_id: int, role: str) -> None:
        ctx = self._admin(online_id_id, tenant_uuid)
        _check_role(role)
        with self._sessions.begin() as s:
            self._lock_tenant(s, ctx.tenant_id)
            member = self._member(s, ctx, member_id)
            if role == member.role:
                return
            if "super_user" in (role, member.role):
                _require_super_user(ctx)
            if member.role == "super_user" and member.active:
                self._keep_a_super_user(s, ctx.tenant_id)
            member.role = role

    def deactivate(self, online_id_id: int, tenant_uuid: str, member_id: int) -> None:
        ctx = self._admin(online_id_id, tenant_uuid)
        with self._sessions.begin() as s:
            self._lock_tenant(s, ctx.tenant_id)
            member = self._member(s, ctx, member_id)
            if not member.active:
                return
            if member.role == "super_user":
                _require_super_user(ctx)
                self._keep_a_super_user(s, ctx.tenant_id)
            member.active = False

    # --- accepting ------------------------------------------------------------------------------

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
                inviter=_person(inviter),
                expires_at=invitation.expires_at,
                has_online_id=existing == "active",
            )

    def accept_as_logged_in(self, token: str, online_id_id: int) -> Joined:
        """The logged-in Online ID joins; it must have the invited address."""
        with self._sessions.begin() as s:
            invitation = self._valid_invitation(s, token)
            row = s.get(OnlineId, online_id_id)
            if row is None or row.status != "active":
                raise PermissionDenied("users.invitation.log_in_first")
            if row.email != invitation.email:
                raise PermissionDenied("users.invitation.other_address", email=invitation.email)
            return self._join(s, token, invitation, row)

    def accept_with_new_password(self, token: str, password: str) -> Joined:
        """No Online ID yet: the link proves the address; create an active one and join."""
        try:
            return self._accept_with_new_password(token, password)
        except IntegrityError:
            # The Online ID was created at the same moment by another request: log in instead.
            raise Conflict("users.invitation.has_online_id") from None

    def _accept_with_new_password(self, token: str, password: str) -> Joined:
        with self._sessions.begin() as s:
            invitation = self._valid_invitation(s, token)
            row = s.scalar(select(OnlineId).where(OnlineId.email == invitation.email))
            if row is not None and row.status != "pending":
                raise Conflict("users.invitation.has_online_id")
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
            self._tokens.retire(s, "verify", str(row.id))
            return self._join(s, token, invitation, row)

    # --- helpers (take the session, never commit) -----------------------------------------------

    def _admin(self, online_id_id: int, tenant_uuid: str) -> TenantContext:
        return self._workspace.context(online_id_id, tenant_uuid, "users", "full")

    def _lock_tenant(self, s: Session, tenant_id: int) -> Tenant:
        """The tenant row, locked (PostgreSQL) so seat and Super User checks cannot race."""
        tenant = s.scalar(select(Tenant).where(Tenant.id == tenant_id).with_for_update())
        if tenant is None:
            raise NotFound("online.no_company")
        return tenant

    def _seats(self, s: Session, tenant_id: int, now: dt.datetime) -> SeatCounter:
        seats = s.scalar(select(Tenant.seats).where(Tenant.id == tenant_id)) or 0
        used = s.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.tenant_id == tenant_id, Membership.active.is_(True))
        )
        pending = s.scalar(
            select(func.count())
            .select_from(Invitation)
            .where(
                Invitation.tenant_id == tenant_id,
                Invitation.status == "pending",
                Invitation.expires_at > now,
            )
        )
        used, pending = used or 0, pending or 0
        return SeatCounter(seats=seats, used=used, pending=pending, left=max(0, seats - used - pending))

    def _active_member_with(self, s: Session, tenant_id: int, address: str) -> bool:
        found = s.scalar(
            select(Membership.id)
            .join(OnlineId, OnlineId.id == Membership.online_id_id)
            .where(Membership.tenant_id == tenant_id, Membership.active.is_(True), OnlineId.email == address)
        )
        return found is not None

    def _invitation(self, s: Session, ctx: TenantContext, invitation_id: int) -> Invitation:
        invitation = s.get(Invitation, invitation_id)
        if invitation is None or invitation.tenant_id != ctx.tenant_id:
            raise NotFound("users.invitation_not_found")
        return invitation

    def _member(self, s: Session, ctx: TenantContext, member_id: int) -> Membership:
        member = s.get(Membership, member_id)
        if member is None or member.tenant_id != ctx.tenant_id:
            raise NotFound("users.member_not_found")
        return member

    def _keep_a_super_user(self, s: Session, tenant_id: int) -> None:
        """Refuse when the member about to lose the role is the company's last active Super User."""
        count = s.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.tenant_id == tenant_id,
                Membership.active.is_(True),
                Membership.role == "super_user",
            )
        )
        if (count or 0) <= 1:
            raise Conflict("users.last_super_user")

    # --- reminders ------------------------------------------------------------------------------

    def send_reminders(self) -> int:
        """Remind each invitee once whose pending invitation expires within two days and who got
        no mail since that window opened; the reminder carries a new link (the older one stops
        working, as after a resend). Returns how many reminders went out."""
        now = self._clock()
        sent = 0
        with self._sessions.begin() as s:
            due = s.scalars(
                select(Invitation).where(
                    Invitation.status == "pending",
                    Invitation.expires_at > now,
                    Invitation.expires_at <= now + REMINDER_BEFORE,
                )
            ).all()
            for invitation in due:
                if invitation.last_sent_at >= invitation.expires_at - REMINDER_BEFORE:
                    continue  # mailed inside the window already (a resend or an earlier reminder)
                tenant = s.get(Tenant, invitation.tenant_id)
                if tenant is None:
                    continue
                self._send(
                    s, invitation, tenant, self._language_of(s, invitation), kind="invitation_reminder"
                )
                sent += 1
        return sent

    async def remind_forever(self, every: float = REMINDER_CHECK_SECONDS) -> None:
        """The Online Desktop's reminder loop (started by main.py)."""
        while True:
            try:
                await asyncio.to_thread(self.send_reminders)
            except Exception:  # a failed round is logged; the next one tries again
                log.exception("sending invitation reminders failed")
            await asyncio.sleep(every)

    @staticmethod
    def _language_of(s: Session, invitation: Invitation) -> str:
        """The invitee's language if they have an Online ID, else the inviter's."""
        for address_or_id in (invitation.email, invitation.invited_by_id):
            if isinstance(address_or_id, str):
                row = s.scalar(select(OnlineId).where(OnlineId.email == address_or_id))
            else:
                row = s.get(OnlineId, address_or_id) if address_or_id else None
            if row is not None and row.language:
                return normalise_language(row.language)
        return "en"

    def _send(
        self, s: Session, invitation: Invitation, tenant: Tenant, lang: str, *, kind: str = "invitation"
    ) -> None:
        """Retire the invitation's older links, issue a new one and mail it."""
        now = self._clock()
        self._tokens.retire(s, PURPOSE, str(invitation.id))
        token, nonce = self._tokens.issue_with_nonce(s, PURPOSE, str(invitation.id))
        invitation.nonce = nonce
        invitation.send_count = (invitation.send_count or 0) + 1
        invitation.last_sent_at = now
        inviter = s.get(OnlineId, invitation.invited_by_id) if invitation.invited_by_id else None
        message = self._mail.compose(
            kind,
            lang,
            to=invitation.email,
            email=invitation.email,
            inviter=_person(inviter),
            company=tenant.name,
            role=translate(f"online.role.{invitation.role}", lang),
            message=invitation.message,
            expires=format_date(invitation.expires_at, lang),
            link=f"{self._base}{INVITATION_PAGE}?token={token}",
        )
        self._mail.enqueue(s, message)

    def _valid_invitation(self, s: Session, token: str) -> Invitation:
        try:
            claim = self._tokens.check(s, PURPOSE, token)
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

    def _join(self, s: Session, token: str, invitation: Invitation, row: OnlineId) -> Joined:
        try:
            self._tokens.consume(s, PURPOSE, token)
        except LinkUsed:  # a simultaneous request used the link first
            raise InvitationUsed() from None
        member = s.scalar(
            select(Membership).where(
                Membership.tenant_id == invitation.tenant_id, Membership.online_id_id == row.id
            )
        )
        if member is None:
            s.add(
                Membership(
                    tenant_id=invitation.tenant_id,
                    online_id_id=row.id,
                    role=invitation.role,
                    active=True,
                    employee_uuid=invitation.employee_uuid,
                    created_at=self._clock(),
                )
            )
        elif not member.active:
            member.active = True
            member.role = invitation.role
            member.employee_uuid = invitation.employee_uuid or member.employee_uuid
        invitation.status = "accepted"
        invitation.accepted_at = self._clock()
        tenant = s.get(Tenant, invitation.tenant_id)
        assert tenant is not None
        return Joined(tenant_uuid=tenant.uuid, online_id=id_view(row))


def _row(
    *,
    employee_uuid: str | None,
    name: str,
    email: str,
    member: Membership | None,
    invitation: Invitation | None,
    now: dt.datetime,
    is_employee: bool = True,
) -> UserRow:
    if member is not None and member.active:
        status = "active"
    elif invitation is not None:
        status = "invited" if invitation.expires_at > now else "expired"
    elif member is not None:
        status = "deactivated"
    else:
        status = "not_invited"
    return UserRow(
        employee_uuid=employee_uuid,
        name=name,
        email=email,
        status=status,
        role=member.role if member is not None else (invitation.role if invitation is not None else None),
        member_id=member.id if member is not None else None,
        invitation_id=invitation.id if invitation is not None and status != "active" else None,
        expires_at=invitation.expires_at if invitation is not None and status != "active" else None,
        is_employee=is_employee,
    )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationFailed({"role": "users.role_unknown"})


def _require_super_user(ctx: TenantContext) -> None:
    if ctx.role != "super_user":
        raise PermissionDenied("users.only_super_user")


def _person(row: OnlineId | None) -> str:
    if row is None:
        return ""
    return f"{row.full_name} ({row.email})" if row.full_name else row.email

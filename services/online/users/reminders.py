"""Invitation reminders, each sent once:

- to the invitee, two days before an unanswered invitation expires, with a new link (the older
  one stops working, as after a resend);
- to the inviter, when the invitation is still pending five days after it was sent, with a link
  to the user administration (to resend or revoke it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.online import Invitation, Membership, OnlineEmployee, OnlineId, Tenant
from services.clock import SYSTEM_CLOCK, Clock
from services.i18n import format_date, normalise_language
from services.online.names import employee_name, name_in
from services.online.users.invitations import InvitationMailer

log = logging.getLogger(__name__)

REMINDER_BEFORE = dt.timedelta(days=2)  # an unanswered invitation is reminded this long before expiry
INVITER_REMINDER_AFTER = dt.timedelta(days=5)  # the inviter hears of a still pending invitation
REMINDER_CHECK_SECONDS = 3600.0


class InvitationReminders:
    def __init__(
        self, sessions: sessionmaker[Session], *, mailer: InvitationMailer, clock: Clock = SYSTEM_CLOCK
    ):
        self._sessions, self._mailer, self._clock = sessions, mailer, clock

    def send_reminders(self) -> int:
        """Remind each invitee once whose pending invitation expires within two days and who got
        no mail since that window opened. Returns how many reminders went out (one transaction)."""
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
                self._mailer.send(
                    s,
                    invitation=invitation,
                    tenant=tenant,
                    lang=_language_of(s, invitation),
                    kind="invitation_reminder",
                )
                sent += 1
        return sent

    def remind_inviters(self) -> int:
        """Tell each inviter once of an invitation still pending five days after it was sent (and
        not expired); only inviters who are still active members. Returns how many mails went out."""
        now = self._clock()
        sent = 0
        with self._sessions.begin() as s:
            due = s.execute(
                select(Invitation, OnlineId, Tenant)
                .join(OnlineId, OnlineId.id == Invitation.invited_by_id)
                .join(Tenant, Tenant.id == Invitation.tenant_id)
                .join(
                    Membership,
                    (Membership.tenant_id == Invitation.tenant_id)
                    & (Membership.online_id_id == Invitation.invited_by_id),
                )
                .where(
                    Invitation.status == "pending",
                    Invitation.inviter_reminded_at.is_(None),
                    Invitation.created_at <= now - INVITER_REMINDER_AFTER,
                    Invitation.expires_at > now,
                    Membership.active.is_(True),
                    OnlineId.status == "active",
                )
            ).all()
            for invitation, inviter, tenant in due:
                self._remind_inviter(s, invitation, inviter, tenant)
                sent += 1
        return sent

    def _remind_inviter(self, s: Session, invitation: Invitation, inviter: OnlineId, tenant: Tenant) -> None:
        lang = normalise_language(inviter.language)
        invitee = invitation.email
        if invitation.employee_uuid:
            employee = s.get(OnlineEmployee, {"tenant_id": tenant.id, "uuid": invitation.employee_uuid})
            name = employee_name(employee.first_name, employee.last_name) if employee is not None else ""
            invitee = f"{name} ({invitation.email})" if name else invitation.email
        mail = self._mailer.mail
        message = mail.compose(
            "invitation_pending",
            lang,
            to=inviter.email,
            inviter=name_in(s, tenant_id=tenant.id, row=inviter) or inviter.email,
            invitee=invitee,
            company=tenant.name,
            sent=format_date(invitation.created_at, lang=lang),
            expires=format_date(invitation.expires_at, lang=lang),
            link=f"{self._mailer.base_url}/online/c/{tenant.uuid}/users?show=invited",
        )
        mail.enqueue(s, message)
        invitation.inviter_reminded_at = self._clock()

    async def remind_forever(self, every: float = REMINDER_CHECK_SECONDS) -> None:
        """The Online Desktop's reminder loop (started by main.py)."""
        while True:
            try:
                await asyncio.to_thread(self.send_reminders)
                await asyncio.to_thread(self.remind_inviters)
            except Exception:  # a failed round is logged; the next one tries again
                log.exception("sending invitation reminders failed")
            await asyncio.sleep(every)


def _language_of(s: Session, invitation: Invitation) -> str:
    """The invitee's language if they have an Online ID, else the inviter's."""
    invitee = s.scalar(select(OnlineId).where(OnlineId.email == invitation.email))
    inviter = s.get(OnlineId, invitation.invited_by_id) if invitation.invited_by_id else None
    for row in (invitee, inviter):
        if row is not None and row.language:
            return normalise_language(row.language)
    return "en"

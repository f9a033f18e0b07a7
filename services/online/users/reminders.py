"""Invitation reminders: an unanswered invitation is reminded once by e-mail two days before it
expires, with a new link (the older one stops working, as after a resend)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.online import Invitation, OnlineId, Tenant
from services.clock import SYSTEM_CLOCK, Clock
from services.i18n import normalise_language
from services.online.users.invitations import InvitationMailer

log = logging.getLogger(__name__)

REMINDER_BEFORE = dt.timedelta(days=2)  # an unanswered invitation is reminded this long before expiry
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
                    s, invitation, tenant, _language_of(s, invitation), kind="invitation_reminder"
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


def _language_of(s: Session, invitation: Invitation) -> str:
    """The invitee's language if they have an Online ID, else the inviter's."""
    invitee = s.scalar(select(OnlineId).where(OnlineId.email == invitation.email))
    inviter = s.get(OnlineId, invitation.invited_by_id) if invitation.invited_by_id else None
    for row in (invitee, inviter):
        if row is not None and row.language:
            return normalise_language(row.language)
    return "en"

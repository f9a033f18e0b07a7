"""SMTP delivery of queued mail: a background worker with retries, backoff and recorded status.

The worker claims due rows with a conditional UPDATE (a lease), so several Online Desktop
instances can run it against one database without sending a mail twice; a worker that dies
mid-send leaves a lease that expires and the mail is tried again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Literal

import aiosmtplib
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from models.online import OutgoingMail
from services.clock import SYSTEM_CLOCK, Clock
from services.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    security: Literal["none", "starttls", "tls"] = "none"
    user: str | None = None
    password: str | None = None
    timeout: float = 10.0
    cert_bundle: str | None = None
    sender: str = "Online Desktop <no-reply@localhost>"

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_security,
            user=settings.smtp_user,
            password=settings.smtp_password,
            timeout=settings.smtp_timeout,
            cert_bundle=settings.smtp_cert_bundle,
            sender=settings.mail_from,
        )

    def send_kwargs(self) -> dict[str, Any]:
        """aiosmtplib options: implicit TLS, STARTTLS, or plain (never an opportunistic guess)."""
        return {
            "hostname": self.host,
            "port": self.port,
            "use_tls": self.security == "tls",
            "start_tls": self.security == "starttls",
            "username": self.user or None,
            "password": self.password if self.user else None,
            "timeout": self.timeout,
            "cert_bundle": self.cert_bundle,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class _Claimed:
    id: int
    to: str
    subject: str
    text: str
    html: str
    attempts: int


Send = Callable[[EmailMessage, SmtpConfig], Awaitable[object]]


async def send_with_aiosmtplib(message: EmailMessage, config: SmtpConfig) -> object:
    return await aiosmtplib.send(message, **config.send_kwargs())


class SmtpDelivery:
    """Sends due mails; failures are retried with doubling delays, then marked failed with the reason."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        config: SmtpConfig,
        *,
        clock: Clock = SYSTEM_CLOCK,
        max_attempts: int = 5,
        first_retry: dt.timedelta = dt.timedelta(seconds=30),
        max_retry: dt.timedelta = dt.timedelta(minutes=30),
        lease: dt.timedelta = dt.timedelta(minutes=5),
        send: Send = send_with_aiosmtplib,
    ) -> None:
        self._sessions = sessions
        self.config = config
        self._clock = clock
        self._max_attempts = max_attempts
        self._first_retry = first_retry
        self._max_retry = max_retry
        self._lease = lease
        self._send = send
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def wake(self) -> None:
        """Nudge the worker (callable from any thread, e.g. right after a commit that queued mail)."""
        if self._loop is not None and self._event is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._event.set)

    async def run(self, *, poll_seconds: float = 5.0) -> None:
        """Deliver forever: whenever woken, and every ``poll_seconds`` for retries that fell due."""
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        while True:
            try:
                await self.deliver_due()
            except Exception:
                log.exception("mail delivery round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), timeout=poll_seconds)
            self._event.clear()

    async def deliver_due(self, *, limit: int = 20) -> int:
        """Send every mail that is due now; returns how many were attempted."""
        claimed = await asyncio.to_thread(self._claim_due, limit)
        for mail in claimed:
            await self._deliver(mail)
        return len(claimed)

    async def _deliver(self, mail: _Claimed) -> None:
        try:
            await self._send(self._message(mail), self.config)
        except Exception as exc:
            log.warning("sending mail %s to %s failed: %s", mail.id, mail.to, exc)
            await asyncio.to_thread(self._record_failure, mail, exc)
        else:
            await asyncio.to_thread(self._record_sent, mail)

    def _message(self, mail: _Claimed) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = email.utils.format_datetime(self._clock())
        domain = email.utils.parseaddr(self.config.sender)[1].rpartition("@")[2] or None
        message["Message-ID"] = email.utils.make_msgid(domain=domain)
        message.set_content(mail.text)
        message.add_alternative(mail.html, subtype="html")
        return message

    def _claim_due(self, limit: int) -> list[_Claimed]:
        now = self._clock()
        due = (
            OutgoingMail.status.in_(("queued", "sending")),
            OutgoingMail.next_attempt_at.is_not(None),
            OutgoingMail.next_attempt_at <= now,
        )
        with self._sessions.begin() as s:
            rows = s.scalars(select(OutgoingMail).where(*due).order_by(OutgoingMail.id).limit(limit)).all()
            claimed = []
            for row in rows:
                taken = s.execute(
                    update(OutgoingMail)
                    .where(OutgoingMail.id == row.id, *due)
                    .values(status="sending", next_attempt_at=now + self._lease)
                    .execution_options(synchronize_session=False)
                )
                if getattr(taken, "rowcount", 0) == 1:
                    claimed.append(
                        _Claimed(
                            id=row.id,
                            to=row.to_address,
                            subject=row.subject,
                            text=row.text_body,
                            html=row.html_body,
                            attempts=row.attempts,
                        )
                    )
            return claimed

    def _record_sent(self, mail: _Claimed) -> None:
        with self._sessions.begin() as s:
            row = s.get(OutgoingMail, mail.id)
            if row is not None:
                row.status, row.sent_at, row.next_attempt_at = "sent", self._clock(), None
                row.attempts, row.last_error = mail.attempts + 1, ""

    def _record_failure(self, mail: _Claimed, exc: Exception) -> None:
        attempts = mail.attempts + 1
        give_up = attempts >= self._max_attempts or _is_permanent(exc)
        with self._sessions.begin() as s:
            row = s.get(OutgoingMail, mail.id)
            if row is None:
                return
            row.attempts = attempts
            row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            if give_up:
                row.status, row.next_attempt_at = "failed", None
            else:
                row.status, row.next_attempt_at = "queued", self._clock() + self.retry_delay(attempts)

    def retry_delay(self, attempts: int) -> dt.timedelta:
        """30 s after the first failure, then 1, 2, 4 ... minutes, capped."""
        return min(self._first_retry * (2 ** max(0, attempts - 1)), self._max_retry)


def _is_permanent(exc: Exception) -> bool:
    """A 5xx answer (unknown recipient, refused sender) will not get better by retrying."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(500 <= refused.code < 600 for refused in exc.recipients)
    return isinstance(exc, aiosmtplib.SMTPResponseException) and 500 <= exc.code < 600

"""E-mail: rendering from templates (German and English, text + HTML) and the outgoing queue.

Every mail is written to ``outgoing_mail`` in the caller's transaction, so a mail exists exactly
when the action that caused it committed. With the ``outbox`` backend that row *is* the
delivered mail, shown by the built-in mailbox at ``/mail``; with ``smtp`` it is queued and the
delivery worker in ``services.online.mail_smtp`` sends it in the background, so no page ever waits for
a mail server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import jinja2
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from models.online import OutgoingMail
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import NotFound
from services.i18n import ASSETS, normalise_language

MAIL_TEMPLATES = ASSETS / "mail"
Backend = Literal["outbox", "smtp"]


@dataclass(frozen=True, kw_only=True, slots=True)
class MailMessage:
    to: str
    subject: str
    text: str
    html: str
    kind: str


@dataclass(frozen=True, kw_only=True, slots=True)
class MailSummary:
    id: int
    to: str
    subject: str
    kind: str
    status: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


@dataclass(frozen=True, kw_only=True, slots=True)
class MailView:
    summary: MailSummary
    text: str
    html: str


class MailTemplates:
    """``<kind>.<lang>.txt`` sets ``subject`` and holds the text part; ``<kind>.<lang>.html`` the HTML."""

    def __init__(self, folder: Any = MAIL_TEMPLATES) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(folder)),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )

    def render(self, kind: str, lang: str, /, **context: Any) -> tuple[str, str, str]:
        """(subject, text, html) of one mail in one language."""
        lang = normalise_language(lang)
        context = {"lang": lang, **context}
        text_module = self._env.get_template(f"{kind}.{lang}.txt").make_module(context)
        subject = " ".join(str(getattr(text_module, "subject", "")).split())
        html = self._env.get_template(f"{kind}.{lang}.html").render(subject=subject, **context)
        return subject, str(text_module).strip() + "\n", html


class MailService:
    """Composes mails and puts them in the outgoing queue; reads the mailbox."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        backend: Backend = "outbox",
        clock: Clock = SYSTEM_CLOCK,
        templates: MailTemplates | None = None,
    ) -> None:
        self._sessions = sessions
        self.backend = backend
        self._clock = clock
        self._templates = templates or MailTemplates()
        self._wakers: list[Callable[[], None]] = []

    def on_queued(self, waker: Callable[[], None]) -> None:
        """Call ``waker`` after a transaction that queued mail commits (the delivery worker's nudge)."""
        self._wakers.append(waker)

    def compose(self, kind: str, lang: str, /, *, to: str, **context: Any) -> MailMessage:
        subject, text, html = self._templates.render(kind, lang, **context)
        return MailMessage(to=to, subject=subject, text=text, html=html, kind=kind)

    def enqueue(self, s: Session, message: MailMessage) -> None:
        """Store the mail in the caller's transaction: in the mailbox, or queued for SMTP."""
        now = self._clock()
        smtp = self.backend == "smtp"
        s.add(
            OutgoingMail(
                to_address=message.to,
                subject=message.subject,
                text_body=message.text,
                html_body=message.html,
                kind=message.kind,
                status="queued" if smtp else "stored",
                created_at=now,
                next_attempt_at=now if smtp else None,
            )
        )
        if smtp and self._wakers:
            event.listen(s, "after_commit", self._wake_all, once=True)

    def list_mail(self, *, limit: int = 200) -> list[MailSummary]:
        """Newest first, for the built-in mailbox."""
        with self._sessions() as s:
            rows = s.scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(limit))
            return [_summary(row) for row in rows]

    def get_mail(self, mail_id: int) -> MailView:
        with self._sessions() as s:
            row = s.get(OutgoingMail, mail_id)
            if row is None:
                raise NotFound("mail.not_found")
            return MailView(summary=_summary(row), text=row.text_body, html=row.html_body)

    def _wake_all(self, _session: Session) -> None:
        for waker in self._wakers:
            waker()


def _summary(row: OutgoingMail) -> MailSummary:
    return MailSummary(
        id=row.id,
        to=row.to_address,
        subject=row.subject,
        kind=row.kind,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )

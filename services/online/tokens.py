"""Signed, expiring, single-use links (itsdangerous), one salt per purpose.

A link carries a random nonce and a subject (for example an Online ID's id). The nonce is
stored in ``token_uses`` when the link is issued and consumed in the same transaction as the
action the link allows, so a link works once. Every way a link can be bad is its own error,
so the page can say what happened and how to go on.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.online import TokenUse
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import ServiceError

# Purpose -> how long a link stays valid; each purpose signs with its own salt.
LIFETIMES: dict[str, dt.timedelta] = {
    "verify": dt.timedelta(hours=48),
    "reset": dt.timedelta(hours=1),
    "invitation": dt.timedelta(days=7),
    "focus_login": dt.timedelta(minutes=2),
}


class LinkInvalid(ServiceError):
    """The link was altered or is not a link of this service."""

    key = "id.link.invalid"


class LinkExpired(ServiceError):
    key = "id.link.expired"
    status_code = 410


class LinkUsed(ServiceError):
    key = "id.link.used"
    status_code = 410


class LinkWrongPurpose(ServiceError):
    """A genuine link of this service, but for another step (e.g. a reset link on the verify page)."""

    key = "id.link.wrong_purpose"


@dataclass(frozen=True, kw_only=True, slots=True)
class LinkClaim:
    """What a valid link says: its purpose, subject and when it was issued."""

    purpose: str
    subject: str
    nonce: str
    issued_at: dt.datetime


class LinkTokens:
    """Issues and checks links; the caller's session makes issuing and consuming transactional."""

    def __init__(
        self,
        secret_key: str,
        *,
        clock: Clock = SYSTEM_CLOCK,
        lifetimes: dict[str, dt.timedelta] | None = None,
    ) -> None:
        self._clock = clock
        self.lifetimes = dict(lifetimes or LIFETIMES)

        class ClockSigner(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(clock().timestamp())

        self._serializer = URLSafeTimedSerializer(secret_key, signer=ClockSigner)

    def issue(self, s: Session, *, purpose: str, subject: str) -> str:
        """A new link token for ``subject``; its nonce is stored unconsumed."""
        return self.issue_with_nonce(s, purpose=purpose, subject=subject)[0]

    def issue_with_nonce(self, s: Session, *, purpose: str, subject: str) -> tuple[str, str]:
        """Like ``issue``, and also the nonce (to tie the link to a row that names its newest link)."""
        self._lifetime(purpose)
        nonce = secrets.token_urlsafe(24)
        s.add(TokenUse(nonce=nonce, purpose=purpose, subject=subject, created_at=self._clock()))
        return self._serializer.dumps({"n": nonce, "s": subject}, salt=_salt(purpose)), nonce

    def check(self, s: Session, *, purpose: str, token: str) -> LinkClaim:
        """Validate a link without using it up (to show the form the link leads to)."""
        claim = self._unsign(purpose, token)
        row = s.get(TokenUse, claim.nonce)
        if row is None or row.purpose != purpose or row.subject != claim.subject:
            raise LinkInvalid()
        if row.consumed_at is not None:
            raise LinkUsed()
        return claim

    def consume(self, s: Session, *, purpose: str, token: str) -> LinkClaim:
        """Validate and use up a link, and retire every other open link of the same purpose and subject.

        The conditional UPDATE makes the single use hold even when two requests race.
        """
        claim = self.check(s, purpose=purpose, token=token)
        used = s.execute(
            update(TokenUse)
            .where(TokenUse.nonce == claim.nonce, TokenUse.consumed_at.is_(None))
            .values(consumed_at=self._clock())
        )
        if getattr(used, "rowcount", 1) != 1:
            raise LinkUsed()
        self.retire(s, purpose=purpose, subject=claim.subject)
        return claim

    def retire(self, s: Session, *, purpose: str, subject: str) -> None:
        """Make every open link of this purpose and subject unusable (e.g. after a password change)."""
        s.execute(
            update(TokenUse)
            .where(TokenUse.purpose == purpose, TokenUse.subject == subject, TokenUse.consumed_at.is_(None))
            .values(consumed_at=self._clock())
        )

    def last_issued_at(self, s: Session, *, purpose: str, subject: str) -> dt.datetime | None:
        """When the newest link of this purpose and subject was issued (to pace re-sending)."""
        return s.scalar(
            select(TokenUse.created_at)
            .where(TokenUse.purpose == purpose, TokenUse.subject == subject)
            .order_by(TokenUse.created_at.desc())
            .limit(1)
        )

    def _unsign(self, purpose: str, token: str) -> LinkClaim:
        max_age = int(self._lifetime(purpose).total_seconds())
        try:
            payload, stamp = self._serializer.loads(
                token, salt=_salt(purpose), max_age=max_age, return_timestamp=True
            )
        except SignatureExpired as exc:
            raise LinkExpired() from exc
        except BadSignature as exc:
            if self._belongs_to_other_purpose(purpose, token):
                raise LinkWrongPurpose() from exc
            raise LinkInvalid() from exc
        return _claim(purpose, payload, stamp)

    def _belongs_to_other_purpose(self, purpose: str, token: str) -> bool:
        for other in self.lifetimes:
            if other == purpose:
                continue
            try:
                self._serializer.loads(token, salt=_salt(other))
            except BadSignature:
                continue
            return True
        return False

    def _lifetime(self, purpose: str) -> dt.timedelta:
        try:
            return self.lifetimes[purpose]
        except KeyError:
            raise ValueError(f"unknown link purpose {purpose!r}") from None


def _salt(purpose: str) -> str:
    return f"online-desktop.link.{purpose}"


def _claim(purpose: str, payload: Any, stamp: dt.datetime) -> LinkClaim:
    if not isinstance(payload, dict) or not isinstance(payload.get("n"), str):
        raise LinkInvalid()
    subject = payload.get("s")
    if not isinstance(subject, str):
        raise LinkInvalid()
    return LinkClaim(purpose=purpose, subject=subject, nonce=payload["n"], issued_at=stamp)

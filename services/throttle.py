"""Throttling of failed logins (and of mail requests), per account and per client address.

The policy is shared by every login of the product: the Online ID (online database), the
Business Software login and the local REST API (local database). Each database has its own
counter table with the same columns (``key``, ``failures``, ``last_failure_at``,
``locked_until``); the throttler is given that table's model, so this module imports neither
side's models.

Counters are keyed by what was typed (an e-mail address or user name), not by an account id, so
a name without an account is throttled exactly like one with an account and a lockout reveals
nothing. After ``free_failures`` failures every further failure locks the key for a delay that
doubles each time, up to ``max_delay``; a quiet ``forget_after`` period starts the count afresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from services.clock import SYSTEM_CLOCK, Clock
from services.errors import ServiceError


@dataclass(frozen=True, kw_only=True, slots=True)
class ThrottlePolicy:
    free_failures: int
    base_delay: dt.timedelta = dt.timedelta(seconds=30)
    max_delay: dt.timedelta = dt.timedelta(minutes=15)
    forget_after: dt.timedelta = dt.timedelta(hours=1)

    def delay_after(self, failures: int) -> dt.timedelta | None:
        """30 s at the limit, then 60 s, 120 s, ... capped; None below the limit."""
        over = failures - self.free_failures
        if over < 0:
            return None
        return min(self.base_delay * (2 ** min(over, 20)), self.max_delay)


# An office behind one address may have many people: the address limit is more generous.
ACCOUNT_POLICY = ThrottlePolicy(free_failures=5)
ADDRESS_POLICY = ThrottlePolicy(free_failures=20)
LOGIN_POLICIES: Mapping[str, ThrottlePolicy] = {"account": ACCOUNT_POLICY, "address": ADDRESS_POLICY}


class TooManyAttempts(ServiceError):
    """Paused for this name or this client; ``seconds`` and ``minutes`` say for how long."""

    key = "login.throttled"
    status_code = 429


class Throttler:
    """Reads and updates the counters of one table inside the caller's transaction.

    ``policies`` maps a kind of key (``account``, ``address``, ...) to its policy; keys are
    ``"<kind>:<value>"``. ``error`` is the TooManyAttempts class raised while a key is locked.
    """

    def __init__(
        self,
        model: Any,
        *,
        clock: Clock = SYSTEM_CLOCK,
        policies: Mapping[str, ThrottlePolicy] = LOGIN_POLICIES,
        error: type[TooManyAttempts] = TooManyAttempts,
    ) -> None:
        self._model = model
        self._clock = clock
        self._policies = dict(policies)
        self._error = error

    @staticmethod
    def keys(account: str, client_address: str) -> dict[str, str]:
        """The login keys: the name typed and, when known, the client's address."""
        keys = {"account": f"account:{account}"}
        if client_address:
            keys["address"] = f"address:{client_address}"
        return keys

    def ensure_allowed(self, s: Session, keys: Mapping[str, str]) -> None:
        """Raise TooManyAttempts while any of the keys is locked."""
        m, now = self._model, self._clock()
        rows = s.scalars(select(m).where(m.key.in_(list(keys.values()))))
        until = max((r.locked_until for r in rows if r.locked_until and r.locked_until > now), default=None)
        if until is not None:
            seconds = max(1, int((until - now).total_seconds() + 0.999))
            raise self._error(seconds=seconds, minutes=max(1, (seconds + 59) // 60))

    def record_failure(self, s: Session, keys: Mapping[str, str]) -> None:
        """Count one more failure (or, for a rate limit, one more request) for every key."""
        now = self._clock()
        for kind, key in keys.items():
            policy = self._policies[kind]
            row = self._row_for_update(s, key)
            if now - row.last_failure_at > policy.forget_after:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            delay = policy.delay_after(row.failures)
            row.locked_until = now + delay if delay else None

    def record_success(self, s: Session, keys: Mapping[str, str]) -> None:
        """A correct password clears the account's counter (not the address's: one known account
        must not reset the count of an address that guesses others)."""
        s.execute(delete(self._model).where(self._model.key == keys["account"]))

    def _row_for_update(self, s: Session, key: str) -> Any:
        """Create the row if missing without racing a concurrent first failure, then lock it."""
        m = self._model
        values = {"key": key, "failures": 0, "last_failure_at": self._clock()}
        insert: Any = sqlite.insert
        if s.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects import postgresql  # loaded with the engine: no cost at start

            insert = postgresql.insert
        s.execute(insert(m).values(values).on_conflict_do_nothing())
        row = s.scalar(
            select(m).where(m.key == key).with_for_update().execution_options(populate_existing=True)
        )
        assert row is not None
        return row

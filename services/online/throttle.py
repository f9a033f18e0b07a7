"""The Online ID's throttles, kept in the online database (policy and logic: ``services.throttle``).

- Logins: per typed e-mail address and per client address (5 and 20 failures, then 30 s
  doubling up to 15 minutes).
- Mail requests (sign-up, send again, password reset): per client address, so that the service
  cannot be used to flood mailboxes; every request counts, 10 an hour are free.
"""

from __future__ import annotations

from models.online import LoginThrottle
from services.clock import SYSTEM_CLOCK, Clock
from services.throttle import (
    ACCOUNT_POLICY,
    ADDRESS_POLICY,
    LOGIN_POLICIES,
    ThrottlePolicy,
    Throttler,
)
from services.throttle import TooManyAttempts as _TooManyAttempts

__all__ = [
    "ACCOUNT_POLICY",
    "ADDRESS_POLICY",
    "MAIL_POLICY",
    "LoginThrottler",
    "MailRequestsPaused",
    "TooManyAttempts",
    "mail_limiter",
]

MAIL_POLICY = ThrottlePolicy(free_failures=10)


class TooManyAttempts(_TooManyAttempts):
    """Logins for this address or from this client are paused; ``seconds`` says for how long."""

    key = "id.login.throttled"


class LoginThrottler(Throttler):
    """Online ID login throttle on the online database's ``login_throttles`` table."""

    def __init__(
        self,
        *,
        clock: Clock = SYSTEM_CLOCK,
        account: ThrottlePolicy = ACCOUNT_POLICY,
        address: ThrottlePolicy = ADDRESS_POLICY,
    ) -> None:
        policies = {**LOGIN_POLICIES, "account": account, "address": address}
        super().__init__(LoginThrottle, clock=clock, policies=policies, error=TooManyAttempts)


class MailRequestsPaused(_TooManyAttempts):
    """Too many sign-up, send-again or reset requests from this client in a short time."""

    key = "id.mail.throttled"


def mail_limiter(clock: Clock = SYSTEM_CLOCK) -> Throttler:
    """Counts sign-up, send-again and reset requests per client (keys ``mail:<address>``)."""
    return Throttler(LoginThrottle, clock=clock, policies={"mail": MAIL_POLICY}, error=MailRequestsPaused)

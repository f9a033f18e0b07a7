"""Throttled logins of Business Software: the login page and the local REST API.

The same policy as the Online ID's (``services.throttle``: 5 failures per name and 20 per client
address, then 30 s doubling up to 15 minutes), counted in the local database's own
``login_throttles`` table. User names and API user names are counted apart (``user:`` and
``api:``), both lower-cased.
"""

from __future__ import annotations

from models.local import LoginThrottle
from services.clock import SYSTEM_CLOCK, Clock
from services.throttle import Throttler


def local_throttler(clock: Clock = SYSTEM_CLOCK) -> Throttler:
    return Throttler(LoginThrottle, clock=clock)


def user_keys(username: str, client_address: str) -> dict[str, str]:
    return Throttler.keys(f"user:{username.strip().lower()}", client_address)


def api_user_keys(name: str, client_address: str) -> dict[str, str]:
    return Throttler.keys(f"api:{name.strip().lower()}", client_address)

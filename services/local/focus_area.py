"""The focus area "Online Desktop" in Business Software (PRODUCT.md S17): what it shows and its login.

``status`` is the cheap view the focus area polls: a handful of primary-key reads and one
indexed count (the conflicts of the last 7 days), so a timer may ask it every few seconds.

The login is with an Online ID (not the Business Software login), through the Online Desktop's
HTTP API. Its bearer token is kept only in this process's memory, per Business Software session,
never on disk and never in a page. "Open Online Desktop" asks the Online Desktop for a
single-use, short-lived signed link (``POST /api/online/v1/id/focus-login``) and sends the
browser there, so no password passes through a URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import SyncConflict, SyncConnection, SyncState
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import NotAuthenticated, ServiceError
from services.local.online_answers import unreachable
from services.secrets.passwords import token_hash
from services.sync.client.http import HttpLink

FOCUS_LOGIN_PATH = "/api/online/v1/id/focus-login"
CONFLICT_DAYS = 7
# The Online Desktop's API token lasts an hour; the focus area forgets it a little earlier.
LOGIN_KEPT = dt.timedelta(minutes=55)


@dataclass(frozen=True, kw_only=True, slots=True)
class FocusStatusView:
    """status: not_connected | connected | needs_reconnect | disconnected."""

    company_id: int
    status: str
    connected_by: str
    online_url: str
    tenant_uuid: str
    initial_status: str  # pending | running | done
    last_sync_at: dt.datetime | None  # the last successful exchange with the Online Desktop
    conflicts: int  # conflicts of the last CONFLICT_DAYS days

    @property
    def is_connected(self) -> bool:
        return self.status in ("connected", "needs_reconnect")


@dataclass(frozen=True, kw_only=True, slots=True)
class FocusLoginView:
    email: str
    full_name: str


@dataclass(frozen=True, kw_only=True, slots=True)
class _Kept:
    email: str
    full_name: str
    token: str
    until: dt.datetime


class OnlineIdLogin(Protocol):
    """What the focus area needs of the wizard's Online ID login (the same API call and errors)."""

    @property
    def online_url(self) -> str: ...

    async def log_in(self, email: str, *, password: str, language: str = "en") -> _LoginLike: ...


class _LoginLike(Protocol):
    @property
    def email(self) -> str: ...

    @property
    def full_name(self) -> str: ...

    @property
    def token(self) -> str: ...


def recent_conflicts(s: Session, *, company_id: int, since: dt.datetime) -> int:
    """How many conflicts the sync recorded for the company since ``since``."""
    count = s.scalar(
        select(func.count())
        .select_from(SyncConflict)
        .where(SyncConflict.company_id == company_id, SyncConflict.created_at >= since)
    )
    return int(count or 0)


class FocusAreaService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        login: OnlineIdLogin,
        http: HttpLink,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._sessions, self._login, self._http, self._clock = sessions, login, http, clock
        self._kept: dict[str, _Kept] = {}
        self._guard = threading.Lock()

    def status(self, company_id: int) -> FocusStatusView:
        since = self._clock() - dt.timedelta(days=CONFLICT_DAYS)
        with self._sessions() as s:
            link = s.get(SyncConnection, company_id)
            state = s.get(SyncState, company_id)
            # The finished initial synchronisation is an exchange too: "not synchronised yet"
            # must not follow "initial synchronisation finished" until the first continuous pull.
            exchanges = (state.last_push_at, state.last_pull_at, state.initial_finished_at) if state else ()
            times = [t for t in exchanges if t is not None]
            return FocusStatusView(
                company_id=company_id,
                status=link.status if link else "not_connected",
                connected_by=link.connected_by if link else "",
                online_url=link.online_url.rstrip("/") if link else "",
                tenant_uuid=link.tenant_uuid if link else "",
                initial_status=state.initial_status if state else "pending",
                last_sync_at=max(times) if times else None,
                conflicts=recent_conflicts(s, company_id=company_id, since=since),
            )

    # --- the Online ID login of this Business Software session ----------------------------------

    async def log_in(self, session_token: str, *, email: str, password: str, language: str) -> FocusLoginView:
        """Log in with an Online ID; wrong address or password is the wizard's clear 401 message."""
        result = await self._login.log_in(email, password=password, language=language)
        kept = _Kept(
            email=result.email,
            full_name=result.full_name,
            token=result.token,
            until=self._clock() + LOGIN_KEPT,
        )
        with self._guard:
            self._kept[token_hash(session_token)] = kept
        return FocusLoginView(email=kept.email, full_name=kept.full_name)

    def adopt_login(self, session_token: str, login: _LoginLike) -> FocusLoginView:
        """The wizard's Run logged in with an Online ID a moment ago: the focus area and the status
        window's "Open Online Desktop" use that login instead of asking for the password again."""
        kept = _Kept(
            email=login.email, full_name=login.full_name, token=login.token, until=self._clock() + LOGIN_KEPT
        )
        with self._guard:
            self._kept[token_hash(session_token)] = kept
        return FocusLoginView(email=kept.email, full_name=kept.full_name)

    def current_login(self, session_token: str) -> FocusLoginView | None:
        kept = self._current(session_token)
        return None if kept is None else FocusLoginView(email=kept.email, full_name=kept.full_name)

    async def log_out(self, session_token: str) -> None:
        """Forget the login here and end its token at the Online Desktop (best effort)."""
        with self._guard:
            kept = self._kept.pop(token_hash(session_token), None)
        if kept is None:
            return
        import httpx

        with contextlib.suppress(httpx.HTTPError):  # the token ends by itself within the hour
            await self._http.client.post(
                self._login.online_url + "/api/online/v1/id/logout",
                headers={"Authorization": f"Bearer {kept.token}"},
            )

    async def open_url(self, session_token: str, company_id: int) -> str:
        """The address that opens the Online Desktop logged in: a fresh single-use link, leading to
        this company's account when the company is connected."""
        kept = self._current(session_token)
        if kept is None:
            raise NotAuthenticated("focus.login_needed")
        status = await asyncio.to_thread(self.status, company_id)
        base = status.online_url if status.is_connected and status.online_url else self._login.online_url
        import httpx

        try:
            response = await self._http.client.post(
                base + FOCUS_LOGIN_PATH, headers={"Authorization": f"Bearer {kept.token}"}
            )
        except httpx.HTTPError as exc:
            raise unreachable(base, exc) from exc
        if response.status_code == 401:
            with self._guard:
                self._kept.pop(token_hash(session_token), None)
            raise NotAuthenticated("focus.login_expired")
        if not response.is_success:
            raise ServiceError("focus.online_refused", status=str(response.status_code))
        try:
            path = str(response.json()["path"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ServiceError("focus.online_refused", status=str(response.status_code)) from exc
        connected = status.is_connected and status.tenant_uuid
        target = f"/online/c/{status.tenant_uuid}" if connected else "/online"
        return f"{base}{path}&next={quote(target, safe='')}"

    def _current(self, session_token: str) -> _Kept | None:
        key = token_hash(session_token)
        with self._guard:
            kept = self._kept.get(key)
            if kept is not None and kept.until <= self._clock():
                del self._kept[key]
                kept = None
        return kept

"""API users of the local REST API and their token sessions.

An API user belongs to one company database; its sessions can only read and change that company's
data (the token decides the company, no URL can choose another). While the company's initial sync
holds the lock (PRODUCT.md S6) logins and every authenticated request are refused with 423.
Secrets and tokens are stored only as hashes.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.local import ApiSession, ApiUser, Company
from models.types import utcnow
from services.errors import NotAuthenticated, NotFound, ValidationFailed
from services.local.locks import InitialSyncLock
from services.local.throttle import api_user_keys, local_throttler
from services.secrets.passwords import hash_password, new_token, token_hash, verify_password
from services.throttle import Throttler

SESSION_IDLE_LIMIT = dt.timedelta(hours=1)


@dataclass(frozen=True, kw_only=True, slots=True)
class ApiUserView:
    id: int
    company_id: int
    name: str
    active: bool
    created_at: dt.datetime
    open_sessions: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ApiUserCreated:
    user: ApiUserView
    secret: str  # shown once; only its hash is stored


@dataclass(frozen=True, kw_only=True, slots=True)
class ApiSessionView:
    id: int
    api_user_id: int
    api_user_name: str
    created_at: dt.datetime
    last_used_at: dt.datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class ApiLogin:
    token: str
    company_id: int
    expires_in: int  # seconds of inactivity after which the token ends


@dataclass(frozen=True, kw_only=True, slots=True)
class ApiPrincipal:
    """Who calls the local API: the API user and the company its token is bound to."""

    api_user_id: int
    api_user_name: str
    company_id: int
    session_id: int


def open_session_filter() -> tuple[ColumnElement[bool], ...]:
    """SQL conditions of a session that still counts as logged in (prerequisite 8)."""
    return (ApiSession.ended_at.is_(None), ApiSession.last_used_at > utcnow() - SESSION_IDLE_LIMIT)


class ApiUserService:
    """Manage API users (Business Software) and authenticate them (local REST API)."""

    def __init__(
        self, sessions: sessionmaker[Session], lock: InitialSyncLock, throttle: Throttler | None = None
    ) -> None:
        self._sessions = sessions
        self._lock = lock
        self._throttle = throttle or local_throttler()

    def create_api_user(self, company_id: int, name: str) -> ApiUserCreated:
        cleaned = name.strip()
        if not cleaned or len(cleaned) > 100:
            raise ValidationFailed({"name": "validation.required" if not cleaned else "validation.too_long"})
        secret = secrets.token_urlsafe(24)
        with self._sessions.begin() as s:
            if s.get(Company, company_id) is None:
                raise NotFound("company.not_found")
            if s.scalar(select(func.count()).where(func.lower(ApiUser.name) == cleaned.lower())):
                raise ValidationFailed({"name": "localapi.name_taken"})
            row = ApiUser(company_id=company_id, name=cleaned, secret_hash=hash_password(secret))
            s.add(row)
            s.flush()
            return ApiUserCreated(user=self._view(s, row), secret=secret)

    def list_api_users(self, company_id: int) -> list[ApiUserView]:
        with self._sessions() as s:
            rows = s.scalars(select(ApiUser).where(ApiUser.company_id == company_id).order_by(ApiUser.name))
            return [self._view(s, r) for r in rows]

    def set_active(self, company_id: int, *, api_user_id: int, active: bool) -> None:
        """Deactivating an API user also logs out its sessions."""
        with self._sessions.begin() as s:
            row = self._own(s, company_id, api_user_id)
            row.active = active
            if not active:
                self._end_sessions(s, ApiSession.api_user_id == row.id)

    def delete_api_user(self, company_id: int, api_user_id: int) -> None:
        with self._sessions.begin() as s:
            s.delete(self._own(s, company_id, api_user_id))

    def list_sessions(self, company_id: int) -> list[ApiSessionView]:
        """Sessions of the company's API users that are logged in now."""
        with self._sessions() as s:
            rows = s.execute(
                select(ApiSession, ApiUser.name)
                .join(ApiUser, ApiUser.id == ApiSession.api_user_id)
                .where(ApiUser.company_id == company_id, *open_session_filter())
                .order_by(ApiSession.created_at)
            )
            return [
                ApiSessionView(
                    id=sess.id,
                    api_user_id=sess.api_user_id,
                    api_user_name=name,
                    created_at=sess.created_at,
                    last_used_at=sess.last_used_at,
                )
                for sess, name in rows
            ]

    def end_session(self, company_id: int, session_id: int) -> None:
        """Log out one API session (from Business Software)."""
        with self._sessions.begin() as s:
            own = select(ApiUser.id).where(ApiUser.company_id == company_id)
            self._end_sessions(s, ApiSession.id == session_id, ApiSession.api_user_id.in_(own))

    def end_all_sessions(self, company_id: int) -> None:
        with self._sessions.begin() as s:
            own = select(ApiUser.id).where(ApiUser.company_id == company_id)
            self._end_sessions(s, ApiSession.api_user_id.in_(own))

    def login(self, name: str, secret: str, *, client_address: str = "") -> ApiLogin:
        """Open a token session; refused while the company's initial sync runs.

        Failures are throttled per API user name and per client address (``TooManyAttempts``).
        """
        keys = api_user_keys(name, client_address)
        with self._sessions.begin() as s:
            self._throttle.ensure_allowed(s, keys)
            row = s.scalar(select(ApiUser).where(ApiUser.name == name.strip()))
            valid = verify_password(row.secret_hash if row else None, secret)
            if row is None or not valid or not row.active:
                self._throttle.record_failure(s, keys)
                done = None
            else:
                self._lock.refuse_if_held(row.company_id)
                self._throttle.record_success(s, keys)
                token = new_token()
                s.add(ApiSession(api_user_id=row.id, token_hash=token_hash(token)))
                done = ApiLogin(
                    token=token, company_id=row.company_id, expires_in=int(SESSION_IDLE_LIMIT.total_seconds())
                )
        if done is None:  # raised after the commit, so the recorded failure counts
            raise NotAuthenticated("localapi.login_failed")
        return done

    def authenticate(self, token: str) -> ApiPrincipal:
        """The caller behind a bearer token; refused while its company's initial sync runs."""
        with self._sessions.begin() as s:
            found = s.execute(
                select(ApiSession, ApiUser)
                .join(ApiUser, ApiUser.id == ApiSession.api_user_id)
                .where(ApiSession.token_hash == token_hash(token or ""), *open_session_filter())
            ).first()
            if found is None or not found[1].active:
                raise NotAuthenticated("localapi.token_invalid")
            session, user = found
            self._lock.refuse_if_held(user.company_id)
            now = utcnow()
            if now - session.last_used_at > dt.timedelta(seconds=15):  # spare the database a write per call
                session.last_used_at = now
            return ApiPrincipal(
                api_user_id=user.id,
                api_user_name=user.name,
                company_id=user.company_id,
                session_id=session.id,
            )

    def logout(self, token: str) -> None:
        with self._sessions.begin() as s:
            self._end_sessions(s, ApiSession.token_hash == token_hash(token))

    def _own(self, s: Session, company_id: int, api_user_id: int) -> ApiUser:
        row = s.get(ApiUser, api_user_id)
        if row is None or row.company_id != company_id:
            raise NotFound()
        return row

    def _view(self, s: Session, row: ApiUser) -> ApiUserView:
        count = s.scalar(select(func.count()).where(ApiSession.api_user_id == row.id, *open_session_filter()))
        return ApiUserView(
            id=row.id,
            company_id=row.company_id,
            name=row.name,
            active=row.active,
            created_at=row.created_at,
            open_sessions=int(count or 0),
        )

    @staticmethod
    def _end_sessions(s: Session, *conditions: ColumnElement[bool]) -> None:
        s.execute(
            update(ApiSession).where(ApiSession.ended_at.is_(None), *conditions).values(ended_at=utcnow())
        )

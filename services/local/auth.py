"""Business Software users: first administrator, login, tracked sessions, logout.

Sessions are rows in the system database so that "who else is logged in" (prerequisite 9)
is a query, not a guess; a session lives while a browser shows it (``presence``).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from models.local import User, UserSession
from models.types import utcnow
from services.errors import NotAuthenticated, ValidationFailed
from services.local.presence import SESSION_LIVE_LIMIT, live
from services.local.throttle import local_throttler, user_keys
from services.local.views import SessionView, UserView
from services.secrets.passwords import hash_password, new_token, password_problem, token_hash, verify_password
from services.throttle import Throttler

log = logging.getLogger(__name__)


def user_view(user: User) -> UserView:
    return UserView(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        is_super_user=user.is_super_user,
        active=user.active,
        must_change_password=user.must_change_password,
        employee_uuid=user.employee_uuid,
        language=user.language,
    )


class LocalAuthService:
    """Login and sessions of Business Software users."""

    def __init__(self, sessions: sessionmaker[Session], throttle: Throttler | None = None) -> None:
        self._sessions = sessions
        self._throttle = throttle or local_throttler()

    def ensure_admin(self, initial_password: str | None = None) -> str | None:
        """Create the administrator on first start; return its one-time password if one was generated."""
        with self._sessions.begin() as s:
            if s.scalar(select(User.id).limit(1)) is not None:
                return None
            password = initial_password or secrets.token_urlsafe(9)
            s.add(
                User(
                    username="admin",
                    full_name="Administrator",
                    password_hash=hash_password(password),
                    is_super_user=True,
                    must_change_password=initial_password is None,
                )
            )
            return None if initial_password else password

    def login(self, username: str, password: str, *, client_address: str = "") -> SessionView:
        """Open a session; the error never says whether the user name exists.

        Failures are throttled per user name and per client address (``TooManyAttempts``).
        """
        keys = user_keys(username, client_address)
        with self._sessions.begin() as s:
            self._throttle.ensure_allowed(s, keys)
            user = s.scalar(select(User).where(User.username == username.strip()))
            ok = verify_password(user.password_hash if user else None, password)
            if not (ok and user is not None and user.active):
                self._throttle.record_failure(s, keys)
                view = None
            else:
                self._throttle.record_success(s, keys)
                token = new_token()
                s.add(UserSession(token_hash=token_hash(token), user_id=user.id))
                view = SessionView(token=token, user=user_view(user), company_id=None)
        if view is None:  # raised after the commit, so the recorded failure counts
            raise NotAuthenticated("login.failed")
        return view

    def current(self, token: str | None) -> SessionView | None:
        """The session behind a token, or None when it ended or no page has shown it for a few
        minutes (``services.local.presence``); marks it as seen."""
        if not token:
            return None
        with self._sessions.begin() as s:
            row = s.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
            if row is None or row.ended_at is not None:
                return None
            now = utcnow()
            if now - row.last_seen_at > SESSION_LIVE_LIMIT:
                row.ended_at = now
                return None
            user = s.get(User, row.user_id)
            if user is None or not user.active:
                return None
            if now - row.last_seen_at > dt.timedelta(seconds=30):
                row.last_seen_at = now
            return SessionView(token=token, user=user_view(user), company_id=row.company_id)

    def open_company(self, token: str, company_id: int | None) -> None:
        """Record which company database the session works in."""
        with self._sessions.begin() as s:
            s.execute(
                update(UserSession)
                .where(UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None))
                .values(company_id=company_id, last_seen_at=utcnow())
            )

    def logout(self, token: str) -> None:
        with self._sessions.begin() as s:
            s.execute(
                update(UserSession)
                .where(UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None))
                .values(ended_at=utcnow())
            )

    def change_password(self, token: str, *, old: str, new: str) -> None:
        with self._sessions.begin() as s:
            row = s.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
            user = s.get(User, row.user_id) if row else None
            if user is None or not verify_password(user.password_hash, old):
                raise ValidationFailed({"old_password": "password.wrong_current"})
            problem = password_problem(new, username=user.username)
            if problem:
                raise ValidationFailed({"new_password": problem})
            user.password_hash = hash_password(new)
            user.must_change_password = False

    def set_language(self, user_id: int, language: str) -> None:
        with self._sessions.begin() as s:
            s.execute(update(User).where(User.id == user_id).values(language=language))

    def other_sessions(self, company_id: int, except_token: str | None) -> list[UserView]:
        """Other users with a live session in a company database: the user of ``except_token``
        does not count with any of their sessions (another tab, a browser closed a moment ago)."""
        with self._sessions() as s:
            stmt = (
                select(User)
                .join(UserSession, UserSession.user_id == User.id)
                .where(UserSession.company_id == company_id, live())
            )
            if except_token:
                me = select(UserSession.user_id).where(UserSession.token_hash == token_hash(except_token))
                stmt = stmt.where(User.id.not_in(me))
            return [user_view(u) for u in s.scalars(stmt.distinct())]

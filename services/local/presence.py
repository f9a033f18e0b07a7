"""Who is logged in to Business Software right now, and ending another user's session.

A session is *live* while a browser shows it: every open page of a logged-in user reports in
(``touch``) once a minute while NiceGUI keeps its connection. A session that no page has
reported for ``SESSION_LIVE_LIMIT`` (the browser was closed, the tab is gone, the program
stopped) has ended, so it no longer holds up prerequisite 9 ("no other users logged in"). A
person's own sessions (other tabs, another browser) never count as "other users".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company, User, UserSession
from models.types import utcnow
from services.errors import NotAuthenticated, NotFound, PermissionDenied
from services.secrets.passwords import token_hash

LOGGED_IN_URL = "/users/logged-in"  # View › Users logged in, the Fix link of prerequisite 9
SESSION_LIVE_LIMIT = dt.timedelta(minutes=5)  # no page reported for this long: the session ended
HEARTBEAT_SECONDS = 60.0  # how often an open page reports in (well within the limit)
TOUCH_AFTER = dt.timedelta(seconds=30)  # a report within this of the last one writes nothing


def live(now: dt.datetime | None = None) -> ColumnElement[bool]:
    """The condition of a session that has not ended and that a browser reported recently."""
    since = (now or utcnow()) - SESSION_LIVE_LIMIT
    return and_(UserSession.ended_at.is_(None), UserSession.last_seen_at > since)


@dataclass(frozen=True, kw_only=True, slots=True)
class LoggedInView:
    """One live session of another user (View › Users logged in)."""

    id: int
    user_name: str
    company: str  # "" while no company database is open
    since: dt.datetime
    last_seen: dt.datetime


class PresenceService:
    """The live sessions of the users of this installation."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def touch(self, token: str) -> bool:
        """An open page of this session reports in; False when the session has ended meanwhile."""
        now = utcnow()
        with self._sessions.begin() as s:
            row = s.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
            if row is None or row.ended_at is not None:
                return False
            if now - row.last_seen_at > SESSION_LIVE_LIMIT:
                row.ended_at = now
                return False
            if now - row.last_seen_at > TOUCH_AFTER:
                row.last_seen_at = now
            return True

    def others(self, token: str) -> list[LoggedInView]:
        """The live sessions of every other user (the caller's own sessions are left out)."""
        with self._sessions() as s:
            me = _session_user(s, token)
            rows = s.execute(
                select(UserSession, User, Company.name)
                .join(User, User.id == UserSession.user_id)
                .outerjoin(Company, Company.id == UserSession.company_id)
                .where(live(), UserSession.user_id != me)
                .order_by(User.username, UserSession.created_at)
            ).all()
            return [
                LoggedInView(
                    id=row.id,
                    user_name=user.full_name or user.username,
                    company=company or "",
                    since=row.created_at,
                    last_seen=row.last_seen_at,
                )
                for row, user, company in rows
            ]

    def end(self, token: str, session_id: int) -> None:
        """Log another user's session out (Super Users only); their next page asks for a login."""
        with self._sessions.begin() as s:
            me = _session_user(s, token)
            caller = s.get(User, me)
            if caller is None or not caller.is_super_user:
                raise PermissionDenied("presence.super_user_only")
            target = s.get(UserSession, session_id)
            if target is None or target.ended_at is not None or target.user_id == me:
                raise NotFound("presence.not_found")
            s.execute(update(UserSession).where(UserSession.id == session_id).values(ended_at=utcnow()))


def _session_user(s: Session, token: str) -> int:
    user_id = s.scalar(select(UserSession.user_id).where(UserSession.token_hash == token_hash(token), live()))
    if user_id is None:
        raise NotAuthenticated("presence.session_ended")
    return int(user_id)

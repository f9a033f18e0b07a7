"""Online ID: sign-up by e-mail link, set password, login (browser and API), logout, reset, change.

An Online ID is created *pending* by a sign-up and becomes *active* when the person follows the
link in the verification mail and sets a password; only active IDs can log in. Answers never
reveal whether an address has an Online ID: sign-up, re-sending and reset requests look the
same to the caller whatever the address, and login errors are generic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.online import OnlineId, OnlineSession
from services.clock import SYSTEM_CLOCK, Clock
from services.errors import NotAuthenticated, ValidationFailed
from services.i18n import normalise_language
from services.online.mail import MailService
from services.online.throttle import LoginThrottler, mail_limiter
from services.online.tokens import LinkInvalid, LinkTokens
from services.records.emails import is_email
from services.secrets.passwords import hash_password, new_token, password_problem, token_hash, verify_password
from services.throttle import Throttler

SessionKind = Literal["browser", "api"]
# The wizard's token only has to last through its next steps; a browser session a working day.
SESSION_LIFETIMES: dict[str, dt.timedelta] = {"api": dt.timedelta(hours=1), "browser": dt.timedelta(hours=12)}
# Re-sending a link to the same address is paced so the service cannot be used to flood a mailbox.
RESEND_PAUSE = dt.timedelta(seconds=60)
MAX_PASSWORD_LENGTH = 1024


@dataclass(frozen=True, kw_only=True, slots=True)
class OnlineIdView:
    id: int
    email: str
    full_name: str
    language: str
    status: str


@dataclass(frozen=True, kw_only=True, slots=True)
class LoginResult:
    token: str
    expires_in: int
    online_id: OnlineIdView


@dataclass(frozen=True, kw_only=True, slots=True)
class FocusLink:
    """A focus-login link token and how many seconds it stays usable."""

    token: str
    expires_in: int


@dataclass(frozen=True, kw_only=True, slots=True)
class LinkTarget:
    """Whom a valid link is for (shown on the page the link opens)."""

    purpose: str
    email: str


def normalise_email(value: str) -> str:
    """Trimmed, lower-case; raises ValidationFailed for anything that is not an address."""
    email = (value or "").strip().lower()
    if not email:
        raise ValidationFailed({"email": "validation.required"})
    if not is_email(email):
        raise ValidationFailed({"email": "validation.email"})
    return email


def id_view(row: OnlineId) -> OnlineIdView:
    return OnlineIdView(
        id=row.id, email=row.email, full_name=row.full_name, language=row.language, status=row.status
    )


class IdentityService:
    """Every public method is one transaction on the online database."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        tokens: LinkTokens,
        mail: MailService,
        link_base_url: str,
        clock: Clock = SYSTEM_CLOCK,
        throttle: LoginThrottler | None = None,
        mail_limit: Throttler | None = None,
    ) -> None:
        self._sessions = sessions
        self._tokens = tokens
        self._mail = mail
        self._base = link_base_url.rstrip("/")
        self._clock = clock
        self._throttle = throttle or LoginThrottler(clock=clock)
        self._mail_limit = mail_limit or mail_limiter(clock)

    # --- sign-up and verification -------------------------------------------------------------

    def sign_up(self, email: str, language: str = "en", *, client_address: str = "") -> None:
        """Create a pending ID and mail the link; for a known address mail again instead.

        A pending ID gets a fresh verification link; an active one gets a note that it already
        exists, with a password-reset link. The caller sees the same answer in every case.
        Requests are counted per client (``MailRequestsPaused`` when there are too many).
        """
        address = normalise_email(email)
        lang = normalise_language(language)
        self._count_mail_request(client_address)
        try:
            self._sign_up(address, lang)
        except IntegrityError:
            # A simultaneous sign-up created the ID first; now it exists, so this is a re-send.
            self._sign_up(address, lang)

    def _sign_up(self, address: str, lang: str) -> None:
        with self._sessions.begin() as s:
            row = s.scalar(select(OnlineId).where(OnlineId.email == address))
            if row is None:
                row = OnlineId(email=address, status="pending", language=lang, created_at=self._clock())
                s.add(row)
                s.flush()
            if row.status == "pending":
                self._send_link(s, row, "verify")
            elif row.status == "active":
                self._send_link(s, row, "reset", kind="account_exists")

    resend_verification = sign_up

    def check_link(self, purpose: Literal["verify", "reset"], token: str) -> LinkTarget:
        """Validate a link (without using it) so its page can show the form or say what is wrong."""
        with self._sessions() as s:
            claim = self._tokens.check(s, purpose=purpose, token=token)
            row = self._link_subject(s, claim.subject)
            return LinkTarget(purpose=purpose, email=row.email)

    def complete_sign_up(self, token: str, password: str) -> OnlineIdView:
        """Use the verification link: set the first password and activate the ID."""
        with self._sessions.begin() as s:
            claim = self._tokens.check(s, purpose="verify", token=token)
            row = self._link_subject(s, claim.subject)
            self._set_password(row, password)
            self._tokens.consume(s, purpose="verify", token=token)
            row.status = "active"
            row.verified_at = self._clock()
            return id_view(row)

    # --- login and sessions -------------------------------------------------------------------

    def login(
        self, email: str, password: str, *, client_address: str = "", kind: SessionKind = "browser"
    ) -> LoginResult:
        """Open a session; wrong address, wrong password and inactive ID all give the same error."""
        address = (email or "").strip().lower()
        keys = self._throttle.keys(address, client_address)
        with self._sessions.begin() as s:
            self._throttle.ensure_allowed(s, keys)
            row = s.scalar(select(OnlineId).where(OnlineId.email == address)) if address else None
            ok = verify_password(row.password_hash if row else None, password or "")
            if not (ok and row is not None and row.status == "active"):
                self._throttle.record_failure(s, keys)
                result = None
            else:
                self._throttle.record_success(s, keys)
                result = self._open_session(s, row, kind)
        # Raised after the commit, so the recorded failure counts.
        if result is None:
            raise NotAuthenticated("id.login.failed")
        return result

    def issue_focus_login(self, api_token: str) -> FocusLink:
        """A single-use, short-lived link token that opens a browser session of the Online ID behind
        ``api_token`` (the focus area's "Open Online Desktop": no password travels in a URL)."""
        with self._sessions.begin() as s:
            found = self._live_session(s, api_token, "api")
            if found is None:
                raise NotAuthenticated("id.session.invalid")
            token = self._tokens.issue(s, purpose="focus_login", subject=str(found[1].id))
            lifetime = self._tokens.lifetimes["focus_login"]
            return FocusLink(token=token, expires_in=int(lifetime.total_seconds()))

    def focus_login(self, token: str) -> LoginResult:
        """Use a focus-login link: a browser session; a used, expired or altered link is refused."""
        with self._sessions.begin() as s:
            claim = self._tokens.check(s, purpose="focus_login", token=token)
            row = self._link_subject(s, claim.subject)
            if row.status != "active":
                raise LinkInvalid()
            self._tokens.consume(s, purpose="focus_login", token=token)
            return self._open_session(s, row, "browser")

    def authenticate_api_token(self, token: str) -> OnlineIdView:
        """The Online ID behind an API login token; NotAuthenticated when it is unknown, ended or
        expired, or when it is a browser session's reference (those are no bearer tokens)."""
        view = self.current(token, kind="api")
        if view is None:
            raise NotAuthenticated("id.session.invalid")
        return view

    def current(self, token: str | None, *, kind: SessionKind = "browser") -> OnlineIdView | None:
        """The Online ID of a live session of ``kind``: a browser keeps its session's reference in
        the server-side storage, and only the pages accept it."""
        if not token:
            return None
        with self._sessions() as s:
            found = self._live_session(s, token, kind)
            return id_view(found[1]) if found else None

    def logout(self, token: str) -> None:
        with self._sessions.begin() as s:
            s.execute(
                update(OnlineSession)
                .where(OnlineSession.token_hash == token_hash(token), OnlineSession.ended_at.is_(None))
                .values(ended_at=self._clock())
            )

    # --- passwords ----------------------------------------------------------------------------

    def request_password_reset(self, email: str, language: str = "en", *, client_address: str = "") -> None:
        """Mail a reset link to an active ID (a pending one gets its verification link again).

        Unknown addresses get nothing, and the caller cannot tell the difference. Requests are
        counted per client like sign-ups.
        """
        address = normalise_email(email)
        self._count_mail_request(client_address)
        with self._sessions.begin() as s:
            row = s.scalar(select(OnlineId).where(OnlineId.email == address))
            if row is not None and row.status == "active":
                self._send_link(s, row, "reset")
            elif row is not None and row.status == "pending":
                self._send_link(s, row, "verify")

    def reset_password(self, token: str, password: str) -> OnlineIdView:
        """Use a reset link: new password, every session of the ID ends, the lockout is lifted."""
        with self._sessions.begin() as s:
            claim = self._tokens.check(s, purpose="reset", token=token)
            row = self._link_subject(s, claim.subject)
            self._set_password(row, password)
            self._tokens.consume(s, purpose="reset", token=token)
            self._end_sessions(s, row.id)
            self._throttle.record_success(s, self._throttle.keys(row.email, ""))
            return id_view(row)

    def change_password(
        self, token: str, *, current_password: str, new_password: str, kind: SessionKind = "browser"
    ) -> None:
        """Change the password of the logged-in ID; its other sessions and open reset links end."""
        with self._sessions.begin() as s:
            found = self._live_session(s, token, kind)
            if found is None:
                raise NotAuthenticated("id.session.invalid")
            session, row = found
            if not verify_password(row.password_hash, current_password or ""):
                raise ValidationFailed({"current_password": "password.wrong_current"})
            try:
                self._set_password(row, new_password)
            except ValidationFailed as refused:
                raise ValidationFailed({"new_password": refused.fields["password"]}) from None
            self._end_sessions(s, row.id, keep=session.id)
            self._tokens.retire(s, purpose="reset", subject=str(row.id))

    def _count_mail_request(self, client_address: str) -> None:
        """One more request that sends mail from this client; refused while it sent too many."""
        if not client_address:
            return
        keys = {"mail": f"mail:{client_address}"}
        with self._sessions.begin() as s:
            self._mail_limit.ensure_allowed(s, keys)
            self._mail_limit.record_failure(s, keys)

    # --- helpers (take the session, never commit) ---------------------------------------------

    def _send_link(self, s: Session, row: OnlineId, purpose: str, *, kind: str | None = None) -> None:
        last = self._tokens.last_issued_at(s, purpose=purpose, subject=str(row.id))
        if last is not None and self._clock() - last < RESEND_PAUSE:
            return
        token = self._tokens.issue(s, purpose=purpose, subject=str(row.id))
        page = {"verify": "/id/verify", "reset": "/id/reset"}[purpose]
        link = f"{self._base}{page}?token={token}"
        message = self._mail.compose(
            kind or purpose,
            row.language,
            to=row.email,
            email=row.email,
            link=link,
            login_link=f"{self._base}/id/login",
        )
        self._mail.enqueue(s, message)

    def _link_subject(self, s: Session, subject: str) -> OnlineId:
        row = s.get(OnlineId, int(subject)) if subject.isdigit() else None
        if row is None or row.status == "disabled":
            raise LinkInvalid()
        return row

    def _set_password(self, row: OnlineId, password: str) -> None:
        password = password or ""
        problem = (
            "id.password.too_long"
            if len(password) > MAX_PASSWORD_LENGTH
            else password_problem(password, email=row.email)
        )
        if problem:
            raise ValidationFailed({"password": problem})
        row.password_hash = hash_password(password)
        row.password_changed_at = self._clock()

    def _open_session(self, s: Session, row: OnlineId, kind: SessionKind) -> LoginResult:
        token, lifetime, now = new_token(), SESSION_LIFETIMES[kind], self._clock()
        s.add(
            OnlineSession(
                token_hash=token_hash(token),
                online_id_id=row.id,
                kind=kind,
                created_at=now,
                expires_at=now + lifetime,
            )
        )
        return LoginResult(token=token, expires_in=int(lifetime.total_seconds()), online_id=id_view(row))

    def _live_session(
        self, s: Session, token: str, kind: SessionKind
    ) -> tuple[OnlineSession, OnlineId] | None:
        found = s.execute(
            select(OnlineSession, OnlineId)
            .join(OnlineId, OnlineId.id == OnlineSession.online_id_id)
            .where(OnlineSession.token_hash == token_hash(token), OnlineSession.kind == kind)
        ).first()
        if found is None:
            return None
        session, row = found
        if session.ended_at is not None or session.expires_at <= self._clock() or row.status != "active":
            return None
        return session, row

    def _end_sessions(self, s: Session, online_id: int, *, keep: int | None = None) -> None:
        stmt = update(OnlineSession).where(
            OnlineSession.online_id_id == online_id, OnlineSession.ended_at.is_(None)
        )
        if keep is not None:
            stmt = stmt.where(OnlineSession.id != keep)
        s.execute(stmt.values(ended_at=self._clock()))

"""The connection wizard's work (PRODUCT.md S9–S15), behind the seven steps of its UI.

Business Software reaches the Online Desktop only through its HTTP API: Online ID sign-up,
"send again" and login (``/api/online/v1/id/…``) and the creation of the company account with
its connection (``/api/online/v1/sync/connections``). "Run" checks the prerequisites once more,
creates the account (the Online ID becomes its Super User), stores the sync credential and
stores when the initial sync starts ("now" or a date and time); the sync computer's agent picks
it up from the database, so a scheduled start survives a restart of the program.

Every failure is a ``ServiceError`` with a translation key: the wizard shows it and stays on
its step, nothing half-done is stored.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from models.local import Company, Employee, SyncConnection, User
from services.clock import SYSTEM_CLOCK, Clock
from services.config import Settings
from services.errors import NotAuthenticated, NotFound, PermissionDenied, ServiceError, ValidationFailed
from services.local.online_answers import answer_of, unreachable
from services.local.online_desktop_settings import effective_sync_computer
from services.local.prerequisite_checks import REGISTRATION_REQUIRED
from services.local.prerequisites import PrerequisiteService
from services.local.wizard_progress import OnlineLogin, WizardProgressService
from services.secrets.sealing import TokenSeal
from services.sync.client.connect import (
    forget_sync_state,
    installed_licence,
    post_connection,
    store_connection,
)
from services.sync.client.http import HttpLink
from services.sync.client.status import SyncStatusService
from services.sync.protocol.messages import PROTOCOL_VERSION, CompanyInfo
from services.sync.protocol.tables import SCHEMA_VERSION

if TYPE_CHECKING:  # imported where first used: a process that makes no call does without httpx
    import httpx

ID_PATH = "/api/online/v1/id"
DISCONNECT_PATH = "/api/online/v1/sync/connections/disconnect"
PAST_GRACE = dt.timedelta(minutes=1)  # a start time this close to now counts as "now"
MAX_AHEAD = dt.timedelta(days=366)
PROPOSED_TIME = dt.time(22, 0)  # a scheduled first sync is proposed for the night, when nobody works


@dataclass(frozen=True, kw_only=True, slots=True)
class RegistrationSummary:
    """Step 5: the company account's data, taken from the company settings."""

    values: dict[str, str]  # field -> value, in the order of REGISTRATION_REQUIRED
    labels: dict[str, str]  # field -> translation key of its label
    missing: tuple[str, ...]  # fields without a value

    @property
    def complete(self) -> bool:
        return not self.missing


class OnlineLoginExpired(NotAuthenticated):
    """The Online ID login of step 4 ended on the Online Desktop: log in again."""

    key = "wizard.run.login_expired"


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredConnection:
    tenant_uuid: str
    online_url: str
    connected_by: str
    status: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ConnectResult:
    """Step 7: what the status window shows."""

    company: str
    online_id: str
    tenant_uuid: str
    run_at: dt.datetime
    starts_now: bool


class ConnectWizardService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        engine: Engine,
        settings: Settings,
        prerequisites: PrerequisiteService,
        sync_status: SyncStatusService,
        http: HttpLink,
        clock: Clock = SYSTEM_CLOCK,
        *,
        seal: TokenSeal,
        progress: WizardProgressService,
    ) -> None:
        self._sessions, self._engine, self._settings = sessions, engine, settings
        self._seal, self._progress = seal, progress
        self._prerequisites, self._sync_status = prerequisites, sync_status
        self._http, self._clock = http, clock

    @property
    def online_url(self) -> str:
        return self._settings.online_base_url.rstrip("/")

    # --- step 4: Online ID ------------------------------------------------------------------------

    def proposed_online_id(self, user_id: int) -> str:
        """The e-mail address of the employee linked to the Business Software user (PRODUCT.md §2.4)."""
        with self._sessions() as s:
            user = s.get(User, user_id)
            if user is None or not user.employee_uuid:
                return ""
            email = s.scalar(select(Employee.email).where(Employee.uuid == user.employee_uuid))
        return (email or "").strip()

    async def log_in(self, email: str, *, password: str, language: str = "en") -> OnlineLogin:
        """Log in with an Online ID (not the Business Software login)."""
        given = {"email": email.strip(), "password": password}
        if not all(given.values()):
            raise ValidationFailed({k: "validation.required" for k, v in given.items() if not v})
        response = await self._post(
            f"{ID_PATH}/login", {"email": email.strip(), "password": password}, language
        )
        if response.status_code == 401:
            raise NotAuthenticated("wizard.id.login_failed")
        answer = answer_of(response)
        online_id = answer.get("online_id") or {}
        return OnlineLogin(
            email=str(online_id.get("email", email.strip())),
            full_name=str(online_id.get("full_name", "")),
            token=str(answer["token"]),
        )

    async def sign_up(self, email: str, language: str) -> None:
        """Create an Online ID: the Online Desktop mails a link to finish it (set the password)."""
        self._require_email(email)
        body = {"email": email.strip(), "language": language}
        answer_of(await self._post(f"{ID_PATH}/sign-up", body, language))

    async def resend(self, email: str, language: str) -> None:
        """ "Send again": a new verification link."""
        self._require_email(email)
        body = {"email": email.strip(), "language": language}
        answer_of(await self._post(f"{ID_PATH}/resend", body, language))

    # --- step 5: registration information ---------------------------------------------------------

    def registration(self, company_id: int) -> RegistrationSummary:
        with self._sessions() as s:
            company = s.get(Company, company_id)
            if company is None:
                raise NotFound()
            values = {attr: str(getattr(company, attr) or "").strip() for attr, _ in REGISTRATION_REQUIRED}
        return RegistrationSummary(
            values=values,
            labels=dict(REGISTRATION_REQUIRED),
            missing=tuple(attr for attr, value in values.items() if not value),
        )

    # --- step 6: when -----------------------------------------------------------------------------

    def proposed_start(self) -> dt.datetime:
        """What step 6 proposes for a scheduled first sync: tomorrow at 22:00, this computer's time."""
        now = self._clock().astimezone()
        return dt.datetime.combine(now.date() + dt.timedelta(days=1), PROPOSED_TIME, tzinfo=now.tzinfo)

    def check_start(self, run_at: dt.datetime | None) -> dt.datetime:
        """``None`` is "now"; a date and time must be in the future (within a year)."""
        now = self._clock()
        if run_at is None:
            return now
        if run_at.tzinfo is None:
            raise ValidationFailed({"run_at": "validation.date"})
        if run_at < now - PAST_GRACE:
            raise ValidationFailed({"run_at": "wizard.when.past"})
        if run_at > now + MAX_AHEAD:
            raise ValidationFailed({"run_at": "wizard.when.too_far"})
        return max(run_at, now)

    # --- step 7: run ------------------------------------------------------------------------------

    async def run(
        self,
        company_id: int,
        *,
        user_id: int,
        session_token: str,
        login: OnlineLogin,
        run_at: dt.datetime | None,
    ) -> ConnectResult:
        """Create the company account and the connection, then start or schedule the initial sync.

        The request carries this pass's attempt key (committed before it leaves), so a Run
        pressed again after its answer was lost lands on the account the first one created.
        """
        start = self.check_start(run_at)
        report = await self._prerequisites.check_prerequisites(
            company_id, user_id=user_id, session_token=session_token
        )
        if not report.ok:
            numbers = ", ".join(str(c.number) for c in report.blocking)
            raise ServiceError("wizard.run.prerequisites", numbers=numbers)
        summary = await asyncio.to_thread(self.registration, company_id)
        if not summary.complete:
            raise ValidationFailed(dict.fromkeys(summary.missing, "validation.required"))
        info = CompanyInfo(**summary.values)
        earlier = await asyncio.to_thread(self._stored_connection, company_id)
        # Reconnecting after a disconnect keeps the company account (and its users); the data is
        # uploaded again by a full initial sync.
        tenant = (
            earlier.tenant_uuid if earlier is not None and earlier.online_url == self.online_url else None
        )
        attempt = await asyncio.to_thread(self._progress.attempt_key, company_id, user_id)
        try:
            account = await self._connect(
                company_id, self.online_url, login, info, tenant, new_account=True, attempt_key=attempt
            )
        except OnlineLoginExpired:
            await asyncio.to_thread(self._progress.keep_login, company_id, user_id=user_id, login=None)
            raise
        await asyncio.to_thread(self._sync_status.schedule_initial, company_id, start)
        await asyncio.to_thread(self._progress.finish, company_id, user_id)
        return ConnectResult(
            company=summary.values["name"],
            online_id=login.email,
            tenant_uuid=account,
            run_at=start,
            starts_now=run_at is None or start <= self._clock(),
        )

    def is_connected(self, company_id: int) -> bool:
        row = self._stored_connection(company_id)
        return row is not None and row.status != "disconnected"

    def _stored_connection(self, company_id: int) -> StoredConnection | None:
        with self._sessions() as s:
            row = s.get(SyncConnection, company_id)
            if row is None:
                return None
            return StoredConnection(
                tenant_uuid=row.tenant_uuid,
                online_url=row.online_url.rstrip("/"),
                connected_by=row.connected_by,
                status=row.status,
            )

    # --- Disconnect and Reconnect (settings page, PRODUCT.md §5) ----------------------------------

    async def disconnect(self, company_id: int, login: OnlineLogin) -> int:
        """Only the Online ID that connected, only from the sync computer, after logging in again.
        The online data goes (the company account and its users stay); a later Connect uploads
        everything again. Returns how many online rows were deleted."""
        stored = self._stored_connection(company_id)
        if stored is None or stored.status == "disconnected":
            raise NotFound("sync.not_connected")
        chosen = self._sync_computer(company_id)
        here = self._settings.computer_name
        if chosen is None or chosen.casefold() != here.casefold():
            raise PermissionDenied("wizard.disconnect.not_sync_computer", chosen=chosen or "–", here=here)
        if login.email.casefold() != stored.connected_by.casefold():
            raise PermissionDenied("wizard.disconnect.not_connected_by", by=stored.connected_by)
        body = {
            "protocol_version": PROTOCOL_VERSION,
            "schema_version": SCHEMA_VERSION,
            "tenant": stored.tenant_uuid,
        }
        import httpx

        try:
            response = await self._with_client(
                lambda http: http.post(
                    stored.online_url + DISCONNECT_PATH,
                    json=body,
                    headers={"Authorization": f"Bearer {login.token}"},
                )
            )
        except httpx.HTTPError as exc:
            raise unreachable(stored.online_url, exc) from exc
        if response.status_code == 401:
            raise OnlineLoginExpired()
        answer = answer_of(response)
        forget_sync_state(self._sessions, company_id)
        return int(answer.get("rows_deleted", 0))

    async def reconnect(self, company_id: int, login: OnlineLogin) -> None:
        """A new sync credential for the same company account (after "needs reconnect" or a
        password change); the sync goes on where it stopped."""
        stored = self._stored_connection(company_id)
        if stored is None or stored.status == "disconnected":
            raise NotFound("sync.not_connected")
        summary = self.registration(company_id)
        info = CompanyInfo(**{k: v or "–" for k, v in summary.values.items()})
        await self._connect(company_id, stored.online_url, login, info, stored.tenant_uuid, new_account=False)

    async def _connect(
        self,
        company_id: int,
        url: str,
        login: OnlineLogin,
        info: CompanyInfo,
        tenant: str | None,
        *,
        new_account: bool,
        attempt_key: str | None = None,
    ) -> str:
        """``POST /connections`` (a new account, or ``tenant`` again) and keep the credential; the
        company account's UUID."""
        with self._sessions() as s:
            licence = installed_licence(s)
        import httpx

        try:
            response = await self._with_client(
                lambda http: post_connection(
                    http,
                    url=url,
                    login_token=login.token,
                    info=info,
                    computer=self._settings.computer_name,
                    tenant=tenant,
                    licence=licence,
                    attempt_key=attempt_key,
                )
            )
        except httpx.HTTPError as exc:
            raise unreachable(url, exc) from exc
        if response.status_code == 401:
            raise OnlineLoginExpired()
        answer = answer_of(response)
        await asyncio.to_thread(
            store_connection,
            self._sessions,
            engine=self._engine,
            company_id=company_id,
            online_url=url,
            tenant_uuid=str(answer["tenant"]),
            token=str(answer["token"]),
            seal=self._seal,
            connected_by=login.email,
            new_account=new_account,
        )
        return str(answer["tenant"])

    def _sync_computer(self, company_id: int) -> str | None:
        with self._sessions() as s:
            return effective_sync_computer(s, company_id)

    # --- HTTP -------------------------------------------------------------------------------------

    @staticmethod
    def _require_email(email: str) -> None:
        if "@" not in email.strip():
            raise ValidationFailed({"email": "validation.email"})

    async def _post(self, path: str, body: dict[str, Any], language: str) -> httpx.Response:
        """POST to the Online Desktop; its messages come back in ``language``."""
        headers = {"Accept-Language": language}
        import httpx

        try:
            return await self._with_client(
                lambda http: http.post(self.online_url + path, json=body, headers=headers)
            )
        except httpx.HTTPError as exc:
            raise unreachable(self.online_url, exc) from exc

    async def _with_client(self, send: Callable[[httpx.AsyncClient], Any]) -> httpx.Response:
        response: httpx.Response = await send(self._http.client)
        return response

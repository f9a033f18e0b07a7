"""The composition root's product: the services of this process, one object per side.

``main.py`` builds it once and hands ``LocalServices`` to the Business Software pages and
``OnlineServices`` to the Online Desktop pages; nothing imports a global instance, and no module
under ``services/`` imports this one. A role that does not run a side has no object for it, so a
side's fields are never optional.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.clock import SYSTEM_CLOCK, Clock
from services.commits import signal_commits
from services.config import Settings, secret_key_for
from services.db import Databases, PoolSettings, open_databases
from services.files import private_directory
from services.local.api_records import ApiRecordService
from services.local.api_users import ApiUserService
from services.local.auth import LocalAuthService
from services.local.backup import BackupService
from services.local.changes import ChangeHub
from services.local.company import CompanyService
from services.local.conflicts import ConflictHistory
from services.local.connect_wizard import ConnectWizardService
from services.local.connection_state import ConnectionStateService
from services.local.demo_data import DemoDataService
from services.local.focus_area import FocusAreaService
from services.local.integrations import IntegrationService
from services.local.licensing.service import LicensingService
from services.local.locks import InitialSyncLock
from services.local.network import NetworkService
from services.local.online_desktop_settings import OnlineDesktopSettingsService
from services.local.prerequisites import PrerequisiteService
from services.local.presence import PresenceService
from services.local.registers import RegisterService
from services.local.registers.fulltext import install_search_index
from services.local.registers.users import UserAdminService
from services.local.wizard_progress import WizardProgressService
from services.online.audit_log import AuditLog
from services.online.housekeeping import OnlineHousekeeping
from services.online.identity import IdentityService
from services.online.mail import MailService
from services.online.tokens import LinkTokens
from services.online.users.accepting import InvitationAcceptance
from services.online.users.directory import UserDirectory
from services.online.users.invitations import InvitationMailer, InvitationService
from services.online.users.members import MemberService
from services.online.users.reminders import InvitationReminders
from services.online.workspace.access import WorkspaceAccess
from services.online.workspace.calendar import WorkspaceCalendar
from services.online.workspace.dashboard import WorkspaceDashboard
from services.online.workspace.lists import WorkspaceLists
from services.online.workspace.persons import WorkspacePersons
from services.online.workspace.records import WorkspaceRecords
from services.online.workspace.sales import WorkspaceSales
from services.online.workspace.search_index import install_online_search
from services.online.workspace.sync_rounds import WorkspaceSyncRounds
from services.secrets.sealing import TokenSeal
from services.sync.client.activity import SyncActivity
from services.sync.client.http import HttpLink
from services.sync.client.manager import SyncManager
from services.sync.client.status import SyncStatusService
from services.sync.client.tracking import install_change_tracking
from services.sync.server.notify import TenantNotifier
from services.sync.server.service import SyncServer

if TYPE_CHECKING:  # imported only where used: psycopg with PostgreSQL, aiosmtplib with SMTP
    from services.online.mail_smtp import SmtpDelivery
    from services.sync.server.listen import PostgresWakeups


@dataclass(frozen=True, kw_only=True)
class LocalServices:
    """The Business Software side: company databases, registers, licences, the sync client."""

    settings: Settings
    auth: LocalAuthService
    companies: CompanyService
    demo_data: DemoDataService
    sync_lock: InitialSyncLock
    registers: RegisterService
    users: UserAdminService
    licensing: LicensingService
    network: NetworkService
    online_settings: OnlineDesktopSettingsService
    prerequisites: PrerequisiteService
    api_users: ApiUserService
    integrations: IntegrationService
    api_records: ApiRecordService
    sync_status: SyncStatusService
    sync_activity: SyncActivity  # rows synchronised per day (the Sync tab's chart)
    connect_wizard: ConnectWizardService
    focus: FocusAreaService  # the focus area "Online Desktop": status view and Online ID login
    backup: BackupService  # File › Backup and File › Restore of a company
    wizard_progress: WizardProgressService
    connection_state: ConnectionStateService  # the connection after Run: tile, status window, settings
    # Runs the sync agents of the companies whose sync computer this is (main.py starts it).
    sync_manager: SyncManager
    # Committed changes of company records, for live screens (registers, local API, sync pull).
    changes: ChangeHub
    presence: PresenceService  # who is logged in right now (View › Users logged in)
    # Sync conflicts with record names and field labels; the online value applied after all.
    conflicts: ConflictHistory


@dataclass(frozen=True, kw_only=True)
class OnlineUsers:
    """The user administration of a company account, one service per job."""

    directory: UserDirectory  # the overview and the seat counter
    invitations: InvitationService  # invite, resend, revoke
    members: MemberService  # change role, deactivate
    accepting: InvitationAcceptance  # the invitation page: check a link, join
    # Reminds unanswered invitations two days before they expire (main.py starts its loop).
    reminders: InvitationReminders


@dataclass(frozen=True, kw_only=True)
class OnlineWorkspace:
    """A company account's workspace: who may open what, lists, records and the calendar."""

    access: WorkspaceAccess
    lists: WorkspaceLists
    records: WorkspaceRecords
    calendar: WorkspaceCalendar
    sales: WorkspaceSales  # quotes, orders and invoices with their lines
    persons: WorkspacePersons  # contact persons, inside their contact
    dashboard: WorkspaceDashboard
    sync_rounds: WorkspaceSyncRounds  # the list behind the dashboard's sync health


@dataclass(frozen=True, kw_only=True)
class OnlineServices:
    """The Online Desktop side: Online IDs, mail, company workspaces, users, the sync server."""

    settings: Settings
    mail: MailService
    # Only with the smtp backend: the background worker that sends queued mail (main.py starts it).
    mail_delivery: SmtpDelivery | None
    identity: IdentityService
    sync_server: SyncServer
    # On PostgreSQL: the LISTEN connection that brings other instances' writes (main.py starts it).
    wakeups: PostgresWakeups | None
    housekeeping: OnlineHousekeeping
    users: OnlineUsers
    workspace: OnlineWorkspace
    audit: AuditLog  # the audit log of administrative actions (Super Users read it)


@dataclass(frozen=True, kw_only=True)
class Services:
    settings: Settings
    secret_key: str
    db: Databases
    # One shared client for every call to the Online Desktop API; closed on shutdown.
    http: HttpLink
    local: LocalServices | None
    online: OnlineServices | None

    def require_local(self) -> LocalServices:
        assert self.local is not None, "role has no Business Software"
        return self.local

    def require_online(self) -> OnlineServices:
        assert self.online is not None, "role has no Online Desktop"
        return self.online

    async def stop(self) -> None:
        await self.http.close()
        self.db.dispose()


def build_services(settings: Settings, *, clock: Clock = SYSTEM_CLOCK) -> Services:
    """Open the databases this role needs (migrating them) and create the services."""
    private_directory(settings.data_dir)
    secret_key = secret_key_for(settings)
    db = open_databases(
        local_url=settings.local_db_url if settings.runs_local else None,
        online_url=settings.online_db_url if settings.runs_online else None,
        secret_key=secret_key,
        pool=pool_settings(settings),
    )
    http = HttpLink()
    local = None
    if db.local is not None and db.local_engine is not None:
        seals = (TokenSeal(secret_key), TokenSeal(secret_key, "wizard-online-id-login"))
        local = _build_local(settings, db.local, db.local_engine, http, clock, *seals)
    if db.online_engine is not None:
        install_online_search(db.online_engine)
    online = None if db.online is None else _build_online(settings, db.online, secret_key, clock)
    return Services(settings=settings, secret_key=secret_key, db=db, http=http, local=local, online=online)


def pool_settings(settings: Settings) -> PoolSettings:
    return PoolSettings(
        size=settings.db_pool_size,
        overflow=settings.db_max_overflow,
        timeout=settings.db_pool_timeout,
        statement_timeout=settings.db_statement_timeout,
        application_name=f"online-desktop {settings.computer_name}:{settings.port}",
    )


_NOTIFIERS: dict[str, TenantNotifier] = {}


def _notifier_of(database_url: str) -> TenantNotifier:
    """One notifier per Online Desktop database in this process: every set of services built on it
    wakes the same waiting pulls and live pages."""
    return _NOTIFIERS.setdefault(database_url, TenantNotifier())


def _build_local(
    settings: Settings,
    sessions: sessionmaker[Session],
    engine: Engine,
    http: HttpLink,
    clock: Clock,
    seal: TokenSeal,
    login_seal: TokenSeal,
) -> LocalServices:
    install_change_tracking(engine)
    signal_commits(sessions, engine)  # a local commit wakes the sync agent at once
    install_search_index(engine)
    auth = LocalAuthService(sessions)
    sync_lock = InitialSyncLock(sessions)
    prerequisites = PrerequisiteService(sessions, settings, auth, http)
    sync_status = SyncStatusService(sessions, settings.data_dir, clock)
    wizard_progress = WizardProgressService(sessions, login_seal)
    wizard = ConnectWizardService(
        sessions,
        engine,
        settings,
        prerequisites,
        sync_status,
        http,
        clock,
        seal=seal,
        progress=wizard_progress,
    )
    changes = ChangeHub.of(str(engine.url))
    return LocalServices(
        settings=settings,
        auth=auth,
        companies=CompanyService(sessions),
        demo_data=DemoDataService(sessions),
        sync_lock=sync_lock,
        registers=RegisterService(sessions, changes),
        users=UserAdminService(sessions),
        licensing=LicensingService(sessions, vendor_key=settings.licence_vendor_key),
        network=NetworkService(sessions),
        online_settings=OnlineDesktopSettingsService(sessions),
        prerequisites=prerequisites,
        api_users=ApiUserService(sessions, sync_lock),
        integrations=IntegrationService(sessions, sync_lock),
        api_records=ApiRecordService(sessions, changes),
        sync_status=sync_status,
        sync_activity=SyncActivity(sessions, clock),
        connect_wizard=wizard,
        focus=FocusAreaService(sessions, login=wizard, http=http, clock=clock),
        backup=BackupService(sessions, engine, settings.data_dir, clock),
        wizard_progress=wizard_progress,
        connection_state=ConnectionStateService(sessions, clock),
        sync_manager=SyncManager(
            engine=engine,
            computer_name=settings.computer_name,
            data_dir=settings.data_dir,
            http=http,
            lock=sync_lock,
            seal=seal,
            changes=changes,
        ),
        presence=PresenceService(sessions),
        changes=changes,
        conflicts=ConflictHistory(sessions, changes, clock),
    )


def _build_online(
    settings: Settings, sessions: sessionmaker[Session], secret_key: str, clock: Clock
) -> OnlineServices:
    mail = MailService(sessions, backend=settings.mail_backend, clock=clock)
    delivery = None
    if settings.mail_backend == "smtp":
        from services.online.mail_smtp import SmtpConfig, SmtpDelivery

        delivery = SmtpDelivery(sessions, SmtpConfig.from_settings(settings), clock=clock)
        mail.on_queued(delivery.wake)
    tokens = LinkTokens(secret_key, clock=clock)
    notifier = _notifier_of(settings.online_db_url)
    sync_server = SyncServer(sessions, notifier, licence_vendor_key=settings.licence_vendor_key)
    wakeups = None
    if settings.online_on_postgres:
        from services.sync.server.listen import PostgresWakeups

        wakeups = PostgresWakeups(
            settings.online_db_url, notifier, application_name=pool_settings(settings).application_name
        )
    return OnlineServices(
        settings=settings,
        mail=mail,
        mail_delivery=delivery,
        identity=IdentityService(
            sessions, tokens=tokens, mail=mail, link_base_url=settings.link_base_url, clock=clock
        ),
        sync_server=sync_server,
        wakeups=wakeups,
        housekeeping=OnlineHousekeeping(sessions, clock),
        users=_build_users(settings, sessions, tokens, mail, clock),
        workspace=OnlineWorkspace(
            access=WorkspaceAccess(sessions, clock),
            lists=WorkspaceLists(sessions),
            records=WorkspaceRecords(sessions, sync_server.apply_online_change),
            calendar=WorkspaceCalendar(sessions),
            sales=WorkspaceSales(sessions, sync_server.apply_online_transaction),
            persons=WorkspacePersons(sessions, sync_server.apply_online_transaction),
            dashboard=WorkspaceDashboard(sessions, clock),
            sync_rounds=WorkspaceSyncRounds(sessions),
        ),
        audit=AuditLog(sessions),
    )


def _build_users(
    settings: Settings, sessions: sessionmaker[Session], tokens: LinkTokens, mail: MailService, clock: Clock
) -> OnlineUsers:
    mailer = InvitationMailer(tokens=tokens, mail=mail, link_base_url=settings.link_base_url, clock=clock)
    return OnlineUsers(
        directory=UserDirectory(sessions, clock),
        invitations=InvitationService(sessions, mailer=mailer, clock=clock),
        members=MemberService(sessions),
        accepting=InvitationAcceptance(sessions, tokens=tokens, clock=clock),
        reminders=InvitationReminders(sessions, mailer=mailer, clock=clock),
    )


def bootstrap(services: Services, *, initial_admin_password: str | None = None) -> str | None:
    """Start-up work. Returns a generated admin password (first start only).

    First start: administrator, sample company (with demo data) and demo licence. Every start: this
    computer joins the network computers, and add-ons bound since the last start become active.

    The sample company gets demo data of size S only when it is created, so a later start never
    overwrites what someone changed in it.
    """
    local = services.local
    if local is None:
        return None
    password = local.auth.ensure_admin(initial_admin_password)
    sample = local.companies.ensure_sample_company()
    if sample is not None and services.settings.sample_demo_data:
        local.demo_data.fill(sample.id, size="S", locale="de")
    local.licensing.ensure_demo_licence()
    local.network.register_computer(services.settings.computer_name)
    local.licensing.restart()
    return password

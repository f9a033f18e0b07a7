"""The composition root's product: one object holding every service of this process.

``main.py`` builds it once and hands it to the page and API registration functions; nothing
imports a global instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from sqlalchemy.orm import Session, sessionmaker

from services.clock import SYSTEM_CLOCK, Clock
from services.config import Settings, load_secret_key
from services.db import Databases, open_databases
from services.local.api_records import ApiRecordService
from services.local.api_users import ApiUserService
from services.local.auth import LocalAuthService
from services.local.company import CompanyService
from services.local.connect_wizard import ConnectWizardService
from services.local.demo_data import DemoDataService
from services.local.integrations import IntegrationService
from services.local.licensing.service import LicensingService
from services.local.locks import InitialSyncLock
from services.local.network import NetworkService
from services.local.online_desktop_settings import OnlineDesktopSettingsService
from services.local.prerequisites import PrerequisiteService
from services.local.registers import RegisterService
from services.local.registers.fulltext import install_search_index
from services.local.registers.users import UserAdminService
from services.online.housekeeping import OnlineHousekeeping
from services.online.identity import IdentityService
from services.online.mail import MailService
from services.online.mail_smtp import SmtpConfig, SmtpDelivery
from services.online.tokens import LinkTokens
from services.online.users.service import OnlineUserService
from services.online.workspace.service import OnlineWorkspaceService
from services.sync.client.manager import SyncManager
from services.sync.client.status import SyncStatusService
from services.sync.client.tracking import install_change_tracking
from services.sync.server.service import SyncServer


@dataclass(kw_only=True)
class Services:
    settings: Settings
    secret_key: str
    db: Databases
    local_auth: LocalAuthService | None = None
    companies: CompanyService | None = None
    demo_data: DemoDataService | None = None
    sync_lock: InitialSyncLock | None = None
    mail: MailService | None = None
    # Only with the smtp backend: the background worker that sends queued mail (main.py starts it).
    mail_delivery: SmtpDelivery | None = None
    identity: IdentityService | None = None
    sync_server: SyncServer | None = None
    registers: RegisterService | None = None
    users: UserAdminService | None = None
    licensing: LicensingService | None = None
    network: NetworkService | None = None
    online_settings: OnlineDesktopSettingsService | None = None
    prerequisites: PrerequisiteService | None = None
    api_users: ApiUserService | None = None
    integrations: IntegrationService | None = None
    api_records: ApiRecordService | None = None
    sync_status: SyncStatusService | None = None
    connect_wizard: ConnectWizardService | None = None
    online_workspace: OnlineWorkspaceService | None = None
    housekeeping: OnlineHousekeeping | None = None
    online_users: OnlineUserService | None = None
    # Runs the sync agents of the companies whose sync computer this is (main.py starts it).
    sync_manager: SyncManager | None = None
    # One shared client for every outgoing HTTP call; opened on start-up, closed on shutdown.
    http: httpx.AsyncClient | None = field(default=None)

    def require_local(self) -> tuple[LocalAuthService, CompanyService]:
        assert self.local_auth is not None and self.companies is not None, "role has no Business Software"
        return self.local_auth, self.companies

    def require_online(self) -> tuple[IdentityService, MailService]:
        assert self.identity is not None and self.mail is not None, "role has no Online Desktop"
        return self.identity, self.mail

    async def start(self) -> None:
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))

    async def stop(self) -> None:
        if self.http is not None:
            await self.http.aclose()
        self.db.dispose()


def build_services(settings: Settings, *, clock: Clock = SYSTEM_CLOCK) -> Services:
    """Open the databases this role needs (migrating them) and create the services."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = open_databases(
        local_url=settings.local_db_url if settings.runs_local else None,
        online_url=settings.online_db_url if settings.runs_online else None,
    )
    services = Services(settings=settings, secret_key=load_secret_key(settings.data_dir), db=db)
    if db.local is not None:
        services.local_auth = LocalAuthService(db.local)
        services.companies = CompanyService(db.local)
        services.demo_data = DemoDataService(db.local)
        services.sync_lock = InitialSyncLock(db.local)
        services.registers = RegisterService(db.local)
        services.users = UserAdminService(db.local)
        _build_licensing_services(services, db.local)
    if db.local is not None and db.local_engine is not None:
        install_change_tracking(db.local_engine)
        install_search_index(db.local_engine)
        services.sync_status = SyncStatusService(db.local, settings.data_dir, clock)
        services.sync_manager = SyncManager(
            engine=db.local_engine,
            computer_name=settings.computer_name,
            data_dir=settings.data_dir,
            http=lambda: services.http,
            lock=services.sync_lock,
        )
        assert services.prerequisites is not None
        services.connect_wizard = ConnectWizardService(
            db.local,
            db.local_engine,
            settings,
            services.prerequisites,
            services.sync_status,
            lambda: services.http,
            clock,
        )
    if db.online is not None:
        _build_online(services, db.online, clock)
        services.sync_server = SyncServer(db.online)
        services.housekeeping = OnlineHousekeeping(db.online, clock)
        services.online_workspace = OnlineWorkspaceService(
            db.online, clock, apply_change=services.sync_server.apply_online_change
        )
    return services


def _build_online(services: Services, online: sessionmaker[Session], clock: Clock) -> None:
    settings = services.settings
    services.mail = MailService(online, backend=settings.mail_backend, clock=clock)
    if settings.mail_backend == "smtp":
        services.mail_delivery = SmtpDelivery(online, SmtpConfig.from_settings(settings), clock=clock)
        services.mail.on_queued(services.mail_delivery.wake)
    tokens = LinkTokens(services.secret_key, clock=clock)
    services.identity = IdentityService(
        online,
        tokens=tokens,
        mail=services.mail,
        link_base_url=settings.link_base_url,
        clock=clock,
    )
    services.online_users = OnlineUserService(
        online, tokens, services.mail, link_base_url=settings.link_base_url, clock=clock
    )


def _build_licensing_services(services: Services, local: sessionmaker[Session]) -> None:
    """Licence, network computers, Online Desktop settings, prerequisites and the local API."""
    assert services.local_auth is not None and services.sync_lock is not None
    services.licensing = LicensingService(local, vendor_key=services.settings.licence_vendor_key)
    services.network = NetworkService(local)
    services.online_settings = OnlineDesktopSettingsService(local)
    services.prerequisites = PrerequisiteService(
        local, services.settings, services.local_auth, lambda: services.http
    )
    services.api_users = ApiUserService(local, services.sync_lock)
    services.integrations = IntegrationService(local, services.sync_lock)
    services.api_records = ApiRecordService(local)


def bootstrap(services: Services, *, initial_admin_password: str | None = None) -> str | None:
    """Start-up work. Returns a generated admin password (first start only).

    First start: administrator, sample company (with demo data) and demo licence. Every start: this
    computer joins the network computers, and add-ons bound since the last start become active.

    The sample company gets demo data of size S only when it is created, so a later start never
    overwrites what someone changed in it.
    """
    if services.local_auth is None or services.companies is None:
        return None
    password = services.local_auth.ensure_admin(initial_admin_password)
    sample = services.companies.ensure_sample_company()
    if sample is not None and services.demo_data is not None:
        services.demo_data.fill(sample.id, "S", "de")
    if services.licensing is not None and services.network is not None:
        services.licensing.ensure_demo_licence()
        services.network.register_computer(services.settings.computer_name)
        services.licensing.restart()
    return password

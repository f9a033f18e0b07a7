"""Settings of one process: where it listens, which role it plays, where its databases live.

Every field reads from the environment (upper-case name, e.g. ``LOCAL_DATABASE_URL``) and can be
overridden on the command line by ``main.py``. Tests build their own ``Settings`` and pass it in.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

Role = Literal["all", "local", "online"]


class Settings(BaseSettings):
    """Configuration of one Business Software / Online Desktop process."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(8080, description="Port to listen on.")
    data_dir: Path = Field(Path("data"), description="Folder for SQLite files, the secret key and logs.")
    role: Role = Field(
        "all", description="all: both sides; local: Business Software; online: Online Desktop."
    )
    online_url: str | None = Field(
        None, description="Base URL of the Online Desktop (default: this process)."
    )
    public_url: str | None = Field(None, description="URL used in e-mail links (default: http://host:port).")
    local_database_url: str | None = Field(None, description="Business Software database (default SQLite).")
    online_database_url: str | None = Field(None, description="Online Desktop database (default SQLite).")
    computer_name: str = Field(
        default_factory=socket.gethostname, description="Name of this network computer."
    )
    mail_backend: Literal["outbox", "smtp"] = Field(
        "outbox", description="outbox: built-in mailbox at /mail."
    )
    mailbox_enabled: bool | None = Field(
        None,
        description="Serve the built-in mailbox page /mail (default: only for role all on a loopback host).",
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed "
        "(default: none; the client address is the peer's).",
    )
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_timeout: float = 10.0
    smtp_cert_bundle: str | None = Field(None, description="CA file for a mail server with a private CA.")
    mail_from: str = "Online Desktop <no-reply@localhost>"
    redis_url: str | None = Field(
        None,
        description="Redis for NiceGUI's storage, shared by every instance of a deployment (role online).",
    )
    secret_key: SecretStr | None = Field(
        None,
        description="The deployment's secret (links, sessions, storage, sealed tokens); default: a key "
        "made at first start in DATA_DIR/secret_key.",
    )
    secret_key_file: Path | None = Field(None, description="File holding the deployment's secret.")
    db_pool_size: int = Field(10, ge=1, description="PostgreSQL: connections each instance keeps open.")
    db_max_overflow: int = Field(
        20, ge=0, description="PostgreSQL: connections opened beyond the pool size at peaks."
    )
    db_pool_timeout: float = Field(
        30.0, gt=0, description="PostgreSQL: seconds a request waits for a free connection."
    )
    db_statement_timeout: float = Field(
        60.0, ge=0, description="PostgreSQL: seconds a statement may run before it is cancelled (0: none)."
    )
    log_level: str = "INFO"
    sample_demo_data: bool = Field(
        True, description="Fill the sample company with demo data (size S) when it is first created."
    )
    clock_offset_seconds: float = Field(
        0.0,
        description="Seconds the application's clock runs ahead of the system clock, to try out what "
        "depends on time (such as the Online Desktop's staleness notice); 0 in normal use.",
    )
    licence_vendor_key: str | None = Field(
        None,
        description="Secret the vendor signs licence keys with (default: the built-in vendor key, "
        "see services.licence_keys).",
    )

    @property
    def base_url(self) -> str:
        """The URL a browser uses to reach this process."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    @property
    def online_base_url(self) -> str:
        """Where the Business Software side finds the Online Desktop HTTP API."""
        return (self.online_url or self.base_url).rstrip("/")

    @property
    def link_base_url(self) -> str:
        """Base of links in e-mails."""
        return (self.public_url or self.online_url or self.base_url).rstrip("/")

    @property
    def host_is_loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def mailbox_on(self) -> bool:
        """Whether /mail shows the outbox: it shows every address's mail (password resets included),
        so by default only a person's own single-machine setup has it (role all, loopback host)."""
        if self.mail_backend != "outbox":
            return False
        if self.mailbox_enabled is not None:
            return self.mailbox_enabled
        return self.role == "all" and self.host_is_loopback

    @property
    def trusted_proxy_addresses(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.trusted_proxies.split(",") if part.strip())

    @property
    def runs_local(self) -> bool:
        return self.role in ("all", "local")

    @property
    def runs_online(self) -> bool:
        return self.role in ("all", "online")

    @property
    def local_db_url(self) -> str:
        return self.local_database_url or f"sqlite:///{(self.data_dir / 'business.sqlite3').resolve()}"

    @property
    def online_db_url(self) -> str:
        return self.online_database_url or f"sqlite:///{(self.data_dir / 'online.sqlite3').resolve()}"

    @property
    def online_on_postgres(self) -> bool:
        return self.runs_online and self.online_db_url.startswith("postgresql")

    @property
    def shared_secret_given(self) -> bool:
        return self.secret_key is not None or self.secret_key_file is not None


class ConfigurationError(Exception):
    """A start refused because of its configuration; the message says what to change."""


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost; 0.0.0.0 (every interface) is not."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


MIN_SECRET_LENGTH = 32
SECRET_HINT = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


def secret_key_for(settings: Settings) -> str:
    """The secret of this installation or deployment: ``SECRET_KEY``, the file ``SECRET_KEY_FILE``,
    or else the key made at first start in the data directory (one machine only)."""
    if settings.secret_key is not None and settings.secret_key_file is not None:
        raise ConfigurationError("set SECRET_KEY or SECRET_KEY_FILE, not both")
    if settings.secret_key is not None:
        return _long_enough(settings.secret_key.get_secret_value().strip(), "SECRET_KEY")
    if settings.secret_key_file is not None:
        try:
            text = settings.secret_key_file.read_text()
        except OSError as exc:
            raise ConfigurationError(
                f"SECRET_KEY_FILE {settings.secret_key_file} cannot be read: {exc.strerror}"
            ) from None
        return _long_enough(text.strip(), "the file of SECRET_KEY_FILE")
    return load_secret_key(settings.data_dir)


def require_shared_secret(settings: Settings) -> None:
    """Refuse to serve the Online Desktop on PostgreSQL without the deployment's secret: several
    instances share that database, and each would otherwise sign with a key of its own, so links,
    sessions and storage issued by one would be refused by the others."""
    if settings.role == "online" and settings.online_on_postgres and not settings.shared_secret_given:
        raise ConfigurationError(
            "--role online on PostgreSQL needs the deployment's secret in SECRET_KEY or SECRET_KEY_FILE, "
            "the same for every instance (links, sessions and storage signed by one instance must be "
            f"accepted by the others); make one with {SECRET_HINT}"
        )


def _long_enough(secret: str, where: str) -> str:
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"{where} is too short: the secret needs at least {MIN_SECRET_LENGTH} characters "
            f"(make one with {SECRET_HINT})"
        )
    return secret


def load_secret_key(data_dir: Path) -> str:
    """Return the process secret, creating it (mode 600) on first start; it is never a constant."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    os.chmod(path, 0o600)
    return path.read_text().strip()

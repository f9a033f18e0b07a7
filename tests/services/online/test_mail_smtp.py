"""SMTP delivery against a real SMTP server (aiosmtpd) started by the test."""

from __future__ import annotations

import asyncio
import email
import email.policy
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

from services.clock import FrozenClock
from services.config import Settings
from services.container import Services, build_services
from services.online.mail import MailSummary
from services.online.mail_smtp import SmtpConfig, SmtpDelivery

ADDRESS = "carla@example.com"


class Inbox:
    """aiosmtpd handler that keeps every received message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def smtp_services(data_dir: Path, clock: FrozenClock, port: int) -> Iterator[Services]:
    settings = Settings(
        data_dir=data_dir, role="online", mail_backend="smtp", smtp_host="127.0.0.1", smtp_port=port
    )
    built = build_services(settings, clock=clock)
    yield built
    built.db.dispose()


def start_server(inbox: Inbox, port: int, **kwargs: Any) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller


def delivery(services: Services) -> SmtpDelivery:
    return services.online.mail_delivery


def status(services: Services) -> MailSummary:
    [summary] = services.online.mail.list_mail()
    return summary


async def sign_up(services: Services) -> None:
    await asyncio.to_thread(services.online.identity.sign_up, ADDRESS, "en")


async def test_a_queued_mail_arrives_with_both_parts_the_subject_and_a_working_link(
    smtp_services: Services, port: int
) -> None:
    inbox = Inbox()
    server = start_server(inbox, port)
    try:
        await sign_up(smtp_services)
        assert status(smtp_services).status == "queued"  # signing up did not wait for the server
        assert await delivery(smtp_services).deliver_due() == 1
    finally:
        server.stop()
    [message] = inbox.messages
    assert message["Subject"] == "Confirm your Online ID"
    assert message["To"] == ADDRESS
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    link = next(w for w in text.get_content().split() if "/id/verify?token=" in w)
    assert f'href="{link}"' in html.get_content()
    token = link.split("token=", 1)[1]
    identity = smtp_services.online.identity
    assert identity.check_link("verify", token).email == ADDRESS
    assert identity.complete_sign_up(token, "Blue-Tomato-Sunrise-7").status == "active"
    sent = status(smtp_services)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, "")


async def test_a_refused_connection_is_recorded_and_retried_later(
    smtp_services: Services, clock: FrozenClock, port: int
) -> None:
    await sign_up(smtp_services)
    assert await delivery(smtp_services).deliver_due() == 1
    failed = status(smtp_services)
    assert (failed.status, failed.attempts) == ("queued", 1)
    assert "refused" in failed.last_error.lower() or "connect" in failed.last_error.lower()
    assert await delivery(smtp_services).deliver_due() == 0  # not due before the backoff
    inbox = Inbox()
    server = start_server(inbox, port)
    try:
        clock.advance(seconds=31)
        assert await delivery(smtp_services).deliver_due() == 1
    finally:
        server.stop()
    assert len(inbox.messages) == 1
    assert (status(smtp_services).status, status(smtp_services).attempts) == ("sent", 2)


async def test_a_mail_that_keeps_failing_is_marked_failed_with_the_reason(
    smtp_services: Services, clock: FrozenClock
) -> None:
    await sign_up(smtp_services)
    waits = []
    for _ in range(5):
        assert await delivery(smtp_services).deliver_due() == 1
        if status(smtp_services).status == "queued":
            waits.append(delivery(smtp_services).retry_delay(status(smtp_services).attempts).total_seconds())
            clock.advance(hours=1)
    final = status(smtp_services)
    assert (final.status, final.attempts) == ("failed", 5)
    assert final.last_error
    assert waits == [30, 60, 120, 240]
    clock.advance(days=1)
    assert await delivery(smtp_services).deliver_due() == 0


async def test_the_worker_sends_soon_after_a_sign_up_commits(smtp_services: Services, port: int) -> None:
    inbox = Inbox()
    server = start_server(inbox, port)
    worker = asyncio.create_task(delivery(smtp_services).run(poll_seconds=300))
    try:
        await asyncio.sleep(0.05)
        await sign_up(smtp_services)
        for _ in range(100):
            if inbox.messages:
                break
            await asyncio.sleep(0.05)
    finally:
        worker.cancel()
        server.stop()
    assert [m["To"] for m in inbox.messages] == [ADDRESS]


def test_the_security_setting_chooses_plain_starttls_or_implicit_tls() -> None:
    plain = SmtpConfig(host="mail", port=25).send_kwargs()
    starttls = SmtpConfig(host="mail", port=587, security="starttls", user="u", password="p").send_kwargs()
    tls = SmtpConfig(host="mail", port=465, security="tls").send_kwargs()
    assert (plain["use_tls"], plain["start_tls"], plain["username"]) == (False, False, None)
    assert (starttls["use_tls"], starttls["start_tls"], starttls["username"]) == (False, True, "u")
    assert (tls["use_tls"], tls["start_tls"]) == (True, False)


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate for the TLS tests")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"mailer", b"Secret-42")
    return AuthResult(success=ok)


async def test_starttls_with_login_delivers(
    smtp_services: Services, clock: FrozenClock, port: int, certificate: tuple[Path, Path]
) -> None:
    inbox = Inbox()
    context = server_tls(certificate)
    server = start_server(
        inbox,
        port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    config = SmtpConfig(
        host="127.0.0.1", port=port, security="starttls", user="mailer", password="Secret-42",
        cert_bundle=str(certificate[0]),
    )  # fmt: skip
    assert smtp_services.db.online is not None
    sender = SmtpDelivery(smtp_services.db.online, config, clock=clock)
    try:
        await sign_up(smtp_services)
        await sender.deliver_due()
    finally:
        server.stop()
    assert status(smtp_services).status == "sent", status(smtp_services).last_error
    assert len(inbox.messages) == 1


async def test_implicit_tls_delivers(
    smtp_services: Services, clock: FrozenClock, port: int, certificate: tuple[Path, Path]
) -> None:
    inbox = Inbox()
    server = start_server(inbox, port, ssl_context=server_tls(certificate))
    config = SmtpConfig(host="127.0.0.1", port=port, security="tls", cert_bundle=str(certificate[0]))
    assert smtp_services.db.online is not None
    sender = SmtpDelivery(smtp_services.db.online, config, clock=clock)
    try:
        await sign_up(smtp_services)
        await sender.deliver_due()
    finally:
        server.stop()
    assert status(smtp_services).status == "sent", status(smtp_services).last_error
    assert len(inbox.messages) == 1

"""Small builders for licensing and prerequisite tests: a company ready to connect, keys, a health server."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Response
from sqlalchemy import func, select, update

from models.local import Contact, Employee, User
from services.config import Settings
from services.container import Services, build_services
from services.licence_keys import ONLINE_DESKTOP, IssueRequest, issue_key
from services.local.views import CompanyView, SessionView
from tests.conftest import ADMIN_PASSWORD

COMPLETE_REGISTRATION = {
    "name": "Müller GmbH",
    "street": "Hauptstraße 1",
    "postal_code": "80331",
    "city": "München",
    "country": "Deutschland",
    "phone": "+49 89 123456",
    "email": "info@mueller.example",
    "registration_number": "HRB 98765",
}


def key_for(
    holder: str, *, days: int = 365, addons: tuple[str, ...] = (ONLINE_DESKTOP,), seats: int = 5
) -> str:
    """A vendor key valid for ``days`` from today (negative: expired)."""
    return issue_key(
        IssueRequest(
            holder=holder, seats=seats, valid_until=dt.date.today() + dt.timedelta(days=days), addons=addons
        )
    )


def create_company(services: Services, **overrides: str) -> CompanyView:
    return services.local.companies.create_company({**COMPLETE_REGISTRATION, **overrides})


def log_in_admin(services: Services, company_id: int) -> SessionView:
    """The administrator (a Super User), logged in and working in the company."""
    auth, _companies = services.local.auth, services.local.companies
    auth.ensure_admin(ADMIN_PASSWORD)
    session = auth.login("admin", ADMIN_PASSWORD)
    auth.open_company(session.token, company_id)
    return session


def link_employee(
    services: Services, user_id: int, company_id: int, email: str = "anna@mueller.example"
) -> str:
    """Create an employee in the company and link the user to it; returns the employee's UUID."""
    assert services.db.local is not None
    with services.db.local.begin() as s:
        employee = Employee(company_id=company_id, first_name="Anna", last_name="Berg", email=email)
        s.add(employee)
        s.flush()
        s.execute(update(User).where(User.id == user_id).values(employee_uuid=employee.uuid))
        return employee.uuid


def ready_to_connect(services: Services) -> tuple[CompanyView, SessionView]:
    """A company for which every local condition holds (the health check is up to the test)."""
    company = create_company(services)
    services.local.licensing.ensure_demo_licence()
    services.local.network.register_computer(services.settings.computer_name)
    services.local.licensing.bind_addon(ONLINE_DESKTOP, company.id)
    services.local.licensing.restart()
    session = log_in_admin(services, company.id)
    link_employee(services, session.user.id, company.id)
    return company, session


def prepare_connectable_company(data_dir: Path, *, open_integration: bool = False, contacts: int = 0) -> int:
    """Before a server starts on ``data_dir``: the admin (logged out again), a company for which every
    local prerequisite holds, with the add-on bound but not yet activated (the server's start is the
    restart), optionally an open integration "Webshop" (condition 8 red) and some synced data.
    Returns the company's number of contacts."""
    from tests.sync.local_helpers import fill  # sync test helpers; imported only where needed

    services = build_services(Settings(data_dir=data_dir, computer_name="TEST-PC"))
    try:
        auth, _companies = services.local.auth, services.local.companies
        assert (
            services.local.licensing
            and services.local.network
            and services.local.integrations
            and services.db.local
        )
        auth.ensure_admin(ADMIN_PASSWORD)
        admin = auth.login("admin", ADMIN_PASSWORD)
        auth.logout(admin.token)
        company = create_company(services)
        link_employee(services, admin.user.id, company.id)
        services.local.licensing.ensure_demo_licence()
        services.local.network.register_computer("TEST-PC")
        services.local.licensing.bind_addon(ONLINE_DESKTOP, company.id)
        if open_integration:
            webshop = services.local.integrations.register_integration(company.id, "Webshop")
            services.local.integrations.open_integration(company.id, webshop.id)
        if contacts:
            fill(services.db.local, company.id, contacts=contacts)
        with services.db.local() as s:
            count = select(func.count()).select_from(Contact).where(Contact.company_id == company.id)
            return s.scalar(count) or 0
    finally:
        services.db.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def health_app() -> FastAPI:
    """Health endpoints under three prefixes: one healthy, one failing, one too slow."""
    app = FastAPI()

    @app.get("/ok/api/online/v1/health")
    def ok() -> dict[str, object]:
        return {"status": "ok", "protocol_version": 1}

    @app.get("/broken/api/online/v1/health")
    def broken() -> Response:
        return Response("down for maintenance", status_code=503)

    @app.get("/slow/api/online/v1/health")
    async def slow() -> dict[str, object]:
        await asyncio.sleep(2)
        return {"status": "ok"}

    return app


@contextmanager
def running_health_server() -> Iterator[str]:
    """A real HTTP server on loopback serving ``health_app``; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(health_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)

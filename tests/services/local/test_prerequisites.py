"""Each of the eleven prerequisites of PRODUCT.md §2 is shown failing, and then passing once fixed."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import update

from models.local import Employee, LicenceHolder, SyncConnection, User
from services.config import Settings
from services.container import Services
from services.licence_keys import ONLINE_DESKTOP
from services.local.prerequisites import PrerequisiteReport, PrerequisiteService
from services.local.views import CompanyView, SessionView
from services.secrets.passwords import hash_password
from services.sync.client.http import HttpLink
from tests.sealing import TEST_SEAL
from tests.services.local.licensing_factories import (
    COMPLETE_REGISTRATION,
    create_company,
    free_port,
    key_for,
    link_employee,
    log_in_admin,
    ready_to_connect,
    running_health_server,
)


@pytest.fixture(scope="module")
def health_url() -> Iterator[str]:
    with running_health_server() as url:
        yield url


@pytest.fixture
def world(services: Services) -> tuple[CompanyView, SessionView]:
    return ready_to_connect(services)


def checker(services: Services, online_url: str, timeout: float = 5.0) -> PrerequisiteService:
    """The prerequisites service of this installation, pointed at a given Online Desktop."""
    settings = Settings(data_dir=services.settings.data_dir, computer_name="TEST-PC", online_url=online_url)
    assert services.db.local is not None
    return PrerequisiteService(
        services.db.local, settings, services.local.auth, services.http, health_timeout=timeout
    )


async def check(
    services: Services, url: str, company: CompanyView, session: SessionView
) -> PrerequisiteReport:
    return await checker(services, url).check_prerequisites(
        company.id, user_id=session.user.id, session_token=session.token
    )


async def test_a_company_ready_to_connect_passes_all_eleven(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    report = await check(services, health_url + "/ok", company, session)
    assert [c.number for c in report.conditions] == list(range(1, 12))
    assert [(c.number, c.status) for c in report.conditions if c.status != "ok"] == []
    assert report.ok
    assert report.condition(4).reason_params["email"] == "anna@mueller.example"


async def test_1_the_add_on_must_be_bound_to_this_company_and_activated(
    services: Services, health_url: str
) -> None:
    company = create_company(services)
    services.local.licensing.ensure_demo_licence()
    session = log_in_admin(services, company.id)
    url = health_url + "/ok"
    assert (await check(services, url, company, session)).condition(1).reason_key == "prereq.c1.not_bound"
    services.local.licensing.bind_addon(ONLINE_DESKTOP, company.id)
    first = (await check(services, url, company, session)).condition(1)
    assert (first.status, first.reason_key) == ("failed", "prereq.c1.restart_pending")
    services.local.licensing.restart()
    assert (await check(services, url, company, session)).condition(1).status == "ok"


async def test_2_an_expired_service_contract_fails_and_a_valid_one_passes(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    services.local.licensing.install_key(key_for("Müller GmbH", days=-1))
    failed = (await check(services, health_url + "/ok", company, session)).condition(2)
    assert (failed.status, failed.reason_key, failed.fix_link) == (
        "failed",
        "prereq.c2.expired",
        "/settings/licence",
    )
    services.local.licensing.install_key(key_for("Müller GmbH", days=10))
    assert (await check(services, health_url + "/ok", company, session)).condition(2).status == "warning"
    services.local.licensing.install_key(key_for("Müller GmbH", days=400))
    assert (await check(services, health_url + "/ok", company, session)).condition(2).status == "ok"


async def test_3_the_sample_database_fails_and_an_own_company_passes(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    sample = services.local.companies.ensure_sample_company()
    assert sample is not None
    assert (await check(services, health_url + "/ok", sample, session)).condition(3).status == "failed"
    assert (await check(services, health_url + "/ok", company, session)).condition(3).status == "ok"


async def test_4_the_user_must_be_a_super_user_linked_to_an_employee_with_e_mail(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    assert services.db.local is not None
    url = health_url + "/ok"
    with services.db.local.begin() as s:
        s.execute(update(User).values(is_super_user=False))
    assert (await check(services, url, company, session)).condition(
        4
    ).reason_key == "prereq.c4.not_super_user"
    with services.db.local.begin() as s:
        s.execute(update(User).values(is_super_user=True, employee_uuid=None))
    assert (await check(services, url, company, session)).condition(4).reason_key == "prereq.c4.no_employee"
    link_employee(services, session.user.id, company.id, email="")
    no_email = (await check(services, url, company, session)).condition(4)
    assert (no_email.reason_key, no_email.fix_link is not None) == ("prereq.c4.no_email", True)
    with services.db.local.begin() as s:
        s.execute(update(Employee).values(email="chefin@mueller.example"))
    passed = (await check(services, url, company, session)).condition(4)
    assert (passed.status, passed.reason_params["email"]) == ("ok", "chefin@mueller.example")


async def test_5_incomplete_registration_information_names_the_missing_fields(
    services: Services, health_url: str
) -> None:
    company = create_company(services, phone="", registration_number="")
    session = log_in_admin(services, company.id)
    failed = (await check(services, health_url + "/ok", company, session)).condition(5)
    assert (failed.status, failed.details) == ("failed", ("company.phone", "company.registration_number"))
    assert failed.fix_link == "/settings/company"
    values = {**COMPLETE_REGISTRATION, "phone": "+49 1", "registration_number": "HRB 1"}
    services.local.companies.update_registration(company.id, values)
    assert (await check(services, health_url + "/ok", company, session)).condition(5).status == "ok"


async def test_6_licence_holder_info_needs_name_contact_person_and_phone(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    assert services.db.local is not None
    with services.db.local.begin() as s:
        s.execute(update(LicenceHolder).values(contact_person="", phone=""))
    failed = (await check(services, health_url + "/ok", company, session)).condition(6)
    assert failed.details == ("licensing.holder.contact_person", "licensing.holder.phone")
    holder = services.local.licensing.holder()
    services.local.licensing.update_holder({"name": holder.name, "contact_person": "Erika", "phone": "+49 2"})
    assert (await check(services, health_url + "/ok", company, session)).condition(6).status == "ok"


async def test_7_only_the_chosen_sync_computer_may_connect(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    services.local.network.register_computer("SERVER-2")
    services.local.online_settings.save_sync_settings(company.id, sync_computer="SERVER-2")
    failed = (await check(services, health_url + "/ok", company, session)).condition(7)
    assert (failed.reason_key, failed.reason_params) == (
        "prereq.c7.other",
        {"chosen": "SERVER-2", "here": "TEST-PC"},
    )
    services.local.online_settings.save_sync_settings(company.id, sync_computer="TEST-PC")
    assert (await check(services, health_url + "/ok", company, session)).condition(7).status == "ok"


async def test_8_logged_in_api_users_and_open_integrations_block(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    created = services.local.api_users.create_api_user(company.id, "shop-sync")
    services.local.api_users.login("shop-sync", created.secret)
    url = health_url + "/ok"
    assert (await check(services, url, company, session)).condition(8).reason_key == "prereq.c8.api_sessions"
    services.local.api_users.end_session(company.id, services.local.api_users.list_sessions(company.id)[0].id)
    integration = services.local.integrations.register_integration(company.id, "Webshop")
    services.local.integrations.open_integration(company.id, integration.id)
    failed = (await check(services, url, company, session)).condition(8)
    assert (failed.reason_key, failed.reason_params["names"]) == ("prereq.c8.integrations_open", "Webshop")
    services.local.integrations.close_integration(company.id, integration.id)
    assert (await check(services, url, company, session)).condition(8).status == "ok"


async def test_9_other_users_logged_in_to_the_company_block(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    auth, _c = services.local.auth, services.local.companies
    assert services.db.local is not None
    with services.db.local.begin() as s:
        s.add(User(username="bob", full_name="Bob Bauer", password_hash=hash_password("Bob-Password-1")))
    bob = auth.login("bob", "Bob-Password-1")
    auth.open_company(bob.token, company.id)
    failed = (await check(services, health_url + "/ok", company, session)).condition(9)
    assert (failed.status, failed.reason_params["names"]) == ("failed", "Bob Bauer")
    auth.logout(bob.token)
    assert (await check(services, health_url + "/ok", company, session)).condition(9).status == "ok"


async def test_10_an_unreachable_online_desktop_says_why_in_words(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    closed = f"http://127.0.0.1:{free_port()}"
    refused = (await check(services, closed, company, session)).condition(10)
    assert (refused.status, refused.reason_key) == ("failed", "prereq.c10.refused")
    assert refused.reason_params == {"url": closed + "/api/online/v1/health"}  # no library text
    bad = (await check(services, health_url + "/broken", company, session)).condition(10)
    assert (bad.reason_key, bad.reason_params["status"]) == ("prereq.c10.bad_status", "503")
    slow = await checker(services, health_url + "/slow", timeout=0.3).check_online_reachable()
    assert (slow.reason_key, slow.reason_params["seconds"]) == ("prereq.c10.timeout", "0.3")
    assert (await check(services, health_url + "/ok", company, session)).condition(10).status == "ok"


async def test_10_asks_through_the_process_http_link(services: Services) -> None:
    settings = Settings(data_dir=services.settings.data_dir, online_url="http://online.test")
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"status": "ok"}))
    link = HttpLink(transport=transport)
    assert services.db.local is not None
    service = PrerequisiteService(services.db.local, settings, services.local.auth, link)
    condition = await service.check_online_reachable()
    await link.close()
    assert (condition.status, condition.reason_params["url"]) == (
        "ok",
        "http://online.test/api/online/v1/health",
    )


async def test_11_a_connected_company_is_shown_connected_and_cannot_connect_again(
    services: Services, world, health_url: str
) -> None:
    company, session = world
    assert services.db.local is not None
    with services.db.local.begin() as s:
        s.add(
            SyncConnection(
                company_id=company.id,
                online_url="x",
                tenant_uuid="t",
                sealed_token=TEST_SEAL.seal("k"),
                connected_by="a@b.c",
            )
        )
    report = await check(services, health_url + "/ok", company, session)
    connected = report.condition(11)
    # shown as the state it is, not as a failure to repair; it still blocks connecting again
    assert (connected.status, connected.reason_params["by"]) == ("connected", "a@b.c")
    assert not report.ok and 11 not in [c.number for c in report.failed]
    with services.db.local.begin() as s:
        s.execute(update(SyncConnection).values(status="disconnected"))
    assert (await check(services, health_url + "/ok", company, session)).condition(11).status == "ok"

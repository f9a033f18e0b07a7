"""Licence keys, licence holder and add-on bindings."""

from __future__ import annotations

import datetime as dt

import pytest

from services.container import Services, bootstrap, build_services
from services.errors import ValidationFailed
from services.licence_keys import (
    ONLINE_DESKTOP,
    IssueRequest,
    LicenceKeyInvalid,
    LicenceKeyMalformed,
    issue_key,
)
from services.local.licensing.service import (
    AddonAlreadyBound,
    ContractExpired,
    LicenceHolderMismatch,
    LicensingService,
    SampleDatabaseRefused,
)
from tests.services.local.licensing_factories import create_company, key_for


@pytest.fixture
def licensing(services: Services) -> LicensingService:
    return services.local.licensing


def test_the_first_start_installs_a_demo_licence_with_online_desktop_and_complete_holder_info(
    services: Services, licensing: LicensingService
) -> None:
    bootstrap(services, initial_admin_password="Correct-Horse-42")
    licence = licensing.licence()
    assert licence is not None and licence.demo
    online = licence.addon(ONLINE_DESKTOP)
    assert online is not None and online.contract is not None and not online.contract.expired
    assert set(online.contract.modules) == {"contacts", "activities", "sales", "products"}
    assert len(licence.addons) >= 2
    holder = licensing.holder()
    assert holder.name and holder.contact_person and holder.phone
    assert licensing.ensure_demo_licence() is False


def test_a_tampered_key_is_refused_and_nothing_is_installed(licensing: LicensingService) -> None:
    licensing.ensure_demo_licence()
    key = key_for("Demo-Lizenznehmer / Demo licence holder")
    payload, signature = key.rsplit(".", 1)
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
    with pytest.raises(LicenceKeyInvalid):
        licensing.install_key(tampered)
    with pytest.raises(LicenceKeyInvalid):
        licensing.install_key("not a licence key")
    licence = licensing.licence()
    assert licence is not None and licence.demo


def test_a_key_signed_by_someone_else_is_refused(licensing: LicensingService) -> None:
    forged = issue_key(
        IssueRequest(holder="X", seats=999, valid_until=dt.date(2099, 1, 1)),
        configured_vendor_key="guessed-secret",
    )
    with pytest.raises(LicenceKeyInvalid):
        licensing.install_key(forged)


def test_a_signed_key_with_unknown_content_is_refused_as_malformed(licensing: LicensingService) -> None:
    from itsdangerous import URLSafeSerializer

    from services.licence_keys import SALT, vendor_key

    odd = str(URLSafeSerializer(vendor_key(), salt=SALT).dumps({"holder": "X"}))
    with pytest.raises(LicenceKeyMalformed):
        licensing.install_key(odd)


def test_a_key_for_another_holder_is_refused_once_a_real_licence_is_installed(
    licensing: LicensingService,
) -> None:
    licensing.ensure_demo_licence()
    installed = licensing.install_key(key_for("Müller GmbH"))
    assert (installed.holder, licensing.holder().name) == ("Müller GmbH", "Müller GmbH")
    with pytest.raises(LicenceHolderMismatch):
        licensing.install_key(key_for("Schmidt AG"))
    licence = licensing.licence()
    assert licence is not None and licence.number == installed.number
    assert licensing.install_key(key_for("  müller   gmbh ")).holder == "müller   gmbh"


def test_the_holder_name_must_stay_the_one_the_licence_names(licensing: LicensingService) -> None:
    licensing.ensure_demo_licence()
    licensing.update_holder({"name": "Anything goes with a demo", "contact_person": "A", "phone": "1"})
    licensing.install_key(key_for("Anything goes with a demo"))
    with pytest.raises(ValidationFailed) as refused:
        licensing.update_holder({"name": "Other Name", "contact_person": "A", "phone": "1"})
    assert refused.value.fields == {"name": "licensing.holder_name_fixed"}
    saved = licensing.update_holder(
        {"name": "Anything goes with a demo", "contact_person": "B", "phone": "2"}
    )
    assert saved.contact_person == "B"


def test_the_sample_database_cannot_be_bound(services: Services, licensing: LicensingService) -> None:
    licensing.ensure_demo_licence()
    sample = services.local.companies.ensure_sample_company()
    assert sample is not None
    with pytest.raises(SampleDatabaseRefused):
        licensing.bind_addon(ONLINE_DESKTOP, sample.id)
    assert licensing.binding(ONLINE_DESKTOP) is None


def test_an_expired_contract_cannot_be_bound(services: Services, licensing: LicensingService) -> None:
    licensing.ensure_demo_licence()
    licensing.install_key(key_for("Müller GmbH", days=-3))
    company = create_company(services)
    with pytest.raises(ContractExpired):
        licensing.bind_addon(ONLINE_DESKTOP, company.id)


def test_online_desktop_binds_to_one_company_and_activates_on_restart(
    services: Services, licensing: LicensingService
) -> None:
    licensing.ensure_demo_licence()
    first = create_company(services)
    second = create_company(services, name="Schmidt AG")
    bound = licensing.bind_addon(ONLINE_DESKTOP, first.id)
    assert bound.binding is not None and not bound.binding.activated
    assert not licensing.is_active(first.id)
    licence = licensing.licence()
    assert licence is not None and licence.restart_pending
    with pytest.raises(AddonAlreadyBound):
        licensing.bind_addon(ONLINE_DESKTOP, second.id)
    licensing.restart()
    assert licensing.is_active(first.id) and not licensing.is_active(second.id)
    licence = licensing.licence()
    assert licence is not None and not licence.restart_pending


def test_a_process_restart_activates_a_binding_made_before(services: Services) -> None:
    services.local.licensing.ensure_demo_licence()
    company = create_company(services)
    services.local.licensing.bind_addon(ONLINE_DESKTOP, company.id)
    restarted = build_services(services.settings)
    try:
        bootstrap(restarted, initial_admin_password="Correct-Horse-42")
        assert restarted.local is not None and restarted.local.licensing.is_active(company.id)
    finally:
        restarted.db.dispose()

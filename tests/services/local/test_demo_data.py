"""Demo data: sizes, refills, locales and consistent references."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from models.local import Company
from models.local.company_data import Activity, Contact, Employee, Product, SalesOrder
from models.local.online_link import SyncConnection
from services.config import Settings
from services.container import Services, bootstrap
from services.errors import Conflict, NotFound, ValidationFailed
from services.local.demo_data import DemoDataPlan, DemoDataService, run_demo_data_command
from services.local.demo_data.rows import RowFactory
from services.local.demo_data.service import _mostly_filled
from services.sync.client.tracking import install_change_tracking
from tests.benchmarks.consistency import broken_references, orders_with_wrong_total
from tests.sealing import TEST_SEAL


@pytest.fixture
def demo(services: Services) -> DemoDataService:
    return services.local.demo_data


def names(services: Services, model: type[Contact] | type[Product], company_id: int) -> list[str]:
    assert services.db.local is not None
    with services.db.local() as s:
        return list(s.scalars(select(model.name).where(model.company_id == company_id).order_by(model.id)))


def test_size_s_fills_about_a_thousand_rows_in_every_register(demo: DemoDataService) -> None:
    company = demo.ensure_company("Klein GmbH")
    report = demo.fill(company.id, size="S")
    assert 900 <= report.rows <= 1_100
    assert all(count > 0 for count in report.counts.values()), report.counts
    assert demo.count_rows(company.id) == dict(report.counts)


def test_size_m_fills_about_fifty_thousand_rows(demo: DemoDataService) -> None:
    company = demo.ensure_company("Mittel GmbH")
    report = demo.fill(company.id, size="M", locale="en")
    assert 45_000 <= report.rows <= 55_000
    assert report.counts["contacts"] == 10_000
    assert demo.count_rows(company.id) == dict(report.counts)


def test_every_reference_resolves_and_every_total_is_the_sum_of_its_lines(
    services: Services, demo: DemoDataService
) -> None:
    assert services.db.local is not None
    company = demo.ensure_company("Konsistent AG")
    demo.fill(company.id, size="S")
    assert broken_references(services.db.local, company.id) == {}
    assert orders_with_wrong_total(services.db.local, company.id) == []


def test_refilling_replaces_the_data_instead_of_adding_to_it(demo: DemoDataService) -> None:
    company = demo.ensure_company("Zweimal KG")
    first = demo.fill(company.id, size="S")
    second = demo.fill(company.id, size="S")
    assert demo.count_rows(company.id) == dict(second.counts) == dict(first.counts)


def test_refilling_one_company_leaves_another_untouched(demo: DemoDataService) -> None:
    ours, theirs = demo.ensure_company("Unsere GmbH"), demo.ensure_company("Andere GmbH")
    demo.fill(theirs.id, size="S", locale="en")
    before = demo.count_rows(theirs.id)
    demo.fill(ours.id, size="S")
    demo.fill(ours.id, size="S")
    assert demo.count_rows(theirs.id) == before


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(
    services: Services, demo: DemoDataService
) -> None:
    a, b = demo.ensure_company("Saat A"), demo.ensure_company("Saat B")
    demo.fill(a.id, size="S", seed=7)
    demo.fill(b.id, size="S", seed=7)
    assert names(services, Contact, a.id) == names(services, Contact, b.id)
    demo.fill(b.id, size="S", seed=8)
    assert names(services, Contact, a.id) != names(services, Contact, b.id)


def test_german_and_english_demo_data_differ(services: Services, demo: DemoDataService) -> None:
    assert services.db.local is not None
    de, en = demo.ensure_company("Deutsch GmbH", "de"), demo.ensure_company("English Ltd", "en")
    demo.fill(de.id, size="S", locale="de")
    demo.fill(en.id, size="S", locale="en")
    with services.db.local() as s:
        countries = {
            company_id: set(s.scalars(select(Contact.country).where(Contact.company_id == company_id)))
            for company_id in (de.id, en.id)
        }
        units = set(s.scalars(select(Product.unit).where(Product.company_id == de.id)))
    assert countries == {de.id: {"Deutschland"}, en.id: {"United Kingdom"}}
    assert "Std." in units
    assert set(names(services, Product, de.id)).isdisjoint(names(services, Product, en.id))
    assert demo.ensure_company("English Ltd").country == "United Kingdom"


def test_rows_carry_uuid7_company_and_an_aware_update_time(services: Services, demo: DemoDataService) -> None:
    assert services.db.local is not None
    company = demo.ensure_company("Kennung GmbH")
    demo.fill(company.id, size="S")
    with services.db.local() as s:
        for model in (Contact, Employee, SalesOrder, Activity):
            rows = s.scalars(select(model).where(model.company_id == company.id)).all()
            assert len({row.uuid for row in rows}) == len(rows)
            assert {uuid.UUID(row.uuid).version for row in rows} == {7}
            assert all(row.updated_at.tzinfo is not None for row in rows)
        employees = s.scalars(select(Employee.email).where(Employee.company_id == company.id)).all()
    assert all("@" in email for email in employees)


def test_a_company_is_created_with_registration_info_and_found_again_by_name(demo: DemoDataService) -> None:
    created = demo.ensure_company("Bench")
    assert created.street and created.postal_code and created.city and created.registration_number
    assert demo.ensure_company("bench").id == created.id


def test_unknown_sizes_locales_and_companies_are_refused(demo: DemoDataService) -> None:
    company = demo.ensure_company("Falsch GmbH")
    with pytest.raises(ValidationFailed):
        demo.fill(company.id, size="XL")
    with pytest.raises(ValidationFailed):
        demo.fill(company.id, size="S", locale="fr")
    with pytest.raises(NotFound):
        demo.fill(company.id + 100, size="S")


def test_a_company_connected_to_the_online_desktop_is_not_refilled(
    services: Services, demo: DemoDataService
) -> None:
    assert services.db.local is not None
    company = demo.ensure_company("Verbunden GmbH")
    demo.fill(company.id, size="S")
    with services.db.local.begin() as s:
        s.add(
            SyncConnection(
                company_id=company.id,
                online_url="http://x",
                tenant_uuid="t",
                sealed_token=TEST_SEAL.seal("x"),
            )
        )
    before = demo.count_rows(company.id)
    with pytest.raises(Conflict):
        demo.fill(company.id, size="S")
    assert demo.count_rows(company.id) == before


def test_the_first_start_fills_the_sample_company_once(services: Services) -> None:
    assert services.db.local is not None
    bootstrap(services, initial_admin_password="Correct-Horse-42")
    with services.db.local() as s:
        sample = s.scalars(select(Company).where(Company.is_sample)).one()
    first = services.local.demo_data.count_rows(sample.id)
    assert 900 <= sum(first.values()) <= 1_100
    with services.db.local.begin() as s:
        s.execute(Contact.__table__.delete().where(Contact.name.like("A%")))
    after_edit = services.local.demo_data.count_rows(sample.id)
    bootstrap(services)
    assert services.local.demo_data.count_rows(sample.id) == after_edit


def test_the_command_creates_the_company_and_prints_counts_and_time(
    settings: Settings, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_demo_data_command(settings, company="Bench", size="S", locale="en") == 0
    out = capsys.readouterr().out
    assert "contacts" in out and "sales_order_lines" in out and " s" in out
    assert services.db.local is not None
    with services.db.local() as s:
        company_id = s.scalars(select(Company.id).where(Company.name == "Bench")).one()
        assert s.scalar(select(func.count()).where(Contact.company_id == company_id)) == 200
        newest = s.scalar(select(func.max(SalesOrder.order_date)).where(SalesOrder.company_id == company_id))
    assert newest is not None and newest <= dt.date.today()


def test_a_fill_that_fails_half_way_keeps_the_previous_data(
    demo: DemoDataService, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = demo.ensure_company("Abbruch GmbH")
    demo.fill(company.id, size="S")
    before = demo.count_rows(company.id)

    def broken(self: RowFactory, count: int) -> Iterator[list[dict[str, object]]]:
        raise RuntimeError("disk full")
        yield []

    monkeypatch.setattr(RowFactory, "activity_chunks", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        demo.fill(company.id, size="S", seed=99)
    assert demo.count_rows(company.id) == before


def test_a_disconnected_company_may_be_refilled(services: Services, demo: DemoDataService) -> None:
    assert services.db.local is not None
    company = demo.ensure_company("Getrennt GmbH")
    with services.db.local.begin() as s:
        s.add(
            SyncConnection(
                company_id=company.id,
                online_url="http://x",
                tenant_uuid="t",
                sealed_token=TEST_SEAL.seal("x"),
                status="disconnected",
            )
        )
    assert demo.fill(company.id, size="S").counts["contacts"] == 200


def test_the_sync_change_tracking_is_intact_after_a_fill(services: Services, demo: DemoDataService) -> None:
    assert services.db.local_engine is not None
    company = demo.ensure_company("Verfolgt GmbH")
    demo.fill(company.id, size="S")
    demo.fill(company.id, size="S")
    assert install_change_tracking(services.db.local_engine) == 0


def index_definitions(services: Services) -> dict[str, str]:
    assert services.db.local_engine is not None
    with services.db.local_engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
        return {name: sql for name, sql in found}


def test_the_indexes_are_all_back_after_a_fill_and_after_a_failed_one(
    services: Services, demo: DemoDataService, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = index_definitions(services)
    assert "ix_contacts_company_name_sort" in before
    company = demo.ensure_company("Indiziert GmbH")
    demo.fill(company.id, size="S")
    assert index_definitions(services) == before

    def broken(self: RowFactory, count: int) -> Iterator[list[dict[str, object]]]:
        raise RuntimeError("disk full")
        yield []

    monkeypatch.setattr(RowFactory, "activity_chunks", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        demo.fill(company.id, size="S")
    assert index_definitions(services) == before


def test_indexes_are_rebuilt_only_for_tables_the_fill_writes_most_rows_of(
    services: Services, demo: DemoDataService
) -> None:
    assert services.db.local_engine is not None
    demo.fill(demo.ensure_company("Andere GmbH").id, size="S")  # 5 employees, 20 products, 120 orders
    plan = DemoDataPlan(employees=1, products=1_000, contacts=1, sales_orders=1_000, activities=1)
    with services.db.local_engine.connect() as conn:
        assert _mostly_filled(conn, plan) == ["products", "sales_orders", "sales_order_lines"]

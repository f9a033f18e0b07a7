"""The focus area's "last synchronised": the finished initial synchronisation counts as an exchange."""

from __future__ import annotations

import datetime as dt

from models.local import SyncConnection, SyncState
from services.container import Services
from tests.sealing import TEST_SEAL
from tests.services.local.licensing_factories import create_company


def connected(services: Services, **state: object) -> int:
    company = create_company(services)
    assert services.db.local is not None
    with services.db.local.begin() as s:
        s.add(
            SyncConnection(
                company_id=company.id,
                online_url="http://127.0.0.1:1",
                tenant_uuid="0190-tenant",
                sealed_token=TEST_SEAL.seal("secret"),
                connected_by="anna@mueller.example",
            )
        )
        s.add(SyncState(company_id=company.id, **state))
    return company.id


async def test_right_after_the_initial_synchronisation_the_last_sync_is_its_end(services: Services) -> None:
    finished = dt.datetime(2030, 1, 15, 9, 0, tzinfo=dt.UTC)
    company_id = connected(services, initial_status="done", initial_finished_at=finished)
    assert services.local.focus.status(company_id).last_sync_at == finished


async def test_a_later_pull_is_the_last_sync(services: Services) -> None:
    finished = dt.datetime(2030, 1, 15, 9, 0, tzinfo=dt.UTC)
    pulled = finished + dt.timedelta(minutes=5)
    company_id = connected(services, initial_status="done", initial_finished_at=finished, last_pull_at=pulled)
    assert services.local.focus.status(company_id).last_sync_at == pulled


async def test_before_any_exchange_there_is_no_last_sync(services: Services) -> None:
    assert services.local.focus.status(connected(services)).last_sync_at is None

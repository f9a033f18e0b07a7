"""How a connection stands after the wizard's Run: the phase of the initial synchronisation, rows
per table, Run now and Cancel, and a missed time reported as such."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from models.local import SyncCheckpoint, SyncConnection, SyncRun, SyncSchedule, SyncState
from services.container import Services
from services.errors import Conflict, NotFound
from services.sync.client.http import AuthFailed
from services.sync.client.runs import error_record
from tests.sealing import TEST_SEAL
from tests.services.local.licensing_factories import create_company
from ui.components.run_errors import run_error

NOW = dt.datetime.now(dt.UTC)


def connected_company(services: Services, *, run_at: dt.datetime, status: str = "scheduled") -> int:
    company = create_company(services)
    sessions = services.db.local
    assert sessions is not None
    with sessions.begin() as s:
        s.add(
            SyncConnection(
                company_id=company.id,
                online_url="http://online.test",
                tenant_uuid="t-1",
                sealed_token=TEST_SEAL.seal("k"),
                connected_by="anna@mueller.example",
            )
        )
        s.add(SyncSchedule(company_id=company.id, run_at=run_at, status=status))
    return company.id


def local(services: Services) -> sessionmaker[Session]:
    assert services.db.local is not None
    return services.db.local


def test_a_scheduled_start_shows_its_time_and_can_be_cancelled_and_run_now(services: Services) -> None:
    later = (NOW + dt.timedelta(days=1)).replace(microsecond=0)
    company_id = connected_company(services, run_at=later)
    states = services.local.connection_state
    state = states.state(company_id)
    assert (state.phase, state.run_at, state.connected_by) == ("scheduled", later, "anna@mueller.example")
    assert state.may_run_now and state.may_cancel

    cancelled = states.cancel_schedule(company_id)
    assert cancelled.phase == "cancelled" and cancelled.may_run_now and not cancelled.may_cancel
    with pytest.raises(Conflict):
        states.cancel_schedule(company_id)
    started = states.run_now(company_id)
    assert started.phase == "waiting"  # the sync manager picks it up within seconds
    with local(services)() as s:
        schedule = s.get(SyncSchedule, company_id)
    assert (
        schedule is not None and schedule.status == "scheduled" and schedule.run_at <= dt.datetime.now(dt.UTC)
    )


def test_a_time_missed_while_the_program_was_down_is_its_own_phase_with_run_now(services: Services) -> None:
    company_id = connected_company(services, run_at=NOW - dt.timedelta(hours=3), status="missed")
    state = services.local.connection_state.state(company_id)
    assert state.phase == "missed" and state.may_run_now and not state.may_cancel
    assert services.local.connection_state.run_now(company_id).phase == "waiting"


def test_rows_per_table_and_the_phase_follow_the_initial_synchronisation(services: Services) -> None:
    company_id = connected_company(services, run_at=NOW, status="started")
    with local(services).begin() as s:
        s.add(SyncState(company_id=company_id, initial_status="running"))
        s.add(SyncRun(company_id=company_id, kind="initial", status="running"))
        s.add_all(
            [
                SyncCheckpoint(
                    company_id=company_id, table_name="contacts", position=0, rows_done=40, rows_total=120
                ),
                SyncCheckpoint(
                    company_id=company_id, table_name="products", position=1, rows_done=0, rows_total=7
                ),
            ]
        )
    states = services.local.connection_state
    running = states.state(company_id)
    assert running.phase == "running" and running.rows_done == 40
    assert [(t.table, t.rows_done, t.rows_total) for t in running.tables] == [
        ("contacts", 40, 120),
        ("products", 0, 7),
    ]
    with pytest.raises(Conflict):
        states.run_now(company_id)  # it has started: nothing to run now

    with local(services).begin() as s:
        run = s.query(SyncRun).filter_by(company_id=company_id).one()
        run.status, run.error = "failed", error_record(AuthFailed("401 unauthorized: token revoked"))
    failed = states.state(company_id)
    assert failed.phase == "failed"
    assert run_error(failed.error) == "The Online Desktop refused the connection. Please reconnect."

    with local(services).begin() as s:
        state = s.get(SyncState, company_id)
        assert state is not None
        state.initial_status = "done"
    assert states.state(company_id).phase == "done"


def test_a_company_without_connection_has_nothing_to_run(services: Services) -> None:
    company = create_company(services)
    state = services.local.connection_state.state(company.id)
    assert (state.phase, state.is_connected) == ("not_connected", False)
    with pytest.raises(NotFound):
        services.local.connection_state.run_now(company.id)


def test_run_errors_are_said_in_words_never_as_key_or_english_detail() -> None:
    assert run_error(error_record("sync.needs_reconnect")) == (
        "The Online Desktop refused the connection. Please reconnect."
    )
    assert run_error(error_record(RuntimeError("database is locked"))) == (
        "Unexpected error; the trace log has the details"
    )
    assert run_error(error_record("wizard2.run.mismatch", tables="contacts,products")) == (
        "Differences in: Contacts, Products"
    )
    # records of an older version: a bare key is said, an English detail is not shown
    assert run_error("sync.needs_reconnect") == "The Online Desktop refused the connection. Please reconnect."
    assert run_error("409 snapshot_id_taken: another connection uses it") == (
        "Unexpected error; the trace log has the details"
    )
    assert run_error("") == ""

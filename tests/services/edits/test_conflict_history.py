"""Sync conflicts as read on View › Sync history: names, labels, values, filters, count, apply."""

from __future__ import annotations

import datetime as dt

import pytest

from models.local import SyncConflict
from services.container import Services
from services.errors import Conflict, NotFound
from tests.services.local.registers_factories import add_contact, new_company, registers


def _conflict(services: Services, company: int, uuid: str, **values: object) -> int:
    assert services.db.local is not None
    with services.db.local.begin() as s:
        row = SyncConflict(company_id=company, table_name="contacts", uuid=uuid, field="phone")
        row.business_value, row.online_value, row.resolution = "1", "2", "business_wins"
        for name, value in values.items():
            setattr(row, name, value)
        s.add(row)
        s.flush()
        return row.id


def test_conflicts_carry_the_record_name_label_and_filter_by_table_and_record(services: Services) -> None:
    company = new_company(services)
    a, b = add_contact(services, company, "Alpha AG"), add_contact(services, company, "Beta KG")
    _conflict(services, company, a.uuid, online_by="Anna Berg")
    _conflict(services, company, b.uuid)
    _conflict(services, company, b.uuid, created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=8))
    history = services.local.conflicts
    assert history.count(company) == 2
    (first,) = history.conflicts(company, record=a.uuid)
    assert (first.record, first.label, first.online_by, first.can_apply) == (
        "Alpha AG", "registers.field.phone", "Anna Berg", True,
    )  # fmt: skip
    assert [e.record for e in history.conflicts(company, table="contacts")] == ["Beta KG", "Alpha AG"]
    assert history.conflicts(company, table="products") == []


def test_the_online_value_is_applied_once_as_a_local_change(services: Services) -> None:
    company = new_company(services)
    contact = add_contact(services, company, "Alpha AG", phone="1")
    conflict = _conflict(services, company, contact.uuid)
    applied = services.local.conflicts.apply_online_value(company, conflict)
    assert applied.applied_at is not None and not applied.can_apply
    stored = registers(services).get_row(company, register="contacts", row_id=contact.id)
    assert (stored.values["phone"], stored.version) == ("2", 2)
    with pytest.raises(Conflict):
        services.local.conflicts.apply_online_value(company, conflict)
    other = new_company(services, "Andere GmbH")
    with pytest.raises(NotFound):  # another company's conflict is not found
        services.local.conflicts.apply_online_value(other, conflict)

"""The Online Desktop workspace: membership per company account, role access, S16 header, contacts."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import event, select, update

from models.online import Connection, Membership, OnlineId, Tenant
from services.clock import FrozenClock
from services.container import OnlineWorkspace, Services
from services.errors import NotFound, PermissionDenied, ValidationFailed
from services.online.workspace.access import CompanyNotFound, NoAccess
from services.sync.protocol.messages import CompanyInfo
from services.sync.server.connections import ConnectionCreated
from services.sync.server.service import SyncServer
from tests.services.conftest import transactions
from tests.sync.local_helpers import online_summary as server_summary


def workspace(online: Services) -> OnlineWorkspace:
    return online.online.workspace


def person(online: Services, email: str) -> int:
    assert online.db.online is not None
    with online.db.online.begin() as s:
        row = OnlineId(email=email, status="active")
        s.add(row)
        s.flush()
        return row.id


def company(online: Services, owner: int, name: str) -> ConnectionCreated:
    return online.online.sync_server.connections.create_connection(
        online_id_id=owner, company=CompanyInfo(name=name)
    )


def member(online: Services, tenant_id: int, online_id: int, role: str, *, active: bool = True) -> None:
    assert online.db.online is not None
    with online.db.online.begin() as s:
        s.add(Membership(tenant_id=tenant_id, online_id_id=online_id, role=role, active=active))


def contacts(online: Services, tenant_id: int, *rows: dict[str, str]) -> list[str]:
    server: SyncServer = online.online.sync_server
    return [
        server.apply_online_change(tenant_id, table="contacts", uuid=None, fields=row).uuid for row in rows
    ]


def test_a_person_sees_only_the_company_accounts_they_belong_to(online: Services) -> None:
    anna, ben = person(online, "anna@example.com"), person(online, "ben@example.com")
    mueller = company(online, anna, "Müller GmbH")
    schmidt = company(online, ben, "Schmidt KG")
    member(online, schmidt.tenant_id, anna, "read_only", active=False)
    assert [c.company for c in workspace(online).access.companies(anna)] == ["Müller GmbH"]
    assert workspace(online).access.context(anna, mueller.tenant_uuid).role == "super_user"
    with pytest.raises(NotFound):
        workspace(online).access.context(anna, schmidt.tenant_uuid)  # a deactivated membership opens nothing
    with pytest.raises(NotFound):
        workspace(online).lists.contacts(anna, schmidt.tenant_uuid)
    with pytest.raises(NotFound):
        workspace(online).access.header(anna, "no-such-account")


@pytest.mark.parametrize(
    ("role", "contacts_access", "users_access"),
    [("super_user", "full", "full"), ("administrator", "full", "full"), ("standard", "full", "none"),
     ("read_only", "read", "none")],
)  # fmt: skip
def test_roles_grant_access_per_module_and_the_service_refuses_more(
    online: Services, role: str, contacts_access: str, users_access: str
) -> None:
    owner, other = person(online, "chef@example.com"), person(online, "kim@example.com")
    account = company(online, owner, "Müller GmbH")
    member(online, account.tenant_id, other, role)
    ctx = workspace(online).access.context(other, account.tenant_uuid)
    assert (ctx.access("contacts"), ctx.access("users"), ctx.access("products")) == (
        contacts_access,
        users_access,
        "read",
    )
    if users_access == "none":
        with pytest.raises(PermissionDenied):
            workspace(online).access.context(other, account.tenant_uuid, module="users", level="read")
    if contacts_access == "read":
        with pytest.raises(PermissionDenied):
            workspace(online).access.context(other, account.tenant_uuid, module="contacts", level="full")
    # Reading is allowed to all.
    assert workspace(online).lists.contacts(other, account.tenant_uuid).total == 0


def test_the_header_says_stale_after_an_hour_without_a_sync_round_trip(
    online: Services, clock: FrozenClock
) -> None:
    owner = person(online, "chef@example.com")
    account = company(online, owner, "Müller GmbH")
    before = workspace(online).access.header(owner, account.tenant_uuid)
    assert (before.company, before.last_sync_at, before.stale) == ("Müller GmbH", None, True)
    assert online.db.online is not None
    for minutes, stale in ((30, False), (59, False), (61, True), (180, True)):
        with online.db.online.begin() as s:
            s.execute(
                update(Connection)
                .where(Connection.tenant_id == account.tenant_id)
                .values(last_round_trip_at=clock() - dt.timedelta(minutes=minutes))
            )
        header = workspace(online).access.header(owner, account.tenant_uuid)
        assert header.stale is stale, minutes
        assert header.last_sync_at == clock() - dt.timedelta(minutes=minutes)


def test_contacts_are_searched_sorted_and_paged_in_the_database_and_stay_in_their_company(
    online: Services,
) -> None:
    owner = person(online, "chef@example.com")
    mine, theirs = company(online, owner, "Müller GmbH"), company(online, owner, "Schmidt KG")
    uuids = contacts(
        online,
        mine.tenant_id,
        *(
            {"name": f"Kunde {i:02d}", "city": "Ulm" if i % 3 else "Bonn", "number": f"K{i:02d}"}
            for i in range(30)
        ),
    )
    contacts(online, theirs.tenant_id, {"name": "Kunde Fremd", "city": "Bonn"})
    online.online.sync_server.apply_online_change(
        mine.tenant_id, table="contacts", uuid=uuids[0], fields=None, delete=True
    )

    first = workspace(online).lists.contacts(owner, mine.tenant_uuid, page_size=10)
    assert (first.total, first.pages, len(first.rows)) == (29, 3, 10)
    assert [r.values["name"] for r in first.rows][:2] == ["Kunde 01", "Kunde 02"]
    last = workspace(online).lists.contacts(owner, mine.tenant_uuid, page=99, page_size=10)
    assert (last.page, [r.values["name"] for r in last.rows][-1]) == (3, "Kunde 29")
    bonn = workspace(online).lists.contacts(
        owner, mine.tenant_uuid, search="bon", sort="number", descending=True
    )
    assert [r.values["number"] for r in bonn.rows] == [f"K{i:02d}" for i in range(27, 0, -3)]
    assert workspace(online).lists.contacts(owner, mine.tenant_uuid, search="Fremd").total == 0
    assert workspace(online).lists.contacts(owner, mine.tenant_uuid, search="100%_").total == 0


def test_contacts_are_created_and_changed_online_with_the_business_software_rules(online: Services) -> None:
    owner, reader = person(online, "chef@example.com"), person(online, "leser@example.com")
    mine, theirs = company(online, owner, "Müller GmbH"), company(online, owner, "Schmidt KG")
    member(online, mine.tenant_id, reader, "read_only")
    [foreign] = contacts(online, theirs.tenant_id, {"name": "Fremd"})
    with pytest.raises(ValidationFailed) as refused:
        workspace(online).records.save_contact(
            owner, mine.tenant_uuid, uuid=None, values={"name": " ", "email": "kein-at"}
        )
    assert refused.value.fields == {"name": "validation.required", "email": "validation.email"}

    created = workspace(online).records.save_contact(
        owner, mine.tenant_uuid, uuid=None, values={"name": "Neu online", "city": "Kiel"}
    )
    before = server_summary(online.online.sync_server, mine.tenant_id)
    workspace(online).records.save_contact(
        owner, mine.tenant_uuid, uuid=created, values={"name": "Neu online", "city": "Lübeck"}
    )
    assert workspace(online).records.contact(owner, mine.tenant_uuid, uuid=created)["city"] == "Lübeck"
    after = server_summary(online.online.sync_server, mine.tenant_id)
    assert after["contacts"][0] == before["contacts"][0] == 1
    assert after != before  # the change is a new version of the row

    with pytest.raises(PermissionDenied):
        workspace(online).records.save_contact(
            reader, mine.tenant_uuid, uuid=created, values={"name": "Darf nicht"}
        )
    with pytest.raises(NotFound):  # another account's contact cannot be reached through this one
        workspace(online).records.save_contact(
            owner, mine.tenant_uuid, uuid=foreign, values={"name": "Übernommen"}
        )
    assert workspace(online).records.contact(owner, theirs.tenant_uuid, uuid=foreign)["name"] == "Fremd"
    assert workspace(online).records.contact(reader, mine.tenant_uuid, uuid=created)["name"] == "Neu online"


def test_a_contact_shows_its_persons_activities_and_orders_of_its_own_account_only(online: Services) -> None:
    owner = person(online, "chef@example.com")
    mine = company(online, owner, "Müller GmbH")
    change = online.online.sync_server.apply_online_change
    kunde, other = contacts(online, mine.tenant_id, {"name": "Kunde"}, {"name": "Anderer"})
    change(
        mine.tenant_id,
        table="contact_persons",
        uuid=None,
        fields={"contact_uuid": kunde, "last_name": "Adler", "position": "Einkauf"},
    )
    change(
        mine.tenant_id,
        table="contact_persons",
        uuid=None,
        fields={"contact_uuid": other, "last_name": "Fremd"},
    )
    for day, subject in ((1, "Erstgespräch"), (9, "Angebot besprechen")):
        start = dt.datetime(2030, 1, day, 9, tzinfo=dt.UTC)
        change(
            mine.tenant_id,
            table="activities",
            uuid=None,
            fields={"contact_uuid": kunde, "subject": subject, "start_at": start},
        )
    related = workspace(online).records.contact_related(owner, mine.tenant_uuid, uuid=kunde)
    assert [p["last_name"] for p in related["contact_persons"]] == ["Adler"]
    assert [a["subject"] for a in related["activities"]] == [
        "Angebot besprechen",
        "Erstgespräch",
    ]  # newest first
    assert related["sales_orders"] == []
    stranger = person(online, "fremd@example.com")
    with pytest.raises(NotFound):
        workspace(online).records.contact_related(stranger, mine.tenant_uuid, uuid=kunde)


def test_activities_are_created_online_with_the_same_rules_and_references_stay_in_the_account(
    online: Services,
) -> None:
    owner, reader = person(online, "chef@example.com"), person(online, "leser@example.com")
    mine, theirs = company(online, owner, "Müller GmbH"), company(online, owner, "Schmidt KG")
    member(online, mine.tenant_id, reader, "read_only")
    [kunde] = contacts(online, mine.tenant_id, {"name": "Kunde Adler"})
    [fremd] = contacts(online, theirs.tenant_id, {"name": "Kunde Fremd"})
    start = dt.datetime(2030, 2, 1, 10, tzinfo=dt.UTC)
    base = {"subject": "Angebot besprechen", "kind": "meeting", "start_at": start}

    with pytest.raises(ValidationFailed) as backwards:
        workspace(online).records.save_record(
            owner,
            mine.tenant_uuid,
            register="activities",
            uuid=None,
            values={**base, "end_at": start - dt.timedelta(hours=1)},
        )
    assert backwards.value.fields == {"end_at": "registers.validation.end_before_start"}
    with pytest.raises(ValidationFailed) as elsewhere:
        workspace(online).records.save_record(
            owner, mine.tenant_uuid, register="activities", uuid=None, values={**base, "contact_uuid": fremd}
        )
    assert elsewhere.value.fields == {"contact_uuid": "sync.reference_missing"}
    with pytest.raises(PermissionDenied):
        workspace(online).records.save_record(
            reader, mine.tenant_uuid, register="activities", uuid=None, values=base
        )
    with pytest.raises(NotFound):
        workspace(online).records.save_record(
            owner, mine.tenant_uuid, register="products", uuid=None, values={"name": "nicht hier"}
        )

    made = workspace(online).records.save_record(
        owner, mine.tenant_uuid, register="activities", uuid=None, values={**base, "contact_uuid": kunde}
    )
    values, labels = workspace(online).records.record(
        reader, mine.tenant_uuid, register="activities", uuid=made
    )
    assert (values["subject"], values["contact_uuid"], labels) == (
        "Angebot besprechen",
        kunde,
        {"contact_uuid": "Kunde Adler"},
    )
    assert [
        o.label
        for o in workspace(online).lists.options(owner, mine.tenant_uuid, register="contacts", search="adler")
    ] == ["Kunde Adler"]
    assert workspace(online).lists.options(owner, mine.tenant_uuid, register="contacts", search="fremd") == []
    related = workspace(online).records.contact_related(owner, mine.tenant_uuid, uuid=kunde)
    assert [a["subject"] for a in related["activities"]] == ["Angebot besprechen"]


def test_a_page_opens_with_one_call_that_carries_header_companies_and_the_roles_access(
    online: Services,
) -> None:
    owner, reader = person(online, "chef@example.com"), person(online, "leser@example.com")
    mine, other = company(online, owner, "Müller GmbH"), company(online, owner, "Schmidt KG")
    member(online, mine.tenant_id, reader, "read_only")
    with transactions(online) as begun:
        page = workspace(online).access.open_page(owner, mine.tenant_uuid)
    assert len(begun) == 1
    assert (page.header.company, page.header.role) == ("Müller GmbH", "super_user")
    assert [c.tenant_uuid for c in page.companies] == [mine.tenant_uuid, other.tenant_uuid]
    assert (page.access["users"], page.access["products"]) == ("full", "read")
    assert page.editable == {"contacts", "activities", "sales_orders"}
    assert page.tenant_id == mine.tenant_id
    read = workspace(online).access.open_page(reader, mine.tenant_uuid, module="contacts")
    assert (read.access["contacts"], read.access["users"], read.editable) == ("read", "none", frozenset())
    with pytest.raises(NoAccess):
        workspace(online).access.open_page(reader, mine.tenant_uuid, module="users", level="full")
    with pytest.raises(CompanyNotFound):
        workspace(online).access.open_page(reader, other.tenant_uuid)


def test_an_online_save_is_one_transaction_whether_it_creates_or_changes(online: Services) -> None:
    owner = person(online, "chef@example.com")
    mine = company(online, owner, "Müller GmbH")
    records = workspace(online).records
    with transactions(online) as begun:
        created = records.save_contact(owner, mine.tenant_uuid, uuid=None, values={"name": "Neu"})
    assert len(begun) == 1
    with transactions(online) as begun:
        records.save_contact(owner, mine.tenant_uuid, uuid=created, values={"name": "Neu", "city": "Kiel"})
    assert len(begun) == 1
    with transactions(online) as begun, pytest.raises(NotFound):
        records.save_contact(owner, mine.tenant_uuid, uuid="no-such-contact", values={"name": "Neu"})
    assert len(begun) == 1
    assert workspace(online).lists.contacts(owner, mine.tenant_uuid).total == 1  # nothing was created


def test_a_save_waits_for_a_concurrent_revocation_of_the_membership_and_then_writes_nothing(
    online: Services,
) -> None:
    owner, ben = person(online, "chef@example.com"), person(online, "ben@example.com")
    mine = company(online, owner, "Müller GmbH")
    member(online, mine.tenant_id, ben, "standard")
    assert online.db.online is not None
    # The revoking transaction locks the tenant row first, as the user administration does.
    revoking = online.db.online()
    revoking.begin()
    revoking.execute(select(Tenant.id).where(Tenant.id == mine.tenant_id).with_for_update())
    revoking.execute(
        update(Membership)
        .where(Membership.tenant_id == mine.tenant_id, Membership.online_id_id == ben)
        .values(active=False)
    )
    with ThreadPoolExecutor(max_workers=1) as pool:
        saving = pool.submit(
            workspace(online).records.save_contact,
            ben,
            mine.tenant_uuid,
            uuid=None,
            values={"name": "Zu spät"},
        )
        time.sleep(0.5)
        assert not saving.done()  # the save waits for the revoking transaction ...
        revoking.commit()
        revoking.close()
        with pytest.raises(CompanyNotFound):  # ... and then sees that Ben is no member any more
            saving.result(timeout=30)
    assert workspace(online).lists.contacts(owner, mine.tenant_uuid).total == 0


def test_a_list_opened_again_counts_its_rows_again_only_after_a_write_to_the_account(
    online: Services,
) -> None:
    owner = person(online, "chef@example.com")
    mine, theirs = company(online, owner, "Müller GmbH"), company(online, owner, "Schmidt KG")
    uuids = contacts(online, mine.tenant_id, *({"name": f"Kunde {i:02d}"} for i in range(3)))
    engine = online.db.online_engine
    assert engine is not None
    counts: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "count(" in statement.lower():
            counts.append(statement)

    def total() -> int:
        return workspace(online).lists.contacts(owner, mine.tenant_uuid).total

    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert (total(), total(), len(counts)) == (3, 3, 1)  # the second open counts nothing
        assert workspace(online).lists.contacts(owner, mine.tenant_uuid, search="Kunde 0").total == 3
        assert workspace(online).lists.contacts(owner, theirs.tenant_uuid).total == 0
        contacts(online, theirs.tenant_id, {"name": "Kunde Fremd"})  # another account's write
        counted = len(counts)
        assert (total(), len(counts)) == (3, counted)
        contacts(online, mine.tenant_id, {"name": "Kunde 03"})
        assert total() == 4
        online.online.sync_server.apply_online_change(
            mine.tenant_id, table="contacts", uuid=uuids[0], fields=None, delete=True
        )
        assert (total(), total()) == (3, 3)
        assert len(counts) == counted + 2
    finally:
        event.remove(engine, "before_cursor_execute", remember)

"""The lists' search keeps its meaning while it reads indexes: the sales documents found by their
customer's current text, only live rows counted, each account's own matches, a page read along
the sort index equal to one read and sorted (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import uuid as uuids
from typing import Any

import pytest
from sqlalchemy import insert, update

from models.online import OnlineContact, OnlineSalesOrder
from services.container import Services
from services.online.workspace import paging
from tests.services.online.test_online_sales import World
from tests.services.online.test_online_workspace import company, contacts, person, workspace


@pytest.fixture
def world(online: Services) -> World:
    return World(online)


def _numbers(world: World, **request: Any) -> tuple[int, list[str]]:
    page = world.sales.rows(world.owner, world.tenant, **request)
    return page.total, [str(r.values["number"]) for r in page.rows]


def test_a_document_is_found_by_its_customers_current_text_and_gone_with_the_customer(
    world: World,
) -> None:
    server = world.online.online.sync_server
    first = world.create({"product_uuid": world.products[0], "quantity": "1"})
    number = str(world.sales.document(world.owner, world.tenant, uuid=first).values["number"])
    assert _numbers(world, search="kunde") == (1, [number])
    assert _numbers(world, search="KUNDE AG") == (1, [number])  # case does not matter
    server.apply_online_change(
        world.tenant_id,
        table="contacts",
        uuid=world.customer,
        fields={"name": "Gärtnerei Blum", "city": "Jena"},
    )
    assert _numbers(world, search="kunde") == (0, [])
    assert _numbers(world, search="blum") == (1, [number])
    assert _numbers(world, search="jena") == (1, [number])  # the customer's city, as before
    assert _numbers(world, search="Gärtnerei") == (1, [number])
    server.apply_online_change(
        world.tenant_id, table="sales_orders", uuid=first, fields={"contact_uuid": world.other}
    )
    assert _numbers(world, search="blum") == (0, [])
    assert _numbers(world, search="andere") == (1, [number])
    server.apply_online_change(world.tenant_id, table="contacts", uuid=world.other, fields=None, delete=True)
    # The customer's documents went with it (as in Business Software): neither list nor search shows them.
    assert _numbers(world, search="andere") == (0, [])
    assert _numbers(world, search=number) == _numbers(world) == (0, [])


def test_a_customer_arriving_after_its_documents_makes_them_found(world: World) -> None:
    """A snapshot may write a document before its customer (or a push the customer later)."""
    customer = str(uuids.uuid4())
    sessions = world.online.db.online
    assert sessions is not None
    base = {"tenant_id": world.tenant_id, "seq": 1, "deleted": False, "status": "order", "total": 0}
    with sessions.begin() as s:
        s.execute(
            insert(OnlineSalesOrder),
            [
                {**base, "uuid": str(uuids.uuid4()), "number": f"A-9{i}", "contact_uuid": customer,
                 "order_date": dt.date(2026, 5, i + 1), "our_reference": "", "notes": ""}
                for i in range(3)
            ],
        )  # fmt: skip
    assert _numbers(world, search="Zimmerei") == (0, [])
    with sessions.begin() as s:
        s.execute(
            insert(OnlineContact),
            [
                {
                    "tenant_id": world.tenant_id,
                    "seq": 2,
                    "deleted": False,
                    "uuid": customer,
                    "name": "Zimmerei Holz",
                }
            ],
        )
    assert _numbers(world, search="Zimmerei") == (3, ["A-92", "A-91", "A-90"])
    assert _numbers(world, search="zimmerei", status="order", sort="number", descending=False) == (
        3,
        ["A-90", "A-91", "A-92"],
    )
    assert _numbers(world, search="zimmerei", status="quote") == (0, [])
    tombstone = update(OnlineContact).where(OnlineContact.uuid == customer)
    with sessions.begin() as s:
        s.execute(tombstone.values(deleted=True))
    assert _numbers(world, search="Zimmerei") == (0, [])
    assert _numbers(world, search="A-9")[0] == 3  # the numbers still find them
    with sessions.begin() as s:
        s.execute(tombstone.values(deleted=False))
    assert _numbers(world, search="Zimmerei")[0] == 3


def test_each_account_counts_its_own_live_matches(online: Services) -> None:
    anna, ben = person(online, "anna@example.com"), person(online, "ben@example.com")
    mine, theirs = company(online, anna, "Müller GmbH"), company(online, ben, "Schmidt KG")
    lists = workspace(online).lists
    kept = contacts(online, mine.tenant_id, *({"name": f"Hofmann {i}"} for i in range(4)))
    contacts(online, theirs.tenant_id, *({"name": f"Hofmann {i}"} for i in range(6)))
    server = online.online.sync_server
    server.apply_online_change(mine.tenant_id, table="contacts", uuid=kept[0], fields=None, delete=True)
    found = lists.contacts(anna, mine.tenant_uuid, search="hofmann")
    assert found.total == 3 and sorted(r.values["name"] for r in found.rows) == [
        "Hofmann 1",
        "Hofmann 2",
        "Hofmann 3",
    ]
    assert lists.contacts(ben, theirs.tenant_uuid, search="HOFMANN").total == 6


@pytest.mark.parametrize("descending", [False, True])
def test_a_page_of_many_matches_read_along_the_sort_index_is_the_page_read_and_sorted(
    online: Services, monkeypatch: pytest.MonkeyPatch, descending: bool
) -> None:
    owner = person(online, "anna@example.com")
    account = company(online, owner, "Müller GmbH")
    names = [
        f"{trade} {i:02d}" for i, trade in enumerate(["Neumann", "Baumann", "Ärztehaus", "Mannheim Bau"] * 6)
    ]
    contacts(
        online,
        account.tenant_id,
        *({"name": n, "city": "Köln" if i % 3 else "Bonn"} for i, n in enumerate(names)),
    )
    lists = workspace(online).lists

    def pages(**request: Any) -> list[list[str]]:
        shown = []
        for page in (1, 2, 3, 4):
            found = lists.contacts(
                owner, account.tenant_uuid, page=page, page_size=4, descending=descending, **request
            )
            shown.append([str(r.values["name"]) for r in found.rows])
        return shown

    read_and_sorted = {sort: pages(search="mann", sort=sort) for sort in ("name", "number", "city")}
    monkeypatch.setattr(paging, "WALK_FROM", 2)
    monkeypatch.setattr(paging, "WALK_SHARE", 1)
    walked = {sort: pages(search="mann", sort=sort) for sort in ("name", "number", "city")}
    assert walked == read_and_sorted
    matching = sorted((n for n in names if "mann" in n.lower()), reverse=descending)
    assert [n for page in walked["name"] for n in page] == matching[:16]

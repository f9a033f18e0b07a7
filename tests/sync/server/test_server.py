"""The online side of the sync protocol, called as a service (no HTTP)."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from sqlalchemy import text

from models.types import new_uuid
from services.db import Databases, open_databases
from services.errors import NotFound, ValidationFailed
from services.sync.protocol.messages import (
    Mutation,
    PullRequest,
    PushRequest,
    SnapshotBeginRequest,
    SnapshotFinishRequest,
    SnapshotPageRequest,
    VerifyRequest,
)
from services.sync.protocol.tables import TABLES, TableDigest
from services.sync.server import bulk
from services.sync.server.search_index import GIN_INDEXES, merge_pending
from services.sync.server.service import SyncServer
from tests.sync.helpers import columnar, connect, contact, fields, many_contacts, person


def begin_request(ctx, tables: list[str], known: int = 0) -> SnapshotBeginRequest:  # type: ignore[no-untyped-def]
    return SnapshotBeginRequest(
        **fields(ctx), snapshot_id=str(uuid.uuid4()), kind="initial", tables=tables, known_seq=known
    )


def upload(server: SyncServer, ctx, rows_by_table: dict, tables=None, known: int = 0) -> int:  # type: ignore[no-untyped-def]
    """A whole snapshot: begin, one page per table, finish; returns the pull cursor to continue from."""
    begin = server.begin_snapshot(ctx, begin_request(ctx, tables or list(TABLES), known))
    for page, (table, rows) in enumerate(rows_by_table.items()):
        columns, data = columnar(table, rows)
        server.snapshot_page(
            ctx,
            SnapshotPageRequest(
                **fields(ctx),
                snapshot_id=begin.snapshot_id,
                table=table,
                page=page,
                columns=columns,
                data=data,
            ),
        )
    return server.finish_snapshot(
        ctx, SnapshotFinishRequest(**fields(ctx), snapshot_id=begin.snapshot_id)
    ).cursor


def pull_all(server: SyncServer, ctx, cursor: int, limit: int = 5000) -> tuple[dict, set, int, int]:  # type: ignore[no-untyped-def]
    """Pull pages until caught up: (live rows by table.uuid, deleted table.uuid, cursor, pages)."""
    live: dict[str, dict] = {}
    deleted: set[str] = set()
    pages = 0
    while True:
        page = server.pull_now(ctx, PullRequest(**fields(ctx), cursor=cursor, limit=limit))
        pages += 1
        for change in page.changes:
            for i, key in enumerate(change.data[0]):
                live[f"{change.table}.{key}"] = {c: change.data[j][i] for j, c in enumerate(change.columns)}
                deleted.discard(f"{change.table}.{key}")
            for key in change.deleted:
                deleted.add(f"{change.table}.{key}")
                live.pop(f"{change.table}.{key}", None)
        cursor = page.cursor
        if not page.has_more:
            return live, deleted, cursor, pages


def push(server: SyncServer, ctx, *mutations: Mutation):  # type: ignore[no-untyped-def]
    return server.push(ctx, PushRequest(**fields(ctx), mutations=list(mutations)))


def test_a_snapshot_page_uploaded_twice_leaves_one_copy_and_verify_matches_the_client(
    server: SyncServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "VALUES_ROWS", 500)
    ctx, _token = connect(server)
    rows = many_contacts(1200)  # several multi-row statements on SQLite
    begin = server.begin_snapshot(ctx, begin_request(ctx, ["contacts"]))
    columns, data = columnar("contacts", rows)
    page = SnapshotPageRequest(
        **fields(ctx), snapshot_id=begin.snapshot_id, table="contacts", page=0, columns=columns, data=data
    )
    server.snapshot_page(ctx, page)
    server.snapshot_page(ctx, page)
    server.finish_snapshot(ctx, SnapshotFinishRequest(**fields(ctx), snapshot_id=begin.snapshot_id))

    summary = server.verify(ctx, VerifyRequest(**fields(ctx), tables=["contacts"])).tables["contacts"]
    expected = TableDigest(TABLES["contacts"])
    order = sorted(range(len(data[0])), key=lambda i: data[0][i])
    expected.add([[column[i] for i in order] for column in data])
    assert (summary.count, summary.checksum) == (1200, expected.checksum)


def test_after_a_clean_snapshot_the_client_does_not_pull_its_own_rows_back(server: SyncServer) -> None:
    ctx, _token = connect(server)
    cursor = upload(server, ctx, {"contacts": many_contacts(30)})
    live, deleted, _cursor, _pages = pull_all(server, ctx, cursor)
    assert live == {} and deleted == set()


def test_an_online_edit_during_the_snapshot_makes_the_client_pull_what_it_has_not_seen(
    server: SyncServer,
) -> None:
    ctx, _token = connect(server)
    before = server.apply_online_change(
        ctx.tenant_id, table="contacts", uuid=None, fields=contact(name="Vorher AG")
    )
    begin = server.begin_snapshot(ctx, begin_request(ctx, ["contacts"]))
    rows = many_contacts(3)
    columns, data = columnar("contacts", rows)
    page = SnapshotPageRequest(
        **fields(ctx), snapshot_id=begin.snapshot_id, table="contacts", page=0, columns=columns, data=data
    )
    server.snapshot_page(ctx, page)
    during = server.apply_online_change(
        ctx.tenant_id, table="contacts", uuid=None, fields=contact(name="Während AG")
    )
    finish = server.finish_snapshot(ctx, SnapshotFinishRequest(**fields(ctx), snapshot_id=begin.snapshot_id))

    assert not finish.clean and finish.cursor == 0
    live, deleted, _c, _p = pull_all(server, ctx, finish.cursor)
    assert {f"contacts.{u}" for u in (before.uuid, during.uuid, *rows)} == set(live)  # nothing unseen is lost
    assert deleted == set()


def test_a_resync_removes_online_rows_the_client_had_seen_but_no_longer_has(server: SyncServer) -> None:
    ctx, _token = connect(server)
    kept, dropped = many_contacts(2), many_contacts(1)
    cursor = upload(server, ctx, {"contacts": {**kept, **dropped}}, tables=["contacts"])
    upload(server, ctx, {"contacts": kept}, tables=["contacts"], known=cursor)
    summary = server.verify(ctx, VerifyRequest(**fields(ctx), tables=["contacts"])).tables["contacts"]
    assert summary.count == 2


def test_a_repeated_begin_opens_the_same_snapshot(server: SyncServer) -> None:
    ctx, _token = connect(server)
    request = begin_request(ctx, ["contacts"])
    assert server.begin_snapshot(ctx, request) == server.begin_snapshot(ctx, request)


def test_a_snapshot_child_whose_parent_was_deleted_online_meanwhile_is_deleted_too(
    server: SyncServer,
) -> None:
    ctx, _token = connect(server)
    parent = many_contacts(1)
    begin = server.begin_snapshot(ctx, begin_request(ctx, ["contacts", "contact_persons"]))

    def send(table: str, rows: dict) -> None:  # type: ignore[type-arg]
        columns, data = columnar(table, rows)
        page = SnapshotPageRequest(
            **fields(ctx), snapshot_id=begin.snapshot_id, table=table, page=0, columns=columns, data=data
        )
        server.snapshot_page(ctx, page)

    send("contacts", parent)
    (parent_uuid,) = parent
    server.apply_online_change(ctx.tenant_id, table="contacts", uuid=parent_uuid, fields=None, delete=True)
    send("contact_persons", {str(uuid.uuid4()): person(parent_uuid)})
    summary = server.verify(ctx, VerifyRequest(**fields(ctx), tables=["contact_persons"])).tables
    assert summary["contact_persons"].count == 0


def test_a_page_sent_again_does_not_bring_back_a_row_deleted_online_meanwhile(server: SyncServer) -> None:
    ctx, _token = connect(server)
    rows = many_contacts(2)
    begin = server.begin_snapshot(ctx, begin_request(ctx, ["contacts"]))
    columns, data = columnar("contacts", rows)
    page = SnapshotPageRequest(
        **fields(ctx), snapshot_id=begin.snapshot_id, table="contacts", page=0, columns=columns, data=data
    )
    server.snapshot_page(ctx, page)
    server.apply_online_change(
        ctx.tenant_id, table="contacts", uuid=next(iter(rows)), fields=None, delete=True
    )
    server.snapshot_page(ctx, page)  # the answer to the first upload was lost
    assert server.verify(ctx, VerifyRequest(**fields(ctx), tables=["contacts"])).tables["contacts"].count == 1


def test_a_repeated_push_is_applied_once(server: SyncServer) -> None:
    ctx, _token = connect(server)
    uuid = new_uuid()
    m = Mutation(id=7, table="contacts", uuid=uuid, op="upsert", base=0, fields=[], values=contact())
    first = push(server, ctx, m)
    again = push(server, ctx, m)
    assert (first.applied, first.last_mutation_id) == (1, 7)
    assert (again.applied, again.skipped, again.last_mutation_id) == (0, 1, 7)
    live, _d, _c, _p = pull_all(server, ctx, 0)
    assert list(live) == [f"contacts.{uuid}"]


def test_the_same_field_changed_on_both_sides_keeps_the_business_value_and_logs_both(
    server: SyncServer,
) -> None:
    ctx, _token = connect(server)
    uuid = new_uuid()
    push(
        server,
        ctx,
        Mutation(id=1, table="contacts", uuid=uuid, op="upsert", base=0, values=contact(name="Alt")),
    )
    _live, _d, cursor, _p = pull_all(server, ctx, 0)
    server.apply_online_change(
        ctx.tenant_id, table="contacts", uuid=uuid, fields={"name": "Online", "city": "Hamburg"}
    )
    local = contact(name="Lokal", city="Berlin", phone="030 1")
    result = push(
        server,
        ctx,
        Mutation(
            id=2,
            table="contacts",
            uuid=uuid,
            op="upsert",
            base=cursor,
            fields=["name", "phone"],
            values=local,
        ),
    )

    assert [(c.field, c.business_value, c.online_value, c.resolution) for c in result.conflicts] == [
        ("name", "Lokal", "Online", "business_wins")
    ]
    row = pull_all(server, ctx, cursor)[0][f"contacts.{uuid}"]
    assert (row["name"], row["city"], row["phone"]) == ("Lokal", "Hamburg", "030 1")  # merged


def test_a_delete_online_wins_over_an_edit_in_business_software(server: SyncServer) -> None:
    ctx, _token = connect(server)
    uuid = new_uuid()
    push(server, ctx, Mutation(id=1, table="contacts", uuid=uuid, op="upsert", base=0, values=contact()))
    server.apply_online_change(ctx.tenant_id, table="contacts", uuid=uuid, fields=None, delete=True)
    result = push(
        server,
        ctx,
        Mutation(id=2, table="contacts", uuid=uuid, op="upsert", base=1, fields=["name"], values=contact()),
    )
    assert [c.resolution for c in result.conflicts] == ["deleted_online"]
    live, deleted, _c, _p = pull_all(server, ctx, 0)
    assert live == {} and deleted == {f"contacts.{uuid}"}


def test_deleting_a_contact_deletes_its_persons_on_the_online_side_too(server: SyncServer) -> None:
    ctx, _token = connect(server)
    parent, child = new_uuid(), new_uuid()
    push(
        server,
        ctx,
        Mutation(id=1, table="contacts", uuid=parent, op="upsert", base=0, values=contact()),
        Mutation(id=2, table="contact_persons", uuid=child, op="upsert", base=0, values=person(parent)),
    )
    push(server, ctx, Mutation(id=3, table="contacts", uuid=parent, op="delete", base=0))
    summary = server.verify(ctx, VerifyRequest(**fields(ctx))).tables
    assert summary["contacts"].count == 0 and summary["contact_persons"].count == 0


def test_a_pull_page_never_splits_a_transaction_and_carries_the_parents_it_needs(server: SyncServer) -> None:
    ctx, _token = connect(server)
    parent = server.apply_online_change(ctx.tenant_id, table="contacts", uuid=None, fields=contact()).uuid
    child = server.apply_online_change(
        ctx.tenant_id, table="contact_persons", uuid=None, fields=person(parent)
    ).uuid
    server.apply_online_change(
        ctx.tenant_id, table="contacts", uuid=parent, fields={"name": "Später umbenannt"}
    )
    batch = [new_uuid() for _ in range(5)]
    push(
        server,
        ctx,
        *(
            Mutation(id=i + 1, table="contacts", uuid=u, op="upsert", base=0, values=contact())
            for i, u in enumerate(batch)
        ),
    )

    first = server.pull_now(ctx, PullRequest(**fields(ctx), cursor=0, limit=1))
    tables = {c.table: c for c in first.changes}
    assert tables["contact_persons"].data[0] == [child]
    assert parent in tables["contacts"].data[0]  # changed later, still delivered with its child
    live, _d, _c, _pages = pull_all(server, ctx, 0, limit=2)
    assert set(batch) <= {k.split(".")[1] for k in live}


def test_a_tenant_never_sees_another_tenants_changes(server: SyncServer) -> None:
    a, _ta = connect(server, "A GmbH")
    b, _tb = connect(server, "B GmbH")
    server.apply_online_change(a.tenant_id, table="contacts", uuid=None, fields=contact(name="Nur bei A"))
    live, deleted, _c, _p = pull_all(server, b, 0)
    assert live == {} and deleted == set()
    assert server.verify(b, VerifyRequest(**fields(b))).tables["contacts"].count == 0


def test_an_online_row_must_reference_a_live_parent_of_the_same_tenant(server: SyncServer) -> None:
    a, _ta = connect(server, "A GmbH")
    b, _tb = connect(server, "B GmbH")
    foreign = server.apply_online_change(a.tenant_id, table="contacts", uuid=None, fields=contact()).uuid
    with pytest.raises(ValidationFailed) as failed:
        server.apply_online_change(b.tenant_id, table="contact_persons", uuid=None, fields=person(foreign))
    assert failed.value.fields == {"contact_uuid": "sync.reference_missing"}


async def test_a_waiting_pull_answers_as_soon_as_something_changes_online(server: SyncServer) -> None:
    ctx, _token = connect(server)
    request = PullRequest(**fields(ctx), cursor=0, wait=5.0)
    started = time.monotonic()
    waiting = asyncio.create_task(server.pull(ctx, request))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    await asyncio.to_thread(
        server.apply_online_change, ctx.tenant_id, table="contacts", uuid=None, fields=contact()
    )
    page = await asyncio.wait_for(waiting, 3)
    assert page.changes and time.monotonic() - started < 2


async def _waiting_pull_after_own_push(
    server: SyncServer, ctx, *, cursor: int, told: int | None, conflict: bool = False
):  # type: ignore[no-untyped-def]
    """Push one change (telling the server the pull cursor ``told``), then pull after ``cursor``
    with a short wait: the page, or None when the pull waited its whole time."""
    uuid = new_uuid()
    if conflict:
        push(
            server,
            ctx,
            Mutation(id=90, table="contacts", uuid=uuid, op="upsert", base=cursor, values=contact()),
        )
        cursor = pull_all(server, ctx, cursor)[2]
        server.apply_online_change(ctx.tenant_id, table="contacts", uuid=uuid, fields={"name": "Online"})
        cursor = pull_all(server, ctx, cursor)[2]
    pushed = server.push(
        ctx,
        PushRequest(
            **fields(ctx),
            cursor=cursor if conflict else told,
            mutations=[
                Mutation(
                    id=91, table="contacts", uuid=uuid, op="upsert", base=0 if conflict else cursor,
                    fields=["name"], values=contact(name="Lokal"),
                )
            ],
        ),
    )  # fmt: skip
    started = time.monotonic()
    page = await server.pull(ctx, PullRequest(**fields(ctx), cursor=cursor, wait=0.6))
    waited = time.monotonic() - started
    return pushed, page, waited, uuid


async def test_a_waiting_pull_does_not_send_a_clean_push_back_to_its_client(server: SyncServer) -> None:
    ctx, _token = connect(server)
    cursor = pull_all(server, ctx, 0)[2]
    pushed, page, waited, _uuid = await _waiting_pull_after_own_push(server, ctx, cursor=cursor, told=cursor)
    assert pushed.seq == cursor + 1 and not pushed.conflicts
    # The pull waited (nothing new for this client) and moves the cursor past its own push.
    assert waited >= 0.5 and page.changes == [] and page.cursor == pushed.seq
    # A colleague's change after it still wakes the pull at once and arrives.
    waiting = asyncio.create_task(server.pull(ctx, PullRequest(**fields(ctx), cursor=cursor, wait=5.0)))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    other = await asyncio.to_thread(
        server.apply_online_change, ctx.tenant_id, table="contacts", uuid=None, fields=contact(name="Kollege")
    )
    page = await asyncio.wait_for(waiting, 3)
    assert [c.data[0] for c in page.changes] == [[other.uuid]] and page.cursor == pushed.seq + 1


@pytest.mark.parametrize("case", ["cursor unknown", "cursor behind", "conflict"])
async def test_a_push_is_sent_back_when_the_client_may_not_hold_the_result(
    server: SyncServer, case: str
) -> None:
    ctx, _token = connect(server)
    server.apply_online_change(ctx.tenant_id, table="contacts", uuid=None, fields=contact())  # seq 1
    cursor = 0 if case == "cursor behind" else pull_all(server, ctx, 0)[2]
    told = None if case == "cursor unknown" else cursor
    pushed, page, waited, uuid = await _waiting_pull_after_own_push(
        server, ctx, cursor=cursor, told=told, conflict=case == "conflict"
    )
    assert bool(pushed.conflicts) == (case == "conflict")
    assert waited < 0.5 and page.cursor == pushed.seq
    sent = {
        u: name
        for c in page.changes
        for u, name in zip(c.data[0], c.data[c.columns.index("name")], strict=True)
    }
    assert sent[uuid] == "Lokal"


async def test_an_online_change_inside_the_callers_transaction_wakes_pulls_only_after_it_commits(
    server: SyncServer, online_dbs: Databases
) -> None:
    ctx, _token = connect(server)
    assert online_dbs.online is not None
    waiter = server.notifier.register(ctx.tenant_id)
    try:
        with online_dbs.online.begin() as s:
            change = server.apply_online_change(
                ctx.tenant_id, table="contacts", uuid=None, fields=contact(), session=s
            )
            await asyncio.sleep(0.1)  # a wake-up sent now would have arrived
            assert not waiter.event.is_set()
        assert await waiter.wait(2)
    finally:
        server.notifier.discard(ctx.tenant_id, waiter)
    live, _deleted, _c, _p = pull_all(server, ctx, 0)
    assert f"contacts.{change.uuid}" in live


async def test_an_online_change_rolled_back_with_the_callers_transaction_leaves_nothing_and_wakes_nobody(
    server: SyncServer, online_dbs: Databases
) -> None:
    ctx, _token = connect(server)
    assert online_dbs.online is not None
    waiter = server.notifier.register(ctx.tenant_id)
    try:
        with pytest.raises(RuntimeError), online_dbs.online.begin() as s:
            server.apply_online_change(
                ctx.tenant_id, table="contacts", uuid=None, fields=contact(), session=s
            )
            raise RuntimeError("the caller's next step failed")
        assert not await waiter.wait(0.3)
    finally:
        server.notifier.discard(ctx.tenant_id, waiter)
    live, _deleted, _c, _p = pull_all(server, ctx, 0)
    assert live == {}


def test_a_change_that_must_exist_refuses_a_row_the_tenant_does_not_have(server: SyncServer) -> None:
    a, _ta = connect(server, "A GmbH")
    b, _tb = connect(server, "B GmbH")
    theirs = server.apply_online_change(
        a.tenant_id, table="contacts", uuid=None, fields=contact(name="Bei A")
    ).uuid
    with pytest.raises(NotFound):
        server.apply_online_change(
            b.tenant_id, table="contacts", uuid=theirs, fields={"name": "Übernommen"}, must_exist=True
        )
    live, _deleted, _c, _p = pull_all(server, b, 0)
    assert live == {}
    assert server.verify(a, VerifyRequest(**fields(a))).tables["contacts"].count == 1


def test_snapshot_pages_keep_awkward_text_numbers_booleans_and_nulls_exactly(server: SyncServer) -> None:
    """Pages are written in bulk (COPY text on PostgreSQL): tabs, newlines, backslashes, a literal
    ``\\N``, empty text, NULLs, booleans and numerics come back as they were sent."""
    ctx, _token = connect(server)
    awkward = ["a\tb", "zwei\nZeilen\r\n", "C:\\Pfad\\N", "\\N", "", "Grüße ✓"]
    contacts = {new_uuid(): contact(notes=text, city=text[:20]) for text in awkward}
    products = {
        new_uuid(): {"number": f"P{i}", "name": "Ware\t1", "description": "\\", "unit": "Stk",
                     "price": price, "active": active}
        for i, (price, active) in enumerate([(0, True), (12.5, False), (0.01, True), (99999.99, False)])
    }  # fmt: skip
    activities = {
        new_uuid(): {"contact_uuid": None, "employee_uuid": None, "subject": "Anruf\\", "kind": "call",
                     "start_at": "2024-05-01 08:00:00.000000", "end_at": end, "done": done, "notes": "\t"}
        for end, done in [(None, True), ("2024-05-01 09:30:00.250000", False)]
    }  # fmt: skip
    sent = {"contacts": contacts, "products": products, "activities": activities}
    upload(server, ctx, sent, tables=list(sent))
    live, _deleted, _cursor, _pages = pull_all(server, ctx, 0)
    for table, rows in sent.items():
        for key, row in rows.items():
            got = {c: v for c, v in live[f"{table}.{key}"].items() if c != "uuid"}
            assert got == row, table


async def test_on_sqlite_a_waiting_pull_wakes_when_another_process_commits(
    server: SyncServer, online_dbs: Databases, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program writing the same SQLite file (here: its own engine and server object, so no
    in-process wake-up) is noticed through data_version, long before any re-check would run."""
    assert online_dbs.online_engine is not None
    if online_dbs.online_engine.url.get_backend_name() != "sqlite":
        pytest.skip("PostgreSQL wakes other instances by LISTEN/NOTIFY or the re-check")
    monkeypatch.setattr("services.sync.server.notify.IN_PROCESS_RECHECK", 60.0)
    other = open_databases(local_url=None, online_url=str(online_dbs.online_engine.url))
    try:
        assert other.online is not None
        elsewhere = SyncServer(other.online)
        ctx, _token = connect(server)
        waiting = asyncio.create_task(server.pull(ctx, PullRequest(**fields(ctx), cursor=0, wait=30.0)))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        await asyncio.to_thread(
            elsewhere.apply_online_change, ctx.tenant_id, table="contacts", uuid=None, fields=contact()
        )
        page = await asyncio.wait_for(waiting, 5)
        assert page.changes
    finally:
        other.dispose()


def test_the_search_index_entries_a_snapshot_left_pending_are_merged_afterwards(
    server: SyncServer, online_dbs: Databases
) -> None:
    engine = online_dbs.online_engine
    assert engine is not None
    if engine.url.get_backend_name() != "postgresql":
        pytest.skip("only PostgreSQL has the trigram index")
    ctx, _token = connect(server)
    upload(server, ctx, {"contacts": many_contacts(300)}, tables=["contacts"])
    merge_pending(engine)  # what finishing the snapshot started in the background
    with engine.connect() as conn:
        indexes = conn.execute(text(GIN_INDEXES)).scalars().all()
        found = conn.execute(
            text("SELECT count(*) FROM online_contacts WHERE tenant_id = :t AND lower(name) LIKE '%kunde%'"),
            {"t": ctx.tenant_id},
        ).scalar_one()
    assert indexes and found == 300

"""The sync rounds behind the dashboard's sync health: each exchange that moved rows, per day and
account, with the computer it came from; kept a month."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from models.online import SyncRound
from models.types import new_uuid
from services.clock import FrozenClock
from services.container import Services
from services.online.workspace.dashboard import WorkspaceDashboard
from services.sync.protocol.messages import CompanyInfo, Mutation, PullRequest, PushRequest
from tests.services.online.test_online_workspace import company, person
from tests.sync.helpers import contact, fields


def test_each_exchange_that_moved_rows_is_a_round_of_its_day_with_its_computer(online: Services) -> None:
    anna, ben = person(online, "anna@example.com"), person(online, "ben@example.com")
    server = online.online.sync_server
    mine = server.connections.create_connection(
        online_id_id=anna, company=CompanyInfo(name="Müller GmbH"), computer_name="BUERO-PC"
    )
    theirs = company(online, ben, "Schmidt KG")
    ctx = server.connections.authenticate(mine.token)
    batch = [
        Mutation(id=i, table="contacts", uuid=new_uuid(), op="upsert", base=0, values=contact())
        for i in (1, 2, 3)
    ]
    pushed = server.push(ctx, PushRequest(**fields(ctx), mutations=batch))
    server.push(ctx, PushRequest(**fields(ctx), mutations=batch))  # repeated: nothing applied, no round
    server.apply_online_change(
        mine.tenant_id, table="contacts", uuid=None, fields={"name": "Online angelegt"}
    )
    server.pull_now(ctx, PullRequest(**fields(ctx), cursor=pushed.seq, limit=100))
    server.pull_now(ctx, PullRequest(**fields(ctx), cursor=pushed.seq + 1, limit=100))  # nothing new
    other = server.connections.authenticate(theirs.token)
    server.push(other, PushRequest(**fields(other), mutations=batch[:1]))

    today = dt.datetime.now(dt.UTC).date()
    rounds = online.online.workspace.sync_rounds
    found = rounds.day(anna, mine.tenant_uuid, day=today)
    assert [(r.kind, r.computer, r.rows_up, r.rows_down) for r in found.rows] == [
        ("pull", "BUERO-PC", 0, 1),
        ("push", "BUERO-PC", 3, 0),
    ]  # newest first
    assert (found.total, found.rows_up, found.rows_down) == (2, 3, 1)
    # The same figures as the chart's bar of the day.
    board = WorkspaceDashboard(online.db.online).build(anna, mine.tenant_uuid)  # type: ignore[arg-type]
    assert (board.sync.days[-1].rows_up, board.sync.days[-1].rows_down) == (found.rows_up, found.rows_down)
    assert rounds.day(anna, mine.tenant_uuid, day=today - dt.timedelta(days=1)).total == 0
    assert rounds.day(ben, theirs.tenant_uuid, day=today).total == 1


def test_rounds_page_and_older_than_a_month_are_removed(online: Services, clock: FrozenClock) -> None:
    anna = person(online, "anna@example.com")
    created = company(online, anna, "Müller GmbH")
    assert online.db.online is not None
    day = clock().date() - dt.timedelta(days=10)  # the housekeeping's today
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    with online.db.online.begin() as s:
        s.add_all(
            SyncRound(
                tenant_id=created.tenant_id,
                connection_id=created.connection_id,
                kind="push",
                rows_up=i,
                rows_down=0,
                at=noon + dt.timedelta(minutes=i),
            )
            for i in range(1, 8)
        )
        s.add(
            SyncRound(
                tenant_id=created.tenant_id,
                kind="pull",
                rows_up=0,
                rows_down=5,
                at=noon + dt.timedelta(hours=12),
            )
        )
    rounds = online.online.workspace.sync_rounds
    second = rounds.day(anna, created.tenant_uuid, day=day, page=2, page_size=3)
    assert (second.page, second.pages, [r.rows_up for r in second.rows]) == (2, 3, [4, 3, 2])
    assert rounds.day(anna, created.tenant_uuid, day=day, page=9, page_size=3).rows[-1].rows_up == 1
    next_day = rounds.day(anna, created.tenant_uuid, day=day + dt.timedelta(days=1))
    assert next_day.rows_down == 5  # midnight UTC starts the next day
    with online.db.online.begin() as s:
        pushes = update(SyncRound).where(SyncRound.kind == "push", SyncRound.rows_up < 3)
        s.execute(pushes.values(at=clock() - dt.timedelta(days=40)))
    removed = online.online.housekeeping.run_once()
    assert removed.rounds == 2
    with online.db.online() as s:
        assert sorted(s.scalars(select(SyncRound.rows_up).where(SyncRound.kind == "push"))) == [3, 4, 5, 6, 7]

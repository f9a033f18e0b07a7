"""The audit log: every administrative action writes one entry in its own transaction (who, when,
what, before and after, from which address); a refused action writes none; Super Users read it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from sqlalchemy import select

from models.online import AuditEntry, OnlineId
from services.clock import FrozenClock
from services.container import Services
from services.errors import ServiceError
from services.online.audit_log import AuditFilter, SuperUsersOnly
from services.sync.protocol.messages import CompanyInfo
from tests.services.online.users.factories import PASSWORD, Company, invite_token, member, users

HERE = "198.51.100.23"


def entries(online: Services, co: Company) -> list[AuditEntry]:
    assert online.db.online is not None
    with online.db.online() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.tenant_id == co.tenant_id).order_by(AuditEntry.id))
        )


def test_each_user_administration_action_writes_one_entry(
    online: Services, co: Company, clock: FrozenClock
) -> None:
    svc = users(online)
    ben = svc.invitations.invite(
        co.owner, co.tenant_uuid, email="ben@example.com", role="standard", client_address=HERE
    )
    clock.advance(minutes=2)
    svc.invitations.resend(co.owner, co.tenant_uuid, invitation_id=ben, client_address=HERE)
    svc.invitations.revoke(co.owner, co.tenant_uuid, invitation_id=ben, client_address=HERE)
    svc.invitations.invite(
        co.owner, co.tenant_uuid, email="cleo@example.com", role="standard", client_address=HERE
    )
    joined = svc.accepting.accept_with_new_password(
        invite_token(online, "cleo@example.com"), PASSWORD, client_address="203.0.113.9"
    )
    cleo = next(
        r for r in svc.directory.overview(co.owner, co.tenant_uuid).rows if r.email == "cleo@example.com"
    )
    assert cleo.member_id is not None and joined.tenant_uuid == co.tenant_uuid
    svc.members.change_role(
        co.owner, co.tenant_uuid, member_id=cleo.member_id, role="administrator", client_address=HERE
    )
    svc.members.deactivate(co.owner, co.tenant_uuid, member_id=cleo.member_id, client_address=HERE)

    found = entries(online, co)
    assert [e.action for e in found] == [
        "invite",
        "resend",
        "revoke",
        "invite",
        "join",
        "role_change",
        "deactivate",
    ]
    invite, _resend, revoke, _invite, join, role, deactivate = found
    assert (invite.actor, invite.target, invite.address) == ("anna@example.com", "ben@example.com", HERE)
    assert json.loads(revoke.before) == {"status": "pending"} and json.loads(revoke.after) == {
        "status": "revoked"
    }
    assert (join.actor, join.actor_id, join.address) == (
        "cleo@example.com",
        joined.online_id.id,
        "203.0.113.9",
    )
    assert (json.loads(role.before), json.loads(role.after)) == (
        {"role": "standard"},
        {"role": "administrator"},
    )
    assert role.target == "cleo@example.com" and deactivate.target == "cleo@example.com"
    assert all(e.created_at is not None for e in found)


def test_each_connection_action_writes_one_entry(online: Services, co: Company) -> None:
    connections = online.online.sync_server.connections
    second, _ = member(online, co, "bernd@example.com", "super_user")
    info = CompanyInfo(name="Müller GmbH")
    for who in (co.owner, co.owner, second):
        connections.create_connection(
            online_id_id=who,
            company=info,
            tenant_uuid=co.tenant_uuid,
            computer_name="BUERO",
            client_address=HERE,
        )
    connections.disconnect(online_id_id=second, tenant_uuid=co.tenant_uuid, client_address=HERE)
    found = entries(online, co)
    assert [e.action for e in found] == ["connect", "reconnect", "change_user", "disconnect"]
    assert found[2].actor == "bernd@example.com" and all(e.address == HERE for e in found)


def _fails(online: Services, co: Company, clock: FrozenClock) -> dict[str, Callable[[], object]]:
    svc = users(online)
    connections = online.online.sync_server.connections
    standard, _ = member(online, co, "sam@example.com", "standard")
    ben = svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    owner_member = next(
        r for r in svc.directory.overview(co.owner, co.tenant_uuid).rows if r.email == "anna@example.com"
    )
    assert owner_member.member_id is not None
    own = owner_member.member_id
    info = CompanyInfo(name="Müller GmbH")
    return {
        "invite": lambda: svc.invitations.invite(
            co.owner, co.tenant_uuid, email="ben@example.com", role="standard"
        ),
        "resend": lambda: svc.invitations.resend(co.owner, co.tenant_uuid, invitation_id=ben),  # too soon
        "revoke": lambda: svc.invitations.revoke(standard, co.tenant_uuid, invitation_id=ben),
        "role_change": lambda: svc.members.change_role(
            co.owner, co.tenant_uuid, member_id=own, role="standard"
        ),
        "deactivate": lambda: svc.members.deactivate(co.owner, co.tenant_uuid, member_id=own),
        "join": lambda: svc.accepting.accept_as_logged_in(invite_token(online, "ben@example.com"), standard),
        "connect": lambda: connections.create_connection(
            online_id_id=standard, company=info, tenant_uuid=co.tenant_uuid
        ),
        "disconnect": lambda: connections.disconnect(online_id_id=co.owner, tenant_uuid=co.tenant_uuid),
    }


@pytest.mark.parametrize(
    "action", ["invite", "resend", "revoke", "role_change", "deactivate", "join", "connect", "disconnect"]
)
def test_a_refused_action_writes_no_entry(
    online: Services, co: Company, clock: FrozenClock, action: str
) -> None:
    attempt = _fails(online, co, clock)[action]
    before = len(entries(online, co))
    with pytest.raises(ServiceError):
        attempt()
    assert len(entries(online, co)) == before


def test_an_entry_is_rolled_back_with_its_action(
    online: Services, co: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = users(online)

    def broken_mail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(online.online.mail, "enqueue", broken_mail)
    with pytest.raises(RuntimeError):
        svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    assert entries(online, co) == []


def test_super_users_read_filter_and_download_the_log_and_nobody_else(online: Services, co: Company) -> None:
    svc = users(online)
    admin, _ = member(online, co, "ada@example.com", "administrator")
    assert online.db.online is not None
    with online.db.online.begin() as s:
        owner = s.get(OnlineId, co.owner)
        assert owner is not None
        owner.full_name = "=SUM(A1)"  # a name that a spreadsheet would run as a formula
    for email in ("ben@example.com", "cara@example.com", "dora@example.com"):
        svc.invitations.invite(co.owner, co.tenant_uuid, email=email, role="standard", client_address=HERE)
    log = online.online.audit
    page = log.entries(co.owner, co.tenant_uuid, page_size=2)
    assert (page.total, len(page.rows)) == (3, 2)
    assert [r.target for r in page.rows] == ["dora@example.com", "cara@example.com"]  # newest first
    assert log.entries(co.owner, co.tenant_uuid, where=AuditFilter(text="DORA")).total == 1
    assert log.entries(co.owner, co.tenant_uuid, where=AuditFilter(action="revoke")).total == 0
    rows = list(csv.reader(io.StringIO(log.csv(co.owner, co.tenant_uuid))))
    assert rows[0] == ["time", "actor", "action", "target", "before", "after", "address"]
    assert len(rows) == 4 and rows[2][1:4] == ["'=SUM(A1) (anna@example.com)", "invite", "cara@example.com"]
    with pytest.raises(SuperUsersOnly):
        log.entries(admin, co.tenant_uuid)
    with pytest.raises(SuperUsersOnly):
        log.csv(admin, co.tenant_uuid)

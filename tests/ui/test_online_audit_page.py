"""The audit log page: Super Users find it on the company page and see who did what; others do not."""

from __future__ import annotations

from pathlib import Path

from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from models.online import Membership, OnlineId
from services.secrets.passwords import hash_password
from tests.ui.test_online_id_pages import log_in
from tests.ui.test_online_workspace_pages import PASSWORD, account, online_side


async def test_a_super_user_reads_the_log_and_an_administrator_is_refused(user: User, app_env: Path) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    mine = account(services, "anna@example.com", "Müller GmbH", hours_since_sync=0.1)
    assert services.db.online is not None
    with services.db.online() as s:
        anna = s.scalar(select(OnlineId.id).where(OnlineId.email == "anna@example.com"))
    assert anna is not None
    services.online.users.invitations.invite(
        anna,
        mine.tenant_uuid,
        email="ben@example.com",
        role="standard",
        client_address="198.51.100.23",
    )
    assert services.db.online is not None
    with services.db.online.begin() as s:
        ada = OnlineId(email="ada@example.com", password_hash=hash_password(PASSWORD), status="active")
        s.add(ada)
        s.flush()
        s.add(Membership(tenant_id=mine.tenant_id, online_id_id=ada.id, role="administrator"))
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see(marker="online-company")
    user.find(marker="online-tile-audit").click()
    await user.should_see(marker="audit-count", content="Entries: 2")
    [audit_table] = user.find(kind=ui.table, marker="audit-table").elements
    first = audit_table.rows[0]  # newest first
    assert (first["action"], first["target"], first["address"]) == (
        "Invited",
        "ben@example.com",
        "198.51.100.23",
    )
    assert first["actor"] == "Anna Berg (anna@example.com)" and "role: standard" in first["changes"]
    assert audit_table.rows[1]["action"] == "Connected"
    await user.should_see(marker="audit-csv")

    await user.open("/id/login")
    await log_in(user, "ada@example.com", PASSWORD)
    await user.should_see(marker="online-company")
    await user.should_not_see(marker="online-tile-audit")
    await user.open(f"/online/c/{mine.tenant_uuid}/audit")
    await user.should_see(marker="online-refused", content="Only Super Users")

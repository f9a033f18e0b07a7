"""The user administration's Show filter, the ?show= link of the inviter's reminder, paging, and
the person named in the header by their employee record."""

from __future__ import annotations

import uuid
from pathlib import Path

from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from models.online import OnlineEmployee, Tenant
from tests.ui.test_online_id_pages import log_in
from tests.ui.test_online_users_pages import PASSWORD, company_with_employees, online_side


async def test_show_filters_the_list_pages_it_and_the_header_names_the_person(
    user: User, app_env: Path
) -> None:
    await user.open("/id/login")
    services = online_side(app_env)
    co = company_with_employees(services)
    assert services.db.online is not None
    with services.db.online.begin() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.uuid == co.tenant_uuid))
        for i in range(30):
            s.add(
                OnlineEmployee(
                    tenant_id=tenant_id, uuid=str(uuid.uuid4()), seq=1, first_name=f"Emil{i:02d}",
                    last_name="Zander", email=f"emil{i:02d}@example.com",
                )
            )  # fmt: skip
    services.online.users.invitations.invite(
        co.owner, co.tenant_uuid, email="ben@example.com", role="standard"
    )
    services.db.dispose()
    await log_in(user, "anna@example.com", PASSWORD)
    await user.should_see("Anna Berg")  # the header names the person by their employee record
    await user.open(f"/online/c/{co.tenant_uuid}/users")
    await user.should_see(marker="users-page", content="Page 1 of 2 · entries: 32")
    [show] = user.find(kind=ui.toggle, marker="users-show").elements
    assert list(show.options.values()) == ["All (32)", "Active (1)", "Invited (1)", "Not invited (30)"]
    assert user.client is not None
    with user.client:
        show.set_value("active")
    await user.should_see(marker="users-page", content="Page 1 of 1 · entries: 1")
    await user.should_see(marker="status-anna@example.com", content="Active")
    await user.should_not_see(marker="status-ben@example.com")

    await user.open(f"/online/c/{co.tenant_uuid}/users?show=invited")  # the inviter's reminder links here
    await user.should_see(marker="status-ben@example.com", content="Invited (pending, expires")
    await user.should_not_see(marker="status-anna@example.com")

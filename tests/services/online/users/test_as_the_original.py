"""User administration as the original has it: the Show filter with paging, people by name, the
inviter's reminder after five days, and resends limited per hour."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from models.online import Membership
from services.clock import FrozenClock
from services.container import Services
from services.online.users.invitations import ResendLimitReached, ResendTooSoon
from tests.services.conftest import mails_to
from tests.services.online.users.factories import Company, employee, invite_token, member, users


def test_the_show_filter_lists_each_status_and_pages_the_rows(online: Services, co: Company) -> None:
    svc = users(online)
    for i in range(12):
        employee(online, co, f"Emil{i:02d}", "Nicht", f"emil{i:02d}@example.com")
    for i in range(3):
        uuid = employee(online, co, f"Ida{i}", "Eingeladen", f"ida{i}@example.com")
        svc.invitations.invite(
            co.owner, co.tenant_uuid, email=f"ida{i}@example.com", role="standard", employee_uuid=uuid
        )
    overview = svc.directory.overview(co.owner, co.tenant_uuid)
    assert overview.counts == {"all": 16, "active": 1, "invited": 3, "not_invited": 12}
    invited = svc.directory.overview(co.owner, co.tenant_uuid, show="invited")
    assert {r.status for r in invited.rows} == {"invited"} and invited.total == 3
    assert [r.email for r in svc.directory.overview(co.owner, co.tenant_uuid, show="active").rows] == [
        "anna@example.com"
    ]
    first = svc.directory.overview(co.owner, co.tenant_uuid, show="not_invited", page_size=5)
    last = svc.directory.overview(co.owner, co.tenant_uuid, show="not_invited", page=3, page_size=5)
    beyond = svc.directory.overview(co.owner, co.tenant_uuid, show="not_invited", page=9, page_size=5)
    assert (first.total, first.pages, len(first.rows), len(last.rows)) == (12, 3, 5, 2)
    assert beyond.page == 3 and beyond.rows == last.rows
    assert {r.status for r in first.rows} == {"not_invited"}
    assert svc.directory.overview(co.owner, co.tenant_uuid, show="nonsense").show == "all"


def test_people_are_named_by_their_employee_in_the_header_the_mail_and_the_invitation_page(
    online: Services, co: Company
) -> None:
    anna = employee(online, co, "Anna", "Berg", "anna@example.com")
    assert online.db.online is not None
    with online.db.online.begin() as s:
        s.execute(update(Membership).where(Membership.online_id_id == co.owner).values(employee_uuid=anna))
    header = online.online.workspace.access.header(co.owner, co.tenant_uuid)
    assert header.user_name == "Anna Berg"
    svc = users(online)
    svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard", language="en")
    [mail] = mails_to(online, "ben@example.com")
    assert "Anna Berg (anna@example.com) invites you" in mail.text
    info = svc.accepting.check_invitation(invite_token(online, "ben@example.com"))
    assert info.inviter == "Anna Berg (anna@example.com)"


def test_the_inviter_is_reminded_once_of_an_invitation_still_pending_after_five_days(
    online: Services, co: Company, clock: FrozenClock
) -> None:
    svc = users(online)
    uuid = employee(online, co, "Ben", "Kurz", "ben@example.com")
    svc.invitations.invite(
        co.owner, co.tenant_uuid, email="ben@example.com", role="standard", employee_uuid=uuid
    )
    svc.invitations.invite(co.owner, co.tenant_uuid, email="cleo@example.com", role="standard")
    svc.accepting.accept_with_new_password(invite_token(online, "cleo@example.com"), "Blue-Tomato-Sunrise-7")
    clock.advance(days=4, hours=23)
    assert svc.reminders.remind_inviters() == 0
    clock.advance(hours=2)
    assert svc.reminders.remind_inviters() == 1  # Ben's; Cleo joined
    [mail] = [m for m in mails_to(online, "anna@example.com") if m.summary.kind == "invitation_pending"]
    assert "Ben Kurz (ben@example.com)" in mail.summary.subject
    assert f"/online/c/{co.tenant_uuid}/users?show=invited" in mail.text
    assert "Müller GmbH" in mail.text
    clock.advance(hours=1)
    assert svc.reminders.remind_inviters() == 0  # once
    assert svc.reminders.send_reminders() == 1  # besides: the invitee's own reminder before expiry
    assert [m.summary.kind for m in mails_to(online, "ben@example.com")] == [
        "invitation",
        "invitation_reminder",
    ]


def test_an_inviter_who_left_the_company_is_not_reminded(
    online: Services, co: Company, clock: FrozenClock
) -> None:
    svc = users(online)
    ada, ada_member = member(online, co, "ada@example.com", "administrator")
    svc.invitations.invite(ada, co.tenant_uuid, email="ben@example.com", role="standard")
    svc.members.deactivate(co.owner, co.tenant_uuid, member_id=ada_member)
    clock.advance(days=6)
    assert svc.reminders.remind_inviters() == 0


def test_resend_is_limited_to_a_few_times_an_hour(online: Services, co: Company, clock: FrozenClock) -> None:
    svc = users(online)
    ben = svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    for _ in range(3):
        clock.advance(seconds=61)
        svc.invitations.resend(co.owner, co.tenant_uuid, invitation_id=ben)
    with pytest.raises(ResendTooSoon):
        svc.invitations.resend(co.owner, co.tenant_uuid, invitation_id=ben)
    clock.advance(seconds=61)
    with pytest.raises(ResendLimitReached) as refused:
        svc.invitations.resend(co.owner, co.tenant_uuid, invitation_id=ben)
    assert refused.value.key == "admin.resend_limit" and refused.value.params["minutes"] == 57
    assert len(mails_to(online, "ben@example.com")) == 4
    clock.advance(minutes=57)
    svc.invitations.resend(co.owner, co.tenant_uuid, invitation_id=ben)
    assert len(mails_to(online, "ben@example.com")) == 5

"""Invitation reminders, two days before an invitation expires (PRODUCT.md §3)."""

from __future__ import annotations

import pytest

from services.clock import FrozenClock
from services.container import Services
from services.online.users.accepting import (
    InvitationUsed,
)
from tests.services.conftest import mails_to
from tests.services.online.users.factories import (
    Company,
    invite_token,
    row_for,
    users,
)


def test_an_unanswered_invitation_is_reminded_once_two_days_before_it_expires(
    online: Services, co: Company, clock: FrozenClock
) -> None:
    svc = users(online)
    svc.invitations.invite(co.owner, co.tenant_uuid, email="ben@example.com", role="standard")
    svc.invitations.invite(co.owner, co.tenant_uuid, email="eva@example.com", role="read_only")
    first = invite_token(online, "ben@example.com")
    clock.advance(days=4)
    assert svc.reminders.send_reminders() == 0  # three days left: not yet
    clock.advance(days=1, hours=12)
    eva = row_for(online, co, "eva@example.com").invitation_id
    assert eva is not None
    svc.invitations.revoke(co.owner, co.tenant_uuid, invitation_id=eva)
    assert svc.reminders.send_reminders() == 1  # Ben only: Eva's invitation was revoked
    reminder = mails_to(online, "ben@example.com")[-1]
    assert reminder.summary.subject.startswith("Reminder: invitation to")
    assert "spam folder" in reminder.text
    assert len(mails_to(online, "eva@example.com")) == 1
    clock.advance(hours=6)
    assert svc.reminders.send_reminders() == 0  # once
    newest = invite_token(online, "ben@example.com")
    with pytest.raises(InvitationUsed):
        svc.accepting.check_invitation(first)  # the reminder's link replaces the first one
    assert svc.accepting.check_invitation(newest).email == "ben@example.com"
    assert row_for(online, co, "ben@example.com").expires_at > clock.now  # the expiry did not move
    clock.advance(days=1)
    assert svc.reminders.send_reminders() == 0  # expired invitations are not reminded

"""Where a person stands in the connection wizard, kept in the database per user and company.

The wizard is a page of seven steps; a reload, a second tab or a Fix link (which leaves the
wizard to repair a prerequisite) must not start it over. So each step change and each value the
person enters (never a password) is stored here, with the Online ID login of step 4 sealed like
the sync credential, and the page is drawn again from it.

The row also carries the **attempt key** of step 7 (Run): created and committed before the first
Run sends anything, sent with every Run of this pass, and ended only by a Run that answered. A
Run whose answer was lost and that is pressed again therefore asks the Online Desktop with the
same key, which answers with the company account the first request created (PROTOCOL.md,
``connections``), never with a second one.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from models.local import ConnectWizardProgress
from services.errors import ValidationFailed
from services.secrets.sealing import SealBroken, TokenSeal

WIZARD_STEPS = ("prerequisites", "connect", "service", "online_id", "registration", "when", "run")
MAX_ENTERED = 20  # fields a pass through the wizard keeps
MAX_VALUE = 254  # characters per field (an e-mail address at most)


@dataclass(frozen=True, kw_only=True, slots=True)
class OnlineLogin:
    """Step 4: a logged-in Online ID (its token is kept sealed with the wizard's progress)."""

    email: str
    full_name: str
    token: str = field(repr=False)


@dataclass(frozen=True, kw_only=True, slots=True)
class WizardProgress:
    """What the wizard page is drawn from: the step, what was entered, the Online ID login."""

    step: str
    entered: dict[str, str]
    login: OnlineLogin | None
    fixing: bool  # the person left through a Fix link and has not come back yet


class WizardProgressService:
    def __init__(self, sessions: sessionmaker[Session], seal: TokenSeal) -> None:
        self._sessions, self._seal = sessions, seal

    def progress(self, company_id: int, user_id: int) -> WizardProgress:
        """Where the user stands (the first step when nothing is stored)."""
        with self._sessions() as s:
            row = s.get(ConnectWizardProgress, (company_id, user_id))
            if row is None:
                return WizardProgress(step=WIZARD_STEPS[0], entered={}, login=None, fixing=False)
            return WizardProgress(
                step=row.step if row.step in WIZARD_STEPS else WIZARD_STEPS[0],
                entered=_entered(row.entered),
                login=self._login(row),
                fixing=row.fixing,
            )

    def returned(self, company_id: int, user_id: int) -> WizardProgress:
        """The wizard page opens: the person is back (``fixing``: from a Fix link) and sees this;
        the other pages stop offering the way back."""
        progress = self.progress(company_id, user_id)
        if progress.fixing:
            with self._sessions.begin() as s:
                row = s.get(ConnectWizardProgress, (company_id, user_id))
                if row is not None:
                    row.fixing = False
        return progress

    def save(
        self, company_id: int, *, user_id: int, step: str, entered: dict[str, str], fixing: bool = False
    ) -> None:
        """Keep the shown step and the entered values (``fixing``: leaving through a Fix link)."""
        if step not in WIZARD_STEPS:
            raise ValidationFailed({"step": "validation.choice"})
        clean = _checked_entries(entered)
        with self._sessions.begin() as s:
            row = self._row(s, company_id, user_id)
            row.step, row.entered, row.fixing = step, json.dumps(clean, sort_keys=True), fixing

    def is_fixing(self, company_id: int, user_id: int) -> bool:
        """Did the user leave the wizard through a Fix link (every page then offers the way back)?"""
        with self._sessions() as s:
            row = s.get(ConnectWizardProgress, (company_id, user_id))
            return row is not None and row.fixing

    def keep_login(self, company_id: int, *, user_id: int, login: OnlineLogin | None) -> None:
        """Remember step 4's Online ID login (sealed), or forget it (``None``: it expired)."""
        with self._sessions.begin() as s:
            row = self._row(s, company_id, user_id)
            row.login_email = login.email if login else ""
            row.login_name = login.full_name if login else ""
            row.sealed_login_token = self._seal.seal(login.token) if login else ""

    def cancel(self, company_id: int, user_id: int) -> None:
        """Cancel: the next visit starts at step 1. An unanswered Run's attempt key stays, so a
        later Run still lands on the company account that Run may have created."""
        with self._sessions.begin() as s:
            row = s.get(ConnectWizardProgress, (company_id, user_id))
            if row is None:
                return
            if not row.attempt_key:
                s.delete(row)
                return
            row.step, row.entered, row.fixing = WIZARD_STEPS[0], "{}", False
            row.login_email = row.login_name = row.sealed_login_token = ""

    def attempt_key(self, company_id: int, user_id: int) -> str:
        """The key of this connection attempt, created and committed before its first Run is sent."""
        with self._sessions.begin() as s:
            row = self._row(s, company_id, user_id)
            if not row.attempt_key:
                row.attempt_key = secrets.token_urlsafe(24)
            return row.attempt_key

    def finish(self, company_id: int, user_id: int) -> None:
        """The Run answered: this pass through the wizard is over, its key with it."""
        with self._sessions.begin() as s:
            row = s.get(ConnectWizardProgress, (company_id, user_id))
            if row is not None:
                s.delete(row)

    @staticmethod
    def _row(s: Session, company_id: int, user_id: int) -> ConnectWizardProgress:
        row = s.get(ConnectWizardProgress, (company_id, user_id))
        if row is None:
            row = ConnectWizardProgress(
                company_id=company_id,
                user_id=user_id,
                step=WIZARD_STEPS[0],
                entered="{}",
                login_email="",
                login_name="",
                sealed_login_token="",
                fixing=False,
                attempt_key="",
            )
            s.add(row)
        return row

    def _login(self, row: ConnectWizardProgress) -> OnlineLogin | None:
        if not row.sealed_login_token:
            return None
        try:
            token = self._seal.open(row.sealed_login_token)
        except SealBroken:  # another secret key: the person logs in again
            return None
        return OnlineLogin(email=row.login_email, full_name=row.login_name, token=token)


def _checked_entries(entered: dict[str, str]) -> dict[str, str]:
    """Short text values only, and never a password."""
    if len(entered) > MAX_ENTERED:
        raise ValidationFailed({"entered": "validation.too_long"})
    clean = {}
    for name, value in entered.items():
        if "password" in name.casefold():
            continue
        clean[str(name)[:32]] = str(value)[:MAX_VALUE]
    return clean


def _entered(stored: str) -> dict[str, str]:
    try:
        values = json.loads(stored or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}

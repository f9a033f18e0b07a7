"""What every step of the connection wizard shares: the wizard's state and the step's frame.

A step is one small component: it draws its content, says whether Next may leave it
(``may_leave``), hears when it is shown (``entered``) and names what the person entered there
(``entered_values``, never a password), which the wizard keeps in the database so that a reload
or a Fix link's round trip returns to the same step with the same values (``restore``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import ClassVar

from services.local.connect_wizard import ConnectResult, ConnectWizardService, OnlineLogin
from services.local.prerequisites import PrerequisiteReport
from services.local.views import SessionView
from services.local.wizard_progress import WizardProgressService
from ui.shell import Shell


@dataclass
class WizardState:
    """What the steps found out so far in this pass through the wizard."""

    report: PrerequisiteReport | None = None
    login: OnlineLogin | None = None
    registration_complete: bool = False
    run_at: dt.datetime | None = None  # None: now
    result: ConnectResult | None = None


async def _nothing(**_kwargs: object) -> None:
    return None


@dataclass
class WizardContext:
    """Who runs the wizard for which company, and what every step may ask or tell."""

    shell: Shell
    session: SessionView
    company_id: int
    company_name: str
    state: WizardState = field(default_factory=WizardState)
    enable_next: Callable[[str, bool], None] = lambda _step, _enabled: None
    save: Callable[..., Awaitable[None]] = _nothing  # keep step and values (``fixing=True``: a Fix link)
    go_to: Callable[[str], Awaitable[None]] = lambda _step: _nothing()  # show another step

    @property
    def service(self) -> ConnectWizardService:
        return self.shell.services.connect_wizard

    @property
    def progress(self) -> WizardProgressService:
        return self.shell.services.wizard_progress

    @property
    def user_id(self) -> int:
        return self.session.user.id


class WizardStep:
    """One step: ``name`` is its stepper value, ``title_key`` and ``icon`` its header."""

    name: ClassVar[str]
    title_key: ClassVar[str]
    icon: ClassVar[str]
    next_label: ClassVar[str | None] = "wizard.next"  # None: the step draws its own main button
    next_enabled: ClassVar[bool] = True

    def __init__(self, context: WizardContext) -> None:
        self.context = context
        self.restored: dict[str, str] = {}

    @property
    def state(self) -> WizardState:
        return self.context.state

    def restore(self, entered: dict[str, str]) -> None:
        """What was entered before (read by ``draw``)."""
        self.restored = entered

    def draw(self) -> None:
        """The step's content (inside its ``ui.step``)."""
        raise NotImplementedError

    def next_allowed(self) -> bool:
        """Is Next enabled when the step is drawn?"""
        return self.next_enabled

    def main_button(self) -> None:
        """The step's own main button, drawn instead of Next (only when ``next_label`` is None)."""

    async def may_leave(self) -> bool:
        """May Next go on from here? A step that says no tells the person why."""
        return True

    async def still_holds(self) -> bool:
        """Coming back to a later step: does what this step settled still hold (quietly)?"""
        return True

    def entered(self) -> None:
        """The step is now shown."""

    def entered_values(self) -> dict[str, str]:
        """What the person entered here, to keep (never a password)."""
        return {}


def local_zone() -> dt.tzinfo:
    """Dates and times are typed in this computer's time zone (Business Software runs here)."""
    zone = dt.datetime.now().astimezone().tzinfo
    return zone if zone is not None else dt.UTC

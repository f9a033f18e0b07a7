"""What every step of the connection wizard shares: the wizard's state and the step's frame.

A step is one small component: it draws its content, says whether Next may leave it
(``may_leave``) and hears when it is shown (``entered``). The wizard (``wizard.py``) puts the
steps into one stepper and draws their Back, Next and Cancel buttons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from services.local.connect_wizard import ConnectResult, ConnectWizardService, OnlineLogin
from services.local.prerequisites import PrerequisiteReport
from services.local.views import SessionView
from ui.shell import Shell


@dataclass
class WizardState:
    """What the steps found out so far (the page's memory of one pass through the wizard)."""

    report: PrerequisiteReport | None = None
    login: OnlineLogin | None = None
    registration_complete: bool = False
    run_at: dt.datetime | None = None  # None: now
    result: ConnectResult | None = None


@dataclass
class WizardContext:
    """Who runs the wizard for which company, and what every step may ask or tell."""

    shell: Shell
    session: SessionView
    company_id: int
    company_name: str
    state: WizardState = field(default_factory=WizardState)
    enable_next: Callable[[str, bool], None] = lambda _step, _enabled: None

    @property
    def service(self) -> ConnectWizardService:
        return self.shell.services.connect_wizard


class WizardStep:
    """One step: ``name`` is its stepper value, ``title_key`` and ``icon`` its header."""

    name: ClassVar[str]
    title_key: ClassVar[str]
    icon: ClassVar[str]
    next_label: ClassVar[str | None] = "wizard.next"  # None: the step draws its own main button
    next_enabled: ClassVar[bool] = True

    def __init__(self, context: WizardContext) -> None:
        self.context = context

    @property
    def state(self) -> WizardState:
        return self.context.state

    def draw(self) -> None:
        """The step's content (inside its ``ui.step``)."""
        raise NotImplementedError

    def main_button(self) -> None:
        """The step's own main button, drawn instead of Next (only when ``next_label`` is None)."""

    async def may_leave(self) -> bool:
        """May Next go on from here? A step that says no tells the person why."""
        return True

    def entered(self) -> None:
        """The step is now shown."""


def local_zone() -> dt.tzinfo:
    """Dates and times are typed in this computer's time zone (Business Software runs here)."""
    zone = dt.datetime.now().astimezone().tzinfo
    return zone if zone is not None else dt.UTC

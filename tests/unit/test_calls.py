"""Service calls from the UI: a cancelled call is told apart from a service's own None answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from nicegui import run

from services.errors import TryAgain
from ui.components import calls


async def _runs_in_place(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return fn(*args, **kwargs)


async def _cancelled(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    return None  # what NiceGUI answers when the browser went away while the call waited


async def test_a_service_answering_none_is_passed_on_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "io_bound", _runs_in_place)
    assert await calls.fetch(lambda: None) is None
    assert await calls.fetch(lambda a, b=0: a + b, 2, b=3) == 5


async def test_a_cancelled_call_raises_try_again_with_a_clear_log_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(run, "io_bound", _cancelled)

    def contacts() -> list[str]:
        return ["never seen"]

    with pytest.raises(TryAgain):
        await calls.fetch(contacts)
    assert "contacts was cancelled before it answered" in caplog.text


async def test_call_turns_a_cancellation_into_call_failed_without_a_type_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(run, "io_bound", _cancelled)
    monkeypatch.setattr(calls, "_quietly_notify", lambda text, kind: None)
    with pytest.raises(calls.CallFailed) as failed:
        _rows, _total = await calls.call(lambda: ([], 0))
    assert isinstance(failed.value.error, TryAgain)

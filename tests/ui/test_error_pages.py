"""Whatever fails behind a page, the visitor sees a translated message and never a stack trace."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from services.errors import NotFound


async def test_a_page_that_fails_unexpectedly_shows_a_friendly_message_without_details(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    @ui.page("/test/failing-page")
    def failing_page() -> None:
        raise RuntimeError("internal detail 42")

    response = await user.http_client.get("/test/failing-page")

    assert response.status_code == 500
    assert "An unexpected error occurred. Please try again." in response.text
    assert "internal detail 42" not in response.text
    assert "Traceback" not in response.text
    assert any(record.exc_info for record in caplog.records), "the operator finds the failure in the log"
    caplog.clear()  # logged on purpose; the user fixture fails a test on unexpected ERROR logs


async def test_a_missing_record_shows_not_found_in_the_browsers_language(user: User) -> None:
    @ui.page("/test/missing-record")
    def missing_record() -> None:
        raise NotFound()

    response = await user.http_client.get("/test/missing-record", headers={"Accept-Language": "de"})

    assert "Der Datensatz wurde nicht gefunden." in response.text
    assert "NotFound" not in response.text

"""A company backup may be uploaded (File › Restore); every other route keeps its small limit."""

from __future__ import annotations

from services.api.limits import DEFAULT_LIMIT, UPLOAD_LIMIT, limit_for


def test_only_the_upload_element_route_takes_large_bodies() -> None:
    assert limit_for("/_nicegui/client/0f3a-1/upload/42") == UPLOAD_LIMIT
    assert limit_for("/_nicegui/client/0f3a-1/event") == 1024 * 1024
    assert limit_for("/_nicegui/client/0f3a-1/upload/42/more") == 1024 * 1024
    assert limit_for("/restore") == DEFAULT_LIMIT

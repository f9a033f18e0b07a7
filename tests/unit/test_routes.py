"""Every page of the application allows the same build time (``ui.components.routes``)."""

from __future__ import annotations

from pathlib import Path

from ui.components.routes import PAGE_BUILD_SECONDS, app_page

UI = Path(__file__).resolve().parents[2] / "ui"


def test_app_page_allows_more_than_nicegui_default() -> None:
    assert app_page("/routes-test").response_timeout == PAGE_BUILD_SECONDS > 3.0
    assert app_page("/routes-test", response_timeout=5.0).response_timeout == 5.0


def test_no_page_uses_nicegui_default_build_time() -> None:
    direct = [
        str(path.relative_to(UI))
        for path in UI.rglob("*.py")
        if path.name != "routes.py" and "@ui.page(" in path.read_text(encoding="utf-8")
    ]
    assert direct == []

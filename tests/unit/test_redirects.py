"""After login the browser only ever goes to a page of this site."""

from __future__ import annotations

import pytest

from services.redirects import safe_next


@pytest.mark.parametrize("target", ["/online", "/id/password", "/online/contacts?page=2#top"])
def test_a_local_path_is_kept(target: str) -> None:
    assert safe_next(target, "/online") == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "online",
        "/online\r\nLocation: https://evil.example",
        "/" + "a" * 3000,
    ],
)
def test_anything_else_falls_back_to_the_default(target: str | None) -> None:
    assert safe_next(target, "/online") == "/online"

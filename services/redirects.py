"""Where a page may send the browser next: only to a path of this site (no open redirects)."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a local absolute path ("/online?x=1"), else ``default``.

    Refused: full URLs, scheme-relative "//evil.example", backslash tricks ("/\\\\evil"),
    control characters, and anything that does not start with exactly one "/".
    """
    if not target or len(target) > 2000:
        return default
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target

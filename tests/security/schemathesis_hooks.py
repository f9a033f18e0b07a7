"""Schemathesis hooks for ``test_api_schemas``: the right credential per route, bounded long-polls.

Loaded by the schemathesis command through ``SCHEMATHESIS_HOOKS``; the tokens come from the
environment the test sets (``ST_LOCAL_TOKEN``, ``ST_ONLINE_ID_TOKEN``, ``ST_CONNECTION_TOKEN``).
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis


def _token_for(path: str) -> str:
    if path.startswith("/api/local/"):
        return os.environ["ST_LOCAL_TOKEN"]
    if path.startswith("/api/online/v1/sync/") and "/connections" not in path:
        return os.environ["ST_CONNECTION_TOKEN"]
    return os.environ["ST_ONLINE_ID_TOKEN"]


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    """Send a valid credential (refusals of bad ones are tested elsewhere) and keep pulls short."""
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {_token_for(case.operation.path)}"}
    if case.operation.path.endswith("/sync/pull") and isinstance(case.body, dict):
        wait = case.body.get("wait")
        if isinstance(wait, int | float) and not isinstance(wait, bool) and wait > 0.2:
            case.body["wait"] = 0.2

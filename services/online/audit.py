"""Writing the audit log of a company account's administrative actions.

``record`` adds one entry to the session of the action it describes: it commits with the action
or not at all, so a refused or failed action leaves no entry. ``before`` and ``after`` are small
JSON objects of the values the action changed (a role, a status, the contract's seats ...).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from models.online import AuditEntry, OnlineId
from services.online.names import labelled

# Every action the log knows, in the order the filter offers them.
ACTIONS = (
    "invite",
    "resend",
    "revoke",
    "role_change",
    "deactivate",
    "join",
    "connect",
    "reconnect",
    "change_user",
    "disconnect",
    "contract_change",
)
MAX_ADDRESS = 64


def record(
    s: Session,
    *,
    tenant_id: int,
    actor_id: int | None,
    action: str,
    target: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    address: str = "",
) -> None:
    """Add the entry of ``action`` to the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    actor = s.get(OnlineId, actor_id) if actor_id is not None else None
    s.add(
        AuditEntry(
            tenant_id=tenant_id,
            actor_id=actor_id,
            actor=labelled(s, tenant_id=tenant_id, row=actor)[:300],  # as named at the time
            action=action,
            target=target[:300],
            before=_json(before),
            after=_json(after),
            address=(address or "")[:MAX_ADDRESS],
        )
    )


def _json(values: dict[str, Any] | None) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str) if values else ""

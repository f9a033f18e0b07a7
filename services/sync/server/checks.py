"""Checks every sync request passes before it is served: protocol and schema version, tenant."""

from __future__ import annotations

from typing import Any

from services.sync.protocol.messages import PROTOCOL_VERSION, ProtocolError
from services.sync.protocol.tables import SCHEMA_VERSION
from services.sync.server.connections import ConnectionContext


def check_versions(body: dict[str, Any], ctx: ConnectionContext | None) -> None:
    """Refuse a request from another protocol or schema version, or for another tenant."""
    if body.get("protocol_version") != PROTOCOL_VERSION:
        raise ProtocolError(
            400,
            "unsupported_protocol",
            f"protocol version {PROTOCOL_VERSION} is required; update Business Software",
        )
    if body.get("schema_version") != SCHEMA_VERSION:
        raise ProtocolError(
            409, "schema_mismatch", "the synced tables differ from this server's; update both sides"
        )
    if ctx is not None and body.get("tenant") != ctx.tenant_uuid:
        raise ProtocolError(403, "wrong_tenant", "this connection belongs to another company account")

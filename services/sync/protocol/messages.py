"""Messages of the sync protocol between Business Software (client) and Online Desktop (server).

Every request carries the protocol version and the schema version (a fingerprint of the synced
columns) and the tenant the client believes it talks to; the server refuses any mismatch before
touching data. Rows travel columnar (``columns`` + ``data`` as a list of columns) to keep
payloads small and parsing fast. PROTOCOL.md describes each message and its guarantees.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.sync.protocol.tables import SCHEMA_VERSION

PROTOCOL_VERSION = 1
MAX_BODY_BYTES = 16 * 1024 * 1024  # compressed request body
MAX_INFLATED_BYTES = 96 * 1024 * 1024  # after gunzip: guards against compression bombs
MAX_PAGE_ROWS = 20_000
MAX_MUTATIONS = 5_000
MAX_PULL_LIMIT = 20_000
MAX_WAIT_SECONDS = 30.0
MAX_LICENCE_LENGTH = 8000

MAX_INT = 2**63 - 1  # ids, sequences and cursors are 64-bit in both databases
Uuid = Annotated[str, Field(min_length=1, max_length=36)]
TableName = Annotated[str, Field(min_length=1, max_length=64)]


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Request(Message):
    """Fields every request carries."""

    protocol_version: int = Field(ge=0, le=MAX_INT)
    schema_version: str = Field(max_length=64)
    tenant: Uuid


class CompanyInfo(Message):
    """Registration information that becomes the online company account."""

    name: str = Field(min_length=1, max_length=200)
    street: str = Field("", max_length=200)
    postal_code: str = Field("", max_length=20)
    city: str = Field("", max_length=100)
    country: str = Field("", max_length=100)
    phone: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    registration_number: str = Field("", max_length=50)


class ConnectRequest(Message):
    """Create a company account and a connection (or a new connection for an existing account)."""

    protocol_version: int = Field(ge=0, le=MAX_INT)
    schema_version: str = Field(max_length=64)
    company: CompanyInfo
    computer_name: str = Field("", max_length=100)
    tenant: Uuid | None = None
    # The installed licence key: the service contract (seats, modules, valid until) it grants,
    # signed by the vendor, becomes the company account's contract.
    licence: str = Field(max_length=MAX_LICENCE_LENGTH)
    # Names the client's connection attempt: a retry with the same key gets the same account.
    idempotency_key: str | None = Field(None, min_length=16, max_length=64)


class ContractRequest(Request):
    """The licence key again, after it changed in Business Software (sent with the next sync)."""

    licence: str = Field(max_length=MAX_LICENCE_LENGTH)


class ContractResponse(Message):
    seats: int
    modules: list[str]
    valid_until: str  # ISO date
    changed: bool


class ConnectResponse(Message):
    tenant: str
    token: str
    seq: int


class DisconnectRequest(Request):
    """Disconnect a company account: its synced data goes, the account and its users stay."""


class DisconnectResponse(Message):
    tenant: str
    rows_deleted: int


class SnapshotBeginRequest(Request):
    """``snapshot_id`` is chosen by the client, so a repeated begin opens nothing new;
    ``known_seq`` is the client's pull cursor: online rows it has never seen are not removed."""

    snapshot_id: Uuid
    kind: Literal["initial", "resync"]
    tables: list[TableName] = Field(min_length=1, max_length=32)
    known_seq: int = Field(0, ge=0, le=MAX_INT)


class SnapshotBeginResponse(Message):
    snapshot_id: str
    base_seq: int


class SnapshotPageRequest(Request):
    snapshot_id: Uuid
    table: TableName
    page: int = Field(ge=0, le=MAX_INT)
    columns: list[str] = Field(min_length=1, max_length=64)
    data: list[list[Any]] = Field(max_length=65, description="a list per column, uuid first; 20,000 rows")


class SnapshotPageResponse(Message):
    snapshot_id: str
    table: str
    page: int
    rows: int
    seq: int


class SnapshotFinishRequest(Request):
    snapshot_id: Uuid


class SnapshotFinishResponse(Message):
    seq: int
    cursor: int  # where the client's pull continues: past its own snapshot when nothing else changed
    clean: bool
    tombstoned: int


class Mutation(Message):
    """One coalesced local change: an upsert carries the full row, ``fields`` names what changed."""

    id: int = Field(gt=0, le=MAX_INT)
    table: TableName
    uuid: Uuid
    op: Literal["upsert", "delete"]
    base: int = Field(ge=0, le=MAX_INT)
    fields: list[str] = Field(default_factory=list, max_length=64)
    values: dict[str, Any] = Field(default_factory=dict)


class PushRequest(Request):
    mutations: list[Mutation] = Field(min_length=1, max_length=MAX_MUTATIONS)
    # The client's pull cursor when it sent the push (it holds every change up to it), if known.
    cursor: int | None = Field(None, ge=0, le=MAX_INT)


class ConflictInfo(Message):
    table: str
    uuid: str
    field: str
    business_value: Any = None
    online_value: Any = None
    resolution: Literal["business_wins", "deleted_online", "deleted_locally"]
    online_by: str = ""  # who changed the online value (an Online ID's name), when known
    online_at: str = ""  # when (wire datetime), when known


class Rejection(Message):
    mutation_id: int
    table: str
    uuid: str
    reason: str


class PushResponse(Message):
    last_mutation_id: int
    applied: int
    skipped: int
    seq: int
    conflicts: list[ConflictInfo] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)


class PullRequest(Request):
    cursor: int = Field(ge=0, le=MAX_INT)
    limit: int = Field(5_000, ge=1, le=MAX_PULL_LIMIT)
    wait: float = Field(0.0, ge=0.0, le=MAX_WAIT_SECONDS)


class TableChanges(Message):
    table: str
    columns: list[str]
    data: list[list[Any]]
    deleted: list[str] = Field(default_factory=list)


class PullResponse(Message):
    cursor: int
    server_seq: int
    has_more: bool
    changes: list[TableChanges] = Field(default_factory=list)
    # The highest client mutation id the server has applied, read with the changes: local changes
    # up to it are done, so they no longer protect their fields from the changes of this page.
    applied_mutation_id: int = 0


class VerifyRequest(Request):
    tables: list[TableName] | None = None


class TableSummary(Message):
    count: int
    checksum: int


class VerifyResponse(Message):
    seq: int
    tables: dict[str, TableSummary]


class ErrorResponse(Message):
    error: str
    message: str


def request_fields(tenant: str) -> dict[str, Any]:
    """The version fields a client puts on every request."""
    return {"protocol_version": PROTOCOL_VERSION, "schema_version": SCHEMA_VERSION, "tenant": tenant}


class ProtocolError(Exception):
    """A request the server refuses (4xx) or a response the client cannot use."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(f"{status} {error}: {message}")
        self.status = status
        self.error = error
        self.message = message

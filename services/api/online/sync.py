"""HTTP API of the sync protocol: ``/api/online/v1/sync/...`` (see services/sync/PROTOCOL.md).

Entry point only: reads the body within its size limit, unzips it, checks versions and tenant,
validates the message and hands it to ``SyncServer`` in a worker thread. Every refusal is a 4xx
with ``{"error", "message"}`` (the API's one error body, ``services.api.errors``) and writes
nothing, because validation happens before the service opens its transaction. The bodies are
read by hand (gzip, size limits), so each route declares its request and response schema and
status codes for the OpenAPI schema itself (``documented``).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import gzip
import logging
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

import orjson
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ValidationError

from services.api.errors import error_responses, service_error_response
from services.errors import NotAuthenticated, ServiceError
from services.sync.protocol.messages import (
    MAX_BODY_BYTES,
    MAX_INFLATED_BYTES,
    ConnectRequest,
    ConnectResponse,
    ContractRequest,
    ContractResponse,
    DisconnectRequest,
    DisconnectResponse,
    ProtocolError,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    SnapshotBeginRequest,
    SnapshotBeginResponse,
    SnapshotFinishRequest,
    SnapshotFinishResponse,
    SnapshotPageRequest,
    SnapshotPageResponse,
    VerifyRequest,
    VerifyResponse,
)
from services.sync.server.checks import check_versions
from services.sync.server.connections import ConnectionContext
from services.sync.server.service import SyncServer

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
MAX_PAGE_COLUMNS = 65  # SnapshotPageRequest.data: uuid + at most 64 columns
GZIP_ABOVE = 1400  # bytes: smaller responses are not worth compressing
OnlineIdAuth = Callable[[str], Any]  # token -> view with ``id`` (services.online.identity contract)
# What every connection route can refuse (documented in the OpenAPI schema).
CONNECTION_ERRORS = (400, 401, 403, 404, 409, 413, 503)
ONLINE_ID_ERRORS = (400, 401, 403, 404, 409, 413, 422, 503)
REQUEST_MODELS: list[type[BaseModel]] = [
    SnapshotBeginRequest, SnapshotPageRequest, SnapshotFinishRequest, PushRequest, PullRequest,
    VerifyRequest, ConnectRequest, DisconnectRequest, ContractRequest,
]  # fmt: skip


def documented(request: type[BaseModel], response: type[BaseModel], codes: tuple[int, ...]) -> dict[str, Any]:
    """``add_api_route`` arguments that put the route's bodies and status codes in the schema."""
    body = {"$ref": f"#/components/schemas/{request.__name__}"}
    return {
        "response_model": None,
        "responses": {200: {"model": response, "description": "Done"}, **error_responses(*codes)},
        "openapi_extra": {
            "requestBody": {
                "required": True,
                "description": "JSON, optionally gzip-compressed (Content-Encoding: gzip)",
                "content": {"application/json": {"schema": body}},
            }
        },
    }


def sync_router(
    server: Callable[[], SyncServer | None], online_id_auth: Callable[[], OnlineIdAuth | None]
) -> APIRouter:
    router = APIRouter(prefix="/api/online/v1/sync", tags=["sync"])

    def simple(
        model: type[M], method: Callable[[SyncServer], Callable[[ConnectionContext, M], BaseModel]]
    ) -> Any:
        async def endpoint(request: Request) -> Response:
            async def handle() -> Response:
                srv = _server(server)
                token = bearer(request)
                raw = await read_body(request)

                def work() -> Response:
                    ctx = replace(srv.connections.authenticate(token), client_address=address(request))
                    with gc_paused():  # a page is ~100,000 fresh objects: no cycle hunting meanwhile
                        req = parse(raw, request, model, ctx)
                        return encode(method(srv)(ctx, req), request)

                return await asyncio.to_thread(work)

            return await guarded(request, handle)

        return endpoint

    for path, model, answer, method in (
        ("/snapshot/begin", SnapshotBeginRequest, SnapshotBeginResponse, lambda s: s.begin_snapshot),
        ("/snapshot/page", SnapshotPageRequest, SnapshotPageResponse, lambda s: s.snapshot_page),
        ("/snapshot/finish", SnapshotFinishRequest, SnapshotFinishResponse, lambda s: s.finish_snapshot),
        ("/push", PushRequest, PushResponse, lambda s: s.push),
        ("/verify", VerifyRequest, VerifyResponse, lambda s: s.verify),
        ("/contract", ContractRequest, ContractResponse, lambda s: s.update_contract),
    ):
        router.add_api_route(
            path, simple(model, method), methods=["POST"], **documented(model, answer, CONNECTION_ERRORS)
        )

    @router.post("/pull", **documented(PullRequest, PullResponse, CONNECTION_ERRORS))
    async def pull(request: Request) -> Response:
        """Long-poll: the request may wait for changes without holding a worker thread."""

        async def handle() -> Response:
            srv = _server(server)
            token = bearer(request)
            raw = await read_body(request)

            def prepare() -> tuple[ConnectionContext, PullRequest]:
                ctx = srv.connections.authenticate(token)
                return ctx, parse(raw, request, PullRequest, ctx)

            ctx, req = await asyncio.to_thread(prepare)
            page = await srv.pull(ctx, req)
            return await asyncio.to_thread(encode, page, request)

        return await guarded(request, handle)

    def by_online_id(
        model: type[M], act: Callable[[SyncServer, Any, M, str], BaseModel]
    ) -> Callable[..., Any]:
        """An endpoint authenticated by an Online ID login token (not a connection token)."""

        async def endpoint(request: Request) -> Response:
            async def handle() -> Response:
                srv = _server(server)
                auth = online_id_auth()
                if auth is None:
                    raise ProtocolError(
                        503, "identity_unavailable", "Online ID login is not available on this server"
                    )
                token = bearer(request)
                raw = await read_body(request)

                def work() -> Response:
                    try:
                        online_id = auth(token)
                    except NotAuthenticated:
                        raise ProtocolError(401, "unauthorized", "log in with your Online ID first") from None
                    req = parse(raw, request, model, None)
                    return encode(act(srv, online_id, req, address(request)), request)

                return await asyncio.to_thread(work)

            return await guarded(request, handle)

        return endpoint

    def connect(srv: SyncServer, online_id: Any, req: ConnectRequest, client: str) -> ConnectResponse:
        """Create a company account + connection (or a new connection for the same account), with
        the service contract of the licence the request carries."""
        created = srv.connections.create_connection(
            online_id_id=online_id.id,
            company=req.company,
            computer_name=req.computer_name,
            tenant_uuid=req.tenant,
            contract=srv.contracts.read(req.licence),
            client_address=client,
            idempotency_key=req.idempotency_key,
        )
        return ConnectResponse(tenant=created.tenant_uuid, token=created.token, seq=created.seq)

    def disconnect(
        srv: SyncServer, online_id: Any, req: DisconnectRequest, client: str
    ) -> DisconnectResponse:
        """Delete the account's synced data and end its connections; by the Online ID that connected."""
        deleted = srv.connections.disconnect(
            online_id_id=online_id.id, tenant_uuid=req.tenant, client_address=client
        )
        return DisconnectResponse(tenant=req.tenant, rows_deleted=deleted)

    router.add_api_route(
        "/connections",
        by_online_id(ConnectRequest, connect),
        methods=["POST"],
        **documented(ConnectRequest, ConnectResponse, ONLINE_ID_ERRORS),
    )
    router.add_api_route(
        "/connections/disconnect",
        by_online_id(DisconnectRequest, disconnect),
        methods=["POST"],
        **documented(DisconnectRequest, DisconnectResponse, ONLINE_ID_ERRORS),
    )
    return router


_gc_lock = threading.Lock()
_gc_pauses = 0


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a large message is decoded and written.

    Parsing a snapshot page allocates hundreds of thousands of objects; each allocation burst
    would otherwise trigger collections that walk every object of the process. Counted, so
    that concurrent requests re-enable it only when the last one ends.
    """
    global _gc_pauses
    with _gc_lock:
        _gc_pauses += 1
        if _gc_pauses == 1:
            gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0:
                gc.enable()


def _server(server: Callable[[], SyncServer | None]) -> SyncServer:
    srv = server()
    if srv is None:
        raise ProtocolError(503, "unavailable", "this process does not run the Online Desktop")
    return srv


async def guarded(request: Request, handle: Callable[[], Any]) -> Response:
    """Turn refusals into 4xx answers with a message; never leak a stack trace."""
    try:
        response: Response = await handle()
        return response
    except ProtocolError as exc:
        return error_response(exc.status, exc.error, exc.message)
    except ServiceError as exc:
        return service_error_response(request, exc)
    except Exception:
        log.exception("sync request failed")
        return error_response(500, "internal", "the server could not process the request; it will be retried")


def error_response(status: int, error: str, message: str) -> Response:
    return Response(
        orjson.dumps({"error": error, "message": message}), status_code=status, media_type="application/json"
    )


def address(request: Request) -> str:
    """The client's address (uvicorn resolves X-Forwarded-For of trusted proxies)."""
    return request.client.host if request.client is not None else ""


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProtocolError(401, "unauthorized", "send the connection token as 'Authorization: Bearer …'")
    return token.strip()


async def read_body(request: Request) -> bytes:
    """The raw body, refusing anything above the limit before reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise ProtocolError(413, "too_large", f"request bodies are limited to {MAX_BODY_BYTES} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ProtocolError(413, "too_large", f"request bodies are limited to {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse(raw: bytes, request: Request, model: type[M], ctx: ConnectionContext | None) -> M:
    """Unzip, decode, check versions and tenant, then validate the message."""
    if request.headers.get("content-encoding", "").lower() == "gzip":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            raw = inflater.decompress(raw, MAX_INFLATED_BYTES + 1)
        except zlib.error:
            raise ProtocolError(400, "bad_gzip", "the body is not valid gzip") from None
        if len(raw) > MAX_INFLATED_BYTES or inflater.unconsumed_tail:
            raise ProtocolError(
                413, "too_large", f"unzipped bodies are limited to {MAX_INFLATED_BYTES} bytes"
            )
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ProtocolError(400, "bad_json", "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ProtocolError(400, "bad_json", "the body must be a JSON object")
    check_versions(body, ctx)
    columns = _page_columns(body) if model is SnapshotPageRequest else None
    try:
        message = model.model_validate(body if columns is None else {**body, "data": []})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ProtocolError(400, "bad_message", f"{where}: {first['msg']}") from None
    return message if columns is None else message.model_copy(update={"data": columns})


def _page_columns(body: dict[str, Any]) -> list[list[Any]] | None:
    """A snapshot page's columns, shape-checked only: the values are checked column by column by
    ``check_data`` (copying 200,000 values through the model would cost as much as writing them)."""
    data = body.get("data")
    if data is None:
        return None  # the model reports it missing
    columns = isinstance(data, list) and len(data) <= MAX_PAGE_COLUMNS
    if not columns or not all(isinstance(c, list) for c in data):
        raise ProtocolError(400, "bad_message", f"data: a list of at most {MAX_PAGE_COLUMNS} lists (columns)")
    return data


def encode(message: BaseModel, request: Request) -> Response:
    body = orjson.dumps(message.model_dump())
    if len(body) > GZIP_ABOVE and "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            gzip.compress(body, compresslevel=1),
            media_type="application/json",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(body, media_type="application/json")

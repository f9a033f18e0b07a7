"""The Business Software's HTTP calls to the Online Desktop: one shared client for the process
(``HttpLink``), and the agent's sync calls on it (``SyncClient``: gzip + orjson bodies, typed answers).

The wizard, connect, disconnect, the reachability check and the agent all go through ``HttpLink``,
so the process keeps one connection pool and closes it once on shutdown.

Errors are ServiceErrors (a translated message for people, ``str()`` the detail for the trace log),
sorted for the retry logic: ``Retryable`` (network trouble, 5xx, 429) is retried with
exponential backoff and jitter, ``AuthFailed`` (401) stops the sync until the user reconnects,
``Refused`` (any other 4xx) is a protocol problem that retrying cannot fix.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from services.errors import ServiceError
from services.sync.protocol.messages import request_fields

if TYPE_CHECKING:  # httpx is imported by the first call: a process that makes none does without it
    import httpx

M = TypeVar("M", bound=BaseModel)
API = "/api/online/v1/sync"


class HttpLink:
    """The process's one ``httpx.AsyncClient`` for the Online Desktop API.

    Created on first use inside the running event loop (a client made before the loop starts
    would bind its pool to no loop) and closed on shutdown.
    """

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._timeout, self._connect_timeout = timeout, connect_timeout
        self._transport = transport  # tests answer requests in-process
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None or self._client.is_closed:
            import httpx

            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self._timeout, connect=self._connect_timeout),
                transport=self._transport,
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class SyncCallError(ServiceError):
    """A call to the Online Desktop's sync API failed. The key says it to a person; ``str()`` stays
    the technical detail (status, code, message) for the trace log and the sync history."""

    key = "sync.call_failed"
    status_code = 502

    def __init__(self, detail: str, status: int = 0, error: str = "") -> None:
        super().__init__(status=status, error=error)
        self.args = (detail,)
        self.detail, self.status, self.error = detail, status, error


class Retryable(SyncCallError):
    """The network or the server failed; the same request may be sent again."""

    key = "sync.unreachable"
    status_code = 503


class AuthFailed(SyncCallError):
    """The connection token was refused: the user must reconnect (password changed, revoked)."""

    key = "sync.needs_reconnect"


class Refused(SyncCallError):
    """The server refused the request as invalid (4xx): retrying the same request cannot help."""

    key = "sync.refused"


@dataclass(frozen=True, slots=True)
class Sent:
    """An answer with the bytes moved on the wire for it (for history and benchmarks)."""

    answer: Any
    bytes_up: int
    bytes_down: int


def encode(payload: dict[str, Any]) -> bytes:
    """orjson + gzip (level 1: on a LAN the CPU, not the wire, is the bottleneck)."""
    return gzip.compress(orjson.dumps(payload), compresslevel=1)


GZIP_MAGIC = b"\x1f\x8b"  # a JSON body starts with "{", a gzip one with these two bytes


def is_loopback(url: str) -> bool:
    """Does ``url`` name this machine (no network between the two sides)?"""
    import httpx

    host = httpx.URL(url).host
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SyncClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str, tenant: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._token = token
        self.tenant = tenant
        # Over loopback compressing costs both sides CPU and saves nothing on the wire.
        self.compress = not is_loopback(self._base)

    def pack(self, body: bytes) -> bytes:
        """A large JSON body as it goes on the wire: gzipped unless the server is on loopback."""
        return gzip.compress(body, compresslevel=1) if self.compress else body

    def payload(self, **fields: Any) -> dict[str, Any]:
        return {**request_fields(self.tenant), **fields}

    async def post(self, path: str, *, body: bytes, model: type[M], seconds: float = 60.0) -> Sent:
        """POST an encoded body (gzip or plain JSON); returns the validated answer or raises a
        sorted error."""
        headers = {"Authorization": f"Bearer {self._token}", "Content-Type": "application/json"}
        if body[:2] == GZIP_MAGIC:
            headers["Content-Encoding"] = "gzip"
        headers["Accept-Encoding"] = "gzip" if self.compress else "identity"
        import httpx

        try:
            response = await self._http.post(
                f"{self._base}{API}{path}", content=body, headers=headers, timeout=seconds
            )
        except httpx.HTTPError as exc:  # connect, read, write, protocol errors
            raise Retryable(f"network: {type(exc).__name__}: {exc}") from exc
        return Sent(
            answer=_answer(response, model), bytes_up=len(body), bytes_down=response.num_bytes_downloaded
        )

    async def health(self) -> bool:
        """Is the Online Desktop reachable again? (to retry at once when the network returns)"""
        import httpx

        try:
            response = await self._http.get(f"{self._base}/api/online/v1/health", timeout=3.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200


def _answer(response: httpx.Response, model: type[M]) -> M:
    status = response.status_code
    if status == 200:
        try:
            return model.model_validate(orjson.loads(response.content))
        except (orjson.JSONDecodeError, ValidationError) as exc:
            raise Retryable(f"unreadable answer: {exc}", status) from exc
    try:
        error = orjson.loads(response.content)
        code, message = str(error.get("error", "")), str(error.get("message", ""))
    except (orjson.JSONDecodeError, AttributeError):
        code, message = "", response.text[:200]
    text = f"{status} {code}: {message}"
    if status == 401:
        raise AuthFailed(text, status, code)
    if status >= 500 or status in (408, 429):
        raise Retryable(text, status, code)
    raise Refused(text, status, code)


class Backoff:
    """Exponential backoff with full jitter: first retry fast, capped; reset after a success."""

    def __init__(self, first: float = 0.2, cap: float = 30.0, rng: random.Random | None = None) -> None:
        self.first, self.cap = first, cap
        self.attempt = 0
        self._rng = rng or random.Random()

    def reset(self) -> None:
        self.attempt = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.first * (2**self.attempt))
        self.attempt += 1
        return self.first / 2 + self._rng.uniform(0, ceiling)

    async def wait(self, probe: Callable[[], Awaitable[bool]] | None = None) -> None:
        """Sleep the next delay; with a probe, stop early as soon as it answers (network back)."""
        delay = self.next_delay()
        if probe is None or delay <= 1.0:
            await asyncio.sleep(delay)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + delay
        while (left := deadline - loop.time()) > 0:
            await asyncio.sleep(min(1.0, left))
            if await probe():
                return

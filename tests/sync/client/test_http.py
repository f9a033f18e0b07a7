"""The sync client's errors: sorted for the retry logic, and each a ServiceError a person can read."""

from __future__ import annotations

import httpx
import pytest

from services.errors import ServiceError
from services.i18n import translate
from services.sync.client.http import AuthFailed, Refused, Retryable, SyncCallError, SyncClient, encode
from services.sync.protocol.messages import PushResponse


async def post_answered_by(answer: httpx.Response | Exception) -> None:
    def handle(_request: httpx.Request) -> httpx.Response:
        if isinstance(answer, Exception):
            raise answer
        return answer

    async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
        client = SyncClient(http, "http://online.test", "token", "tenant-uuid")
        await client.post("/push", body=encode(client.payload(mutations=[])), model=PushResponse)


@pytest.mark.parametrize(
    ("answer", "kind", "english"),
    [
        (
            httpx.Response(409, json={"error": "schema_mismatch", "message": "update both sides"}),
            Refused,
            "The Online Desktop refused the request (409 schema_mismatch).",
        ),
        (
            httpx.Response(401, json={"error": "unauthorized", "message": "token revoked"}),
            AuthFailed,
            "The Online Desktop refused the connection. Please reconnect.",
        ),
        (
            httpx.Response(503, text="busy"),
            Retryable,
            "The Online Desktop cannot be reached right now. Synchronisation keeps trying.",
        ),
        (
            httpx.ConnectError("connection refused"),
            Retryable,
            "The Online Desktop cannot be reached right now. Synchronisation keeps trying.",
        ),
    ],
)
async def test_a_failed_sync_call_is_a_service_error_with_a_translated_message_and_its_detail_for_the_log(
    answer: httpx.Response | Exception, kind: type[SyncCallError], english: str
) -> None:
    with pytest.raises(kind) as failed:
        await post_answered_by(answer)
    error = failed.value
    assert isinstance(error, ServiceError)
    assert translate(error.key, "en", **error.params) == english
    assert translate(error.key, "de", **error.params) != english  # German too
    assert str(error) == error.detail and error.detail != error.key  # the log keeps the technical detail


def test_a_refusal_keeps_status_and_error_code_for_the_retry_logic() -> None:
    refused = Refused("409 schema_mismatch: update both sides", 409, "schema_mismatch")
    assert (refused.status, refused.error, str(refused)) == (
        409,
        "schema_mismatch",
        "409 schema_mismatch: update both sides",
    )


@pytest.mark.parametrize(
    ("url", "compressed"),
    [("http://127.0.0.1:8080", False), ("http://localhost", False), ("http://[::1]:80", False),
     ("http://online.example.com", True), ("http://10.0.0.7:8080", True)],
)  # fmt: skip
async def test_large_bodies_are_gzipped_only_when_the_server_is_not_on_this_machine(
    url: str, compressed: bool
) -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"last_mutation_id": 1, "applied": 1, "skipped": 0, "seq": 1})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
        client = SyncClient(http, url, "token", "tenant-uuid")
        body = client.pack(b'{"rows": "' + b"x" * 5000 + b'"}')
        await client.post("/push", body=body, model=PushResponse)
    (request,) = seen
    assert (request.headers.get("content-encoding") == "gzip") is compressed
    assert (len(request.content) < 5000) is compressed
    assert request.headers["accept-encoding"] == ("gzip" if compressed else "identity")

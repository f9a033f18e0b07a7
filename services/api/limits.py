"""Request body limits for every HTTP route, checked before the application reads a body.

Each path prefix has a limit that fits what its requests carry: a log-in or a form is a few
kilobytes, a sync page megabytes (the sync routes keep their own streaming limits and gzip-bomb
guard, see ``services.api.online.sync``). A body above its limit gets 413 with the API's error
body, whether it declares its length or streams in chunks, and is never read in full.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from services.i18n import language_from_accept, translate
from services.sync.protocol.messages import MAX_BODY_BYTES

KB = 1024
# Longest prefix first: the first match decides.
LIMITS: tuple[tuple[str, int], ...] = (
    ("/api/online/v1/sync/", MAX_BODY_BYTES),
    ("/api/online/v1/id/", 16 * KB),
    ("/api/local/v1/login", 4 * KB),
    ("/api/local/v1/", 128 * KB),  # a contact's notes may hold 10,000 characters
    ("/api/", 16 * KB),
    ("/_nicegui", 1024 * KB),  # socket.io long-polling (NiceGUI's own limit is 1 MB too)
)
DEFAULT_LIMIT = 64 * KB  # pages are GET; anything else is small
# File uploads of NiceGUI's upload element (File › Restore takes a company backup): passed on as a
# stream (Starlette spools the form to disk), only with a declared length up to the limit.
UPLOAD = re.compile(r"^/_nicegui/client/[^/]+/upload/[^/]+$")
UPLOAD_LIMIT = 1024 * 1024 * KB

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def limit_for(path: str) -> int:
    if UPLOAD.match(path):
        return UPLOAD_LIMIT
    return next((limit for prefix, limit in LIMITS if path.startswith(prefix)), DEFAULT_LIMIT)


STREAMED = ("/api/online/v1/sync/",)  # routes that read their body in chunks against the limit


class BodyLimitMiddleware:
    """ASGI middleware: 413 for a body above the limit of its route (``limit_for``).

    A declared ``Content-Length`` above the limit is refused before anything is read. Otherwise
    the body is read here, at most up to the limit, and handed on; the sync routes, whose pages
    are megabytes, read their bodies themselves in chunks and only get the declared-length check.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = limit_for(path)
        declared = _header(scope, b"content-length")
        upload = UPLOAD.match(path) is not None and _has_body(scope)
        if (declared is None and upload) or (
            declared is not None and (not declared.isdigit() or int(declared) > limit)
        ):
            await _refuse(scope, send, limit)
            return
        if path.startswith(STREAMED) or upload or not _has_body(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size, more, after = 0, True, None
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: the app hears it too
                after = message
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await _refuse(scope, send, limit)
                return
            more = bool(message.get("more_body", False))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return after if after is not None else await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)


def _has_body(scope: Scope) -> bool:
    declared = _header(scope, b"content-length")
    return (declared is not None and declared != "0") or _header(scope, b"transfer-encoding") is not None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1").strip())
    return None


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    lang = language_from_accept(_header(scope, b"accept-language"))
    message = translate("api.too_large", lang, limit=limit // KB)
    body = json.dumps({"error": "api.too_large", "message": message, "fields": {}}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})

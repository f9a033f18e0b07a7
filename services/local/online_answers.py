"""What the Online Desktop answered the Business Software, as values or as translated errors.

The wizard's calls (Online ID sign-up and login, connect, disconnect) go over HTTP. A refusal
comes back as ``{"error": <key>, "message": …}`` (the Online ID API under ``detail``); the key
is what this program says in the person's language. The server's own English ``message`` and
the HTTP library's exception text are never shown: a key this program does not know becomes a
translated "refused (status, code)", a network failure one of three translated reasons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.errors import PermissionDenied, ServiceError, ValidationFailed
from services.i18n import catalogue

if TYPE_CHECKING:  # imported where first used: a process that makes no call does without httpx
    import httpx

# The sync API's refusals (ProtocolError codes) this program can explain in words.
SYNC_REFUSALS = frozenset(
    {"unauthorized", "unavailable", "too_large", "wrong_tenant", "bad_json", "bad_message", "bad_value"}
)


def answer_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON answer of a 2xx; otherwise the Online Desktop's refusal as a ``ServiceError``."""
    if response.is_success:
        try:
            body = response.json()
        except ValueError:
            body = {}
        return body if isinstance(body, dict) else {}
    detail: Any = {}
    try:
        body = response.json()
        detail = body.get("detail", body)  # Online ID API: {"detail": …}; sync API: the error itself
    except (ValueError, AttributeError):
        detail = {}
    if not isinstance(detail, dict):
        detail = {}
    fields = detail.get("fields")
    if response.status_code == 422 and isinstance(fields, dict) and fields:
        raise ValidationFailed({str(k): _field_problem(v) for k, v in fields.items()})
    if response.status_code == 429:
        raise ServiceError("wizard.id.throttled", seconds=response.headers.get("Retry-After", "30"))
    key = str(detail.get("error") or "")
    if key in catalogue():  # a refusal this program can say in the user's language
        raise (PermissionDenied(key) if response.status_code == 403 else ServiceError(key))
    if key in SYNC_REFUSALS:
        raise ServiceError(f"wizard2.refused.{key}")
    code = key if key.replace("_", "").replace(".", "").isalnum() and len(key) <= 40 else "–"
    raise ServiceError("wizard.online_error", status=str(response.status_code), code=code)


def unreachable(url: str, exc: httpx.HTTPError) -> ServiceError:
    """The Online Desktop could not be asked: refused, too slow, or another network failure."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return ServiceError("wizard2.unreachable.timeout", url=url)
    if isinstance(exc, httpx.ConnectError):
        return ServiceError("wizard2.unreachable.refused", url=url)
    return ServiceError("wizard.unreachable", url=url)


def _field_problem(value: object) -> str:
    """A field's problem as a translation key: the server sends the problem translated (or its
    key); both sides share the catalogues, so the text leads back to its key."""
    text = str(value)
    known = catalogue()
    if text in known:
        return text
    return next((key for key, texts in known.items() if text in texts.values()), "validation.invalid")

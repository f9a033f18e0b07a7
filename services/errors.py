"""Domain errors. Each carries a translation key and parameters; the UI translates and shows them."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base of every error a service raises on purpose."""

    key = "error.generic"
    status_code = 400

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        self.key = key or type(self).key
        self.params = params
        super().__init__(self.key)


class NotFound(ServiceError):
    key = "error.not_found"
    status_code = 404


class PermissionDenied(ServiceError):
    key = "error.permission_denied"
    status_code = 403


class NotAuthenticated(ServiceError):
    key = "error.not_authenticated"
    status_code = 401


class Conflict(ServiceError):
    key = "error.conflict"
    status_code = 409


class Locked(ServiceError):
    """A resource is held by a running operation (for example the initial sync)."""

    key = "error.locked"
    status_code = 423


class TryAgain(ServiceError):
    """The work was cancelled before it answered (the browser went away, the server is stopping)."""

    key = "error.try_again"
    status_code = 503


class ValidationFailed(ServiceError):
    """Input was refused; ``fields`` maps a field name to a translation key."""

    key = "error.validation"
    status_code = 422

    def __init__(self, fields: dict[str, str], /, **params: Any) -> None:
        super().__init__(type(self).key, **params)
        self.fields = fields

"""The one translator from errors to HTTP answers, for every API router.

Every refusal of the local REST API and the Online Desktop API has one body,
``{"error": <key>, "message": <text in the caller's language>}``, plus ``fields`` (field name ->
translated problem) when input was refused. The status comes from the ``ServiceError`` class.
Validation errors never echo the input (a 50 MB password must not come back as a 52 MB answer).

Routers use it by ``APIRouter(route_class=ApiRoute)``; ``ERROR_RESPONSES`` documents the body and
the status codes in the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from services.errors import ServiceError
from services.i18n import language_from_accept, translate

# pydantic's error types -> the translation keys the forms use too.
_PROBLEMS = {
    "missing": "validation.required",
    "string_too_short": "validation.required",
    "string_too_long": "validation.too_long",
    "too_long": "validation.too_long",
    "too_short": "validation.too_short",
    "greater_than": "validation.out_of_range",
    "greater_than_equal": "validation.out_of_range",
    "less_than": "validation.out_of_range",
    "less_than_equal": "validation.out_of_range",
    "int_parsing": "validation.number",
    "int_type": "validation.number",
    "decimal_parsing": "validation.number",
    "decimal_type": "validation.number",
    "decimal_max_digits": "validation.out_of_range",
    "decimal_max_places": "validation.number",
    "literal_error": "validation.choice",
    "extra_forbidden": "validation.unknown_field",
    "json_invalid": "api.bad_json",
    "model_attributes_type": "api.bad_json",
    "dict_type": "api.bad_json",
}


class ErrorBody(BaseModel):
    """Every error answer of the API."""

    error: str = Field(description="Stable key of the error, e.g. id.login.failed")
    message: str = Field(description="The error in the language of Accept-Language (de or en)")
    fields: dict[str, str] = Field(
        default_factory=dict, description="Refused input: field name -> translated problem"
    )


STATUS_TEXTS = {
    400: "Bad request (bad link, unknown table, refused message)",
    401: "Not logged in, or the credentials are wrong",
    403: "Not allowed for this caller",
    404: "Not found (also for another company's records)",
    409: "Conflicts with existing data",
    410: "Link expired or already used",
    412: "If-Match names another version than the record's (it changed meanwhile); nothing was written",
    413: "Request body too large",
    422: "Input refused; `fields` names each problem",
    423: "Locked while the company's initial synchronisation runs",
    429: "Too many attempts; Retry-After says for how long",
    503: "This process does not serve that part of the API",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given status codes, each with the error body."""
    return {code: {"model": ErrorBody, "description": STATUS_TEXTS[code]} for code in codes}


def error_json(
    request: Request,
    status: int,
    key: str,
    *,
    params: Mapping[str, Any] | None = None,
    fields: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The error body for ``key``, translated for the caller."""
    lang = language_from_accept(request.headers.get("accept-language"))
    body = {
        "error": key,
        "message": translate(key, lang, **dict(params or {})),
        "fields": {name: translate(problem, lang) for name, problem in (fields or {}).items()},
    }
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if params and "seconds" in params:
        headers["Retry-After"] = str(params["seconds"])
    return JSONResponse(body, status_code=status, headers=headers or None)


def service_error_response(request: Request, exc: ServiceError) -> JSONResponse:
    return error_json(
        request, exc.status_code, exc.key, params=exc.params, fields=getattr(exc, "fields", None)
    )


def validation_error_response(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 naming each refused field with a translated problem, never the value that was sent."""
    fields: dict[str, str] = {}
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        name = ".".join(location) or "body"
        fields.setdefault(name, _PROBLEMS.get(str(error.get("type")), "validation.invalid"))
    return error_json(request, 422, "error.validation", fields=fields)


class ApiRoute(APIRoute):
    """A route whose refusals all take the one error shape (see the module docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def translated(request: Request) -> Response:
            try:
                return await handler(request)
            except ServiceError as exc:
                return service_error_response(request, exc)
            except RequestValidationError as exc:
                return validation_error_response(request, exc)
            except HTTPException as exc:  # FastAPI's own refusals, e.g. a body that is not JSON
                key = "api.bad_json" if exc.status_code == 400 else "error.generic"
                return error_json(request, exc.status_code, key)

        return translated

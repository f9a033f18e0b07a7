"""The local REST API for third-party software: ``/api/local/v1/``.

- ``POST /login`` with ``{"name", "secret"}`` of an API user returns ``{"token", "company_id",
  "expires_in"}``; later requests send ``Authorization: Bearer <token>``; ``POST /logout`` ends it.
- Company scope: an API user belongs to one company database, and its token only ever reaches
  that company's data. No URL or header names a company, so none can name another one.
- ``/contacts`` and ``/products``: list (``?search=&limit=&offset=``), get, create, change
  (``PATCH``, only the fields sent), delete; records are addressed by UUID.
- ``/integrations/{id}/open`` and ``/close``: a registered integration says it starts or stops.
- ``/online-desktop/prerequisites``: the prerequisites list for the caller's company.
- While the company's initial sync runs, every request (login included) gets 423 with a message.
Errors are ``{"detail": {"error": <key>, "message": <text>, "fields": {...}}}`` in the language of
``Accept-Language``.

(No ``from __future__ import annotations`` here: FastAPI must resolve the local ``Caller`` alias.)
"""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response

from services.api.local.schemas import (
    ContactIn,
    ContactPatch,
    LoginIn,
    ProductIn,
    ProductPatch,
    condition_out,
    contact_out,
    page_out,
    product_out,
)
from services.errors import ServiceError, ValidationFailed
from services.i18n import language_from_accept, translate
from services.local.api_records import ApiRecordService
from services.local.api_users import ApiPrincipal, ApiUserService
from services.local.integrations import IntegrationService
from services.local.prerequisites import PrerequisiteService

T = TypeVar("T")


def local_api_router(
    *,
    api_users: ApiUserService,
    records: ApiRecordService,
    integrations: IntegrationService,
    prerequisites: PrerequisiteService,
) -> APIRouter:
    """Build the router on the Business Software services of this process (role all or local)."""
    router = APIRouter(prefix="/api/local/v1", tags=["local api"])

    def guarded(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a service call; its domain error becomes an HTTP error with a translated message."""
        try:
            return fn(*args, **kwargs)
        except ServiceError as exc:
            lang = language_from_accept(request.headers.get("accept-language"))
            detail: dict[str, Any] = {"error": exc.key, "message": translate(exc.key, lang, **exc.params)}
            if isinstance(exc, ValidationFailed):
                detail["fields"] = {f: translate(k, lang) for f, k in exc.fields.items()}
            raise HTTPException(exc.status_code, detail) from exc

    def principal(request: Request, authorization: Annotated[str, Header()] = "") -> ApiPrincipal:
        scheme, _sep, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            token = ""
        return guarded(request, api_users.authenticate, token.strip())

    Caller = Annotated[ApiPrincipal, Depends(principal)]  # noqa: N806 (a type alias)

    @router.post("/login")
    def login(request: Request, body: LoginIn) -> dict[str, Any]:
        done = guarded(request, api_users.login, body.name, body.secret)
        return {"token": done.token, "company_id": done.company_id, "expires_in": done.expires_in}

    @router.post("/logout", status_code=204)
    def logout(request: Request, caller: Caller, authorization: Annotated[str, Header()] = "") -> Response:
        guarded(request, api_users.logout, authorization.partition(" ")[2].strip())
        return Response(status_code=204)

    @router.get("/contacts")
    def list_contacts(
        request: Request,
        caller: Caller,
        search: Annotated[str, Query(max_length=100)] = "",
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        page = guarded(
            request, records.contacts.list, caller.company_id, search=search, limit=limit, offset=offset
        )
        return page_out(page, contact_out)

    @router.get("/contacts/{uuid}")
    def get_contact(request: Request, caller: Caller, uuid: str) -> dict[str, Any]:
        return contact_out(guarded(request, records.contacts.get, caller.company_id, uuid))

    @router.post("/contacts", status_code=201)
    def create_contact(request: Request, caller: Caller, body: ContactIn) -> dict[str, Any]:
        values = body.model_dump()
        return contact_out(guarded(request, records.contacts.create, caller.company_id, values))

    @router.patch("/contacts/{uuid}")
    def change_contact(request: Request, caller: Caller, uuid: str, body: ContactPatch) -> dict[str, Any]:
        values = body.model_dump(exclude_unset=True, exclude_none=True)
        return contact_out(guarded(request, records.contacts.update, caller.company_id, uuid, values))

    @router.delete("/contacts/{uuid}", status_code=204)
    def delete_contact(request: Request, caller: Caller, uuid: str) -> Response:
        guarded(request, records.contacts.delete, caller.company_id, uuid)
        return Response(status_code=204)

    @router.get("/products")
    def list_products(
        request: Request,
        caller: Caller,
        search: Annotated[str, Query(max_length=100)] = "",
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        page = guarded(
            request, records.products.list, caller.company_id, search=search, limit=limit, offset=offset
        )
        return page_out(page, product_out)

    @router.get("/products/{uuid}")
    def get_product(request: Request, caller: Caller, uuid: str) -> dict[str, Any]:
        return product_out(guarded(request, records.products.get, caller.company_id, uuid))

    @router.post("/products", status_code=201)
    def create_product(request: Request, caller: Caller, body: ProductIn) -> dict[str, Any]:
        values = body.model_dump()
        return product_out(guarded(request, records.products.create, caller.company_id, values))

    @router.patch("/products/{uuid}")
    def change_product(request: Request, caller: Caller, uuid: str, body: ProductPatch) -> dict[str, Any]:
        values = body.model_dump(exclude_unset=True, exclude_none=True)
        return product_out(guarded(request, records.products.update, caller.company_id, uuid, values))

    @router.delete("/products/{uuid}", status_code=204)
    def delete_product(request: Request, caller: Caller, uuid: str) -> Response:
        guarded(request, records.products.delete, caller.company_id, uuid)
        return Response(status_code=204)

    @router.post("/integrations/{integration_id}/open")
    def open_integration(request: Request, caller: Caller, integration_id: int) -> dict[str, Any]:
        done = guarded(request, integrations.open_integration, caller.company_id, integration_id)
        return {"id": done.id, "name": done.name, "open": done.is_open}

    @router.post("/integrations/{integration_id}/close")
    def close_integration(request: Request, caller: Caller, integration_id: int) -> dict[str, Any]:
        done = guarded(request, integrations.close_integration, caller.company_id, integration_id)
        return {"id": done.id, "name": done.name, "open": done.is_open}

    @router.get("/online-desktop/prerequisites")
    async def online_desktop_prerequisites(request: Request, caller: Caller) -> dict[str, Any]:
        report = await prerequisites.check_prerequisites(caller.company_id, api_session_id=caller.session_id)
        lang = language_from_accept(request.headers.get("accept-language"))
        return {"ok": report.ok, "conditions": [condition_out(c, lang) for c in report.conditions]}

    return router

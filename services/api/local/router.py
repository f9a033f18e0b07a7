"""The local REST API for third-party software: ``/api/local/v1/``.

- ``POST /login`` with ``{"name", "secret"}`` of an API user returns ``{"token", "company_id",
  "expires_in"}``; later requests send ``Authorization: Bearer <token>``; ``POST /logout`` ends it.
- Company scope: an API user belongs to one company database, and its token only ever reaches
  that company's data. No URL or header names a company, so none can name another one.
- ``/contacts`` and ``/products``: list (``?search=&limit=&offset=``), get, create, change
  (``PATCH``, only the fields sent), delete; records are addressed by UUID. They follow the
  register rules of Business Software (required fields, unique numbers, automatic numbering).
  A record's answers carry its row version as ``ETag`` (and ``version``); ``PATCH`` and ``DELETE``
  with ``If-Match`` write only while the record is still at that version, else 412.
- ``/integrations/{id}/open`` and ``/close``: a registered integration says it starts or stops.
- ``/online-desktop/prerequisites``: the prerequisites list for the caller's company.
- While the company's initial sync runs, every request (login included) gets 423 with a message.
- Failed logins are throttled per API user name and per client (429 with Retry-After).
Errors are ``{"error": <key>, "message": <text>, "fields": {...}}`` in the language of
``Accept-Language`` (``services.api.errors``); the schema is at ``/api/local/v1/openapi.json``.

(No ``from __future__ import annotations`` here: FastAPI must resolve the local ``Caller`` alias.)
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.openapi.utils import get_openapi

from services.api.errors import ApiRoute, error_responses
from services.api.local.schemas import (
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    IntegrationOut,
    LoginIn,
    LoginOut,
    PrerequisitesOut,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    condition_out,
    contact_out,
    page_out,
    product_out,
)
from services.errors import NotAuthenticated
from services.i18n import language_from_accept
from services.local.api_records import ApiRecordService
from services.local.api_users import ApiPrincipal, ApiUserService
from services.local.integrations import IntegrationService
from services.local.prerequisites import PrerequisiteService

PREFIX = "/api/local/v1"
MAX_ID = 2**63 - 1  # integers beyond the database's range are refused before they reach it
MAX_OFFSET = 10**9
Search = Annotated[str, Query(max_length=100)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
RecordUuid = Annotated[str, Path(min_length=1, max_length=36)]
IntegrationId = Annotated[int, Path(ge=1, le=MAX_ID)]
Authorization = Annotated[str, Header(max_length=4096)]
AUTHENTICATED = error_responses(400, 401, 413, 422, 423)
RECORD = error_responses(400, 401, 404, 409, 413, 422, 423)
GUARDED = error_responses(400, 401, 404, 409, 412, 413, 422, 423)
IfMatch = Annotated[str | None, Header(max_length=100)]


def if_match_version(header: str | None) -> int | None:
    """The version an ``If-Match`` header names (``"3"``, ``W/"3"``); None without one or for ``*``.
    A value that is no version of ours cannot match: it is refused like a stale one."""
    if header is None or header.strip() == "*":
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() and len(tag) < 19 else -1


def tagged(response: Response, out: dict[str, Any]) -> dict[str, Any]:
    response.headers["ETag"] = f'"{out["version"]}"'
    return out


def local_api_router(
    *,
    api_users: ApiUserService,
    records: ApiRecordService,
    integrations: IntegrationService,
    prerequisites: PrerequisiteService,
) -> APIRouter:
    """Build the router on the Business Software services of this process (role all or local)."""
    router = APIRouter(prefix=PREFIX, tags=["local api"], route_class=ApiRoute)

    def principal(authorization: Authorization = "") -> ApiPrincipal:
        scheme, _sep, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("localapi.token_invalid")
        return api_users.authenticate(token.strip())

    Caller = Annotated[ApiPrincipal, Depends(principal)]  # noqa: N806 (a type alias)

    @router.post("/login", response_model=LoginOut, responses=error_responses(400, 401, 413, 422, 423, 429))
    def login(request: Request, body: LoginIn) -> dict[str, Any]:
        client = request.client.host if request.client else ""
        done = api_users.login(body.name, body.secret, client_address=client)
        return {"token": done.token, "company_id": done.company_id, "expires_in": done.expires_in}

    @router.post("/logout", status_code=204, response_class=Response, responses=AUTHENTICATED)
    def logout(caller: Caller, authorization: Authorization = "") -> Response:
        api_users.logout(authorization.partition(" ")[2].strip())
        return Response(status_code=204)

    @router.get("/contacts", response_model=ContactPage, responses=AUTHENTICATED)
    def list_contacts(caller: Caller, search: Search = "", limit: Limit = 100, offset: Offset = 0) -> Any:
        page = records.contacts.list(caller.company_id, search=search, limit=limit, offset=offset)
        return page_out(page, contact_out)

    @router.get("/contacts/{uuid}", response_model=ContactOut, responses=RECORD)
    def get_contact(caller: Caller, uuid: RecordUuid, response: Response) -> Any:
        return tagged(response, contact_out(records.contacts.get(caller.company_id, uuid)))

    @router.post("/contacts", status_code=201, response_model=ContactOut, responses=AUTHENTICATED)
    def create_contact(caller: Caller, body: ContactIn, response: Response) -> Any:
        return tagged(response, contact_out(records.contacts.create(caller.company_id, body.model_dump())))

    @router.patch("/contacts/{uuid}", response_model=ContactOut, responses=GUARDED)
    def change_contact(
        caller: Caller, uuid: RecordUuid, body: ContactPatch, response: Response, if_match: IfMatch = None
    ) -> Any:
        values = body.model_dump(exclude_unset=True, exclude_none=True)
        done = records.contacts.update(
            caller.company_id, uuid=uuid, values=values, if_match=if_match_version(if_match)
        )
        return tagged(response, contact_out(done))

    @router.delete("/contacts/{uuid}", status_code=204, response_class=Response, responses=GUARDED)
    def delete_contact(caller: Caller, uuid: RecordUuid, if_match: IfMatch = None) -> Response:
        records.contacts.delete(caller.company_id, uuid, if_match=if_match_version(if_match))
        return Response(status_code=204)

    @router.get("/products", response_model=ProductPage, responses=AUTHENTICATED)
    def list_products(caller: Caller, search: Search = "", limit: Limit = 100, offset: Offset = 0) -> Any:
        page = records.products.list(caller.company_id, search=search, limit=limit, offset=offset)
        return page_out(page, product_out)

    @router.get("/products/{uuid}", response_model=ProductOut, responses=RECORD)
    def get_product(caller: Caller, uuid: RecordUuid, response: Response) -> Any:
        return tagged(response, product_out(records.products.get(caller.company_id, uuid)))

    @router.post("/products", status_code=201, response_model=ProductOut, responses=AUTHENTICATED)
    def create_product(caller: Caller, body: ProductIn, response: Response) -> Any:
        return tagged(response, product_out(records.products.create(caller.company_id, body.model_dump())))

    @router.patch("/products/{uuid}", response_model=ProductOut, responses=GUARDED)
    def change_product(
        caller: Caller, uuid: RecordUuid, body: ProductPatch, response: Response, if_match: IfMatch = None
    ) -> Any:
        values = body.model_dump(exclude_unset=True, exclude_none=True)
        done = records.products.update(
            caller.company_id, uuid=uuid, values=values, if_match=if_match_version(if_match)
        )
        return tagged(response, product_out(done))

    @router.delete("/products/{uuid}", status_code=204, response_class=Response, responses=GUARDED)
    def delete_product(caller: Caller, uuid: RecordUuid, if_match: IfMatch = None) -> Response:
        records.products.delete(caller.company_id, uuid, if_match=if_match_version(if_match))
        return Response(status_code=204)

    @router.post("/integrations/{integration_id}/open", response_model=IntegrationOut, responses=RECORD)
    def open_integration(caller: Caller, integration_id: IntegrationId) -> Any:
        done = integrations.open_integration(caller.company_id, integration_id)
        return {"id": done.id, "name": done.name, "open": done.is_open}

    @router.post("/integrations/{integration_id}/close", response_model=IntegrationOut, responses=RECORD)
    def close_integration(caller: Caller, integration_id: IntegrationId) -> Any:
        done = integrations.close_integration(caller.company_id, integration_id)
        return {"id": done.id, "name": done.name, "open": done.is_open}

    @router.get("/online-desktop/prerequisites", response_model=PrerequisitesOut, responses=AUTHENTICATED)
    async def online_desktop_prerequisites(request: Request, caller: Caller) -> Any:
        report = await prerequisites.check_prerequisites(caller.company_id, api_session_id=caller.session_id)
        lang = language_from_accept(request.headers.get("accept-language"))
        return {"ok": report.ok, "conditions": [condition_out(c, lang) for c in report.conditions]}

    schema: dict[str, Any] = {}

    @router.get("/openapi.json", include_in_schema=False)
    def openapi() -> dict[str, Any]:
        """The schema of exactly this API (NiceGUI switches FastAPI's own schema off)."""
        if not schema:
            schema.update(
                get_openapi(
                    title="Business Software local API",
                    version="1",
                    description="REST API of Business Software for third-party integrations.",
                    routes=router.routes,
                )
            )
        return schema

    return router

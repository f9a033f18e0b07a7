"""Online ID HTTP API under ``/api/online/v1/id``: what the connection wizard (and any client) uses.

Business Software reaches the Online ID only through this API, so it works against a remote
Online Desktop. Errors come back as ``{"detail": {"error": key, "message": text, "fields": {...}}}``
with the status of the service error (401 generic login failure, 429 with Retry-After while
throttled, 410 for an expired or used link, 422 for refused input).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from services.errors import NotAuthenticated, ServiceError, ValidationFailed
from services.i18n import language_from_accept, translate
from services.online.identity import IdentityService, LinkTarget, OnlineIdView

R = TypeVar("R")
Email = Annotated[str, Field(max_length=320, examples=["anna@example.com"])]
Password = Annotated[str, Field(max_length=1024)]
LinkToken = Annotated[str, Field(max_length=2000)]
Language = Annotated[str, Field(max_length=10, examples=["de", "en"])]


class EmailRequest(BaseModel):
    email: Email
    language: Language = "en"


class LoginRequest(BaseModel):
    email: Email
    password: Password


class LinkPasswordRequest(BaseModel):
    token: LinkToken
    password: Password


class ChangePasswordRequest(BaseModel):
    current_password: Password
    new_password: Password


class Accepted(BaseModel):
    """The request was taken; any e-mail goes out in the background (the answer never says more)."""

    status: Literal["accepted"] = "accepted"


class OnlineIdOut(BaseModel):
    id: int
    email: str
    full_name: str
    language: str


class LoginOut(BaseModel):
    token: str
    expires_in: int = Field(description="Seconds until the token stops working.")
    token_type: Literal["bearer"] = "bearer"
    online_id: OnlineIdOut


class LinkOut(BaseModel):
    purpose: str
    email: str


class ErrorOut(BaseModel):
    error: str
    message: str
    fields: dict[str, str] = {}


ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in {400: "Bad link", 401: "Not logged in", 410: "Link expired or used",
                       422: "Input refused", 429: "Too many failed logins"}.items()
}  # fmt: skip


_bearer = HTTPBearer(auto_error=False, description="Token from POST /login")


def _token_of(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> str:
    if credentials is None or not credentials.credentials:
        raise _http_error(request, NotAuthenticated("id.session.invalid"))
    return credentials.credentials


BearerToken = Annotated[str, Depends(_token_of)]


def identity_router(identity: IdentityService) -> APIRouter:
    """The Online ID endpoints, bound to one IdentityService (built by main.py)."""
    router = APIRouter(prefix="/api/online/v1/id", tags=["online-id"], responses=ERRORS)

    @router.post("/sign-up", status_code=202, response_model=Accepted)
    def sign_up(body: EmailRequest, request: Request) -> Accepted:
        """Create an Online ID (or mail the existing one again); the answer is the same either way."""
        _run(request, identity.sign_up, body.email, body.language)
        return Accepted()

    @router.post("/resend", status_code=202, response_model=Accepted)
    def resend(body: EmailRequest, request: Request) -> Accepted:
        """Send the verification link again ("send again" in the wizard)."""
        _run(request, identity.resend_verification, body.email, body.language)
        return Accepted()

    @router.get("/verify", response_model=LinkOut)
    def check_verification_link(token: LinkToken, request: Request) -> LinkOut:
        """Whether a verification link can still be used, and for which address."""
        return _link(_run(request, identity.check_link, "verify", token))

    @router.post("/verify", response_model=OnlineIdOut)
    def complete_sign_up(body: LinkPasswordRequest, request: Request) -> OnlineIdOut:
        """Use the verification link: set the password; the Online ID becomes active."""
        return _id(_run(request, identity.complete_sign_up, body.token, body.password))

    @router.post("/login", response_model=LoginOut)
    def login(body: LoginRequest, request: Request) -> LoginOut:
        """A short-lived bearer token for the next steps (wrong address or password: the same 401)."""
        address = request.client.host if request.client else ""
        result = _run(
            request, lambda: identity.login(body.email, body.password, client_address=address, kind="api")
        )
        return LoginOut(token=result.token, expires_in=result.expires_in, online_id=_id(result.online_id))

    @router.get("/me", response_model=OnlineIdOut)
    def me(request: Request, token: BearerToken) -> OnlineIdOut:
        """The Online ID behind the bearer token."""
        return _id(_run(request, identity.authenticate_api_token, token))

    @router.post("/logout", status_code=204, response_class=Response)
    def logout(request: Request, token: BearerToken) -> Response:
        _run(request, identity.logout, token)
        return Response(status_code=204)

    @router.post("/password-reset/request", status_code=202, response_model=Accepted)
    def request_password_reset(body: EmailRequest, request: Request) -> Accepted:
        """Mail a reset link if the address has an Online ID; the answer never says whether it has."""
        _run(request, identity.request_password_reset, body.email, body.language)
        return Accepted()

    @router.get("/password-reset", response_model=LinkOut)
    def check_reset_link(token: LinkToken, request: Request) -> LinkOut:
        return _link(_run(request, identity.check_link, "reset", token))

    @router.post("/password-reset", response_model=OnlineIdOut)
    def reset_password(body: LinkPasswordRequest, request: Request) -> OnlineIdOut:
        """Use a reset link: new password; every session of the Online ID ends."""
        return _id(_run(request, identity.reset_password, body.token, body.password))

    @router.post("/password", status_code=204, response_class=Response)
    def change_password(body: ChangePasswordRequest, request: Request, token: BearerToken) -> Response:
        """Change the password; other sessions of the Online ID end (this token stays valid)."""
        _run(request, identity.change_password, token, body.current_password, body.new_password)
        return Response(status_code=204)

    return router


def _run(request: Request, fn: Callable[..., R], *args: object) -> R:
    """Call the service; turn a ServiceError into an HTTP error with a translated message."""
    try:
        return fn(*args)
    except ServiceError as exc:
        raise _http_error(request, exc) from None


def _http_error(request: Request, exc: ServiceError) -> HTTPException:
    lang = language_from_accept(request.headers.get("accept-language"))
    fields = exc.fields if isinstance(exc, ValidationFailed) else {}
    detail = {
        "error": exc.key,
        "message": translate(exc.key, lang, **exc.params),
        "fields": {name: translate(key, lang) for name, key in fields.items()},
    }
    headers = {}
    if exc.status_code == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if "seconds" in exc.params:
        headers["Retry-After"] = str(exc.params["seconds"])
    return HTTPException(status_code=exc.status_code, detail=detail, headers=headers or None)


def _id(view: OnlineIdView) -> OnlineIdOut:
    return OnlineIdOut(id=view.id, email=view.email, full_name=view.full_name, language=view.language)


def _link(target: LinkTarget) -> LinkOut:
    return LinkOut(purpose=target.purpose, email=target.email)

"""Online ID HTTP API under ``/api/online/v1/id``: what the connection wizard (and any client) uses.

Business Software reaches the Online ID only through this API, so it works against a remote
Online Desktop. Errors come back as ``{"error": key, "message": text, "fields": {...}}``
(``services.api.errors``) with the status of the service error (401 generic login failure, 429
with Retry-After while throttled, 410 for an expired or used link, 422 for refused input).
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from services.api.errors import ApiRoute, error_responses
from services.errors import NotAuthenticated
from services.online.identity import IdentityService, LinkTarget, OnlineIdView

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


class FocusLinkOut(BaseModel):
    token: str
    path: str = Field(description="Where the browser opens the link on this server: /id/focus?token=…")
    expires_in: int = Field(description="Seconds the link stays usable (it works once).")


class LinkOut(BaseModel):
    purpose: str
    email: str


ERRORS = error_responses(400, 401, 410, 413, 422, 429)


_bearer = HTTPBearer(auto_error=False, description="Token from POST /login")


def _token_of(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str:
    if credentials is None or not credentials.credentials:
        raise NotAuthenticated("id.session.invalid")
    return credentials.credentials


BearerToken = Annotated[str, Depends(_token_of)]


def identity_router(identity: IdentityService) -> APIRouter:
    """The Online ID endpoints, bound to one IdentityService (built by main.py)."""
    router = APIRouter(prefix="/api/online/v1/id", tags=["online-id"], responses=ERRORS, route_class=ApiRoute)

    @router.post("/sign-up", status_code=202, response_model=Accepted)
    def sign_up(body: EmailRequest, request: Request) -> Accepted:
        """Create an Online ID (or mail the existing one again); the answer is the same either way."""
        identity.sign_up(body.email, body.language, client_address=_client(request))
        return Accepted()

    @router.post("/resend", status_code=202, response_model=Accepted)
    def resend(body: EmailRequest, request: Request) -> Accepted:
        """Send the verification link again ("send again" in the wizard)."""
        identity.resend_verification(body.email, body.language, client_address=_client(request))
        return Accepted()

    @router.get("/verify", response_model=LinkOut)
    def check_verification_link(token: LinkToken) -> LinkOut:
        """Whether a verification link can still be used, and for which address."""
        return _link(identity.check_link("verify", token))

    @router.post("/verify", response_model=OnlineIdOut)
    def complete_sign_up(body: LinkPasswordRequest) -> OnlineIdOut:
        """Use the verification link: set the password; the Online ID becomes active."""
        return _id(identity.complete_sign_up(body.token, body.password))

    @router.post("/login", response_model=LoginOut)
    def login(body: LoginRequest, request: Request) -> LoginOut:
        """A short-lived bearer token for the next steps (wrong address or password: the same 401)."""
        result = identity.login(body.email, body.password, client_address=_client(request), kind="api")
        return LoginOut(token=result.token, expires_in=result.expires_in, online_id=_id(result.online_id))

    @router.get("/me", response_model=OnlineIdOut)
    def me(token: BearerToken) -> OnlineIdOut:
        """The Online ID behind the bearer token."""
        return _id(identity.authenticate_api_token(token))

    @router.post("/focus-login", response_model=FocusLinkOut)
    def focus_login(token: BearerToken) -> FocusLinkOut:
        """A single-use, short-lived link that opens the Online Desktop logged in as the Online ID
        behind the bearer token (Business Software's focus area); no password in any URL."""
        link = identity.issue_focus_login(token)
        return FocusLinkOut(
            token=link.token, path=f"/id/focus?token={quote(link.token)}", expires_in=link.expires_in
        )

    @router.post("/logout", status_code=204, response_class=Response)
    def logout(token: BearerToken) -> Response:
        identity.logout(token)
        return Response(status_code=204)

    @router.post("/password-reset/request", status_code=202, response_model=Accepted)
    def request_password_reset(body: EmailRequest, request: Request) -> Accepted:
        """Mail a reset link if the address has an Online ID; the answer never says whether it has."""
        identity.request_password_reset(body.email, body.language, client_address=_client(request))
        return Accepted()

    @router.get("/password-reset", response_model=LinkOut)
    def check_reset_link(token: LinkToken) -> LinkOut:
        return _link(identity.check_link("reset", token))

    @router.post("/password-reset", response_model=OnlineIdOut)
    def reset_password(body: LinkPasswordRequest) -> OnlineIdOut:
        """Use a reset link: new password; every session of the Online ID ends."""
        return _id(identity.reset_password(body.token, body.password))

    @router.post("/password", status_code=204, response_class=Response)
    def change_password(body: ChangePasswordRequest, token: BearerToken) -> Response:
        """Change the password; other sessions of the Online ID end (this token stays valid)."""
        identity.change_password(
            token, current_password=body.current_password, new_password=body.new_password, kind="api"
        )
        return Response(status_code=204)

    return router


def _client(request: Request) -> str:
    """The client's address (behind a configured proxy: the one the proxy names, see TRUSTED_PROXIES)."""
    return request.client.host if request.client else ""


def _id(view: OnlineIdView) -> OnlineIdOut:
    return OnlineIdOut(id=view.id, email=view.email, full_name=view.full_name, language=view.language)


def _link(target: LinkTarget) -> LinkOut:
    return LinkOut(purpose=target.purpose, email=target.email)

"""Signing in at the OIDC provider: the authorization code flow with PKCE (issue 12).

``GET /console/sign-in/oidc`` begins a flow (``oidc_flow.py``) and sends the browser to the
provider; the provider sends it back to ``/console/sign-in/oidc/callback`` with a code, which the
console exchanges for an id_token (``oidc_provider.py``). That id_token is checked exactly as the
API checks a bearer token, and its nonce against the flow's; the session then keeps it as it keeps
a pasted token (``sign_in.start_session``), so both sign-ins end in the same session.

The flow's cookie is SameSite=Lax, not Strict as the session's: the provider's answer is a
top-level GET from another site, which a Strict cookie would not come with. For the same reason
the callback does not redirect to the console's home: a redirect stays part of the navigation the
provider's page began, so the browser would not send the new Strict session cookie with it, and
the home would ask to sign in again. The callback answers a page that moves on by itself (a meta
refresh, which the CSP allows, unlike a script; with a link besides): a navigation the console's
own page begins, with the session cookie.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

import jwt
from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.console.cookies import set_cookie
from api.console.errors import Refused
from api.console.oidc_flow import FLOW_COOKIE, FLOW_SECONDS, Flow, opened, sealed
from api.console.oidc_provider import Client, CodeRefused, ProviderUnavailable
from api.console.pages import render
from api.console.paths import ROOT, SIGN_IN
from api.console.sign_in import refused_sign_in, session_actor, start_session
from api.deps import MemberflowDep
from memberflow.bootstrap import Memberflow
from services.tokens import InvalidToken

OIDC_SIGN_IN = f"{SIGN_IN}/oidc"
OIDC_CALLBACK = f"{OIDC_SIGN_IN}/callback"

router = APIRouter()
Parameter = Annotated[str, Query()]


@router.get(OIDC_SIGN_IN)
def begin(request: Request, memberflow: MemberflowDep) -> Response:
    client = _client(memberflow)
    flow = Flow.begin()
    url = client.authorization_url(flow, _redirect_uri(request, client))
    response = RedirectResponse(url, status_code=303)
    cookie = sealed(flow, memberflow.settings.secret_key, memberflow.clock.now())
    set_cookie(response, request, FLOW_COOKIE, cookie, same_site="lax", max_age=FLOW_SECONDS)
    return response


@router.get(OIDC_CALLBACK)
def callback(
    request: Request,
    memberflow: MemberflowDep,
    state: Parameter = "",
    code: Parameter = "",
    error: Parameter = "",
) -> Response:
    client = _client(memberflow)
    if error:  # the reader cancelled, or the provider would not sign them in
        raise Refused(400, "oidc.provider_refused")
    cookie = request.cookies.get(FLOW_COOKIE)
    flow = opened(cookie, memberflow.settings.secret_key, memberflow.clock.now())
    if flow is None:
        raise Refused(400, "oidc.flow_expired")
    if not (state and code and hmac.compare_digest(state.encode(), flow.state.encode())):
        raise Refused(400, "oidc.state_refused")
    id_token = _exchanged(client, code, flow, _redirect_uri(request, client))
    try:
        actor = session_actor(memberflow, id_token)
    except InvalidToken as refused:
        return refused_sign_in(request, memberflow, refused)
    if not _issued_for(client, flow, jwt.decode(id_token, options={"verify_signature": False})):
        raise Refused(400, "oidc.not_this_sign_in")
    response = start_session(render(request, "oidc_signed_in.html"), request, id_token, actor)
    response.delete_cookie(FLOW_COOKIE, path=ROOT, secure=request.url.scheme == "https")
    return response


def _client(memberflow: Memberflow) -> Client:
    """The console as the provider's client; without one there is no such page (404)."""
    client = Client.of(memberflow.settings)
    if client is None:
        raise Refused(404, "oidc.not_configured")
    return client


def _redirect_uri(request: Request, client: Client) -> str:
    """The callback's address: as registered, or on the address the browser used."""
    return client.redirect_uri or f"{str(request.base_url).rstrip('/')}{OIDC_CALLBACK}"


def _exchanged(client: Client, code: str, flow: Flow, redirect_uri: str) -> str:
    try:
        return client.id_token_for(code=code, verifier=flow.verifier, redirect_uri=redirect_uri)
    except ProviderUnavailable:
        raise Refused(503, "oidc.unavailable") from None
    except CodeRefused:
        raise Refused(400, "oidc.code_refused") from None


def _issued_for(client: Client, flow: Flow, claims: dict[str, Any]) -> bool:
    """Whether the (verified) id_token was issued to this console for this flow: its nonce is the
    flow's and its audience names the console's client id (OpenID Connect Core §3.1.3.7)."""
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    nonce = claims.get("nonce")
    return (
        isinstance(nonce, str)
        and hmac.compare_digest(nonce.encode(), flow.nonce.encode())
        and client.client_id in audiences
    )

"""Signing in with a token, and out again.

The token is checked exactly as the API checks a bearer token (``api.deps.token_actor``); the
session then keeps it in its cookie (``cookies.py``). A refused token is answered with the sign-in
page again, status 401, saying why in the reader's language. The sign-in at an OIDC provider
(``oidc.py``) ends here too, with the provider's id_token as the session's token.

The page offers the provider's sign-in when one is configured, and the token form whenever a
pasted token can be accepted: memberflow's own (``hs256_accepted``), or without the provider's
sign-in, a token of the provider's.
"""

from __future__ import annotations

import structlog
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.console.cookies import (
    MAX_TOKEN_CHARS,
    PRESESSION_COOKIE,
    end_session,
    keep_session,
    presession,
    set_cookie,
)
from api.console.csrf import csrf_token
from api.console.errors import Refused
from api.console.i18n import language_of
from api.console.oidc_provider import Client
from api.console.pages import render
from api.console.paths import HOME, SIGN_IN, SIGN_OUT
from api.console.reasons import NO_TOKEN, TOO_LONG, reason_in
from api.console.session import SessionForm, SignInForm
from api.deps import MemberflowDep, token_actor
from domain.context import Actor
from memberflow.bootstrap import Memberflow
from services.tokens import InvalidToken, KeysUnavailable, hs256_accepted

router = APIRouter()
log = structlog.get_logger("memberflow.console")


@router.get(SIGN_IN)
def sign_in_page(request: Request, memberflow: MemberflowDep) -> Response:
    return _sign_in_page(request, memberflow)


@router.post(SIGN_IN)
def sign_in(request: Request, memberflow: MemberflowDep, form: SignInForm) -> Response:
    token = form.get("token", "").strip()
    try:
        actor = session_actor(memberflow, token)
    except InvalidToken as error:
        return refused_sign_in(request, memberflow, error)
    return start_session(RedirectResponse(HOME, status_code=303), request, token, actor)


@router.post(SIGN_OUT)
def sign_out(request: Request, _: SessionForm) -> Response:
    response = RedirectResponse(SIGN_IN, status_code=303)
    end_session(response, request)
    return response


def session_actor(memberflow: Memberflow, token: str) -> Actor:
    """The actor of a token a session can keep in its cookie.

    Raises ``InvalidToken``, or ``Refused`` (503) when the provider's keys are unavailable."""
    if not token:
        raise InvalidToken(NO_TOKEN)
    if len(token) > MAX_TOKEN_CHARS:
        raise InvalidToken(TOO_LONG.format(MAX_TOKEN_CHARS))
    try:
        return token_actor(memberflow, token)
    except KeysUnavailable:
        raise Refused(503, "keys_unavailable") from None


def start_session(response: Response, request: Request, token: str, actor: Actor) -> Response:
    """``response``, opening the session of ``actor``'s token."""
    log.info("console.signed_in", actor=actor.id, role=actor.role.value)
    keep_session(response, request, token)
    return response


def refused_sign_in(request: Request, memberflow: Memberflow, error: InvalidToken) -> Response:
    """The sign-in page again (401), saying why the token was refused."""
    log.info("console.sign_in_refused", reason=str(error))  # never the token itself
    return _sign_in_page(request, memberflow, refused=str(error))


def _sign_in_page(
    request: Request, memberflow: Memberflow, *, refused: str | None = None
) -> Response:
    cookie = presession(request)
    settings = memberflow.settings
    oidc = Client.of(settings) is not None
    response = render(
        request,
        "sign_in.html",
        status=401 if refused else 200,
        csrf=csrf_token(settings.secret_key, cookie),
        reason=reason_in(language_of(request), refused) if refused else None,
        oidc=oidc,
        token_form=hs256_accepted(settings) or not oidc,
    )
    set_cookie(response, request, PRESESSION_COOKIE, cookie)
    if refused:
        response.headers["WWW-Authenticate"] = "Bearer"  # a 401 names its scheme, as the API's do
    return response

"""Signing in with a token, and out again.

The token is checked exactly as the API checks a bearer token (``api.deps.token_actor``); the
session then keeps it in its cookie (``cookies.py``). A refused token is answered with the sign-in
page again, status 401, saying why in the reader's language.
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
from api.console.pages import render
from api.console.paths import HOME, SIGN_IN, SIGN_OUT
from api.console.reasons import NO_TOKEN, TOO_LONG, reason_in
from api.console.session import SessionForm, SignInForm
from api.deps import MemberflowDep, token_actor
from domain.context import Actor
from memberflow.bootstrap import Memberflow
from services.tokens import InvalidToken, KeysUnavailable

router = APIRouter()
log = structlog.get_logger("memberflow.console")


@router.get(SIGN_IN)
def sign_in_page(request: Request, memberflow: MemberflowDep) -> Response:
    return _sign_in_page(request, memberflow)


@router.post(SIGN_IN)
def sign_in(request: Request, memberflow: MemberflowDep, form: SignInForm) -> Response:
    token = form.get("token", "").strip()
    try:
        actor = _actor(memberflow, token)
    except InvalidToken as error:
        log.info("console.sign_in_refused", reason=str(error))  # never the token itself
        return _sign_in_page(request, memberflow, refused=str(error))
    except KeysUnavailable:
        raise Refused(503, "keys_unavailable") from None
    log.info("console.signed_in", actor=actor.id, role=actor.role.value)
    response = RedirectResponse(HOME, status_code=303)
    keep_session(response, request, token)
    return response


@router.post(SIGN_OUT)
def sign_out(request: Request, _: SessionForm) -> Response:
    response = RedirectResponse(SIGN_IN, status_code=303)
    end_session(response, request)
    return response


def _actor(memberflow: Memberflow, token: str) -> Actor:
    if not token:
        raise InvalidToken(NO_TOKEN)
    if len(token) > MAX_TOKEN_CHARS:
        raise InvalidToken(TOO_LONG.format(MAX_TOKEN_CHARS))
    return token_actor(memberflow, token)


def _sign_in_page(
    request: Request, memberflow: Memberflow, *, refused: str | None = None
) -> Response:
    cookie = presession(request)
    response = render(
        request,
        "sign_in.html",
        status=401 if refused else 200,
        csrf=csrf_token(memberflow.settings.secret_key, cookie),
        reason=reason_in(language_of(request), refused) if refused else None,
    )
    set_cookie(response, request, PRESESSION_COOKIE, cookie)
    if refused:
        response.headers["WWW-Authenticate"] = "Bearer"  # a 401 names its scheme, as the API's do
    return response

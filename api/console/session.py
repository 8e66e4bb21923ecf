"""Who is signed in, and the forms they may post: the dependencies of the console's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from api.console.cookies import PRESESSION_COOKIE, SESSION_COOKIE
from api.console.csrf import csrf_token, csrf_valid
from api.console.errors import Refused, SignInRequired
from api.console.forms import form_fields
from api.deps import MemberflowDep, token_actor
from domain.context import Actor
from services.tokens import InvalidToken, KeysUnavailable


def signed_in(request: Request, memberflow: MemberflowDep) -> Actor:
    """The actor of the session's token, checked as the API checks a bearer token, on every
    request: an expired token or an organization no longer registered ends the session."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired
    try:
        return token_actor(memberflow, token)
    except InvalidToken:
        raise SignInRequired from None
    except KeysUnavailable:
        raise Refused(503, "keys_unavailable") from None


SignedIn = Annotated[Actor, Depends(signed_in)]


def session_csrf(request: Request, memberflow: MemberflowDep, _: SignedIn) -> str:
    """The CSRF value of the signed-in session's forms (once ``signed_in`` has checked the
    cookie: FastAPI runs it once a request, however many dependencies ask for it)."""
    return csrf_token(memberflow.settings.secret_key, request.cookies[SESSION_COOKIE])


SessionCsrf = Annotated[str, Depends(session_csrf)]


async def _checked_form(request: Request, memberflow: MemberflowDep, cookie: str) -> dict[str, str]:
    fields = await form_fields(request)
    if not csrf_valid(memberflow.settings.secret_key, request.cookies.get(cookie), fields):
        raise Refused(403, "csrf_refused")
    return fields


async def session_form(request: Request, memberflow: MemberflowDep) -> dict[str, str]:
    """A signed-in form's fields, once its CSRF value fits the session (403 otherwise)."""
    return await _checked_form(request, memberflow, SESSION_COOKIE)


async def sign_in_form(request: Request, memberflow: MemberflowDep) -> dict[str, str]:
    """The sign-in form's fields, once its CSRF value fits the pre-session (403 otherwise)."""
    return await _checked_form(request, memberflow, PRESESSION_COOKIE)


SessionForm = Annotated[dict[str, str], Depends(session_form)]
SignInForm = Annotated[dict[str, str], Depends(sign_in_form)]

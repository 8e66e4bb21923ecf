"""The console's cookies: the session, the pre-session of the sign-in form, the language.

The session cookie holds the bearer token itself, so that every request is checked exactly as an
API call with that token is, and nothing about a session is stored on the server. It is
``HttpOnly`` (no script reads it), ``SameSite=Strict`` (no other site's page sends it), ``Secure``
when the console is served over https, and its path is ``/console``: the API never receives it, so
a browser can never call the API with it. It lasts as long as the browser's session; the token's
own ``exp`` ends it sooner.
"""

from __future__ import annotations

import secrets
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

from api.console.paths import ROOT

SESSION_COOKIE = "memberflow_session"
# Before sign-in there is no token to bind the form's CSRF value to: a random value of its own
# does that (login CSRF: another site cannot sign a browser in as someone else).
PRESESSION_COOKIE = "memberflow_presession"
# A browser keeps a cookie of about 4096 bytes, its name and attributes included.
MAX_TOKEN_CHARS = 3800
YEAR_SECONDS = 365 * 24 * 3600


def set_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    *,
    same_site: Literal["strict", "lax"] = "strict",
    max_age: int | None = None,
) -> None:
    """A console cookie: HttpOnly, path /console, Secure when the request came over https."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=ROOT,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite=same_site,
    )


def keep_session(response: Response, request: Request, token: str) -> None:
    set_cookie(response, request, SESSION_COOKIE, token)


def end_session(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path=ROOT,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )


def presession(request: Request) -> str:
    """The browser's pre-session value, or a new one (the caller sets it on its answer)."""
    return request.cookies.get(PRESESSION_COOKIE) or secrets.token_urlsafe(32)

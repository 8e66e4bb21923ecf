"""What the console answers when it will not serve a request: pages, never problem+json.

A browser that is not signed in is sent to the sign-in page; a refused form or an unavailable
identity provider gets a page that says why, in the reader's language, with the right status.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.console.cookies import SESSION_COOKIE, end_session
from api.console.forms import FormRefused
from api.console.pages import render
from api.console.paths import SIGN_IN


class SignInRequired(Exception):
    """No session, or one whose token no longer holds (expired, revoked organization …)."""


class Refused(Exception):
    """The console will not do this; ``message`` names one of the console's strings."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _sign_in_required(request: Request, _: Exception) -> Response:
    response = RedirectResponse(SIGN_IN, status_code=303)
    if SESSION_COOKIE in request.cookies:
        end_session(response, request)  # a stale token is not kept
    return response


def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, Refused)
    return render(request, "refused.html", status=error.status, message=error.message)


def _form_refused(request: Request, _: Exception) -> Response:
    return render(request, "refused.html", status=400, message="form_refused")


def install(app: FastAPI) -> None:
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(FormRefused, _form_refused)

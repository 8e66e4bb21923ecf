"""What the console answers when it will not serve a request: pages, never problem+json.

A browser that is not signed in is sent to the sign-in page; a refused form or an unavailable
identity provider gets a page that says why, in the reader's language, with the right status. What
the API answers as problem+json (a busy store, an unknown address, an unexpected error) a console
address answers as a page with the same status: the API's handlers still answer every other path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any

from eventsourcing.persistence import OperationalError
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.console.cookies import SESSION_COOKIE, end_session
from api.console.forms import FormRefused
from api.console.pages import render
from api.console.paths import ROOT, SIGN_IN

Handler = Callable[[Request, Any], Response | Awaitable[Response]]


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


def _is_console(request: Request) -> bool:
    return request.url.path == ROOT or request.url.path.startswith(f"{ROOT}/")


def _busy(request: Request, api_answer: Response) -> Response:
    """A write may or may not be recorded: the page says to look before trying again (its forms
    carry the page's version, so a retry cannot record it twice)."""
    page = render(request, "refused.html", status=503, message="busy")
    page.headers["Retry-After"] = api_answer.headers.get("Retry-After", "1")
    return page


def _unexpected(request: Request, api_answer: Response) -> Response:
    """The API's handler has logged the error under the request's id; the page names that id."""
    request_id = api_answer.headers.get("x-request-id", "")
    page = render(request, "refused.html", status=500, message="unexpected", request_id=request_id)
    page.headers["x-request-id"] = request_id  # outside the middleware that adds it elsewhere
    return page


def _unknown(request: Request, api_answer: Response) -> Response:
    """An unknown console address, a wrong method, or a malformed id or parameter in one."""
    status = 404 if api_answer.status_code == 422 else api_answer.status_code
    return render(request, "refused.html", status=status, message="no_page")


def _as_page(api_handler: Handler, page: Callable[[Request, Response], Response]) -> Handler:
    """``api_handler`` for the API's paths; for the console's, ``page`` from the API's answer."""

    async def handled(request: Request, error: Exception) -> Response:
        answer = api_handler(request, error)
        if isawaitable(answer):
            answer = await answer
        return page(request, answer) if _is_console(request) else answer

    return handled


PAGES: dict[type[Exception], Callable[[Request, Response], Response]] = {
    OperationalError: _busy,
    RequestValidationError: _unknown,
    StarletteHTTPException: _unknown,
    Exception: _unexpected,
}


def install(app: FastAPI) -> None:
    """The console's own refusals, and pages for what the API's handlers (installed first) would
    answer as problem+json on a console address."""
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(FormRefused, _form_refused)
    for kind, page in PAGES.items():
        app.add_exception_handler(kind, _as_page(app.exception_handlers[kind], page))

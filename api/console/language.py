"""Choosing the console's language: a link sets the ``lang`` cookie and leads back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.console.cookies import YEAR_SECONDS, set_cookie
from api.console.i18n import LANGUAGE_COOKIE, LANGUAGES
from api.console.paths import HOME, LANGUAGE

router = APIRouter()


@router.get(LANGUAGE + "/{language}")
def choose_language(
    request: Request, language: str, back: Annotated[str, Query(alias="next")] = HOME
) -> Response:
    response = RedirectResponse(back_within_console(back), status_code=303)
    if language in LANGUAGES:
        # Lax: a link from another site (an intranet portal) still opens in the chosen language.
        set_cookie(
            response, request, LANGUAGE_COOKIE, language, same_site="lax", max_age=YEAR_SECONDS
        )
    return response


def back_within_console(path: str) -> str:
    """``path`` if it is a page of the console, else its home: the link cannot lead elsewhere."""
    inside = path.startswith(HOME) and not any(part in path for part in ("//", "\\", ".."))
    return path if inside else HOME

"""Rendering a console page: its template, its language, and the headers every page carries."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from api.console.i18n import STRINGS, language_of, long_date
from api.console.navigation import navigation
from domain.dates import SHANGHAI

_templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

# Everything a page loads comes from this service (intranets are offline, and nothing else is
# trusted): no inline script or style, no frame around the console, forms posted only here.
# ``connect-src`` lets htmx fetch from the console.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages show who is signed in, and later personal data
}


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> Response:
    """``template`` in the request's language, with its strings ``t`` and its date filter."""
    language = language_of(request)

    def written(day: date) -> str:
        return long_date(day, language)

    def moment(at: datetime) -> str:
        """When something was recorded, in the service's zone: 2026年11月21日 09:30."""
        local = at.astimezone(SHANGHAI)
        return f"{long_date(local.date(), language)} {local:%H:%M}"

    return _templates.TemplateResponse(
        request,
        template,
        {
            "t": STRINGS[language],
            "lang": language,
            "other": "en" if language == "zh" else "zh",
            "long_date": written,
            "moment": moment,
            "navigation": navigation,
            "actor": None,
            "current": None,  # the page of the navigation this one is
            **context,
        },
        status_code=status,
        headers=SECURITY_HEADERS,
    )

"""The web console (issue 12): pages for people, in Chinese by default, under ``/console/``.

Rendered on the server with Jinja2 and enhanced with htmx, both served by memberflow itself
(``static/``; nothing from a CDN). A browser signs in with a memberflow token, which is checked as
the API checks a bearer token; the session keeps it in an HttpOnly cookie and every form carries
a CSRF value (docs/console.md).

The console's routes are pages, not API operations: they stay out of the OpenAPI document, and
they authenticate by cookie rather than by the Authorization header.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from api.console.audit_pages import router as audit_pages
from api.console.case_page import router as case_page
from api.console.dashboard import router as dashboard_page
from api.console.due import router as due_page
from api.console.election_page import router as election_page
from api.console.elections_calendar import router as elections_calendar
from api.console.errors import install as install_error_pages
from api.console.home import router as home_page
from api.console.import_page import router as import_page
from api.console.inbox import router as inbox_page
from api.console.item_forms import router as item_forms
from api.console.item_page import router as item_page
from api.console.language import router as language_link
from api.console.oidc import router as oidc_sign_in
from api.console.paths import STATIC
from api.console.record_sheet import router as record_sheet
from api.console.sign_in import router as sign_in_pages

router = APIRouter(include_in_schema=False)
for pages in (
    sign_in_pages,
    oidc_sign_in,
    home_page,
    language_link,
    inbox_page,
    item_page,
    item_forms,
    case_page,
    record_sheet,
    due_page,
    elections_calendar,
    election_page,
    dashboard_page,
    audit_pages,
    import_page,
):
    router.include_router(pages)


def install(app: FastAPI) -> None:
    """The console's pages, its static files and its error pages, on ``app``."""
    app.include_router(router)
    app.mount(
        STATIC,
        StaticFiles(directory=Path(__file__).parent / "static"),
        name="console-static",
    )
    install_error_pages(app)

"""统计分析: the dashboard of an organization and its subtree, five figures each drawn as a chart
and given as a table, each downloadable as an Excel workbook.

The figures are the API's (``dashboard_figures.py``), with the API's access answers: 403 outside
the jurisdiction, 404 for an unknown organization, as pages. After a write the page may be asked
for with the write's log position (``?after=``): it waits, boundedly, and if the read models are
still behind it shows the figures they have, with a word that they are being updated.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.console.charts import bar_chart
from api.console.dashboard_figures import Dashboard, Figure, read_dashboard
from api.console.errors import Refused
from api.console.i18n import STRINGS, Language, language_of, long_date
from api.console.listing import forbidden_page, id_in_address, read_while_behind
from api.console.pages import render
from api.console.paths import DASHBOARD
from api.console.session import SessionCsrf, SignedIn
from api.console.workbook import workbook, xlsx_response
from api.deps import MemberflowDep
from api.reads import ReadModelsDep
from domain.context import Actor
from domain.errors import Forbidden, NotFound
from memberflow.bootstrap import Memberflow
from projections.service import ReadModels

router = APIRouter()


@router.get(DASHBOARD)
def dashboard_page(
    request: Request,
    actor: SignedIn,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    read_models: ReadModelsDep,
    org: str = "",
    after: str = "",
) -> Response:
    shown: dict[str, Any] = {"actor": actor, "csrf": csrf, "current": "dashboard"}
    scope = id_in_address(org) or actor.organization_id
    if scope is None:  # an administrator, who belongs to no organization, names one
        return render(request, "dashboard.html", **shown, dashboard=None)
    language = language_of(request)
    try:
        dashboard, behind = _read(memberflow, read_models, actor, scope, after, language)
    except Forbidden as refused:
        return forbidden_page(request, shown, refused)
    query = urlencode({"org": str(scope)}) if org else ""
    return render(
        request,
        "dashboard.html",
        **shown,
        dashboard=dashboard,
        behind=behind,
        charts={f.slug: bar_chart(f.rows, len(f.header) - 1) for f in dashboard.figures},
        summaries={f.slug: f.summary(language) for f in dashboard.figures},
        xlsx_href=lambda slug: f"{DASHBOARD}/{slug}.xlsx" + (f"?{query}" if query else ""),
    )


@router.get(DASHBOARD + "/{slug}.xlsx")
def dashboard_workbook(
    request: Request,
    actor: SignedIn,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    read_models: ReadModelsDep,
    slug: str,
    org: str = "",
) -> Response:
    scope = id_in_address(org) or actor.organization_id
    if scope is None:
        raise Refused(404, "not_found")
    language = language_of(request)
    try:
        dashboard, _ = _read(memberflow, read_models, actor, scope, "", language)
    except Forbidden as refused:
        shown = {"actor": actor, "csrf": csrf, "current": "dashboard"}
        return forbidden_page(request, shown, refused)
    figure = dashboard.figure(slug)
    if figure is None:
        raise Refused(404, "no_page")
    return _download(dashboard, figure, language)


def _read(
    memberflow: Memberflow,
    read_models: ReadModels,
    actor: Actor,
    org: UUID,
    after: str,
    language: Language,
) -> tuple[Dashboard, bool]:
    """The dashboard, and whether the read models are still behind ``after`` (then the figures
    as they have them). An unknown organization is 404; Forbidden is the caller's to show."""
    try:
        return read_while_behind(
            lambda position: read_dashboard(
                memberflow, read_models, actor, org, after=position, language=language
            ),
            after,
        )
    except NotFound:
        raise Refused(404, "not_found") from None


def _download(dashboard: Dashboard, figure: Figure, language: Language) -> Response:
    """The figure's table as a workbook, titled with the organization and the day it counts."""
    t = STRINGS[language]
    as_of = t["dashboard.as_of"] % long_date(dashboard.as_of, language)
    title = f"{figure.title} · {dashboard.organization.name} · {as_of}"
    content = workbook(figure.title, title, figure.header, figure.table)
    day = dashboard.as_of.isoformat()
    return xlsx_response(
        content,
        filename=f"{dashboard.organization.name}-{figure.title}-{day}.xlsx",
        fallback=f"dashboard-{figure.slug}-{day}.xlsx",
    )

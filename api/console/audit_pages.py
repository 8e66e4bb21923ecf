"""审计: the pages of discipline staff (issue 12) — the audit home with its two forms and the
panel 链完整性 (``audit_chain``), a case as of a day (``audit_case``), a jurisdiction's replay
(``audit_replay``).

Every page needs a role that may audit (``audit_access``) and records what it reads in the access
log exactly as the API's ``/audit`` routes do, through the same functions.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.console.audit_access import (
    AUDIT_CASES,
    AUDIT_REPLAY,
    AUDIT_VERIFY,
    PATHS,
    Auditor,
    audit_case_page,
)
from api.console.audit_case import asked_case, asked_end_of_day, case_as_of
from api.console.audit_chain import ChainPanel, chain_panel, verify_now
from api.console.audit_replay import Period, replay_report
from api.console.case import article
from api.console.i18n import language_of
from api.console.pages import render
from api.console.paths import AUDIT, case_page
from api.console.session import SessionCsrf, SessionForm
from api.console.words import stage_name, step_name
from api.deps import MemberflowDep, RequestId
from api.reads import ReadModelsDep
from domain.admission.steps import STAGES
from domain.context import Actor
from memberflow.bootstrap import Memberflow
from services.clock import today

router = APIRouter()


@router.get(AUDIT)
def audit_home(
    request: Request,
    actor: Auditor,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    read_models: ReadModelsDep,
) -> Response:
    return _home(request, memberflow, actor, csrf, chain_panel(read_models, actor))


@router.post(AUDIT_VERIFY)
def verify_chain(
    request: Request,
    actor: Auditor,
    csrf: SessionCsrf,
    _: SessionForm,
    memberflow: MemberflowDep,
    read_models: ReadModelsDep,
    request_id: RequestId,
) -> Response:
    """立即校验: the chain verified now, shown log by log — on this answer, not after a redirect:
    the report is kept nowhere else (the access log keeps who verified, and when)."""
    panel = verify_now(memberflow, read_models, actor, request_id)
    return _home(request, memberflow, actor, csrf, panel)


@router.get(AUDIT_CASES)
def case_form(_: Auditor, case: str = "", as_of: str = "") -> Response:
    """The form 案卷历史回溯 (a GET form cannot put the id in the path): on to the case's page."""
    query = urlencode({"as_of": as_of})
    return RedirectResponse(f"{AUDIT_CASES}/{asked_case(case.strip())}?{query}", status_code=303)


@router.get(AUDIT_CASES + "/{case_id}")
def case_then(
    request: Request,
    case_id: str,
    actor: Auditor,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    request_id: RequestId,
    as_of: str = "",
) -> Response:
    asked = asked_case(case_id)
    view = case_as_of(memberflow, actor, asked, asked_end_of_day(memberflow, as_of), request_id)
    language = language_of(request)
    return _render(
        request,
        "audit_case.html",
        actor,
        csrf,
        view=view,
        stage=stage_name(STAGES[view.case.stage.number], language),
        article=article,
        case_href=case_page(asked),
    )


@router.get(AUDIT_REPLAY)
def replay_page(
    request: Request,
    actor: Auditor,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    request_id: RequestId,
    org: str = "",
    from_: Annotated[str, Query(alias="from")] = "",
    to: str = "",
) -> Response:
    period = Period.of(org=org.strip(), from_=from_, to=to)
    report = replay_report(memberflow, actor, period, request_id)
    language = language_of(request)
    day = today(memberflow.clock)  # each case opens as of today: its whole timeline
    return _render(
        request,
        "audit_replay.html",
        actor,
        csrf,
        report=report,
        stage_name=lambda number: stage_name(STAGES[number], language),
        case_href=lambda case_id: audit_case_page(case_id, day),
    )


def _home(
    request: Request, memberflow: Memberflow, actor: Actor, csrf: str, panel: ChainPanel
) -> Response:
    return _render(request, "audit.html", actor, csrf, panel=panel, day=today(memberflow.clock))


def _render(request: Request, template: str, actor: Actor, csrf: str, **context: Any) -> Response:
    """An audit page, with what every one of them uses: its addresses and steps in words."""
    language = language_of(request)

    return render(
        request,
        template,
        actor=actor,
        csrf=csrf,
        current="audit",
        paths=PATHS,
        step_name=lambda slug: step_name(slug, language),
        **context,
    )

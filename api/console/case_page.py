"""The case page: the case, its progress over the 25 steps, its events, its findings, its
probation and next steps (``case.py``), and a form for each next step the user may record.

A step form sends the very body and command of ``POST /admissions/{id}/steps/<slug>``, through the
same command bus, as the signed-in user, with the page's version of the case as If-Match. A
refusal is shown on the page with its rule id, article and sentence; a conflict says 已被他人处理;
a step recorded leads back to the page (303) with a confirmation.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from fastapi import APIRouter
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.console.case import article, case_view
from api.console.errors import Refused
from api.console.i18n import language_of
from api.console.notices import Notice, notice_of
from api.console.pages import render
from api.console.paths import CASES, case_page
from api.console.session import SessionCsrf, SessionForm, SignedIn, session_csrf
from api.console.step_form import StepForm
from api.console.words import stage_name, step_name
from api.deps import MemberflowDep, RequestId
from domain.admission.steps import BY_SLUG, STEPS
from domain.bounds import VERSION_MAX
from domain.commands import TakeStep
from domain.context import Actor
from domain.errors import Conflict, RulesBroken
from memberflow.bootstrap import Memberflow
from services.clock import today

router = APIRouter()

DATE = "occurred_on"  # the business date's field, as the API's body names it
RECORDED = "recorded"  # ?done=recorded: the confirmation after a step is recorded
_ROUTED = frozenset(step.slug for step in STEPS[1:])  # the steps with a route (1 opens a case)


@router.get(CASES + "/{case_id}")
def show(
    request: Request,
    case_id: UUID,
    actor: SignedIn,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    request_id: RequestId,
    done: str = "",
    step: str = "",
) -> Response:
    recorded = step if done == RECORDED and step in _ROUTED else None
    return case_answer(request, memberflow, actor, request_id, case_id, csrf=csrf, done=recorded)


@router.post(CASES + "/{case_id}/steps/{slug}")
def record(
    request: Request,
    case_id: UUID,
    slug: str,
    actor: SignedIn,
    form: SessionForm,
    memberflow: MemberflowDep,
    request_id: RequestId,
) -> Response:
    """Record a step, as ``POST /admissions/{case_id}/steps/<slug>`` with If-Match."""
    if slug not in _ROUTED:
        raise Refused(404, "not_found")
    version = form.get("version", "")
    if not version.isdigit() or int(version) > VERSION_MAX:
        raise Refused(400, "form_refused")
    step_form = StepForm(BY_SLUG[slug], TakeStep)
    try:
        body = step_form.body(form, {DATE: form.get(DATE, "")})
        command = step_form.command(case_id, body, int(version))
        memberflow.bus.handle(command, actor=actor, request_id=request_id)
    except (RulesBroken, Conflict, ValidationError) as refused:
        notice = notice_of(refused)
        return case_answer(
            request, memberflow, actor, request_id, case_id, notice=(slug, notice), posted=form
        )
    return RedirectResponse(f"{case_page(case_id)}?done={RECORDED}&step={slug}", status_code=303)


def case_answer(
    request: Request,
    memberflow: Memberflow,
    actor: Actor,
    request_id: str,
    case_id: UUID,
    *,
    csrf: str | None = None,
    done: str | None = None,
    notice: tuple[str, Notice] | None = None,
    posted: Mapping[str, str] | None = None,
) -> Response:
    """The case's page; with ``notice``, the step refused, why, and its fields as posted."""
    view = case_view(memberflow, actor, case_id, request_id)
    language = language_of(request)
    refused_step, refusal = notice or ("", None)
    stale = refusal is not None and refusal.stale
    return render(
        request,
        "case.html",
        status=refusal.status if refusal else 200,
        actor=actor,
        csrf=csrf or session_csrf(request, memberflow, actor),
        view=view,
        here=case_page(case_id),
        stage=stage_name(view.track[view.case.stage.number - 1].stage, language),
        step_name=lambda slug: step_name(slug, language),
        stage_name=lambda stage: stage_name(stage, language),
        article=article,
        forms=[] if stale else view.forms,
        refused_step=refused_step,
        notice=refusal,
        posted=posted or {},
        day=today(memberflow.clock),
        done=done,
    )

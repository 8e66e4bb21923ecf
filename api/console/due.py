"""发展提醒: the open cases of the user's branch (an official's: of the branches in their subtree)
whose next steps are overdue, due or possible within a window of days, each linked to the case
page's form that records the step.

Who may see it is who may record a branch's steps (``Action.BRANCH_STEP``): a secretary for their
own branch, a committee official for the branches under it (or under ``?org=``, within their
jurisdiction: 403 outside, 404 for no such organization, as the API's lists answer). The cases
are listed, fifty a page, from the pipeline read model (``open_cases.py``); each is then read from
the event store, whose next steps are the truth (``reminders.py``), and only the steps the user's
role may record are shown — the very forms the case page offers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.access import listable
from api.console.case import may_record
from api.console.errors import Refused
from api.console.i18n import language_of
from api.console.listing import (
    forbidden_page,
    id_in_address,
    page_count,
    page_number,
    read_while_behind,
)
from api.console.pages import render
from api.console.paths import DUE, case_page, step_form
from api.console.reminders import Reminder, Why, Window, reminders
from api.console.session import SessionCsrf, SignedIn
from api.console.words import step_name
from api.deps import MemberflowDep
from api.reads import ReadModelsDep, caught_up
from domain.access import Action
from domain.context import Actor
from domain.errors import Forbidden, NotFound
from domain.organizations import OrgKind
from memberflow.bootstrap import Memberflow
from projections.open_cases import MODELS, OpenCases, open_cases
from projections.service import ReadModels
from services.authorization import check_role
from services.clock import today

router = APIRouter()

CASES_PER_PAGE = 50  # each is read from the event store: the page stays quick
WINDOW_DAYS = 30  # how far ahead, unless ``?days=`` says otherwise
MOST_DAYS = 366


@router.get(DUE)
def due_page(
    request: Request,
    actor: SignedIn,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    read_models: ReadModelsDep,
    org: str = "",
    page: str = "1",
    days: str = "",
    after: str = "",
) -> Response:
    shown: dict[str, Any] = {"actor": actor, "csrf": csrf, "current": "due"}
    try:
        scope = _scope(memberflow, actor, id_in_address(org))
    except Forbidden as refused:  # no branch steps to record here: 403, as the API
        return forbidden_page(request, shown, refused)
    except NotFound:  # no such organization: 404, as the API
        raise Refused(404, "not_found") from None
    window = Window(today(memberflow.clock), _days(days))
    number = page_number(page)
    behind = _behind(memberflow, read_models, after)
    cases = open_cases(
        read_models,
        organization_id=scope,
        limit=CASES_PER_PAGE,
        offset=(number - 1) * CASES_PER_PAGE,
    )
    organization = memberflow.organizations.organization(scope)
    language = language_of(request)

    def href(to: int) -> str:
        query = {"page": str(to), **({"org": org} if org else {}), **_shown_days(window)}
        return f"{DUE}?{urlencode(query)}"

    return render(
        request,
        "due.html",
        **shown,
        organization=organization,
        branches=organization.kind is not OrgKind.BRANCH,  # name each row's branch
        window=window,
        rows=_reminders(memberflow, actor, scope, cases, window),
        cases=cases,
        first=(number - 1) * CASES_PER_PAGE + 1,
        page=number,
        pages=page_count(cases.count, CASES_PER_PAGE),
        per_page=CASES_PER_PAGE,
        href=href,
        behind=behind,
        overdue=Why.OVERDUE,
        branch_name=lambda branch_id: memberflow.organizations.organization(branch_id).name,
        step_name=lambda slug: step_name(slug, language),
        case_href=case_page,
        form_href=step_form,
    )


def _scope(memberflow: Memberflow, actor: Actor, org: UUID | None) -> UUID:
    """The organization whose cases are listed: ``org``, else the actor's own. Forbidden for a
    role that records no branch's steps (the administrator among them) and outside the actor's
    jurisdiction; NotFound for no such organization."""
    check_role(Action.BRANCH_STEP, actor)
    scope = org or actor.organization_id
    assert scope is not None  # only an administrator's token names no organization
    listable(memberflow, actor, scope, action=Action.BRANCH_STEP)
    return scope


def _reminders(
    memberflow: Memberflow, actor: Actor, scope: UUID, cases: OpenCases, window: Window
) -> list[Reminder]:
    """The reminders of the listed cases that the actor may record, in the list's order. A case
    the read model has not yet seen leave the subtree (a transfer) is left out."""
    found = []
    for case_id in cases.ids:
        case = memberflow.membership.case(case_id)
        if scope not in memberflow.organizations.ancestry(case.branch_id):
            continue
        found += [
            reminder
            for reminder in reminders(case, memberflow.settings.policy, window)
            if may_record(actor, reminder.step.slug)
        ]
    return sorted(found, key=lambda reminder: reminder.order)


def _behind(memberflow: Memberflow, read_models: ReadModels, after: str) -> bool:
    """Whether the read model is still behind ``after`` (a write's log position): then the list
    as it has it, with a word that it is being updated."""
    wait = memberflow.settings.read_wait_seconds

    def reached(position: str | None) -> None:
        if position:
            caught_up(read_models, position, MODELS, wait)

    return read_while_behind(reached, after)[1]


def _days(text: str) -> int:
    return min(int(text), MOST_DAYS) if text.isdigit() and int(text) > 0 else WINDOW_DAYS


def _shown_days(window: Window) -> dict[str, str]:
    return {} if window.days == WINDOW_DAYS else {"days": str(window.days)}

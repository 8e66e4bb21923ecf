"""The forms of an item's page: deciding, acknowledging, claiming, assigning, commenting.

Each sends the very command the API's route for it sends, through the same command bus, as the
signed-in user: the same refusals and the same events. What is refused is shown on the item's page
with the rule; what is recorded leads back (303) with a short confirmation.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.console.decision import APPROVE, REFUSE, decision_form
from api.console.errors import Refused
from api.console.item_page import item_answer, viewed
from api.console.notices import COMMENT_REQUIRED, notice_of
from api.console.paths import INBOX, ITEMS, item_page
from api.console.session import SessionForm, SignedIn
from api.console.step_form import COMMENT
from api.deps import MemberflowDep, RequestId
from api.routes.approvals import BARE_ACTIONS, ActionIn, AssignIn, CommentIn
from domain.bounds import VERSION_MAX
from domain.commands import Command
from domain.errors import Conflict, RulesBroken
from memberflow.bootstrap import Memberflow
from services.bus import Outcome
from services.clock import today

router = APIRouter()

# The actions with a field of their own: the API's request body, and the field's name in both.
_WITH_FIELD: dict[str, tuple[type[AssignIn] | type[CommentIn], str]] = {
    "assign": (AssignIn, "to"),
    "comment": (CommentIn, "text"),
}
_DONE = {"claim": "claimed", "assign": "assigned", "comment": "commented"}


@router.post(ITEMS + "/{item_key}/decision")
def decide(
    request: Request,
    item_key: str,
    actor: SignedIn,
    form: SessionForm,
    memberflow: MemberflowDep,
    request_id: RequestId,
) -> Response:
    """Approve or refuse: the decision step, with the page's version of the subject as If-Match."""
    view = viewed(memberflow, actor, item_key)
    if not view.is_decision:
        raise Refused(404, "not_found")
    decision = decision_form(view.key)
    verdict = form.get("decision", "")  # the button pressed: never approval by default
    version = form.get("version", "")
    if verdict not in (APPROVE, REFUSE) or (verdict == REFUSE and not decision.refusable):
        raise Refused(400, "form_refused")
    if not version.isdigit() or int(version) > VERSION_MAX:
        raise Refused(400, "form_refused")
    if not form.get(COMMENT, "").strip():  # issue 12: a decision is given with its reasons
        return item_answer(
            request, memberflow, actor, request_id, view, notice=COMMENT_REQUIRED, posted=form
        )
    try:
        body = decision.body(form, verdict, today(memberflow.clock))
        command = decision.command(view.key, body, int(version))
        outcome = memberflow.bus.handle(command, actor=actor, request_id=request_id)
    except (RulesBroken, Conflict, ValidationError) as refused:
        notice = notice_of(refused)
        return item_answer(request, memberflow, actor, request_id, view, notice=notice, posted=form)
    done = "approved" if verdict == APPROVE else "refused"
    return _back_to_inbox(outcome, done)


@router.post(ITEMS + "/{item_key}/{action}")
def act(
    request: Request,
    item_key: str,
    action: str,
    actor: SignedIn,
    form: SessionForm,
    memberflow: MemberflowDep,
    request_id: RequestId,
) -> Response:
    """Claim, assign, comment on or acknowledge the item, as ``POST /approvals/{item}/…``."""
    if action not in BARE_ACTIONS and action not in _WITH_FIELD:
        raise Refused(404, "not_found")
    view = viewed(memberflow, actor, item_key)
    key = str(view.key)
    try:
        command = _command(action, key, form, memberflow)
        outcome = memberflow.bus.handle(command, actor=actor, request_id=request_id)
    except (RulesBroken, Conflict, ValidationError) as refused:
        notice = notice_of(refused)
        return item_answer(request, memberflow, actor, request_id, view, notice=notice, posted=form)
    if action == "acknowledge":  # the item is done: it leaves the inbox
        return _back_to_inbox(outcome, "acknowledged")
    return RedirectResponse(f"{item_page(key)}?done={_DONE[action]}", status_code=303)


def _command(action: str, key: str, form: dict[str, str], memberflow: Memberflow) -> Command:
    """The command of ``POST /approvals/{key}/<action>``, its body validated by the API's model."""
    if action in BARE_ACTIONS:
        return BARE_ACTIONS[action](key, ActionIn().entry(memberflow))
    body, field = _WITH_FIELD[action]
    return body.model_validate({field: form.get(field, "")}).command(key, memberflow)


def _back_to_inbox(outcome: Outcome, done: str) -> Response:
    """To the inbox once its read model has this write (read-your-writes, ``?after=``)."""
    return RedirectResponse(
        f"{INBOX}?after={outcome.log}:{outcome.position}&done={done}", status_code=303
    )

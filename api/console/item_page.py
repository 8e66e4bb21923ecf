"""One inbox item: its subject, what it asks, since when and until when, who holds it, its
comments, and the forms that act on it — the decision form, or for a filing the acknowledgement,
and claiming, assigning and commenting."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.console.decision import APPROVE, REFUSE, decision_form
from api.console.errors import Refused
from api.console.i18n import language_of
from api.console.items import ItemView, item_view
from api.console.notices import Notice
from api.console.pages import render
from api.console.paths import ITEMS, item_page
from api.console.session import SessionCsrf, SignedIn, session_csrf
from api.console.words import stage_name, step_name
from api.deps import MemberflowDep, RequestId
from domain.context import Actor
from domain.errors import NotFound
from memberflow.bootstrap import Memberflow

router = APIRouter()

DONE = frozenset({"claimed", "assigned", "commented"})  # the writes that lead back here


@router.get(ITEMS + "/{item_key}")
def show(
    request: Request,
    item_key: str,
    actor: SignedIn,
    csrf: SessionCsrf,
    memberflow: MemberflowDep,
    request_id: RequestId,
    done: str = "",
) -> Response:
    view = viewed(memberflow, actor, item_key)
    return item_answer(request, memberflow, actor, request_id, view, csrf=csrf, done=done)


def viewed(memberflow: Memberflow, actor: Actor, item_key: str) -> ItemView:
    """The item, or the page that says there is none for this user (404, as the API's record)."""
    try:
        return item_view(memberflow, actor, item_key)
    except NotFound:
        raise Refused(404, "not_found") from None


def item_answer(
    request: Request,
    memberflow: Memberflow,
    actor: Actor,
    request_id: str,
    view: ItemView,
    *,
    csrf: str | None = None,
    done: str = "",
    notice: Notice | None = None,
    posted: Mapping[str, str] | None = None,
) -> Response:
    """The item's page; with ``notice``, what was refused and the fields as they were posted."""
    if view.is_case:  # a person's case is shown: the read is recorded, as GET /admissions/{id}
        memberflow.reads.read(actor, "case", view.key.subject_id, request_id)
    language = language_of(request)
    stale = notice is not None and notice.stale
    decides = view.is_decision and view.may(actor, "decide") and not stale
    return render(
        request,
        "item.html",
        status=notice.status if notice else 200,
        actor=actor,
        csrf=csrf or session_csrf(request, memberflow, actor),
        current="inbox",
        view=view,
        here=item_page(str(view.key)),
        asked=step_name(view.key.asked, language),
        stage=stage_name(view.stage, language) if view.stage else None,
        decision=decision_form(view.key) if decides else None,
        approve=APPROVE,
        refuse=REFUSE,
        may={name: view.may(actor, name) and not stale for name in _ACTIONS},
        notice=notice,
        posted=posted or {},
        done=done if done in DONE else None,
    )


_ACTIONS = ("claim", "assign", "comment", "acknowledge")

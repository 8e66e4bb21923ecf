"""GET /audit/replay: the replay of a jurisdiction for discipline staff, as JSON or as a page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from api.access import Authorized, listable
from api.deps import MemberflowDep, RequestId
from api.errors import problem
from domain.access import Action
from domain.audit import AccessAction, AccessScope
from domain.bounds import Within
from domain.context import Actor
from memberflow.bootstrap import Memberflow
from services.access import record_access
from services.replay import Report
from services.replay.jurisdiction import replay
from services.replay.rendering import render_html

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get(
    "/replay",
    response_model=Report,
    response_model_by_alias=True,
    responses={200: {"content": {"text/html": {}}}},
)
def replay_jurisdiction(
    memberflow: MemberflowDep,
    actor: Authorized,
    request_id: RequestId,
    org: Annotated[UUID, Query(description="the organization whose subtree is replayed")],
    from_: Annotated[
        date | None,
        Within,
        Query(alias="from", description="subjects with an event on or after this date"),
    ] = None,
    to: Annotated[
        date | None, Within, Query(description="subjects with an event on or before this date")
    ] = None,
    format: Annotated[Literal["json", "html"], Query(description="json or html")] = "json",
) -> Response:
    """Every case and election under ``org``, rebuilt from the event logs alone (never from the
    read models), with steps, exceptions and findings. The period selects the subjects with an
    event in it; each is reported with its whole history."""
    if from_ and to and from_ > to:
        return problem(422, "Invalid period", "from is after to", field="from")
    report = jurisdiction_report(memberflow, actor, org, from_, to, request_id)
    if format == "html":
        return HTMLResponse(render_html(report))
    return Response(report.to_json(), media_type="application/json")


def jurisdiction_report(
    memberflow: Memberflow,
    actor: Actor,
    org: UUID,
    from_: date | None,
    to: date | None,
    request_id: str,
) -> Report:
    """The replay of ``org``'s subtree, as this route and the web console's audit page show it:
    NotFound for an unknown organization, Forbidden outside the actor's jurisdiction for
    Action.AUDIT; the replay recorded in the access log."""
    listable(memberflow, actor, org, action=Action.AUDIT)
    scope = AccessScope(kind="organization", id=str(org), period_from=from_, period_to=to)
    record_access(memberflow.bus, actor, AccessAction.REPLAY, scope, request_id)
    policy = memberflow.settings.policy
    return replay(memberflow.organizations, memberflow.membership, policy, org, from_, to)

"""/audit: what discipline staff read after the fact (issue 5) — the timeline of a case or an
election, and the log of who read history. Every endpoint needs an ``Auditor``; every timeline
viewed is itself recorded in that log (docs/audit.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.access import Authorized, case_places, readable
from api.asof import Since, Until
from api.deps import MemberflowDep, RequestId
from api.history import event_out
from api.reads import Page, ReadModelsDep
from api.schemas import EventOut
from domain.access import Action, Where, where
from domain.admission.case import AdmissionCase
from domain.audit import AccessAction, AccessScope
from domain.bounds import PAGE_MAX, PER_PAGE_MAX, TITLE_MAX
from domain.context import Actor
from domain.elections.election import Election
from domain.errors import NotFound
from domain.findings import Finding
from domain.identity import sees_id_number
from domain.timeline import TimelineEntry, case_timeline, election_timeline
from memberflow.bootstrap import Memberflow
from projections.access_log import AccessEntry, AccessLogModel, AccessQuery, access_log
from projections.organizations import OrganizationsModel
from projections.service import ReadModels
from projections.tracking import tracked_position
from services.access import record_access
from services.as_of import fold

router = APIRouter(prefix="/audit", tags=["audit"])


class TimelineEvent(EventOut):
    rules_checked: list[str] = Field(
        description="the hard rules the command behind this event checked"
    )
    waived: list[str] = Field(description="the ones an exception let through (F-EXC)")
    findings: list[Finding] = Field(
        description="findings this event raised: first true after it (F-ORDER at the later "
        "step that revealed it, though it names the earlier one)"
    )
    findings_cleared: list[Finding] = Field(
        description="findings true before this event and no longer after it"
    )


class Timeline(BaseModel):
    subject_type: Literal["case", "election"]
    id: UUID
    version: int
    events: list[TimelineEvent]


class AccessOut(BaseModel):
    position: int = Field(description="position in the audit log")
    id: UUID
    action: str
    scope: AccessScope
    actor: Actor
    recorded_at: datetime
    request_id: str


def _timeline(
    subject_type: Literal["case", "election"],
    subject_id: UUID,
    entries: list[TimelineEntry],
    reveal: bool = False,  # citizen ID numbers in full (domain.identity.sees_id_number)
) -> Timeline:
    events = [
        TimelineEvent(
            **event_out(entry.event, reveal).model_dump(),
            rules_checked=list(entry.rules_checked),
            waived=list(entry.waived),
            findings=list(entry.raised),
            findings_cleared=list(entry.cleared),
        )
        for entry in entries
    ]
    return Timeline(
        subject_type=subject_type,
        id=subject_id,
        version=events[-1].version if events else 0,
        events=events,
    )


def _viewed(
    memberflow: Memberflow, actor: Actor, request_id: str, kind: str, subject_id: UUID
) -> None:
    scope = AccessScope(kind=kind, id=str(subject_id))
    record_access(memberflow.bus, actor, AccessAction.TIMELINE, scope, request_id)


@router.get("/cases/{case_id}/timeline", response_model=Timeline)
def case_timeline_view(
    case_id: UUID, memberflow: MemberflowDep, actor: Authorized, request_id: RequestId
) -> Timeline:
    """Every event of the case in order, with its metadata, the rules checked and the findings
    it raised."""
    return case_timeline_of(memberflow, actor, case_id, request_id)


def case_timeline_of(
    memberflow: Memberflow, actor: Actor, case_id: UUID, request_id: str
) -> Timeline:
    """The case's timeline, as its audit endpoint and the web console's case page show it:
    NotFound outside the actor's jurisdiction for Action.AUDIT; the view recorded."""
    events = memberflow.membership.history(case_id)  # read once: the case is their fold
    case = fold(events)
    if not isinstance(case, AdmissionCase):
        raise NotFound("admission case", case_id)
    readable(memberflow, actor, *case_places(case), action=Action.AUDIT)
    entries = case_timeline(events, memberflow.settings.policy)
    timeline = _timeline("case", case_id, entries, sees_id_number(actor, case.branch_id))
    _viewed(memberflow, actor, request_id, "case", case_id)
    return timeline


@router.get("/elections/{election_id}/timeline", response_model=Timeline)
def election_timeline_view(
    election_id: UUID, memberflow: MemberflowDep, actor: Authorized, request_id: RequestId
) -> Timeline:
    """Every event of the election in order, with its metadata, the rules checked and the
    findings it raised."""
    return election_timeline_of(memberflow, actor, election_id, request_id)


def election_timeline_of(
    memberflow: Memberflow, actor: Actor, election_id: UUID, request_id: str
) -> Timeline:
    """The election's timeline, as its audit endpoint and the web console's election page show
    it: NotFound outside the actor's jurisdiction for Action.AUDIT; the view recorded."""
    events = memberflow.organizations.history(election_id)  # read once: the election folds them
    election = fold(events)
    if not isinstance(election, Election):
        raise NotFound("election", election_id)
    readable(memberflow, actor, election.organization_id, action=Action.AUDIT)
    entries = election_timeline(events, memberflow.settings.policy)
    timeline = _timeline("election", election_id, entries)
    _viewed(memberflow, actor, request_id, "election", election_id)
    return timeline


@router.get("/log", response_model=Page[AccessOut])
def access_log_view(
    read_models: ReadModelsDep,
    reader: Authorized,
    actor: Annotated[
        str | None, Query(max_length=TITLE_MAX, description="the reader's user id")
    ] = None,
    action: Annotated[AccessAction | None, Query()] = None,
    subject: Annotated[
        str | None,
        Query(max_length=TITLE_MAX, description="the scope's id: a case, election, organization …"),
    ] = None,
    from_: Since = None,
    to: Until = None,
    page: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 1,
    per_page: Annotated[int, Query(ge=1, le=PER_PAGE_MAX)] = 50,
    order: Annotated[str, Query(pattern="^(asc|desc)$", description="desc: newest first")] = "desc",
) -> dict[str, object]:
    """Who read history, when, and what: read from the audit application's own event log."""
    query = AccessQuery(actor, action.value if action else None, subject, from_, to)
    positions, found, count = access_page(
        read_models,
        reader,
        query,
        offset=(page - 1) * per_page,
        limit=per_page,
        newest_first=order == "desc",
    )
    data = [
        AccessOut(
            position=a.position,
            id=a.id,
            action=a.action,
            scope=a.scope,
            actor=a.actor,
            recorded_at=a.recorded_at,
            request_id=a.request_id,
        )
        for a in found
    ]
    return {
        "data": data,
        "count": count,
        "page": page,
        "per_page": per_page,
        "positions": positions,
    }


def access_page(
    read_models: ReadModels,
    reader: Actor,
    query: AccessQuery,
    *,
    offset: int,
    limit: int,
    newest_first: bool = True,
) -> tuple[dict[str, int], list[AccessEntry], int]:
    """The positions the access log has reached, one page of the entries that match ``query``
    among those ``reader`` may see, and how many match in all: as ``GET /audit/log`` and the web
    console's audit page read it."""
    # Through the access log read model, which follows that log (projections/access_log.py).
    model = read_models.model(AccessLogModel.name)
    assert isinstance(model, AccessLogModel)
    query = replace(query, within=_readers(read_models, reader))
    with read_models.query() as tx:
        # Where it stands first: the rows read next reflect at least these positions.
        positions = {source: tracked_position(tx, model.name, source) for source in model.follows}
        found, count = access_log(
            model, tx, query, offset=offset, limit=limit, newest_first=newest_first
        )
    return positions, found, count


def _readers(read_models: ReadModels, reader: Actor) -> tuple[str, UUID] | None:
    """Whose reads an auditor sees: the readers of their own subtree (the administrator: all)."""
    if where(Action.AUDIT, reader.role) is Where.EVERYWHERE or reader.organization_id is None:
        return None
    return read_models.model(OrganizationsModel.name).names["ancestors"], reader.organization_id

"""/elections: term-change elections (换届选举), their steps and history."""

from datetime import date, datetime
from uuid import UUID

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from api.asof import AsOf, Version, viewed_at
from api.deps import CurrentActor, MemberflowDep, RequestId, Writer
from api.history import history_out
from api.schemas import EntryIn, EventOut, facts_of
from api.step_routes import add_step_routes
from domain.commands import Command, RequestElection, TakeElectionStep
from domain.context import Actor
from domain.election_steps import ELECTION_STEPS, Ballot, ElectionRequest, Officers
from domain.elections import Election, ElectionStatus, election_findings, next_election_steps
from domain.findings import Finding
from services.bootstrap import Memberflow

router = APIRouter(prefix="/elections", tags=["elections"])


class ElectionCreate(EntryIn, ElectionRequest):
    organization_id: UUID = Field(description="the organization whose committee is renewed")


class RecordedStep(BaseModel):
    number: int
    slug: str
    version: int
    occurred_on: date
    recorded_at: datetime


class RoundOut(BaseModel):
    round: int
    occurred_on: date
    voters_due: int = Field(description="应到会有选举权的人数, after approved exclusions")
    present: int
    elected: list[UUID] = Field(description="E-5.3, E-5.4: computed by memberflow")


class ElectionPublic(BaseModel):
    id: UUID
    version: int
    position: int | None = Field(default=None, description="event log position of this write")
    organization_id: UUID
    parent_id: UUID
    status: str
    request: ElectionRequest
    requested_on: date
    completed_steps: list[RecordedStep]
    next_steps: list[str]
    nominated: list[UUID]
    candidates: list[UUID] = Field(description="the list the parent approved")
    rounds: list[RoundOut]
    elected: list[UUID]
    open_seats: int
    officers: Officers | None
    term_started_on: date | None = Field(description="E-8.2: the new term, once approved")
    findings: list[Finding]


def election_public(
    election: Election, memberflow: Memberflow, position: int | None = None
) -> ElectionPublic:
    officers = election.latest(6)
    return ElectionPublic(
        id=election.id,
        version=election.version,
        position=position,
        organization_id=election.organization_id,
        parent_id=election.parent_id,
        status=election.status.value,
        request=election.request,
        requested_on=election.requested.occurred_on,
        completed_steps=[
            RecordedStep(
                number=r.number,
                slug=r.slug,
                version=r.version,
                occurred_on=r.context.occurred_on,
                recorded_at=r.context.recorded_at,
            )
            for r in election.records
        ],
        next_steps=[step.slug for step in next_election_steps(election)],
        nominated=list(election.nominated),
        candidates=list(election.candidates),
        rounds=[_round(r.details, r.context.occurred_on, r.elected) for r in election.rounds],
        elected=list(election.elected),
        open_seats=election.open_seats,
        officers=officers.details if officers and isinstance(officers.details, Officers) else None,
        term_started_on=election.election_day
        if election.status is ElectionStatus.COMPLETED
        else None,
        findings=election_findings(election, memberflow.settings.policy),
    )


def _round(details: object, occurred_on: date, elected: tuple[UUID, ...]) -> RoundOut:
    assert isinstance(details, Ballot)
    return RoundOut(
        round=details.round,
        occurred_on=occurred_on,
        voters_due=details.voters_due,
        present=details.present,
        elected=list(elected),
    )


def _handle(
    memberflow: Memberflow, command: Command, actor: Actor, request_id: str
) -> ElectionPublic:
    outcome = memberflow.bus.handle(command, actor=actor, request_id=request_id)
    election = memberflow.organizations.election(outcome.subject_id)
    return election_public(election, memberflow, outcome.position)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ElectionPublic,
    summary="Record election_requested (换届请示)",
)
def request_election(
    body: ElectionCreate, memberflow: MemberflowDep, actor: Writer, request_id: RequestId
) -> ElectionPublic:
    command = RequestElection(body.organization_id, facts_of(ElectionRequest, body), body.entry())
    return _handle(memberflow, command, actor, request_id)


@router.get("/{election_id}", response_model=ElectionPublic)
def get_election(
    election_id: UUID,
    memberflow: MemberflowDep,
    actor: CurrentActor,
    request_id: RequestId,
    as_of: AsOf = None,
    version: Version = None,
) -> ElectionPublic:
    """The election now, or as the system knew it at ``as_of`` or after ``version`` events (a
    read that is recorded in the access log, docs/audit.md)."""
    election = viewed_at(
        memberflow,
        memberflow.organizations,
        Election,
        election_id,
        "election",
        kind="election",
        as_of=as_of,
        version=version,
        actor=actor,
        request_id=request_id,
    )
    return election_public(election, memberflow)


@router.get("/{election_id}/history", response_model=list[EventOut])
def get_history(election_id: UUID, memberflow: MemberflowDep, _: CurrentActor) -> list[EventOut]:
    memberflow.organizations.election(election_id)  # 404 unless it is an election
    return history_out(memberflow.organizations.history(election_id))


add_step_routes(
    router,
    ELECTION_STEPS,
    subject="election_id",
    command=TakeElectionStep,
    answer=_handle,
    response_model=ElectionPublic,
)

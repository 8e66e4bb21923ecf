"""The request and response schemas of /elections (its routes: api/routes/elections.py)."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas import EntryIn, StepRecorded
from api.step_facts import ElectionRequestIn
from domain.elections.details import Ballot, ElectionRequest, Officers
from domain.elections.election import Election
from domain.elections.findings import election_findings
from domain.elections.progress import next_election_steps
from domain.elections.values import ElectionStatus
from domain.findings import Finding
from memberflow.bootstrap import Memberflow


class ElectionCreate(EntryIn, ElectionRequestIn):
    organization_id: UUID = Field(description="the organization whose committee is renewed")


class RecordedStep(StepRecorded):  # its own name, as the OpenAPI document has it
    pass


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
    officers = election.latest("officers_elected")
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

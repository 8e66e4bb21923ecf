"""/elections: term-change elections (换届选举), their steps and history."""

from uuid import UUID

from fastapi import APIRouter, status

from api.access import Authorized, readable
from api.asof import AsOf, Version, viewed_at
from api.deps import MemberflowDep, RequestId
from api.elections import ElectionCreate, ElectionPublic, election_public
from api.history import history_out
from api.schemas import EventOut, facts_of
from api.step_routes import add_step_routes
from domain.commands import Command, RequestElection, TakeElectionStep
from domain.context import Actor
from domain.elections.details import ElectionRequest
from domain.elections.election import Election
from domain.elections.steps import ELECTION_STEPS
from memberflow.bootstrap import Memberflow

router = APIRouter(prefix="/elections", tags=["elections"])


def _handle(
    memberflow: Memberflow, command: Command, actor: Actor, request_id: str
) -> ElectionPublic:
    outcome = memberflow.bus.handle(command, actor=actor, request_id=request_id)
    election = outcome.subject  # as the write left it: no need to read it again
    if not isinstance(election, Election):  # a retry's: read as the write left it
        election = memberflow.organizations.election(outcome.subject_id, outcome.version)
    return election_public(election, memberflow, outcome.position)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ElectionPublic,
    summary="Record election_requested (换届请示)",
)
def request_election(
    body: ElectionCreate, memberflow: MemberflowDep, actor: Authorized, request_id: RequestId
) -> ElectionPublic:
    command = RequestElection(body.organization_id, facts_of(ElectionRequest, body), body.entry())
    return _handle(memberflow, command, actor, request_id)


@router.get("/{election_id}", response_model=ElectionPublic)
def get_election(
    election_id: UUID,
    memberflow: MemberflowDep,
    actor: Authorized,
    request_id: RequestId,
    as_of: AsOf = None,
    version: Version = None,
) -> ElectionPublic:
    """The election now, or as the system knew it at ``as_of`` or after ``version`` events (a
    read that is recorded in the access log, docs/audit.md)."""
    now = memberflow.organizations.election(election_id)
    readable(memberflow, actor, now.organization_id)
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
        current=now,
    )
    return election_public(election, memberflow)


@router.get("/{election_id}/history", response_model=list[EventOut])
def get_history(election_id: UUID, memberflow: MemberflowDep, actor: Authorized) -> list[EventOut]:
    return election_history(memberflow, actor, election_id)


def election_history(memberflow: Memberflow, actor: Actor, election_id: UUID) -> list[EventOut]:
    """The election's events as its history endpoint shows them (and the web console's election
    page): NotFound outside the jurisdiction."""
    readable(memberflow, actor, memberflow.organizations.election(election_id).organization_id)
    return history_out(memberflow.organizations.history(election_id))


add_step_routes(
    router,
    ELECTION_STEPS,
    subject="election_id",
    command=TakeElectionStep,
    answer=_handle,
    response_model=ElectionPublic,
)

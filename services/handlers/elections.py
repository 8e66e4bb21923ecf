"""Handlers of term-change elections (DOMAIN.md §4): the request and every step after it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.commands import RequestElection, TakeElectionStep
from domain.context import Context
from domain.elections.details import Ballot, Nomination, Officers
from domain.elections.election import Election
from domain.elections.steps import ELECTION_STEP_BY_SLUG
from domain.elections.values import ElectionFacts, ElectionStatus
from domain.errors import Conflict
from domain.members import Member
from domain.organizations import Organization
from domain.workflow import StepDetails
from services.handlers.unit import Changes, Handler, Unit


def request_election(command: RequestElection, unit: Unit) -> Changes:
    organization = unit.organizations.organization(command.organization_id)
    context = unit.context(command.entry)
    election = Election.open(
        organization=organization, request=command.request, context=context, today=unit.today
    )
    organization.open_election(election_id=election.id, context=context)
    return Changes(unit.organizations, election.id, (election, organization))


def take_election_step(command: TakeElectionStep, unit: Unit) -> Changes:
    election = unit.organizations.election(command.election_id)
    if command.expected_version is not None and election.version != command.expected_version:
        raise Conflict(f"election {election.id} is at version {election.version}")
    context = unit.context(command.entry)
    step = ELECTION_STEP_BY_SLUG[command.slug]
    election.take_step(step, command.details, context, _facts(election, command.details, unit))
    organization = _organization_follows(election, context, unit)
    changed = (election, organization) if organization else (election,)
    return Changes(unit.organizations, election.id, changed)


def _organization_follows(election: Election, context: Context, unit: Unit) -> Organization | None:
    """A rejected request frees the organization to ask again; approved officers start its term."""
    if election.status is ElectionStatus.OPEN:
        return None
    organization = unit.organizations.organization(election.organization_id)
    if election.status is ElectionStatus.REJECTED:
        organization.close_election(election_id=election.id, context=context)
    else:
        assert election.election_day is not None
        organization.start_term(
            started_on=election.election_day, election_id=election.id, context=context
        )
    return organization


def _facts(election: Election, details: StepDetails, unit: Unit) -> ElectionFacts:
    members = {m: unit.membership.find(Member, m) for m in _referenced_members(details)}
    return ElectionFacts(
        today=unit.today,
        members=members,
        members_of_organization=frozenset(
            member_id
            for member_id, member in members.items()
            if member is not None and _belongs(member, election.organization_id, unit)
        ),
        organization_kind=unit.organizations.organization(election.organization_id).kind,
    )


def _referenced_members(details: StepDetails) -> tuple[UUID, ...]:
    if isinstance(details, Nomination):
        return details.candidates
    if isinstance(details, Ballot):
        return tuple(line.candidate_id for line in details.ballots)
    if isinstance(details, Officers):
        return (details.secretary_id, *details.deputy_ids)
    return ()


def _belongs(member: Member, organization_id: UUID, unit: Unit) -> bool:
    return any(o.id == organization_id for o in unit.organizations.lineage(member.branch_id))


HANDLERS: tuple[Handler[Any], ...] = (
    Handler(RequestElection, request_election),
    Handler(TakeElectionStep, take_election_step),
)

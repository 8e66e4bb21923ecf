"""An election as its page shows it, read exactly as the API reads it: the summary of
``GET /elections/{id}`` (``election_public``, the same access check), its steps in order with their
dates and who took them, the candidates and their standing, each ballot with the quorum and the
majority its rules compare (``domain/elections/thresholds.py``) and whom the domain counted as
elected, and the election's events — the audit timeline of ``GET /audit/elections/{id}/timeline``
(``election_timeline_of``) for those the access policy lets audit it, else the history of
``GET /elections/{id}/history`` (``election_history``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal
from uuid import UUID

from api.access import readable
from api.console.case import Row, audited_rows
from api.console.errors import Refused
from api.elections import ElectionPublic, election_public
from api.routes.audit import election_timeline_of
from api.routes.elections import election_history
from domain.context import Actor, Context
from domain.elections.checks import candidates_needed
from domain.elections.details import Ballot
from domain.elections.election import Election
from domain.elections.steps import ELECTION_STEPS
from domain.elections.thresholds import majority, quorum, quorum_met, reaches_majority
from domain.elections.values import ElectionRecord
from domain.errors import NotFound
from domain.organizations import Organization
from domain.standing import Standing
from memberflow.bootstrap import Memberflow
from services.clock import today

State = Literal["done", "next", "later"]
REQUESTED = "election_requested"  # step 1: the request that opened the election
Standings = Literal["full", "probationary", "disciplined", "suspended", "ended", "unknown"]
Office = Literal["secretary", "deputy"]


@dataclass(frozen=True, slots=True)
class TrackStep:
    """One step of the election in order: whether it is done, can be taken next or not yet, and
    for a done one its latest record: the business date, who took it, and whether it refused."""

    number: int
    slug: str
    state: State
    context: Context | None = None
    refused: bool = False  # the parent decided no (``election_request_rejected`` …)


@dataclass(frozen=True, slots=True)
class Candidate:
    id: UUID
    name: str | None  # None: the member's record lies outside the reader's jurisdiction now
    standing: Standings  # on the day the page is read
    approved: bool  # on the list the parent approved (E-4.1)
    elected: bool
    office: Office | None


@dataclass(frozen=True, slots=True)
class Line:
    candidate: UUID
    in_favour: int
    against: int
    abstained: int
    reaches: bool  # E-5.3: more in favour than half of those present
    elected: bool  # as the domain counted it (E-5.4: a tie for the last seat elects neither)


@dataclass(frozen=True, slots=True)
class Round:
    number: int
    occurred_on: date
    due_voters: int
    excluded: int
    voters_due: int  # after approved exclusions
    present: int
    quorum: Fraction  # E-5.2: present must be more than this
    quorum_met: bool
    majority: Fraction  # E-5.3: votes in favour must be more than this
    lines: list[Line]


@dataclass(frozen=True, slots=True)
class ElectionView:
    election: ElectionPublic
    organization: Organization
    parent: Organization
    track: list[TrackStep]
    candidates: list[Candidate]
    candidates_needed: int  # E-4.2
    rounds: list[Round]
    rows: list[Row]
    audited: bool  # the rows are the audit timeline (else the election's history)


def election_view(
    memberflow: Memberflow, actor: Actor, election_id: UUID, request_id: str
) -> ElectionView:
    """The election; Refused 404 when there is none, or none within the actor's jurisdiction (as
    ``GET /elections/{id}`` answers)."""
    try:
        election = memberflow.organizations.election(election_id)
        readable(memberflow, actor, election.organization_id)
    except NotFound:
        raise Refused(404, "elections.not_found") from None
    summary = election_public(election, memberflow)
    organization = memberflow.organizations.organization(election.organization_id)
    audited, rows = _rows(memberflow, actor, summary, request_id)
    return ElectionView(
        election=summary,
        organization=organization,
        parent=memberflow.organizations.organization(election.parent_id),
        track=_track(election, summary),
        candidates=_candidates(memberflow, actor, election, summary, request_id),
        candidates_needed=candidates_needed(election.request, organization.kind),
        rounds=[_round(record) for record in election.rounds],
        rows=rows,
        audited=audited,
    )


def _track(election: Election, summary: ElectionPublic) -> list[TrackStep]:
    requested = TrackStep(1, REQUESTED, "done", election.requested)
    coming = set(summary.next_steps)

    def step(number: int, slug: str) -> TrackStep:
        latest = election.latest(slug)
        if latest is not None:
            return TrackStep(number, slug, "done", latest.context, latest.slug != slug)
        return TrackStep(number, slug, "next" if slug in coming else "later")

    return [requested, *(step(s.number, s.slug) for s in ELECTION_STEPS)]


def _candidates(
    memberflow: Memberflow,
    actor: Actor,
    election: Election,
    summary: ElectionPublic,
    request_id: str,
) -> list[Candidate]:
    """Everyone nominated, with their name and standing today, read as ``GET /members/{id}``
    reads a member (within the jurisdiction, the read recorded)."""
    day = today(memberflow.clock)
    offices: dict[UUID, Office] = {}
    if summary.officers:
        offices = dict.fromkeys(summary.officers.deputy_ids, "deputy")
        offices[summary.officers.secretary_id] = "secretary"
    found = []
    for member_id in election.nominated:
        name, standing = _member(memberflow, actor, member_id, day, request_id)
        found.append(
            Candidate(
                id=member_id,
                name=name,
                standing=standing,
                approved=member_id in election.candidates,
                elected=member_id in election.elected,
                office=offices.get(member_id),
            )
        )
    return found


def _member(
    memberflow: Memberflow, actor: Actor, member_id: UUID, day: date, request_id: str
) -> tuple[str | None, Standings]:
    try:
        member = memberflow.membership.member(member_id)
        readable(memberflow, actor, member.branch_id)
    except NotFound:
        return None, "unknown"
    memberflow.reads.read(actor, "member", member_id, request_id)
    return member.name, _standing(member.standing_on(day))


def _standing(standing: Standing) -> Standings:
    """The one word for a standing (O-2): rights are what a candidate needs (E-3.1)."""
    if not standing.is_member:
        return "ended"
    if not standing.is_full:
        return "probationary"
    if standing.disciplined_since is not None:
        return "disciplined"
    if standing.suspended_since is not None:
        return "suspended"
    return "full"


def _round(record: ElectionRecord) -> Round:
    ballot = record.details
    assert isinstance(ballot, Ballot)
    return Round(
        number=ballot.round,
        occurred_on=record.context.occurred_on,
        due_voters=ballot.due_voters,
        excluded=len(ballot.exclusions),
        voters_due=ballot.voters_due,
        present=ballot.present,
        quorum=quorum(ballot),
        quorum_met=quorum_met(ballot),
        majority=majority(ballot),
        lines=[
            Line(
                candidate=line.candidate_id,
                in_favour=line.in_favour,
                against=line.against,
                abstained=line.abstained,
                reaches=reaches_majority(line, ballot),
                elected=line.candidate_id in record.elected,
            )
            for line in ballot.ballots
        ],
    )


def _rows(
    memberflow: Memberflow, actor: Actor, election: ElectionPublic, request_id: str
) -> tuple[bool, list[Row]]:
    audited = audited_rows(
        actor, lambda: election_timeline_of(memberflow, actor, election.id, request_id)
    )
    if audited is not None:
        return True, audited
    return False, [
        Row(e, [], [f for f in election.findings if f.version == e.version])
        for e in election_history(memberflow, actor, election.id)
    ]

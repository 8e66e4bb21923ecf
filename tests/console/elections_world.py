"""The setting of the election pages' tests: 预算处党支部, a branch under 市财政局机关党委 (``pc``)
whose three-year term began on 2021-06-01 and so ended on 2024-06-01, with ten full members
委员0…委员9 and its secretary ``budget``; and its election, driven step by step."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.commands import Entry, RegisterOrganization, RequestElection, TakeElectionStep
from domain.context import Actor, Role
from domain.elections.details import (
    Ballot,
    BallotLine,
    Decision,
    ElectionRequest,
    Exclusion,
    Nomination,
)
from domain.organizations import OrgKind
from domain.workflow import StepDetails
from services.bus import Outcome
from tests.support.world import World

BRANCH = "预算处党支部"
MEMBERS = 10
PLANNED = date(2024, 8, 20)


def budget_branch(world: World) -> UUID:
    """The branch, its members and its secretary ``budget``; the clock on 2024-06-20."""
    command = RegisterOrganization(
        BRANCH,
        OrgKind.BRANCH,
        world.ids["pc"],
        False,
        None,
        Entry(date(2021, 6, 1)),
        term_started_on=date(2021, 6, 1),
    )
    world.ids["budget"] = world.run(command, "admin").subject_id
    world.actors["budget"] = Actor(
        id="budget", role=Role.BRANCH_SECRETARY, organization_id=world.ids["budget"]
    )
    for i in range(MEMBERS):
        world.member(f"w{i}", f"委员{i}", date(1980, 2, i + 1), branch="budget")
    world.clock.set_day(date(2024, 6, 20))
    return world.ids["budget"]


def step(world: World, election: UUID, slug: str, details: StepDetails, on: date) -> Outcome:
    """``slug`` recorded on ``on`` (the clock moved there) by whoever takes it."""
    world.clock.set_day(on)
    parent = slug in ("election_request_approved", "candidate_list_approved", "officers_approved")
    command = TakeElectionStep(election, slug, details, Entry(on))
    return world.run(command, "official" if parent else "budget")


def requested(world: World) -> UUID:
    """The branch asks on 2024-07-01 to elect three (a secretary and a deputy among them) at a
    member meeting on 2024-08-20."""
    world.clock.set_day(date(2024, 7, 1))
    request = ElectionRequest(
        seats=3,
        secretary_seats=1,
        deputy_seats=1,
        meeting_form="member_meeting",
        planned_date=PLANNED,
    )
    command = RequestElection(world.ids["budget"], request, Entry(date(2024, 7, 1)))
    return world.run(command, "budget").subject_id


def listed(world: World) -> UUID:
    """Requested, approved on 2024-07-10, 委员0…3 nominated on 07-20, the list approved 07-30."""
    election = requested(world)
    step(world, election, "election_request_approved", Decision(approved=True), date(2024, 7, 10))
    nominated = Nomination(candidates=tuple(world.ids[f"w{i}"] for i in range(4)))
    step(world, election, "candidates_nominated", nominated, date(2024, 7, 20))
    step(world, election, "candidate_list_approved", Decision(approved=True), date(2024, 7, 30))
    return election


def first_round(world: World) -> tuple[UUID, Outcome]:
    """Listed, then round 1 on the planned day: 10 due, 委员9 excluded (abroad), 8 present; 委员0
    and 委员1 elected with 7 and 6 in favour, 委员2 (4, not more than half of 8) and 委员3 (3)
    not: one seat left open."""
    election = listed(world)
    votes = {0: 7, 1: 6, 2: 4, 3: 3}
    ballot = Ballot(
        round=1,
        due_voters=MEMBERS,
        exclusions=(Exclusion(member_id=world.ids["w9"], reason="出国半年以上"),),
        present=8,
        ballots=tuple(
            BallotLine(candidate_id=world.ids[f"w{i}"], in_favour=v, against=8 - v)
            for i, v in votes.items()
        ),
    )
    return election, step(world, election, "election_held", ballot, PLANNED)

"""The elections calendar's E-OVERDUE, asked at read time: an approved election request covers an
ended term only until its planned date plus the policy's grace, unless a ballot was held (issue 9,
item 7). Three branches under the primary committee ``pc``, whose three-year terms ended on
2024-06-01: ``waiting`` (approved, list approved, no ballot), ``voted`` (ballot on the planned
date) and ``silent`` (no election at all)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.commands import Entry, RegisterOrganization, RequestElection, TakeElectionStep
from domain.context import Actor, Role
from domain.elections.details import Ballot, BallotLine, Decision, ElectionRequest, Nomination
from domain.organizations import OrgKind
from domain.workflow import StepDetails
from projections.organizations import OrganizationsModel, calendar
from projections.rebuild import rebuild
from projections.service import ReadModels
from services.bus import Outcome
from tests.support.client import client_for
from tests.support.world import World

PLANNED = date(2024, 8, 20)


def _branch(world: World, key: str) -> UUID:
    command = RegisterOrganization(
        f"{key}支部",
        OrgKind.BRANCH,
        world.ids["pc"],
        False,
        None,
        Entry(date(2021, 6, 1)),
        term_started_on=date(2021, 6, 1),
    )
    world.ids[key] = world.run(command, "admin").subject_id
    world.actors[key] = Actor(id=key, role=Role.BRANCH_SECRETARY, organization_id=world.ids[key])
    for i in range(5):
        world.member(f"{key}{i}", f"{key}党员{i}", date(1980, 1, i + 1), branch=key)
    return world.ids[key]


def _step(
    world: World, election: UUID, slug: str, details: StepDetails, on: date, by: str
) -> Outcome:
    return world.run(TakeElectionStep(election, slug, details, Entry(on)), by)


def _listed(world: World, key: str) -> UUID:
    """An election of ``key`` for three seats, approved 2024-07-10, its list on 2024-07-30."""
    request = ElectionRequest(
        seats=3,
        secretary_seats=1,
        deputy_seats=1,
        meeting_form="member_meeting",
        planned_date=PLANNED,
    )
    requested = RequestElection(world.ids[key], request, Entry(date(2024, 7, 1)))
    election = world.run(requested, key).subject_id
    _step(
        world,
        election,
        "election_request_approved",
        Decision(approved=True),
        date(2024, 7, 10),
        "official",
    )
    candidates = tuple(world.ids[f"{key}{i}"] for i in range(4))
    _step(
        world,
        election,
        "candidates_nominated",
        Nomination(candidates=candidates),
        date(2024, 7, 20),
        key,
    )
    _step(
        world,
        election,
        "candidate_list_approved",
        Decision(approved=True),
        date(2024, 7, 30),
        "official",
    )
    return election


def _setting(world: World) -> Outcome:
    for key in ("waiting", "voted", "silent"):
        _branch(world, key)
    _listed(world, "waiting")
    election = _listed(world, "voted")
    lines = tuple(
        BallotLine(candidate_id=world.ids[f"voted{i}"], in_favour=5 if i < 3 else 1)
        for i in range(4)
    )
    ballot = Ballot(round=1, due_voters=5, present=5, ballots=lines)
    return _step(world, election, "election_held", ballot, PLANNED, "voted")


def _overdue(
    read_models: ReadModels, world: World, day: date, grace: int = 0, only: bool = False
) -> dict[str, bool]:
    model = read_models.model(OrganizationsModel.name)
    assert isinstance(model, OrganizationsModel)
    with read_models.database.transaction(write=False) as tx:
        rows, count = calendar(
            model,
            tx,
            organization_id=str(world.ids["pc"]),
            today=day,
            grace_days=grace,
            overdue_only=only,
            order_by="o.name",
            limit=100,
            offset=0,
        )
    assert count == len(rows)
    names = {str(world.ids[k]): k for k in ("waiting", "voted", "silent")}
    return {names[row[0]]: bool(row[-1]) for row in rows if row[0] in names}


def test_the_calendar_asks_the_cover_at_read_time(world: World, read_models: ReadModels) -> None:
    _setting(world)
    read_models.catch_up()
    on_the_day = {"waiting": False, "voted": False, "silent": True}
    assert _overdue(read_models, world, PLANNED) == on_the_day
    day_after = date(2024, 8, 21)
    assert _overdue(read_models, world, day_after) == {
        "waiting": True,
        "voted": False,
        "silent": True,
    }
    assert _overdue(read_models, world, day_after, only=True) == {"waiting": True, "silent": True}
    assert _overdue(read_models, world, date(2024, 7, 15)) == on_the_day  # covered before


def test_the_grace_extends_the_cover_in_the_calendar(world: World, read_models: ReadModels) -> None:
    _setting(world)
    read_models.catch_up()
    assert _overdue(read_models, world, date(2024, 9, 19), grace=30)["waiting"] is False
    assert _overdue(read_models, world, date(2024, 9, 20), grace=30)["waiting"] is True
    assert _overdue(read_models, world, date(2024, 9, 20), grace=30, only=True) == {
        "waiting": True,
        "silent": True,
    }


def test_a_rebuild_of_the_calendar_equals_the_live_rows(
    world: World, read_models: ReadModels
) -> None:
    _setting(world)
    read_models.catch_up()
    model = read_models.model(OrganizationsModel.name)

    def rows() -> list[tuple[object, ...]]:
        with read_models.database.transaction() as tx:
            return sorted(tx.fetchall(f"SELECT * FROM {model.names['organizations']}"), key=repr)

    live = rows()
    waiting = next(r for r in live if r[0] == str(world.ids["waiting"]))
    assert {"2024-07-10", "2024-08-20"} <= set(waiting)  # the approval and the planned date
    rebuild(read_models, OrganizationsModel.name)
    assert rows() == live


def test_get_elections_calendar_shows_the_overdue_of_today(
    world: World, read_models: ReadModels
) -> None:
    written = _setting(world)
    client = client_for(world.memberflow, world.clock)
    client.login("admin", Role.ADMIN)
    world.clock.set_day(date(2024, 8, 21))
    with client.http:
        response = client.get(
            f"/elections/calendar?org={world.ids['pc']}&after=organizations:{written.position}"
        )
    assert response.status_code == 200, response.text
    rows = {r["organization_id"]: r for r in response.json()["data"]}
    waiting, voted = rows[str(world.ids["waiting"])], rows[str(world.ids["voted"])]
    assert (waiting["overdue"], waiting["election_approved"]) == (True, True)
    assert (waiting["election_planned_date"], waiting["election_first_ballot_on"]) == (
        "2024-08-20",
        None,
    )
    assert (voted["overdue"], voted["election_first_ballot_on"]) == (False, "2024-08-20")
    assert rows[str(world.ids["silent"])]["overdue"] is True

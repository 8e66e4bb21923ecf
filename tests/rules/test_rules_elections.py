"""The rules of a term-change election (换届选举, DOMAIN.md §4), each through the command bus.

Every test names the rule it guards and fails if that rule were broken: it checks the refusal with
the rule's id and the boundary case that passes. The elections are held in ``eb``, a branch under
the primary committee ``pc`` whose three-year term began on 2021-06-01 and ended on 2024-06-01, with
ten full members e0..e9 and a few members without the rights to stand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import partial
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.commands import (
    Entry,
    ExtendTerm,
    RegisterOrganization,
    RequestElection,
    TakeElectionStep,
)
from domain.context import Actor, Context, Role
from domain.elections.counting import count_ballot
from domain.elections.details import (
    Ballot,
    BallotLine,
    Decision,
    ElectionRequest,
    Exclusion,
    Nomination,
    Officers,
)
from domain.elections.election import Election
from domain.elections.findings import election_findings
from domain.elections.progress import (
    ElectionCover,
    election_covers,
    next_election_steps,
    request_approved,
)
from domain.elections.values import ElectionStatus
from domain.errors import RulesBroken
from domain.members import MemberStatus
from domain.organizations import Organization, OrgKind, Term
from domain.workflow import StepDetails
from services.bus import Outcome
from tests.support.world import World

TERM_STARTED = date(2021, 6, 1)
TERM_ENDS = date(2024, 6, 1)
REQUESTED = date(2024, 7, 1)
PLANNED = date(2024, 8, 20)
DECIDED = date(2024, 7, 10)
NOMINATED = date(2024, 7, 20)
LISTED = date(2024, 7, 30)
VOTED = date(2024, 8, 20)
REPORTED = date(2024, 8, 22)
CONFIRMED = date(2024, 9, 1)
MEMBERS = 10
FOUR = ("e0", "e1", "e2", "e3")
STAGES = ("requested", "approved", "nominated", "listed", "voted", "officers", "reported")


# Set-up.


def add_org(
    world: World,
    key: str,
    parent: str,
    started_on: date | None,
    *,
    kind: OrgKind = OrgKind.BRANCH,
    years: int | None = None,
) -> UUID:
    """An organization under ``parent``, with a term from ``started_on`` if one is given."""
    command = RegisterOrganization(
        f"测试组织{key}",
        kind,
        world.ids[parent],
        False,
        None,
        Entry(started_on or date(2020, 1, 1)),
        term_started_on=started_on,
        term_years=years,
    )
    world.ids[key] = world.run(command, "admin").subject_id
    return world.ids[key]


def add_actor(world: World, key: str, role: Role, org: str) -> None:
    world.actors[key] = Actor(id=key, role=role, organization_id=world.ids[org])


@pytest.fixture
def w(world: World) -> World:
    add_org(world, "eb", "pc", TERM_STARTED)
    for i in range(MEMBERS):
        world.member(f"e{i}", f"选民{i}", date(1980, 3, i + 1), branch="eb")
    world.member(
        "e_prob",
        "选民预备",
        date(1995, 1, 1),
        branch="eb",
        status=MemberStatus.PROBATIONARY,
        joined_on=date(2024, 3, 1),
    )
    world.member("e_susp", "选民中止", date(1971, 1, 1), branch="eb", rights_suspended=True)
    world.member("e_disc", "选民察看", date(1972, 1, 1), branch="eb", under_party_probation=True)
    world.member(
        "e_recent",
        "选民新转正",
        date(1990, 1, 1),
        branch="eb",
        joined_on=date(2023, 7, 25),
        full_since=date(2024, 7, 25),  # after the nomination of 2024-07-20
    )
    world.member("outsider", "外支部党员", date(1982, 1, 1), branch="branch_b")
    add_actor(world, "eb", Role.BRANCH_SECRETARY, "eb")
    add_actor(world, "parent", Role.COMMITTEE_OFFICIAL, "pc")
    add_actor(world, "grandparent", Role.COMMITTEE_OFFICIAL, "wc")
    add_actor(world, "b_sec", Role.BRANCH_SECRETARY, "branch_b")
    return world


# Driving elections.


def mid(world: World, key: str | UUID) -> UUID:
    return key if isinstance(key, UUID) else world.ids[key]


def ids(world: World, *keys: str | UUID) -> tuple[UUID, ...]:
    return tuple(mid(world, k) for k in keys)


def request(
    world: World, *, org: str = "eb", by: str | None = None, on: date = REQUESTED, **changes: Any
) -> UUID:
    fields = {
        "seats": 3,
        "secretary_seats": 1,
        "deputy_seats": 1,
        "meeting_form": "member_meeting",
        "planned_date": PLANNED,
        **changes,
    }
    command = RequestElection(world.ids[org], ElectionRequest.model_validate(fields), Entry(on))
    return world.run(command, by or org).subject_id


def step(
    world: World, election: UUID, slug: str, details: StepDetails, *, on: date, by: str
) -> Outcome:
    return world.run(TakeElectionStep(election, slug, details, Entry(on)), by)


def decide(
    world: World,
    election: UUID,
    slug: str,
    approved: bool = True,
    *,
    on: date = DECIDED,
    by: str = "parent",
) -> Outcome:
    return step(world, election, slug, Decision(approved=approved), on=on, by=by)


def nominate(
    world: World,
    election: UUID,
    keys: Iterable[str | UUID] = FOUR,
    *,
    on: date = NOMINATED,
    by: str = "eb",
) -> Outcome:
    return step(
        world,
        election,
        "candidates_nominated",
        Nomination(candidates=ids(world, *keys)),
        on=on,
        by=by,
    )


def line(world: World, key: str | UUID, in_favour: int, against: int = 0) -> BallotLine:
    return BallotLine(candidate_id=mid(world, key), in_favour=in_favour, against=against)


def ballot(
    world: World,
    election: UUID,
    votes: dict[str, int] | None = None,
    *,
    lines: tuple[BallotLine, ...] | None = None,
    round: int = 1,
    due: int = MEMBERS,
    excluded: tuple[str, ...] = (),
    present: int = MEMBERS,
    on: date = VOTED,
    by: str = "eb",
) -> Outcome:
    if lines is None:
        lines = tuple(line(world, k, v) for k, v in (votes or {}).items())
    details = Ballot(
        round=round,
        due_voters=due,
        exclusions=tuple(
            Exclusion(member_id=world.ids[k], reason="出国半年以上") for k in excluded
        ),
        present=present,
        ballots=lines,
    )
    return step(world, election, "election_held", details, on=on, by=by)


def officers(
    world: World,
    election: UUID,
    secretary: str = "e0",
    deputies: tuple[str, ...] = ("e1",),
    *,
    on: date = VOTED,
    by: str = "eb",
) -> Outcome:
    details = Officers(secretary_id=world.ids[secretary], deputy_ids=ids(world, *deputies))
    return step(world, election, "officers_elected", details, on=on, by=by)


def report(world: World, election: UUID, *, on: date = REPORTED, by: str = "eb") -> Outcome:
    return step(world, election, "results_reported", StepDetails(), on=on, by=by)


def until(world: World, stage: str, *, candidates: tuple[str, ...] = FOUR, **asked: Any) -> UUID:
    """An election of eb taken through ``stage`` (one of STAGES) on the clean dates."""
    election = request(world, **asked)
    seats = int(asked.get("seats", 3))
    done = STAGES[: STAGES.index(stage) + 1]
    if "approved" in done:
        decide(world, election, "election_request_approved")
    if "nominated" in done:
        nominate(world, election, candidates)
    if "listed" in done:
        decide(world, election, "candidate_list_approved", on=LISTED)
    if "voted" in done:
        ballot(world, election, {k: 9 if i < seats else 1 for i, k in enumerate(candidates)})
    if "officers" in done:
        officers(world, election)
    if "reported" in done:
        report(world, election)
    return election


def election_of(world: World, election: UUID) -> Election:
    return world.memberflow.organizations.election(election)


def org_of(world: World, key: str = "eb") -> Organization:
    return world.memberflow.organizations.organization(world.ids[key])


def refused(call: Callable[[], object]) -> RulesBroken:
    with pytest.raises(RulesBroken) as excinfo:
        call()
    return excinfo.value


def rule_ids(error: RulesBroken) -> set[str]:
    return {v.rule.id for v in error.violations}


def slugs(election: Election) -> list[str]:
    return [r.slug for r in election.records]


# E-1.1: the request states one secretary, deputies within the seats and a known meeting form.


@pytest.mark.parametrize("secretary_seats", [0, 2])
def test_E_1_1_exactly_one_secretary_seat(w: World, secretary_seats: int) -> None:
    error = refused(lambda: request(w, secretary_seats=secretary_seats))
    assert error.first.rule.id == "E-1.1"
    assert rule_ids(error) == {"E-1.1"}
    assert org_of(w).open_election_id is None
    election = request(w, secretary_seats=1)
    assert org_of(w).open_election_id == election


def test_E_1_1_deputies_stay_within_the_other_seats(w: World) -> None:
    assert refused(lambda: request(w, seats=3, deputy_seats=3)).first.rule.id == "E-1.1"
    assert refused(lambda: request(w, seats=1, deputy_seats=1)).first.rule.id == "E-1.1"
    assert election_of(w, request(w, seats=3, deputy_seats=2)).request.deputy_seats == 2
    # one seat, no deputy: the secretary alone (another branch, one election per organization)
    request(w, org="branch", by="secretary", seats=1, deputy_seats=0)


def test_E_1_1_an_unknown_meeting_form_is_refused(w: World) -> None:
    error = refused(lambda: request(w, meeting_form="assembly"))
    assert error.first.rule.id == "E-1.1"
    both = refused(lambda: request(w, meeting_form="assembly", secretary_seats=2))
    assert [v.rule.id for v in both.violations] == ["E-1.1", "E-1.1"]
    election = request(w, meeting_form="member_meeting")
    assert election_of(w, election).request.meeting_form == "member_meeting"


# E-1.2: one election under way per organization.


def test_E_1_2_a_second_request_while_one_is_open_is_refused(w: World) -> None:
    first = request(w)
    error = refused(lambda: request(w, on=date(2024, 7, 2)))
    assert error.first.rule.id == "E-1.2"
    assert org_of(w).open_election_id == first
    decide(w, first, "election_request_approved")
    assert refused(lambda: request(w, on=date(2024, 7, 11))).first.rule.id == "E-1.2"
    # another organization is not held up
    request(w, org="branch_b", by="b_sec")


def test_E_1_2_a_rejected_request_frees_the_organization(w: World) -> None:
    first = request(w)
    decide(w, first, "election_request_approved", approved=False)
    second = request(w, on=date(2024, 7, 12))
    assert second != first
    assert org_of(w).open_election_id == second
    assert election_of(w, second).status is ElectionStatus.OPEN


# E-1.3 (soft): the request comes at least one month before the planned date.


def test_E_1_3_less_than_a_month_of_notice_raises_F_DEADLINE(w: World) -> None:
    policy = w.memberflow.settings.policy
    short = request(w, planned_date=date(2024, 7, 31))  # recorded, not refused
    findings = election_findings(election_of(w, short), policy)
    assert [(f.kind, f.rule, f.step) for f in findings] == [
        ("F-DEADLINE", "E-1.3", "election_requested")
    ]
    assert findings[0].occurred_on == REQUESTED

    exact = request(w, org="branch_b", by="b_sec", planned_date=date(2024, 8, 1))
    assert election_findings(election_of(w, exact), policy) == []


def test_E_1_3_a_month_counts_to_the_last_day_of_a_shorter_month(w: World) -> None:
    policy = w.memberflow.settings.policy
    election = request(w, on=date(2024, 1, 31), planned_date=date(2024, 2, 29))
    assert election_findings(election_of(w, election), policy) == []
    early = request(w, org="branch_b", by="b_sec", on=date(2024, 1, 31), planned_date=PLANNED)
    assert election_findings(election_of(w, early), policy) == []
    short = request(
        w, org="branch", by="secretary", on=date(2024, 1, 31), planned_date=date(2024, 2, 28)
    )
    assert [f.rule for f in election_findings(election_of(w, short), policy)] == ["E-1.3"]


# E-1.4: a delegates' congress needs 500 members or scattered sub-organizations.


def test_E_1_4_a_delegates_congress_under_500_members_is_refused(w: World) -> None:
    congress: dict[str, Any] = {"meeting_form": "delegates_congress"}
    error = refused(lambda: request(w, members_count=499, **congress))
    assert error.first.rule.id == "E-1.4"
    assert rule_ids(error) == {"E-1.4"}
    assert refused(lambda: request(w, **congress)).first.rule.id == "E-1.4"  # no count stated
    election = request(w, members_count=500, **congress)
    assert election_of(w, election).request.members_count == 500


def test_E_1_4_scattered_sub_organizations_allow_a_delegates_congress(w: World) -> None:
    request(w, meeting_form="delegates_congress", members_count=40, scattered=True)
    request(w, org="branch_b", by="b_sec", meeting_form="member_meeting", members_count=40)


# MF-OWN-ORG: the organization itself requests, nominates, votes, elects and reports.


@pytest.mark.parametrize("by", ["parent", "grandparent", "b_sec"])
def test_a_request_by_another_organization_is_refused(w: World, by: str) -> None:
    """An organization requests its own election: anyone else is refused by the access policy
    (MF-ACCESS, an own-organization action) before the domain's MF-OWN-ORG."""
    assert refused(lambda: request(w, by=by)).first.rule.id == "MF-ACCESS"
    assert org_of(w).open_election_id is None
    request(w, by="eb")


def test_MF_OWN_ORG_the_election_itself_refuses_another_organization(w: World) -> None:
    """MF-OWN-ORG holds in the domain whatever the access policy lets through."""
    organization = org_of(w)
    context = Context(
        occurred_on=date(2024, 5, 1),
        recorded_at=w.clock.now(),
        actor=w.actors["parent"],
        request_id="test",
    )
    with pytest.raises(RulesBroken) as excinfo:
        Election.open(
            organization=organization,
            request=ElectionRequest(
                seats=3,
                secretary_seats=1,
                deputy_seats=1,
                meeting_form="member_meeting",
                planned_date=PLANNED,
            ),
            context=context,
            today=date(2024, 5, 1),
        )
    assert {v.rule.id for v in excinfo.value.violations} == {"MF-OWN-ORG"}


def test_the_organizations_own_steps_are_refused_to_others(w: World) -> None:
    election = until(w, "approved")
    for by in ("b_sec", "parent"):
        assert refused(partial(nominate, w, election, by=by)).first.rule.id == "MF-ACCESS"
    nominate(w, election)
    decide(w, election, "candidate_list_approved", on=LISTED)
    votes = {"e0": 9, "e1": 9, "e2": 9, "e3": 1}
    assert refused(lambda: ballot(w, election, votes, by="parent")).first.rule.id == "MF-ACCESS"
    ballot(w, election, votes)
    assert refused(lambda: officers(w, election, by="b_sec")).first.rule.id == "MF-ACCESS"
    officers(w, election)
    assert refused(lambda: report(w, election, by="parent")).first.rule.id == "MF-ACCESS"
    report(w, election)


# E-2.1: only the parent answers the request.


# The working committee above the parent is refused by the rule itself; a branch secretary, or an
# organization outside the parent's line, by the access policy (MF-ACCESS).
NOT_THE_PARENT = {"grandparent": None, "eb": "MF-ACCESS", "b_sec": "MF-ACCESS"}


@pytest.mark.parametrize("by", sorted(NOT_THE_PARENT))
def test_E_2_1_only_the_parent_decides_the_request(w: World, by: str) -> None:
    election = request(w)
    for approved in (True, False):
        error = refused(partial(decide, w, election, "election_request_approved", approved, by=by))
        assert error.first.rule.id == (NOT_THE_PARENT[by] or "E-2.1")
    assert slugs(election_of(w, election)) == []
    decide(w, election, "election_request_approved")
    assert slugs(election_of(w, election)) == ["election_request_approved"]
    assert request_approved(election_of(w, election))
    assert [s.slug for s in next_election_steps(election_of(w, election))] == [
        "candidates_nominated"
    ]


def test_E_2_1_a_rejection_closes_the_election_and_frees_the_organization(w: World) -> None:
    election = request(w)
    decide(w, election, "election_request_approved", approved=False)
    rejected = election_of(w, election)
    assert slugs(rejected) == ["election_request_rejected"]
    assert rejected.status is ElectionStatus.REJECTED
    assert not request_approved(rejected)
    assert next_election_steps(rejected) == []
    assert org_of(w).open_election_id is None
    assert org_of(w).term == Term(TERM_STARTED, 3)  # the term is untouched


def test_E_2_1_an_organization_without_a_parent_cannot_request(w: World) -> None:
    error = refused(lambda: request(w, org="wc", by="wc_official"))
    assert "E-2.1" in rule_ids(error)


# E-X.1: a delay or an advance needs the parent and is at most a year in all.


def extend(
    world: World,
    months: int,
    *,
    by: str = "parent",
    org: str = "eb",
    reason: str = "机构改革",
    on: date = REQUESTED,
) -> Outcome:
    return world.run(ExtendTerm(world.ids[org], months, reason, Entry(on)), by)


@pytest.mark.parametrize("by", sorted(NOT_THE_PARENT))
def test_E_X_1_only_the_parent_extends_a_term(w: World, by: str) -> None:
    assert refused(lambda: extend(w, 6, by=by)).first.rule.id == (NOT_THE_PARENT[by] or "E-X.1")
    assert org_of(w).term == Term(TERM_STARTED, 3)
    extend(w, 6)
    assert org_of(w).term == Term(TERM_STARTED, 3, 6)


def test_E_X_1_at_most_twelve_months(w: World) -> None:
    assert refused(lambda: extend(w, 13)).first.rule.id == "E-X.1"
    assert refused(lambda: extend(w, -13)).first.rule.id == "E-X.1"
    extend(w, 12)
    term = org_of(w).term
    assert term is not None
    assert term.extension_months == 12
    assert term.ends_on == date(2025, 6, 1)


def test_E_X_1_extensions_add_up_to_at_most_a_year(w: World) -> None:
    extend(w, 7)
    assert refused(lambda: extend(w, 6)).first.rule.id == "E-X.1"
    extend(w, 5)
    term = org_of(w).term
    assert term is not None
    assert term.ends_on == date(2025, 6, 1)
    assert refused(lambda: extend(w, 1)).first.rule.id == "E-X.1"


def test_E_X_1_an_advance_of_a_year_moves_the_end_back(w: World) -> None:
    extend(w, -12)
    term = org_of(w).term
    assert term is not None
    assert term.ends_on == date(2023, 6, 1)
    assert refused(lambda: extend(w, -1)).first.rule.id == "E-X.1"
    extend(w, 3)  # back towards the regular end: within a year in all
    assert org_of(w).term == Term(TERM_STARTED, 3, -9)


def test_E_X_1_zero_months_or_no_reason_is_refused(w: World) -> None:
    assert refused(lambda: extend(w, 0)).first.rule.id == "E-X.1"
    assert refused(lambda: extend(w, 3, reason="   ")).first.rule.id == "E-X.1"
    assert org_of(w).term == Term(TERM_STARTED, 3)


def test_E_X_1_an_organization_without_a_term_cannot_be_extended(w: World) -> None:
    add_org(w, "termless", "pc", None)
    assert refused(lambda: extend(w, 6, org="termless")).first.rule.id == "E-X.1"
    assert org_of(w, "termless").term is None


def test_MF_FUTURE_DATE_an_extension_dated_tomorrow_is_refused(w: World) -> None:
    w.clock.set_day(REQUESTED)
    error = refused(lambda: extend(w, 6, on=REQUESTED + timedelta(days=1)))
    assert error.first.rule.id == "MF-FUTURE-DATE"


# E-3.1: every candidate is a full member of the organization with rights on the day.


@pytest.mark.parametrize("who", ["e_prob", "e_susp", "e_disc", "e_recent", "unknown", "outsider"])
def test_E_3_1_a_candidate_without_the_right_to_stand_is_refused(w: World, who: str) -> None:
    election = until(w, "approved")
    candidate: str | UUID = uuid4() if who == "unknown" else who
    error = refused(lambda: nominate(w, election, ("e0", "e1", "e2", "e3", candidate)))
    assert [v.rule.id for v in error.violations] == ["E-3.1"]
    assert election_of(w, election).nominated == ()
    nominate(w, election, ("e0", "e1", "e2", "e3", "e4"))
    assert election_of(w, election).nominated == ids(w, "e0", "e1", "e2", "e3", "e4")


def test_E_3_1_a_member_counts_from_the_day_they_became_full(w: World) -> None:
    election = until(w, "approved")
    assert refused(lambda: nominate(w, election, (*FOUR, "e_recent"))).first.rule.id == "E-3.1"
    nominate(w, election, (*FOUR, "e_recent"), on=date(2024, 7, 25))


def test_E_3_1_every_refused_candidate_is_named(w: World) -> None:
    election = until(w, "approved")
    error = refused(lambda: nominate(w, election, ("e0", "e_prob", "e_susp", "e_disc", "outsider")))
    assert [v.rule.id for v in error.violations] == ["E-3.1"] * 4


def test_E_3_1_an_empty_list_or_a_name_twice_is_refused(w: World) -> None:
    election = until(w, "approved")
    assert refused(lambda: nominate(w, election, ())).first.rule.id == "E-3.1"
    twice = refused(lambda: nominate(w, election, ("e0", "e1", "e2", "e3", "e0")))
    assert rule_ids(twice) == {"E-3.1"}
    nominate(w, election)


def test_E_3_1_members_of_the_subtree_stand_for_a_committee(w: World) -> None:
    """A primary committee's members are those of every branch beneath it, not beyond it."""
    w.member("far", "远方党员", date(1983, 1, 1), branch="branch2")  # under pc2, not pc
    election = request(w, org="pc", by="official")
    decide(w, election, "election_request_approved", by="wc_official")
    error = refused(lambda: nominate(w, election, ("m0", "e0", "outsider", "far"), by="official"))
    assert [v.rule.id for v in error.violations] == ["E-3.1"]
    nominate(w, election, ("m0", "e0", "outsider", "m1"), by="official")


# E-4.1 and E-4.2: the parent approves a list that exceeds the seats by at least 20%.


@pytest.mark.parametrize("by", ["grandparent", "eb"])
def test_E_4_1_only_the_parent_approves_the_list(w: World, by: str) -> None:
    election = until(w, "nominated")
    error = refused(lambda: decide(w, election, "candidate_list_approved", on=LISTED, by=by))
    assert error.first.rule.id == (NOT_THE_PARENT[by] or "E-4.1")
    assert election_of(w, election).candidates == ()
    decide(w, election, "candidate_list_approved", on=LISTED)
    assert election_of(w, election).candidates == ids(w, *FOUR)


@pytest.mark.parametrize(
    ("seats", "count", "passes"), [(3, 3, False), (3, 4, True), (5, 5, False), (5, 6, True)]
)
def test_E_4_2_candidates_at_least_ceil_seats_times_1_2(
    w: World, seats: int, count: int, passes: bool
) -> None:
    candidates = tuple(f"e{i}" for i in range(count))
    election = until(w, "nominated", seats=seats, deputy_seats=0, candidates=candidates)
    approve = partial(decide, w, election, "candidate_list_approved", on=LISTED)
    if passes:
        approve()
        assert election_of(w, election).candidates == ids(w, *candidates)
    else:
        error = refused(approve)
        assert error.first.rule.id == "E-4.2"
        assert election_of(w, election).candidates == ()


@pytest.mark.parametrize(("count", "passes"), [(1, False), (2, True)])
def test_E_4_2_one_seat_of_a_general_branch_still_needs_the_margin(
    w: World, count: int, passes: bool
) -> None:
    """The margin is for committee members (委员): a general branch always elects a committee, so
    even a one-seat request needs ceil(1 × 1.2) = 2 candidates."""
    for i in range(3):
        w.member(f"g{i}", f"总支党员{i}", date(1979, 5, i + 1), branch="branch2")
    add_actor(w, "gb", Role.COMMITTEE_OFFICIAL, "gb")
    election = request(w, org="gb", seats=1, deputy_seats=0)
    decide(w, election, "election_request_approved", by="pc2_official")
    nominate(w, election, tuple(f"g{i}" for i in range(count)), by="gb")
    approve = partial(decide, w, election, "candidate_list_approved", on=LISTED, by="pc2_official")
    if passes:
        approve()
        assert len(election_of(w, election).candidates) == count
    else:
        assert refused(approve).first.rule.id == "E-4.2"


@pytest.mark.parametrize(
    ("seats", "deputies", "count", "passes"),
    [
        (1, 0, 1, True),  # the secretary alone, one candidate (等额)
        (2, 1, 2, True),  # the secretary and one deputy, one candidate each
        (2, 1, 1, False),  # fewer candidates than seats
        (2, 0, 2, False),  # two seats that are not both officers': committee members
        (2, 0, 3, True),
        (3, 2, 3, False),  # a committee: a branch has at most one deputy without one
        (3, 2, 4, True),
    ],
)
def test_E_4_2_a_branch_without_a_committee_elects_its_officers_one_candidate_a_seat(
    w: World, seats: int, deputies: int, count: int, passes: bool
) -> None:
    """选举条例 Art. 13 sets the 20 % margin for committee members' candidates; a branch without a
    committee (fewer than seven full members) elects only its secretary and, if needed, a deputy
    at its member meeting, and those may be elected with one candidate a seat."""
    candidates = tuple(f"e{i}" for i in range(count))
    election = until(w, "nominated", seats=seats, deputy_seats=deputies, candidates=candidates)
    approve = partial(decide, w, election, "candidate_list_approved", on=LISTED)
    if passes:
        approve()
        assert election_of(w, election).candidates == ids(w, *candidates)
    else:
        error = refused(approve)
        assert rule_ids(error) == {"E-4.2"}
        assert election_of(w, election).candidates == ()


def test_E_4_2_a_small_branch_elects_its_secretary_from_one_candidate_to_a_new_term(
    w: World,
) -> None:
    """A branch of five full members (支部条例: no committee under seven) elects its secretary at
    the member meeting from a single candidate, reports, and its new term starts on that day."""
    add_org(w, "small", "pc", TERM_STARTED)
    for i in range(5):
        w.member(f"s{i}", f"小支部党员{i}", date(1981, 4, i + 1), branch="small")
    add_actor(w, "small", Role.BRANCH_SECRETARY, "small")
    election = request(w, org="small", seats=1, deputy_seats=0)
    decide(w, election, "election_request_approved")
    nominate(w, election, ("s0",), by="small")
    decide(w, election, "candidate_list_approved", on=LISTED)
    ballot(w, election, {"s0": 4}, due=5, present=5, by="small")
    assert election_of(w, election).elected == ids(w, "s0")
    officers(w, election, "s0", (), by="small")
    report(w, election, by="small")
    decide(w, election, "officers_approved", on=CONFIRMED)
    assert election_of(w, election).status is ElectionStatus.COMPLETED
    assert org_of(w, "small").term == Term(VOTED, 3)


def test_E_4_2_a_rejected_list_lets_the_organization_nominate_again(w: World) -> None:
    election = until(w, "nominated", candidates=("e0", "e1", "e2"))
    decide(w, election, "candidate_list_approved", approved=False, on=LISTED)  # no margin asked
    rejected = election_of(w, election)
    assert slugs(rejected)[-1] == "candidate_list_rejected"
    assert rejected.candidates == ()
    assert rejected.status is ElectionStatus.OPEN
    assert [s.slug for s in next_election_steps(rejected)] == ["candidates_nominated"]
    assert refused(lambda: ballot(w, election, {"e0": 9})).first.rule.id == "E-5.1"
    nominate(w, election, ("e0", "e1", "e2", "e4"), on=date(2024, 8, 1))
    decide(w, election, "candidate_list_approved", on=date(2024, 8, 5))
    assert election_of(w, election).candidates == ids(w, "e0", "e1", "e2", "e4")


# E-5.1 to E-5.4: the ballot.


def test_E_5_1_no_ballot_before_the_list_is_approved(w: World) -> None:
    election = request(w)
    votes = {"e0": 9, "e1": 9, "e2": 9, "e3": 1}
    assert refused(lambda: ballot(w, election, votes)).first.rule.id == "E-5.1"
    decide(w, election, "election_request_approved")
    assert refused(lambda: ballot(w, election, votes)).first.rule.id == "E-5.1"
    nominate(w, election)
    assert refused(lambda: ballot(w, election, votes)).first.rule.id == "E-5.1"
    decide(w, election, "candidate_list_approved", on=LISTED)
    ballot(w, election, votes)
    assert election_of(w, election).elected == ids(w, "e0", "e1", "e2")


def test_E_5_2_four_fifths_present_is_not_a_quorum(w: World) -> None:
    election = until(w, "listed")
    votes = {"e0": 8, "e1": 8, "e2": 8, "e3": 1}
    error = refused(lambda: ballot(w, election, votes, due=10, present=8))
    assert error.first.rule.id == "E-5.2"
    assert election_of(w, election).rounds == []
    ballot(w, election, votes, due=10, present=9)


def test_E_5_2_approved_exclusions_lower_the_voters_due(w: World) -> None:
    election = until(w, "listed")
    votes = {"e0": 8, "e1": 8, "e2": 8, "e3": 1}
    ballot(w, election, votes, due=10, excluded=("e9",), present=8)  # 8 > 4/5 of 9 = 7.2
    assert election_of(w, election).elected == ids(w, "e0", "e1", "e2")


def test_E_5_2_more_present_than_due_is_refused(w: World) -> None:
    election = until(w, "listed")
    votes = {"e0": 8, "e1": 8, "e2": 8, "e3": 1}
    assert refused(lambda: ballot(w, election, votes, present=11)).first.rule.id == "E-5.2"
    error = refused(lambda: ballot(w, election, votes, excluded=("e8", "e9"), present=9))
    assert error.first.rule.id == "E-5.2"  # 9 present of 8 due after exclusions
    ballot(w, election, votes, excluded=("e8", "e9"), present=8)


def test_E_5_2_a_member_excluded_twice_is_refused(w: World) -> None:
    election = until(w, "listed")
    votes = {"e0": 8, "e1": 8, "e2": 8, "e3": 1}
    error = refused(lambda: ballot(w, election, votes, excluded=("e9", "e9"), present=8))
    assert error.first.rule.id == "E-5.2"
    ballot(w, election, votes, excluded=("e9", "e8"), present=8)


def test_E_5_3_exactly_half_of_those_present_is_not_elected(w: World) -> None:
    election = until(w, "listed")
    ballot(w, election, {"e0": 4, "e1": 5, "e2": 3, "e3": 0}, present=8, excluded=("e9",))
    counted = election_of(w, election)
    assert counted.rounds[0].elected == ids(w, "e1")
    assert counted.open_seats == 2


def test_E_5_3_more_votes_on_a_line_than_voters_present_is_refused(w: World) -> None:
    election = until(w, "listed")
    too_many = (line(w, "e0", 9, against=1), line(w, "e1", 9), line(w, "e2", 9), line(w, "e3", 0))
    error = refused(lambda: ballot(w, election, lines=too_many, present=9))
    assert rule_ids(error) == {"E-5.3"}
    exact = (line(w, "e0", 8, against=1), line(w, "e1", 9), line(w, "e2", 9), line(w, "e3", 0))
    ballot(w, election, lines=exact, present=9)


def test_E_5_4_only_the_top_seats_of_those_reaching_the_threshold(w: World) -> None:
    election = until(w, "listed")
    ballot(w, election, {"e3": 6, "e0": 9, "e1": 8, "e2": 7})
    counted = election_of(w, election)
    assert counted.elected == ids(w, "e0", "e1", "e2")
    assert counted.open_seats == 0


def test_E_5_4_no_round_after_all_seats_are_filled(w: World) -> None:
    election = until(w, "voted")
    assert "election_held" not in [s.slug for s in next_election_steps(election_of(w, election))]
    error = refused(lambda: ballot(w, election, {"e3": 9}, round=2))
    assert [v.rule.id for v in error.violations] == ["E-5.4"]
    assert len(election_of(w, election).rounds) == 1
    officers(w, election)
    refused(lambda: ballot(w, election, {"e3": 9}, round=2))  # nor after the officers


def test_E_5_4_a_tie_for_the_last_seat_elects_neither_and_a_second_round_follows(
    w: World,
) -> None:
    election = until(w, "listed")
    ballot(w, election, {"e0": 9, "e1": 8, "e2": 7, "e3": 7})
    first = election_of(w, election)
    assert first.elected == ids(w, "e0", "e1")
    assert first.open_seats == 1
    assert {s.slug for s in next_election_steps(first)} == {"election_held", "officers_elected"}

    again = {"e2": 8, "e3": 6}
    for wrong_round in (1, 3):
        error = refused(partial(ballot, w, election, again, round=wrong_round))
        assert error.first.rule.id == "MF-STEP-ORDER"
    ballot(w, election, again, round=2, on=date(2024, 8, 21))
    second = election_of(w, election)
    assert second.elected == ids(w, "e0", "e1", "e2")
    assert [r.elected for r in second.rounds] == [ids(w, "e0", "e1"), ids(w, "e2")]
    assert second.open_seats == 0


def test_E_5_4_a_later_round_lists_only_approved_candidates_not_yet_elected(w: World) -> None:
    election = until(w, "listed")
    ballot(w, election, {"e0": 9, "e1": 8, "e2": 7, "e3": 7})
    for votes in ({"e2": 8, "e0": 1}, {"e2": 8, "e5": 1}, {"e2": 8, "e3": 1, "e4": 2}, {}):
        error = refused(partial(ballot, w, election, votes, round=2))
        assert "E-5.4" in rule_ids(error), votes
    twice = (line(w, "e2", 8), line(w, "e2", 8))
    assert "E-5.4" in rule_ids(refused(lambda: ballot(w, election, lines=twice, round=2)))
    ballot(w, election, {"e2": 8, "e3": 2}, round=2)


def test_E_5_4_a_first_round_listing_a_non_candidate_is_refused(w: World) -> None:
    election = until(w, "listed")
    error = refused(lambda: ballot(w, election, {"e0": 9, "e1": 9, "e2": 9, "e5": 9}))
    assert rule_ids(error) == {"E-5.4"}
    ballot(w, election, {"e0": 9, "e1": 9, "e2": 9, "e3": 9})
    # four reach the threshold with the same votes for three seats: a tie for the last seat
    assert election_of(w, election).elected == ()


def test_E_5_4_seats_may_be_left_empty(w: World) -> None:
    election = until(w, "listed")
    ballot(w, election, {"e0": 9, "e1": 2, "e2": 2, "e3": 2})
    assert election_of(w, election).open_seats == 2
    officers(w, election, deputies=())
    assert slugs(election_of(w, election))[-1] == "officers_elected"


def test_E_5_4_no_officers_before_anyone_is_elected(w: World) -> None:
    election = until(w, "listed")
    ballot(w, election, {"e0": 5, "e1": 2, "e2": 2, "e3": 2})
    assert election_of(w, election).elected == ()
    assert refused(lambda: officers(w, election, deputies=())).first.rule.id == "MF-STEP-ORDER"


def pure_ballot(present: int, votes: dict[UUID, int]) -> Ballot:
    return Ballot(
        round=1,
        due_voters=present,
        present=present,
        ballots=tuple(BallotLine(candidate_id=k, in_favour=v) for k, v in votes.items()),
    )


def test_E_5_3_and_E_5_4_count_ballot_is_a_pure_count() -> None:
    a, b, c, d = (uuid4() for _ in range(4))
    # E-5.3: more than half of those present
    assert count_ballot(pure_ballot(8, {a: 4, b: 5}), 3) == (b,)
    assert count_ballot(pure_ballot(9, {a: 4, b: 5}), 3) == (b,)
    assert count_ballot(pure_ballot(8, {a: 0}), 3) == ()
    # E-5.4: the most votes take the seats, in order of votes
    assert count_ballot(pure_ballot(10, {a: 6, b: 9, c: 7, d: 8}), 3) == (b, d, c)
    assert count_ballot(pure_ballot(10, {a: 6, b: 9, c: 7, d: 8}), 2) == (b, d)
    # a tie for the last seat elects none of the tied; a tie above it elects both
    assert count_ballot(pure_ballot(10, {a: 9, b: 8, c: 8}), 2) == (a,)
    assert count_ballot(pure_ballot(10, {a: 9, b: 9, c: 7}), 2) == (a, b)
    assert count_ballot(pure_ballot(10, {a: 8, b: 8, c: 8}), 2) == ()
    assert count_ballot(pure_ballot(10, {a: 8, b: 8, c: 8}), 3) == (a, b, c)
    assert count_ballot(pure_ballot(10, {a: 9, b: 9}), 0) == ()
    # a candidate below the threshold never fills a seat, however many are open
    assert count_ballot(pure_ballot(10, {a: 9, b: 5}), 2) == (a,)


# E-6.1: the secretary and the deputies come from the elected.


def test_E_6_1_officers_come_from_the_elected_within_the_deputy_seats(w: World) -> None:
    election = until(w, "voted")  # e0, e1, e2 elected; one deputy seat
    wrong: list[tuple[str, tuple[str, ...]]] = [
        ("e3", ("e1",)),  # the secretary was not elected
        ("e0", ("e3",)),  # a deputy was not elected
        ("e0", ("e1", "e2")),  # more deputies than deputy seats
        ("e0", ("e0",)),  # the secretary is also a deputy
        ("e_prob", ()),
    ]
    for secretary, deputies in wrong:
        error = refused(partial(officers, w, election, secretary, deputies))
        assert error.first.rule.id == "E-6.1", (secretary, deputies)
    officers(w, election, "e2", ("e0",))
    assert slugs(election_of(w, election))[-1] == "officers_elected"


def test_E_6_1_a_deputy_named_twice_is_refused(w: World) -> None:
    election = until(w, "voted", seats=3, deputy_seats=2)
    assert refused(lambda: officers(w, election, "e0", ("e1", "e1"))).first.rule.id == "E-6.1"
    officers(w, election, "e0", ("e1", "e2"))


# E-7.1, E-8.1 and E-8.2: the report, the approval and the new term.


def test_E_7_1_results_are_reported_after_the_officers_are_elected(w: World) -> None:
    election = until(w, "listed")
    assert refused(lambda: report(w, election)).first.rule.id == "E-7.1"
    ballot(w, election, {"e0": 9, "e1": 9, "e2": 9, "e3": 1})
    assert refused(lambda: report(w, election)).first.rule.id == "E-7.1"
    assert (
        refused(lambda: decide(w, election, "officers_approved", on=CONFIRMED)).first.rule.id
        == "MF-STEP-ORDER"
    )
    officers(w, election)
    report(w, election)
    assert refused(lambda: report(w, election)).first.rule.id == "E-7.1"  # once


@pytest.mark.parametrize("by", sorted(NOT_THE_PARENT))
def test_E_8_1_only_the_parent_approves_the_officers(w: World, by: str) -> None:
    election = until(w, "reported")
    error = refused(lambda: decide(w, election, "officers_approved", on=CONFIRMED, by=by))
    assert error.first.rule.id == (NOT_THE_PARENT[by] or "E-8.1")
    assert election_of(w, election).status is ElectionStatus.OPEN
    assert org_of(w).term == Term(TERM_STARTED, 3)
    decide(w, election, "officers_approved", on=CONFIRMED)
    assert election_of(w, election).status is ElectionStatus.COMPLETED


def test_E_8_2_the_approval_starts_a_new_term_on_the_day_of_the_last_round(w: World) -> None:
    election = until(w, "listed")
    extend(w, 2)  # a delay of the old term does not carry into the new one
    ballot(w, election, {"e0": 9, "e1": 8, "e2": 7, "e3": 7}, on=date(2024, 8, 20))
    ballot(w, election, {"e2": 8, "e3": 6}, round=2, on=date(2024, 8, 27))
    officers(w, election, on=date(2024, 8, 27))
    report(w, election, on=date(2024, 8, 30))
    assert org_of(w).term == Term(TERM_STARTED, 3, 2)  # nothing changes before the approval
    assert org_of(w).open_election_id == election
    decide(w, election, "officers_approved", on=date(2024, 9, 10))

    completed = election_of(w, election)
    assert completed.status is ElectionStatus.COMPLETED
    assert completed.election_day == date(2024, 8, 27)
    assert next_election_steps(completed) == []
    organization = org_of(w)
    assert organization.term == Term(date(2024, 8, 27), 3)
    assert organization.term.ends_on == date(2027, 8, 27)
    assert organization.open_election_id is None
    assert not organization.overdue_on(date(2024, 9, 11), False)
    assert organization.overdue_on(date(2027, 8, 28), False)
    following = request(w, on=date(2026, 6, 1), planned_date=date(2026, 8, 1))
    assert org_of(w).open_election_id == following


def test_E_8_2_a_primary_committee_serves_five_years(w: World) -> None:
    election = request(w, org="pc", by="official", seats=3, deputy_seats=1)
    decide(w, election, "election_request_approved", by="wc_official")
    nominate(w, election, ("m0", "m1", "e0", "outsider"), by="official")
    decide(w, election, "candidate_list_approved", on=LISTED, by="wc_official")
    ballot(w, election, {"m0": 9, "m1": 9, "e0": 9, "outsider": 2}, by="official")
    officers(w, election, "m0", ("e0",), by="official")
    report(w, election, by="official")
    assert (
        refused(
            lambda: decide(w, election, "officers_approved", on=CONFIRMED, by="official")
        ).first.rule.id
        == "E-8.1"
    )
    decide(w, election, "officers_approved", on=CONFIRMED, by="wc_official")
    assert org_of(w, "pc").term == Term(VOTED, 5)
    assert org_of(w, "pc").open_election_id is None


def test_E_8_2_a_term_length_stated_at_registration_is_kept(w: World) -> None:
    add_org(w, "village", "pc", TERM_STARTED, years=5)
    assert org_of(w, "village").term == Term(TERM_STARTED, 5)
    w.member("v0", "村党员0", date(1970, 6, 1), branch="village")
    w.member("v1", "村党员1", date(1970, 6, 2), branch="village")
    add_actor(w, "village", Role.BRANCH_SECRETARY, "village")
    election = request(w, org="village", seats=1, deputy_seats=0)
    decide(w, election, "election_request_approved")
    nominate(w, election, ("v0", "v1"), by="village")
    decide(w, election, "candidate_list_approved", on=LISTED)
    ballot(w, election, {"v0": 2, "v1": 0}, due=2, present=2, by="village")
    officers(w, election, "v0", (), by="village")
    report(w, election, by="village")
    decide(w, election, "officers_approved", on=CONFIRMED)
    assert org_of(w, "village").term == Term(VOTED, 5)


@pytest.mark.settings(policy_branch_term_years=4, policy_primary_committee_term_years=6)
def test_E_8_2_term_lengths_come_from_policy(world: World) -> None:
    add_org(world, "eb", "pc", TERM_STARTED)
    assert org_of(world, "eb").term == Term(TERM_STARTED, 4)
    for i in range(4):
        world.member(f"e{i}", f"选民{i}", date(1980, 3, i + 1), branch="eb")
    add_actor(world, "eb", Role.BRANCH_SECRETARY, "eb")
    add_actor(world, "parent", Role.COMMITTEE_OFFICIAL, "pc")
    until(world, "reported")
    decide(
        world,
        org_of(world, "eb").open_election_id or uuid4(),
        "officers_approved",
        on=CONFIRMED,
    )
    assert org_of(world, "eb").term == Term(VOTED, 4)
    add_org(world, "pc_b", "wc", date(2022, 3, 1), kind=OrgKind.PRIMARY_COMMITTEE)
    assert org_of(world, "pc_b").term == Term(date(2022, 3, 1), 6)


def test_E_8_2_rejected_officers_are_elected_again(w: World) -> None:
    election = until(w, "reported")
    decide(w, election, "officers_approved", approved=False, on=CONFIRMED)
    rejected = election_of(w, election)
    assert slugs(rejected)[-1] == "officers_rejected"
    assert rejected.status is ElectionStatus.OPEN
    assert [s.slug for s in next_election_steps(rejected)] == ["officers_elected"]
    assert org_of(w).term == Term(TERM_STARTED, 3)
    assert org_of(w).open_election_id == election
    assert refused(lambda: report(w, election)).first.rule.id == "E-7.1"
    officers(w, election, "e1", ("e2",), on=date(2024, 9, 5))
    report(w, election, on=date(2024, 9, 6))
    decide(w, election, "officers_approved", on=date(2024, 9, 15))
    assert election_of(w, election).status is ElectionStatus.COMPLETED
    assert org_of(w).term == Term(VOTED, 3)


# E-OVERDUE: a term ended without an approved election or extension.


def test_E_OVERDUE_an_ended_term_without_an_approved_request(w: World) -> None:
    organization = org_of(w)
    assert organization.overdue_on(TERM_ENDS + timedelta(days=1), False)
    assert not organization.overdue_on(TERM_ENDS - timedelta(days=1), False)
    assert organization.overdue_on(date(2024, 7, 1), False)


def test_E_OVERDUE_an_approved_request_covers_the_organization(w: World) -> None:
    day = date(2024, 7, 15)
    election = request(w)
    assert not request_approved(election_of(w, election))
    assert org_of(w).overdue_on(day, request_approved(election_of(w, election)))
    decide(w, election, "election_request_approved")
    assert request_approved(election_of(w, election))
    assert not org_of(w).overdue_on(day, request_approved(election_of(w, election)))


def covered(world: World, election: UUID, day: date, grace_days: int = 0) -> bool:
    return election_covers(election_of(world, election), day, grace_days)


def test_E_OVERDUE_an_approved_request_covers_only_until_its_planned_date(w: World) -> None:
    """Issue 9 item 7: the approval covers the ended term until the planned date (2024-08-20);
    without a ballot the organization is overdue again the day after."""
    election = until(w, "listed")
    assert not covered(w, election, DECIDED - timedelta(days=1))  # not yet approved that day
    assert covered(w, election, DECIDED)
    assert covered(w, election, PLANNED)
    assert not org_of(w).overdue_on(PLANNED, covered(w, election, PLANNED))
    assert not covered(w, election, PLANNED + timedelta(days=1))
    after = PLANNED + timedelta(days=1)
    assert org_of(w).overdue_on(after, covered(w, election, after))
    assert org_of(w).overdue_on(date(2025, 3, 1), covered(w, election, date(2025, 3, 1)))


def test_E_OVERDUE_a_ballot_on_time_keeps_it_covered_until_the_new_term(w: World) -> None:
    election = until(w, "voted")  # the ballot on the planned date
    assert election_of(w, election).first_ballot_on == PLANNED
    for day in (PLANNED, PLANNED + timedelta(days=1), date(2025, 3, 1)):
        assert covered(w, election, day)
        assert not org_of(w).overdue_on(day, covered(w, election, day))
    officers(w, election)
    report(w, election)
    decide(w, election, "officers_approved", on=CONFIRMED)
    assert org_of(w).term == Term(VOTED, 3)
    assert not org_of(w).overdue_on(CONFIRMED, False)  # the new term runs


def test_E_OVERDUE_a_late_ballot_ends_the_overdue_from_its_day(w: World) -> None:
    election = until(w, "listed")
    late = PLANNED + timedelta(days=10)
    ballot(w, election, {"e0": 9, "e1": 9, "e2": 9, "e3": 1}, on=late)
    before = late - timedelta(days=1)
    assert not covered(w, election, before)  # overdue between the planned date and the ballot
    assert org_of(w).overdue_on(before, covered(w, election, before))
    assert covered(w, election, late)
    assert not org_of(w).overdue_on(late, covered(w, election, late))


def test_E_OVERDUE_the_policy_grace_extends_the_cover(w: World) -> None:
    election = until(w, "listed")
    assert covered(w, election, PLANNED + timedelta(days=30), grace_days=30)
    assert not covered(w, election, PLANNED + timedelta(days=31), grace_days=30)
    assert not covered(w, election, PLANNED + timedelta(days=1), grace_days=0)


@pytest.mark.settings(policy_election_overdue_grace_days=30)
def test_E_OVERDUE_the_grace_is_a_setting(w: World) -> None:
    assert w.memberflow.settings.policy.election_overdue_grace_days == 30


def test_E_OVERDUE_the_cover_is_a_pure_function_of_three_dates() -> None:
    planned = date(2024, 8, 20)
    waiting = ElectionCover(
        approved_on=date(2024, 7, 10), planned_date=planned, first_ballot_on=None
    )
    assert waiting.covers(planned, 0)
    assert not waiting.covers(planned + timedelta(days=1), 0)
    assert waiting.covers(planned + timedelta(days=5), 5)
    assert not waiting.covers(date(2024, 7, 9), 0)  # before the approval
    unapproved = ElectionCover(approved_on=None, planned_date=planned, first_ballot_on=None)
    assert not unapproved.covers(date(2024, 7, 15), 365)
    balloted = ElectionCover(
        approved_on=date(2024, 7, 10), planned_date=planned, first_ballot_on=date(2024, 9, 1)
    )
    assert not balloted.covers(date(2024, 8, 31), 0)
    assert balloted.covers(date(2024, 9, 1), 0)
    assert balloted.covers(date(2026, 1, 1), 0)


def test_E_OVERDUE_a_rejected_request_does_not_cover_it(w: World) -> None:
    election = request(w)
    decide(w, election, "election_request_approved", approved=False)
    assert not request_approved(election_of(w, election))
    assert org_of(w).overdue_on(date(2024, 7, 15), request_approved(election_of(w, election)))
    assert not covered(w, election, date(2024, 7, 15), grace_days=365)


def test_E_OVERDUE_an_extension_covers_the_days_it_adds(w: World) -> None:
    extend(w, 6)
    organization = org_of(w)
    assert not organization.overdue_on(date(2024, 11, 30), False)
    assert organization.overdue_on(date(2024, 12, 2), False)


def test_E_OVERDUE_an_organization_without_a_term_is_never_overdue(w: World) -> None:
    add_org(w, "termless", "pc", None)
    assert not org_of(w, "termless").overdue_on(date(2099, 1, 1), False)
    assert not org_of(w, "branch").overdue_on(date(2099, 1, 1), False)


# MF-NO-TERM: a working committee has no term and holds no term-change election.


def test_MF_NO_TERM_a_working_committee_cannot_request_an_election(w: World) -> None:
    add_org(w, "wc_sub", "wc", None, kind=OrgKind.WORKING_COMMITTEE)
    add_actor(w, "wc_sub", Role.COMMITTEE_OFFICIAL, "wc_sub")
    error = refused(lambda: request(w, org="wc_sub", seats=1, deputy_seats=0))
    assert rule_ids(error) == {"MF-NO-TERM"}
    assert error.first.rule.source.startswith("DOMAIN.md §4")
    assert org_of(w, "wc_sub").open_election_id is None
    assert org_of(w, "wc_sub").term is None
    root = refused(lambda: request(w, org="wc", by="wc_official"))
    assert root.first.rule.id == "MF-NO-TERM"
    assert rule_ids(root) == {"MF-NO-TERM", "E-2.1"}
    # the regular path: the committee under it asks and the working committee answers
    election = request(w, org="pc", by="official")
    decide(w, election, "election_request_approved", by="wc_official")
    assert request_approved(election_of(w, election))


# MF-ELECTION-CLOSED and MF-FUTURE-DATE.


@pytest.mark.parametrize(
    ("slug", "by"),
    [
        ("election_request_approved", "parent"),
        ("candidates_nominated", "eb"),
        ("officers_approved", "parent"),
    ],
)
def test_MF_ELECTION_CLOSED_no_step_on_a_rejected_election(w: World, slug: str, by: str) -> None:
    election = request(w)
    decide(w, election, "election_request_approved", approved=False)
    details: StepDetails = (
        Nomination(candidates=ids(w, *FOUR))
        if slug == "candidates_nominated"
        else Decision(approved=True)
    )
    error = refused(lambda: step(w, election, slug, details, on=LISTED, by=by))
    assert [v.rule.id for v in error.violations] == ["MF-ELECTION-CLOSED"]


def test_MF_ELECTION_CLOSED_no_step_on_a_completed_election(w: World) -> None:
    election = until(w, "reported")
    decide(w, election, "officers_approved", on=CONFIRMED)
    attempts: list[Callable[[], object]] = [
        lambda: decide(w, election, "officers_approved", on=CONFIRMED),
        lambda: decide(w, election, "officers_approved", approved=False, on=CONFIRMED),
        lambda: officers(w, election, on=CONFIRMED),
        lambda: ballot(w, election, {"e3": 9}, round=2),
        lambda: report(w, election),
    ]
    for attempt in attempts:
        assert refused(attempt).first.rule.id == "MF-ELECTION-CLOSED"
    assert len(election_of(w, election).records) == 7


def test_MF_FUTURE_DATE_election_steps_are_not_dated_after_today(w: World) -> None:
    today = date(2024, 7, 10)
    w.clock.set_day(today)
    tomorrow = today + timedelta(days=1)
    assert refused(lambda: request(w, on=tomorrow)).first.rule.id == "MF-FUTURE-DATE"
    election = request(w, on=today)
    error = refused(lambda: decide(w, election, "election_request_approved", on=tomorrow))
    assert error.first.rule.id == "MF-FUTURE-DATE"
    both = refused(
        lambda: decide(w, election, "election_request_approved", on=tomorrow, by="grandparent")
    )
    assert rule_ids(both) == {"MF-FUTURE-DATE", "E-2.1"}
    decide(w, election, "election_request_approved", on=today)
    w.clock.set_day(NOMINATED)
    assert (
        refused(lambda: nominate(w, election, on=NOMINATED + timedelta(days=1))).first.rule.id
        == "MF-FUTURE-DATE"
    )
    nominate(w, election, on=NOMINATED)

"""Rules about the case as a whole: A-T, A-P, A-X and MF-* (exceptions: test_exceptions.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from domain.admission.values import Applicant, CaseStatus
from domain.commands import (
    Entry,
    SetDevelopmentPlan,
    SubmitApplication,
    TakeStep,
    TransferCase,
    WithdrawCase,
)
from domain.errors import RulesBroken
from domain.workflow import StepDetails
from tests.support.identity import id_number
from tests.support.world import ALL_OPINIONS, World


def refused_with(call: Callable[[], object]) -> set[str]:
    """The rule ids of the refusal ``call`` must raise."""
    with pytest.raises(RulesBroken) as excinfo:
        call()
    return {v.rule.id for v in excinfo.value.violations}


def transfer(world: World, case_id: UUID, to: str, on: date) -> None:
    world.clock.set_day(on)
    world.run(TransferCase(case_id, world.ids[to], Entry(on)), "secretary")


def withdraw(world: World, case_id: UUID, on: date) -> None:
    world.clock.set_day(on)
    world.run(WithdrawCase(case_id, "本人撤回", Entry(on)), "secretary")


# A-T: transfer.


def test_A_T_transfer_to_the_same_branch_refused(world: World) -> None:
    case_id = world.case_before(5)
    assert refused_with(lambda: transfer(world, case_id, "branch", date(2023, 5, 1))) == {"A-T"}
    case = world.case(case_id)
    assert case.branch_id == world.ids["branch"]
    assert case.transfers == []


@pytest.mark.parametrize("target", ["pc", "gb", "wc", "pc2"])
def test_A_T_transfer_to_a_non_branch_refused(world: World, target: str) -> None:
    case_id = world.case_before(5)
    assert refused_with(lambda: transfer(world, case_id, target, date(2023, 5, 1))) == {"A-T"}
    assert world.case(case_id).branch_id == world.ids["branch"]


def test_A_T_transfer_moves_the_case_and_keeps_its_history(world: World) -> None:
    case_id = world.case_before(5)
    before = [(r.number, r.occurred_on, r.version) for r in world.case(case_id).records]

    transfer(world, case_id, "branch_b", date(2023, 5, 1))

    case = world.case(case_id)  # read back from the store
    assert case.branch_id == world.ids["branch_b"]
    assert [(r.number, r.occurred_on, r.version) for r in case.records] == before
    assert len(case.transfers) == 1
    moved = case.transfers[0]
    assert (moved.from_branch_id, moved.to_branch_id) == (
        world.ids["branch"],
        world.ids["branch_b"],
    )
    assert moved.occurred_on == date(2023, 5, 1)
    assert moved.from_committee_id == moved.to_committee_id == world.ids["pc"]
    events = [type(e).__name__ for e in world.memberflow.membership.history(case_id)]
    assert events[-1] == "Transferred"


def test_A_T_time_served_before_a_transfer_counts(world: World) -> None:
    """A-T: the year of A-7.1 runs from the designation in the old branch."""
    case_id = world.case_before(5)
    transfer(world, case_id, "branch_b", date(2023, 5, 1))
    world.step(case_id, "contacts_assigned")
    world.step(case_id, "activist_assessed", on=date(2023, 10, 1))
    world.step(case_id, "activist_assessed", on=date(2024, 3, 1))
    opinions = [{**o, "heard_on": "2024-04-05"} for o in ALL_OPINIONS]
    world.step(
        case_id, "development_target_designated", on=date(2024, 4, 10), opinions_heard=opinions
    )
    assert world.case(case_id).has("development_target_designated")


def test_A_T_transferred_case_is_approved_by_the_new_branchs_committee(world: World) -> None:
    """A-T with O-1: moved under branch2, the working committee decides; pc, whose subtree the
    case has left, may not even act on it (MF-ACCESS), and pc2, above branch2 but without the
    power to approve, is refused by O-1 (A-13.1)."""
    case_id = world.case_before(13)
    transfer(world, case_id, "branch2", date(2024, 6, 25))
    assert refused_with(lambda: world.step(case_id, "pre_review_passed", by="official")) == {
        "MF-ACCESS"
    }
    assert refused_with(lambda: world.step(case_id, "pre_review_passed", by="pc2_official")) == {
        "A-13.1"
    }
    world.step(case_id, "pre_review_passed", by="wc_official")
    assert world.case(case_id).has("pre_review_passed")


def test_A_T_a_closed_case_cannot_be_transferred(world: World) -> None:
    case_id = world.case_before(5)
    withdraw(world, case_id, date(2023, 4, 20))
    assert refused_with(lambda: transfer(world, case_id, "branch_b", date(2023, 5, 1))) == {
        "MF-CASE-CLOSED"
    }


# A-P: development plans.


def set_plan(world: World, org: str, admissions: int, year: int = 2025) -> None:
    world.clock.set_day(date(2025, 1, 5))
    world.run(
        SetDevelopmentPlan(world.ids[org], year, admissions, Entry(date(2025, 1, 5))), "department"
    )


def plans(world: World, org: str) -> dict[int, int]:
    return world.memberflow.organizations.organization(world.ids[org]).development_plans


@pytest.mark.parametrize("org", ["pc", "wc"])
def test_A_P_plan_of_an_approving_committee_is_stored(world: World, org: str) -> None:
    set_plan(world, org, 12)
    set_plan(world, org, 0, year=2026)
    assert plans(world, org) == {2025: 12, 2026: 0}
    set_plan(world, org, 8)
    assert plans(world, org) == {2025: 8, 2026: 0}


@pytest.mark.parametrize("org", ["gb", "branch", "branch2", "pc2"])
def test_A_P_plan_on_a_non_approving_organization_refused(world: World, org: str) -> None:
    assert refused_with(lambda: set_plan(world, org, 5)) == {"A-P"}
    assert plans(world, org) == {}


def test_A_P_negative_plan_refused(world: World) -> None:
    assert refused_with(lambda: set_plan(world, "pc", -1)) == {"A-P"}
    assert plans(world, "pc") == {}


# A-X: one open case per person.


def test_A_X_a_second_open_case_for_the_same_person_refused(world: World) -> None:
    first = world.submit(name="李四", birth_date=date(1999, 9, 9))
    with pytest.raises(RulesBroken) as excinfo:  # by the committee over both branches
        world.submit(
            name="李四",
            birth_date=date(1999, 9, 9),
            on=date(2023, 6, 1),
            branch="branch_b",
            by="official",
        )
    assert excinfo.value.first.rule.id == "A-X"
    assert str(first) in excinfo.value.first.detail_en
    # same name, another birth date: another person
    world.submit(name="李四", birth_date=date(1999, 9, 10))


def test_A_X_after_withdrawal_a_new_case_is_allowed_and_linked(world: World) -> None:
    first = world.submit(name="李四", birth_date=date(1999, 9, 9))
    withdraw(world, first, date(2023, 4, 1))
    assert world.case(first).status is CaseStatus.WITHDRAWN

    second = world.submit(name="李四", birth_date=date(1999, 9, 9), on=date(2023, 6, 1))
    assert second != first
    person = world.memberflow.membership.person(world.case(first).person_id)
    assert person is not None
    assert person.case_ids == [first, second]
    assert world.case(second).person_id == world.case(first).person_id


def test_A_X_after_termination_a_new_case_is_allowed(world: World) -> None:
    first = world.case_before(10, name="王二", birth_date=date(1996, 1, 2))
    world.step(first, "political_review_concluded", conclusion="failed")
    second = world.submit(name="王二", birth_date=date(1996, 1, 2), on=date(2024, 7, 1))
    assert world.case(second).is_open


def test_A_X_a_registered_member_cannot_apply(world: World) -> None:
    """A-X: "党员0" born 1975-01-01 is in the registry."""
    assert refused_with(lambda: world.submit(name="党员0", birth_date=date(1975, 1, 1))) == {"A-X"}
    assert refused_with(lambda: world.submit(name=" 党员0 ", birth_date=date(1975, 1, 1))) == {
        "A-X"
    }
    world.submit(name="党员0", birth_date=date(1975, 1, 2))


# MF-FUTURE-DATE.


def test_MF_FUTURE_DATE_a_step_dated_after_today_refused(world: World) -> None:
    case_id = world.submit()
    with pytest.raises(RulesBroken) as excinfo:
        world.step(
            case_id, "applicant_interviewed", on=date(2023, 3, 21), recorded_on=date(2023, 3, 20)
        )
    assert {v.rule.id for v in excinfo.value.violations} == {"MF-FUTURE-DATE"}
    assert not world.case(case_id).has("applicant_interviewed")
    world.step(
        case_id, "applicant_interviewed", on=date(2023, 3, 20), recorded_on=date(2023, 3, 20)
    )
    assert world.case(case_id).has("applicant_interviewed")


@pytest.mark.parametrize(
    ("utc_now", "accepted"),
    [
        (datetime(2023, 3, 20, 15, 59, tzinfo=UTC), False),  # 23:59 on the 20th in Shanghai
        (datetime(2023, 3, 20, 16, 0, tzinfo=UTC), True),  # midnight: the 21st in Shanghai
    ],
)
def test_MF_FUTURE_DATE_today_is_the_day_in_Asia_Shanghai(
    world: World, utc_now: datetime, accepted: bool
) -> None:
    case_id = world.submit()
    world.clock.current = utc_now
    command = TakeStep(case_id, "applicant_interviewed", StepDetails(), Entry(date(2023, 3, 21)))
    if accepted:
        world.run(command, "secretary")
        assert world.case(case_id).has("applicant_interviewed")
    else:
        assert refused_with(lambda: world.run(command, "secretary")) == {"MF-FUTURE-DATE"}


def test_MF_FUTURE_DATE_an_application_dated_after_today_refused(world: World) -> None:
    world.clock.set_day(date(2023, 2, 28))
    command = SubmitApplication(
        Applicant(name="未来", birth_date=date(1990, 1, 1), id_number=id_number(date(1990, 1, 1))),
        world.ids["branch"],
        "work_unit",
        Entry(date(2023, 3, 1)),
    )
    assert refused_with(lambda: world.run(command, "secretary")) == {"MF-FUTURE-DATE"}
    world.clock.set_day(date(2023, 3, 1))
    world.run(command, "secretary")


def test_MF_FUTURE_DATE_a_withdrawal_dated_after_today_refused(world: World) -> None:
    case_id = world.submit()
    world.clock.set_day(date(2023, 3, 10))
    command = WithdrawCase(case_id, "撤回", Entry(date(2023, 3, 11)))
    assert refused_with(lambda: world.run(command, "secretary")) == {"MF-FUTURE-DATE"}
    assert world.case(case_id).is_open


# MF-STEP-REPEATED.


@pytest.mark.parametrize(
    ("number", "slug"),
    [(2, "applicant_interviewed"), (3, "activist_designated"), (5, "contacts_assigned")],
)
def test_MF_STEP_REPEATED_a_non_repeatable_step_twice_refused(
    world: World, number: int, slug: str
) -> None:
    case_id = world.case_before(number + 1)
    assert world.case(case_id).has(slug)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, slug)
    assert {v.rule.id for v in excinfo.value.violations} == {"MF-STEP-REPEATED"}
    assert len(world.case(case_id).records_of(slug)) == 1


def test_MF_STEP_REPEATED_assessment_is_repeatable(world: World) -> None:
    case_id = world.case_before(6)
    for day in (date(2023, 10, 1), date(2024, 3, 1), date(2024, 4, 1)):
        world.step(case_id, "activist_assessed", on=day)
    assert len(world.case(case_id).records_of("activist_assessed")) == 3


def test_MF_STEP_REPEATED_is_not_waived_by_an_exception(world: World) -> None:
    case_id = world.case_before(6)
    assert refused_with(
        lambda: world.except_(case_id, "contacts_assigned", "MF-STEP-REPEATED", on=date(2023, 5, 1))
    ) == {"MF-EXCEPTION"}


# MF-STEP-ORDER.


@pytest.mark.parametrize(
    ("before", "slug"),
    [
        (3, "contacts_assigned"),
        (3, "activist_assessed"),
        (5, "development_target_designated"),
        (7, "political_review_concluded"),
        (7, "training_completed"),
        (22, "branch_meeting_converted"),
    ],
)
def test_MF_STEP_ORDER_a_step_before_its_prerequisite_refused(
    world: World, before: int, slug: str
) -> None:
    case_id = world.case_before(before)
    version = world.case(case_id).version
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, slug)
    assert excinfo.value.first.rule.id == "MF-STEP-ORDER"
    assert world.case(case_id).version == version


def test_MF_STEP_ORDER_contacts_after_activist_designated_accepted(world: World) -> None:
    case_id = world.case_before(3)
    assert refused_with(lambda: world.step(case_id, "contacts_assigned")) == {"MF-STEP-ORDER"}
    world.step(case_id, "activist_designated")
    world.step(case_id, "contacts_assigned")
    assert world.case(case_id).has("contacts_assigned")


# MF-CASE-CLOSED.


def test_MF_CASE_CLOSED_no_step_after_withdrawal(world: World) -> None:
    case_id = world.case_before(3)
    withdraw(world, case_id, date(2023, 3, 25))
    assert world.case(case_id).status is CaseStatus.WITHDRAWN
    assert refused_with(lambda: world.step(case_id, "activist_designated")) == {"MF-CASE-CLOSED"}
    assert refused_with(lambda: withdraw(world, case_id, date(2023, 4, 1))) == {"MF-CASE-CLOSED"}

"""The clean path through all 25 steps: every rule kept, no finding raised."""

from __future__ import annotations

from datetime import date

from domain.admission.findings import case_findings
from domain.admission.values import CaseStatus
from domain.commands import Entry, WithdrawCase
from domain.members import MemberStatus
from tests.support.world import CLEAN_PATH, World


def test_a_clean_case_walks_all_25_steps_without_findings(world: World) -> None:
    case_id = world.submit(name="王五")
    world.follow(case_id, CLEAN_PATH)

    case = world.case(case_id)
    assert case.status is CaseStatus.ARCHIVED
    assert sorted({r.number for r in case.records}) == list(range(1, 26))
    assert case_findings(case, world.memberflow.settings.policy) == []


def test_approval_and_conversion_keep_the_registry_in_step(world: World) -> None:
    """O-3, A-17.3, A-24.3: approval adds a probationary member; conversion makes a full one."""
    case_id = world.case_before(18, name="赵六")
    member_id = world.member_id_of(case_id)
    member = world.memberflow.membership.member(member_id)
    assert member.status is MemberStatus.PROBATIONARY
    assert member.joined_on == date(2024, 7, 20)  # the branch meeting's date
    case = world.case(case_id)
    assert (case.probation_start, case.probation_end) == (date(2024, 7, 20), date(2025, 7, 20))

    world.continue_from(case_id, 18)
    member = world.memberflow.membership.member(member_id)
    assert member.status is MemberStatus.FULL
    assert member.full_since == date(2025, 7, 20)  # the end of probation, not the approval
    assert world.case(case_id).party_standing_from == date(2025, 7, 20)


def test_A_X_a_new_case_after_a_withdrawal_links_to_the_earlier_one(world: World) -> None:
    first = world.case_before(3, name="钱七")
    world.clock.set_day(date(2023, 4, 1))
    world.run(WithdrawCase(first, "本人撤回", Entry(date(2023, 4, 1))), "secretary")

    second = world.submit(name="钱七", on=date(2024, 3, 1))

    assert world.case(second).earlier_case_id == first
    assert world.case(first).earlier_case_id is None

"""Transfers (A-T, A-T.2) seen by the findings and the approval (issue 9, item 5): a transfer is
subject to F-LATE and F-ORDER like any event, and a move after the pre-review into a branch under
another approving committee needs that committee's own pre-review before it approves."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from domain.admission.findings import case_findings
from domain.commands import Entry, TransferCase
from domain.errors import RulesBroken
from domain.findings import Finding
from tests.support.world import World


def transfer(
    world: World, case_id: UUID, to: str, on: date, recorded_on: date | None = None
) -> None:
    world.clock.set_day(recorded_on or on)
    world.run(TransferCase(case_id, world.ids[to], Entry(on)), "secretary")


def findings(world: World, case_id: UUID, kind: str) -> list[Finding]:
    found = case_findings(world.case(case_id), world.memberflow.settings.policy)
    return [f for f in found if f.kind == kind]


def refused_with(world: World, case_id: UUID, slug: str, **options: object) -> set[str]:
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, slug, **options)  # type: ignore[arg-type]
    return {v.rule.id for v in excinfo.value.violations}


def test_F_LATE_a_transfer_entered_a_year_after_its_date(world: World) -> None:
    """The input that raised nothing before: made six weeks before the branch meeting, entered
    with a date a year earlier."""
    case_id = world.case_before(15)
    transfer(world, case_id, "branch_b", on=date(2023, 6, 8), recorded_on=date(2024, 6, 8))
    late = findings(world, case_id, "F-LATE")
    assert [(f.step, f.occurred_on) for f in late] == [("transferred", date(2023, 6, 8))]


def test_F_ORDER_a_transfer_dated_before_steps_already_recorded(world: World) -> None:
    case_id = world.case_before(8)  # the activist was assessed on 2023-10-01 and 2024-03-01 …
    transfer(world, case_id, "branch_b", on=date(2023, 6, 8), recorded_on=date(2024, 4, 22))
    order = findings(world, case_id, "F-ORDER")
    assert [f.step for f in order] == ["transferred"]
    assert "activist_assessed (2023-10-01)" in order[0].detail_en
    assert "development_target_designated (2024-04-20)" in order[0].detail_en


def test_a_transfer_entered_in_time_raises_neither(world: World) -> None:
    case_id = world.case_before(8)
    transfer(world, case_id, "branch_b", on=date(2024, 4, 22))
    assert findings(world, case_id, "F-LATE") == findings(world, case_id, "F-ORDER") == []


# A-T.2: a move to another approving committee between the pre-review and the approval.


def moved_after_pre_review(world: World) -> UUID:
    """Pre-reviewed by pc, then moved to branch2, whose approving committee is wc."""
    case_id = world.case_before(14)
    transfer(world, case_id, "branch2", on=date(2024, 7, 5))
    world.step(case_id, "application_form_completed", by="secretary2")
    world.step(case_id, "branch_meeting_admitted", by="secretary2")
    world.step(case_id, "committee_interview_held", by="wc_official")
    return case_id


def test_A_T_2_the_new_committee_must_pre_review_before_it_approves(world: World) -> None:
    case_id = moved_after_pre_review(world)
    assert refused_with(world, case_id, "admission_approved", by="wc_official") == {"A-T.2"}
    assert world.case(case_id).pre_review_pending

    world.step(case_id, "pre_review_passed", on=date(2024, 8, 5), by="wc_official")
    world.step(case_id, "admission_approved", by="wc_official")
    assert world.case(case_id).approval is not None


def test_A_T_2_is_never_waived(world: World) -> None:
    case_id = moved_after_pre_review(world)
    with pytest.raises(RulesBroken) as excinfo:
        world.except_(case_id, "admission_approved", "A-T.2", on=date(2024, 8, 5), by="wc_official")
    assert {v.rule.id for v in excinfo.value.violations} == {"MF-EXCEPTION"}


def test_A_T_2_the_old_committee_cannot_pre_review_again(world: World) -> None:
    case_id = moved_after_pre_review(world)
    assert refused_with(  # the case has left its subtree
        world, case_id, "pre_review_passed", on=date(2024, 8, 5), by="official"
    ) == {"MF-ACCESS"}
    assert refused_with(  # above branch2, but not its approving committee (O-1)
        world, case_id, "pre_review_passed", on=date(2024, 8, 5), by="pc2_official"
    ) == {"A-13.1"}


def test_A_T_2_raises_F_TRANSFER_at_the_move(world: World) -> None:
    case_id = moved_after_pre_review(world)
    moves = [f for f in findings(world, case_id, "F-TRANSFER") if f.rule == "A-T.2"]
    assert [(f.step, f.occurred_on) for f in moves] == [("transferred", date(2024, 7, 5))]
    assert str(world.ids["wc"]) in moves[0].detail_en


def test_A_T_2_a_move_within_the_same_committee_needs_no_new_pre_review(world: World) -> None:
    case_id = world.case_before(14)
    transfer(world, case_id, "branch_b", on=date(2024, 7, 5))  # branch_b is also under pc
    world.continue_from(case_id, 14)
    case = world.case(case_id)
    assert case.approval is not None
    assert not case.pre_review_pending
    assert [f for f in findings(world, case_id, "F-TRANSFER") if f.rule == "A-T.2"] == []


def test_A_T_2_a_move_before_the_pre_review_asks_nothing_more(world: World) -> None:
    case_id = world.case_before(13)
    transfer(world, case_id, "branch2", on=date(2024, 6, 25))
    world.step(case_id, "pre_review_passed", by="wc_official")
    assert not world.case(case_id).pre_review_pending
    with pytest.raises(RulesBroken) as excinfo:  # and only once
        world.step(case_id, "pre_review_passed", on=date(2024, 7, 2), by="wc_official")
    assert {v.rule.id for v in excinfo.value.violations} == {"MF-STEP-REPEATED"}

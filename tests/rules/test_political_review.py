"""A-10.4 (issue 9, item 4): the political review may be renewed before the branch meeting on
admission; the latest conclusion counts, so a renewed review clears F-STALE and a later failed
conclusion still ends the case."""

from __future__ import annotations

from datetime import date

import pytest

from domain.admission.findings import case_findings
from domain.admission.values import CaseStatus
from domain.errors import RulesBroken
from tests.support.world import World


def stale(world: World, case_id: object) -> list[str]:
    found = case_findings(world.case(case_id), world.memberflow.settings.policy)  # type: ignore[arg-type]
    return [f.step for f in found if f.kind == "F-STALE"]


def test_A_10_4_a_renewed_review_is_recorded_and_the_latest_counts(world: World) -> None:
    """The input refused before (MF-STEP-REPEATED): a second conclusion before step 15."""
    case_id = world.case_before(15)  # reviewed on 2024-06-01
    world.step(case_id, "political_review_concluded", on=date(2024, 7, 15))
    case = world.case(case_id)
    assert [r.occurred_on for r in case.records_of("political_review_concluded")] == [
        date(2024, 6, 1),
        date(2024, 7, 15),
    ]


def test_A_10_4_renewal_clears_F_STALE(world: World) -> None:
    """A-10.3: the meeting is held more than a year after the first review; renewed a month
    before, the review is current again."""
    stale_case = world.case_before(15, name="旧政审")
    world.step(stale_case, "branch_meeting_admitted", on=date(2025, 6, 5))
    assert stale(world, stale_case) == ["branch_meeting_admitted"]

    renewed = world.case_before(15, name="新政审")
    world.step(renewed, "political_review_concluded", on=date(2025, 5, 20))
    world.step(renewed, "branch_meeting_admitted", on=date(2025, 6, 5))
    assert stale(world, renewed) == []


def test_A_10_4_a_later_failed_conclusion_still_ends_the_case(world: World) -> None:
    case_id = world.case_before(15)
    world.step(case_id, "political_review_concluded", on=date(2024, 7, 15), conclusion="failed")
    case = world.case(case_id)
    assert case.status is CaseStatus.TERMINATED
    assert case.closing is not None
    assert case.closing[0] == "political review failed"


def test_A_10_4_no_renewal_after_the_branch_meeting(world: World) -> None:
    case_id = world.case_before(16)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "political_review_concluded", on=date(2024, 7, 25))
    assert {v.rule.id for v in excinfo.value.violations} == {"MF-STEP-REPEATED"}

"""Per-case findings (DOMAIN.md §3, F-…) and the next steps of a case (domain.admission.progress).

Each test changes one thing on the clean path and checks the finding that names it, and the
boundary that raises none.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from domain.admission.findings import case_findings
from domain.admission.progress import NextStep, next_steps
from domain.errors import RulesBroken
from domain.findings import Finding
from memberflow.bootstrap import build
from tests.support.world import World, path_between

APPLIED_ON = date(2023, 3, 1)
DESIGNATED_ON = date(2023, 4, 10)  # activist_designated on the clean path
REVIEWED_ON = date(2024, 6, 1)  # political_review_concluded on the clean path
MEETING_ON = date(2024, 7, 20)  # branch_meeting_admitted on the clean path

Summary = tuple[str, str | None, str]


def findings(world: World, case_id: UUID) -> list[Finding]:
    return case_findings(world.case(case_id), world.memberflow.settings.policy)


def summary(world: World, case_id: UUID) -> list[Summary]:
    """(kind, rule, step) of every finding of the case, in the order of the case's events."""
    return [(f.kind, f.rule, f.step) for f in findings(world, case_id)]


def upcoming(world: World, case_id: UUID) -> dict[str, NextStep]:
    return {
        n.step.slug: n for n in next_steps(world.case(case_id), world.memberflow.settings.policy)
    }


# F-EXC


def test_F_EXC_an_exception_that_was_used_is_a_finding(world: World) -> None:
    """F-EXC: training of 2 days / 16 hours breaks A-11.1; an exception lets it through, and the
    exception shows as a finding naming A-11.1."""
    case_id = world.case_before(11)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "training_completed", days=2, hours=16)
    assert refused.value.first.rule.id == "A-11.1"

    world.except_(case_id, "training_completed", "A-11.1", on=date(2024, 6, 5), reason="疫情")
    world.step(case_id, "training_completed", days=2, hours=16)
    assert world.case(case_id).latest("training_completed") is not None
    assert summary(world, case_id) == [("F-EXC", "A-11.1", "exception_granted")]
    (finding,) = findings(world, case_id)
    assert "(used)" in finding.detail_en
    assert "疫情" in finding.detail_zh


def test_F_EXC_an_exception_never_used_is_still_a_finding(world: World) -> None:
    """F-EXC: an exception granted is always a finding, even when the step kept the rule."""
    case_id = world.case_before(11)
    world.except_(case_id, "training_completed", "A-11.1", on=date(2024, 6, 5))
    world.step(case_id, "training_completed")  # 3 days, 24 hours: no exception needed
    assert summary(world, case_id) == [("F-EXC", "A-11.1", "exception_granted")]
    assert "(unused)" in findings(world, case_id)[0].detail_en


# F-DEADLINE


def test_F_DEADLINE_A_2_2_interview_over_a_month_after_the_application(world: World) -> None:
    """A-2.2: applied 2023-03-01; an interview on 2023-04-02 is late, on 2023-04-01 in time."""
    late = world.submit()
    world.step(late, "applicant_interviewed", on=date(2023, 4, 2))
    assert summary(world, late) == [("F-DEADLINE", "A-2.2", "applicant_interviewed")]

    in_time = world.submit()
    world.step(in_time, "applicant_interviewed", on=date(2023, 4, 1))
    assert summary(world, in_time) == []


def test_F_DEADLINE_A_6_1_first_assessment_over_six_months_after_designation(
    world: World,
) -> None:
    """A-6.1: designated 2023-04-10; a first assessment on 2023-10-11 leaves a gap over six
    months; one on 2023-10-10 does not."""
    late = world.case_before(6)
    world.step(late, "activist_assessed", on=date(2023, 10, 11))
    assert summary(world, late) == [("F-DEADLINE", "A-6.1", "activist_assessed")]

    in_time = world.case_before(6)
    world.step(in_time, "activist_assessed", on=date(2023, 10, 10))
    assert summary(world, in_time) == []


def test_F_DEADLINE_A_6_1_gap_between_two_assessments(world: World) -> None:
    """A-6.1: assessments of 2023-10-10 and 2024-04-11 leave a gap over six months, raised on
    the second; 2024-04-10 would be in time."""
    case_id = world.case_before(6)
    world.step(case_id, "activist_assessed", on=date(2023, 10, 10))
    world.step(case_id, "activist_assessed", on=date(2024, 4, 10))
    assert summary(world, case_id) == []
    world.step(case_id, "activist_assessed", on=date(2024, 10, 11))
    found = findings(world, case_id)
    assert [(f.kind, f.rule, f.occurred_on) for f in found] == [
        ("F-DEADLINE", "A-6.1", date(2024, 10, 11))
    ]


def test_F_DEADLINE_A_6_1_gap_before_the_designation_as_target(world: World) -> None:
    """A-6.1: the last assessment is 2024-03-01; a target designation on 2024-09-02 closes a
    gap over six months."""
    case_id = world.case_before(7)
    world.step(case_id, "development_target_designated", on=date(2024, 9, 2))
    assert summary(world, case_id) == [("F-DEADLINE", "A-6.1", "development_target_designated")]


# F-LATE


@pytest.mark.parametrize(("delay", "late"), [(30, False), (31, True)])
def test_F_LATE_step_recorded_more_than_30_days_after_its_date(
    world: World, delay: int, late: bool
) -> None:
    """F-LATE: recorded_at − occurred_on > 30 days (policy); exactly 30 days is no finding."""
    occurred = date(2023, 3, 20)
    case_id = world.submit()
    world.step(
        case_id,
        "applicant_interviewed",
        on=occurred,
        recorded_on=date.fromordinal(occurred.toordinal() + delay),
    )
    expected = [("F-LATE", None, "applicant_interviewed")] if late else []
    assert summary(world, case_id) == expected


# F-ORDER


def test_F_ORDER_political_review_dated_after_the_branch_meeting(world: World) -> None:
    """F-ORDER, the 潮州 pattern (政审材料补交): the review is recorded first — hard ordering
    demands it — but is dated 2024-07-25, after the steps that depend on it, among them the
    branch meeting of 2024-07-20."""
    case_id = world.case_before(10)
    world.step(case_id, "political_review_concluded", on=date(2024, 7, 25))
    world.follow(case_id, path_between(11, 16))
    case = world.case(case_id)
    review, meeting = (
        case.latest("political_review_concluded"),
        case.latest("branch_meeting_admitted"),
    )
    assert review is not None
    assert meeting is not None
    assert review.version < meeting.version
    assert review.occurred_on > meeting.occurred_on

    assert summary(world, case_id) == [("F-ORDER", None, "political_review_concluded")]
    (finding,) = findings(world, case_id)
    assert finding.version == review.version
    assert f"branch_meeting_admitted ({MEETING_ON})" in finding.detail_en
    assert "branch_committee_reviewed" in finding.detail_en


def test_F_ORDER_not_raised_when_dates_follow_the_dependencies(world: World) -> None:
    """F-ORDER boundary: a review dated on the day of the branch committee review is in order."""
    case_id = world.case_before(10)
    world.step(case_id, "political_review_concluded", on=date(2024, 6, 20))
    world.follow(case_id, path_between(11, 16))
    assert summary(world, case_id) == []


# F-STALE


@pytest.mark.parametrize(
    ("meeting_on", "stale"), [(date(2025, 6, 1), False), (date(2025, 6, 2), True)]
)
def test_F_STALE_A_10_3_political_review_older_than_a_year_at_the_meeting(
    world: World, meeting_on: date, stale: bool
) -> None:
    """A-10.3 → F-STALE: review of 2024-06-01; a meeting on 2025-06-02 finds it expired, one on
    2025-06-01 does not."""
    case_id = world.case_before(15)
    world.step(case_id, "branch_meeting_admitted", on=meeting_on)
    expected = [("F-STALE", "A-10.3", "branch_meeting_admitted")] if stale else []
    assert summary(world, case_id) == expected


# F-DOCS


def test_F_DOCS_interview_without_its_record(world: World) -> None:
    """F-DOCS: applicant_interviewed must carry the 谈话记录."""
    case_id = world.submit()
    world.step(case_id, "applicant_interviewed", documents=())
    assert summary(world, case_id) == [("F-DOCS", None, "applicant_interviewed")]
    assert "interview_record" in findings(world, case_id)[0].detail_en


def test_F_DOCS_application_without_its_letter(world: World) -> None:
    """F-DOCS: application_submitted must carry the 入党申请书."""
    case_id = world.submit(documents=())
    assert summary(world, case_id) == [("F-DOCS", None, "application_submitted")]


def test_F_DOCS_A_13_2_pre_review_without_its_notice(world: World) -> None:
    """A-13.2 → F-DOCS: the pre-review result is given in writing."""
    case_id = world.case_before(13)
    world.step(case_id, "pre_review_passed", documents=())
    assert summary(world, case_id) == [("F-DOCS", "A-13.2", "pre_review_passed")]


# F-OFFUNIT


@pytest.mark.parametrize(
    ("basis", "unit", "off_unit"),
    [
        ("work_unit", "市档案馆", True),
        ("study_unit", "市第一中学", True),
        ("work_unit", "市财政局", False),
        ("residence", "幸福里社区", False),
    ],
)
def test_F_OFFUNIT_A_1_2_application_to_another_units_branch(
    world: World, basis: str, unit: str, off_unit: bool
) -> None:
    """A-1.2 → F-OFFUNIT: by work or study unit, the applicant's unit must be the branch's
    (市财政局); an application by residence is not checked against the unit."""
    case_id = world.submit(basis=basis, unit=unit)
    expected = [("F-OFFUNIT", "A-1.2", "application_submitted")] if off_unit else []
    assert summary(world, case_id) == expected


# F-TRANSFER


def test_F_TRANSFER_A_13_3_candidate_leaving_the_unit_within_three_months(world: World) -> None:
    """A-13.3: a candidate who will leave the unit within 3 months is recorded, with a finding."""
    leaving = world.case_before(13)
    world.step(leaving, "pre_review_passed", leaving_unit_within_3_months=True)
    assert summary(world, leaving) == [("F-TRANSFER", "A-13.3", "pre_review_passed")]

    staying = world.case_before(13)
    world.step(staying, "pre_review_passed", leaving_unit_within_3_months=False)
    assert summary(world, staying) == []


# Findings are a pure function of the history.


@pytest.mark.stores("sqlite", "postgres")  # the second memberflow opens the first one's store
def test_findings_are_the_same_when_the_case_is_rebuilt_from_the_store(world: World) -> None:
    """DOMAIN.md §3: findings derive from events only — rebuilding the case gives the same
    findings, in the same memberflow and in a second one on the same store."""
    case_id = world.submit(unit="市档案馆")  # F-OFFUNIT
    world.step(
        case_id,
        "applicant_interviewed",
        on=date(2023, 4, 5),  # F-DEADLINE
        recorded_on=date(2023, 6, 1),  # F-LATE
        documents=(),  # F-DOCS
    )
    world.except_(case_id, "contacts_assigned", "A-5.1", on=date(2023, 6, 1))  # F-EXC
    first = findings(world, case_id)
    assert {f.kind for f in first} == {"F-OFFUNIT", "F-DEADLINE", "F-LATE", "F-DOCS", "F-EXC"}
    assert findings(world, case_id) == first

    policy = world.memberflow.settings.policy
    second = build(world.memberflow.settings, world.clock)
    try:
        assert case_findings(second.membership.case(case_id), policy) == first
    finally:
        second.close()


# Next steps (domain.admission.progress).


def test_next_steps_after_the_application_the_interview_is_due_within_a_month(
    world: World,
) -> None:
    """A-2.2: after the application, the interview is the only next step, due 2023-04-01."""
    case_id = world.submit()
    steps = next_steps(world.case(case_id), world.memberflow.settings.policy)
    assert [(n.step.slug, n.not_before, n.due) for n in steps] == [
        ("applicant_interviewed", None, date(2023, 4, 1))
    ]


def test_next_steps_target_designation_not_before_a_year_as_activist(world: World) -> None:
    """A-7.1: development_target_designated is offered once its prerequisite (contacts, step 5)
    is met, not before designation + 1 year; A-6.1: the next assessment is due within 6 months."""
    case_id = world.case_before(5)
    offered = upcoming(world, case_id)
    assert "development_target_designated" not in offered
    assert offered["activist_assessed"].due == date(2023, 10, 10)

    world.step(case_id, "contacts_assigned")
    target = upcoming(world, case_id)["development_target_designated"]
    assert (target.not_before, target.due) == (date(2024, 4, 10), None)


def test_next_steps_an_assessment_is_no_longer_due_once_the_activist_is_a_target(
    world: World,
) -> None:
    """A-6.1 covers the activist's period, up to designation as development target (as its
    finding reads it): the assessment stays possible, but no longer due."""
    case_id = world.case_before(8)
    assert (upcoming(world, case_id)["activist_assessed"].due) is None


def test_next_steps_admission_approval_due_three_months_after_the_meeting(world: World) -> None:
    """A-16.1, A-17.2: after the branch meeting the interview comes next; the approval is then
    due by meeting + 3 months (2024-10-20)."""
    case_id = world.case_before(16)
    offered = upcoming(world, case_id)
    assert "committee_interview_held" in offered
    assert "admission_approved" not in offered

    world.step(case_id, "committee_interview_held")
    approval = upcoming(world, case_id)["admission_approved"]
    assert (approval.not_before, approval.due) == (None, date(2024, 10, 20))


def test_next_steps_conversion_window(world: World) -> None:
    """A-23.2: the conversion meeting is offered from the probation end (2025-07-20), due
    within 3 months; A-24.2: the conversion approval is due 3 months after the meeting."""
    case_id = world.case_before(23)
    meeting = upcoming(world, case_id)["branch_meeting_converted"]
    assert (meeting.not_before, meeting.due) == (date(2025, 7, 20), date(2025, 10, 20))

    world.step(case_id, "branch_meeting_converted")
    approval = upcoming(world, case_id)["conversion_approved"]
    assert approval.due == date(2025, 10, 21)


def test_next_steps_of_a_closed_case_are_none(world: World) -> None:
    """A-17: a rejected case has no next step."""
    case_id = world.case_before(17)
    world.step(case_id, "admission_approved", approved=False)
    assert next_steps(world.case(case_id), world.memberflow.settings.policy) == []


def test_next_steps_do_not_offer_the_committee_interview_after_a_meeting_that_did_not_admit(
    world: World,
) -> None:
    """A-15.3: after a meeting that did not pass, the next step is another meeting, not step 16."""
    case_id = world.case_before(15)
    world.step(case_id, "branch_meeting_admitted", in_favour=10)

    offered = {
        n.step.slug for n in next_steps(world.case(case_id), world.memberflow.settings.policy)
    }

    assert "committee_interview_held" not in offered
    assert "branch_meeting_admitted" in offered

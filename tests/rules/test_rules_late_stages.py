"""Hard rules of stages 4 and 5 (DOMAIN.md §2, A-12 … A-25), driven through the command bus.

Every test names the rule it guards, shows the refusal with that rule's id, and shows the boundary
case that the rule lets through.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.admission.details import MeetingVote
from domain.admission.findings import case_findings
from domain.admission.values import CaseStatus
from domain.context import DocumentKind
from domain.errors import RulesBroken
from domain.findings import Finding
from domain.members import Member, MemberStatus
from tests.support.world import ARCHIVE, World, path_between

MEETING_ON = date(2024, 7, 20)  # the clean path's branch meeting on admission (step 15)
PROBATION_END = date(2025, 7, 20)  # one year later
CONVERSION_MEETING_ON = date(2025, 7, 21)  # the clean path's conversion meeting (step 23)

# Actors that are not officials of the approving committee (市财政局机关党委) of 第一党支部.
# Who may not decide a case of pc, and what refuses them: a secretary, and anyone outside pc's
# subtree, the access policy (MF-ACCESS); the working committee above pc, O-1 itself.
NOT_APPROVING = ("secretary", "pc2_official", "wc_official")
ACCESS_REFUSED = {"secretary", "pc2_official"}


def violated(error: pytest.ExceptionInfo[RulesBroken]) -> set[str]:
    return {v.rule.id for v in error.value.violations}


def vote(
    eligible: int,
    present: int,
    in_favour: int,
    against: int = 0,
    abstained: int = 0,
    written_opinions: int = 0,
    **more: Any,
) -> dict[str, Any]:
    return {
        "eligible": eligible,
        "present": present,
        "in_favour": in_favour,
        "against": against,
        "abstained": abstained,
        "written_opinions": written_opinions,
        **more,
    }


def findings(world: World, case_id: UUID) -> list[Finding]:
    return case_findings(world.case(case_id), world.memberflow.settings.policy)


def member_of(world: World, case_id: UUID) -> Member:
    return world.memberflow.membership.member(world.member_id_of(case_id))


# …: branch committee review, pre-review, application form.


@pytest.mark.parametrize(
    ("skipped", "slug"),
    [
        (8, "development_target_filed"),
        (9, "introducers_assigned"),
        (10, "political_review_concluded"),
        (11, "training_completed"),
    ],
)
def test_A_12_1_branch_committee_review_needs_steps_7_to_11(
    world: World, skipped: int, slug: str
) -> None:
    """A-12.1: the branch committee reviews only after 7, 8, 9, 10 and 11 are recorded."""
    case_id = world.submit()
    world.follow(case_id, tuple(p for p in path_between(2, 12) if p.slug != slug))
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "branch_committee_reviewed")
    assert refused.value.first.rule.id == "A-12.1"
    assert violated(refused) == {"A-12.1"}
    assert slug in refused.value.first.detail_en

    world.step(case_id, slug)
    world.step(case_id, "branch_committee_reviewed")
    assert world.case(case_id).has("branch_committee_reviewed")


def test_A_12_1_missing_training_is_refused_and_training_lets_it_through(world: World) -> None:
    """A-12.1: without the short training (step 11) the branch committee may not review."""
    case_id = world.case_before(11)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "branch_committee_reviewed")
    assert refused.value.first.rule.id == "A-12.1"
    world.step(case_id, "training_completed")
    world.step(case_id, "branch_committee_reviewed")
    assert world.case(case_id).has("branch_committee_reviewed")


def test_A_13_1_pre_review_needs_the_branch_committee_review(world: World) -> None:
    """A-13.1: the pre-review comes after step 12."""
    case_id = world.case_before(12)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "pre_review_passed")
    assert refused.value.first.rule.id == "A-13.1"
    world.step(case_id, "branch_committee_reviewed")
    world.step(case_id, "pre_review_passed")
    assert world.case(case_id).has("pre_review_passed")


@pytest.mark.parametrize("actor", NOT_APPROVING)
def test_A_13_1_pre_review_only_by_an_official_of_the_approving_committee(
    world: World, actor: str
) -> None:
    """A-13.1 (O-1): a secretary, another committee's official or the 工委 may not pre-review."""
    case_id = world.case_before(13)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "pre_review_passed", by=actor)
    assert refused.value.first.rule.id == ("MF-ACCESS" if actor in ACCESS_REFUSED else "A-13.1")
    assert not world.case(case_id).has("pre_review_passed")
    world.step(case_id, "pre_review_passed", by="official")
    assert world.case(case_id).has("pre_review_passed")


def test_A_13_1_under_a_general_branch_the_working_committee_pre_reviews(world: World) -> None:
    """A-13.1 (O-1): 党总支 never approves; its 党委 has no power, so the 工委 pre-reviews."""
    case_id = world.case_before(13, branch="branch2", unit="市档案馆")
    for actor, rule in (
        ("official", "MF-ACCESS"),
        ("pc2_official", "A-13.1"),
        ("secretary2", "MF-ACCESS"),
    ):
        with pytest.raises(RulesBroken) as refused:
            world.step(case_id, "pre_review_passed", by=actor)
        assert refused.value.first.rule.id == rule, actor
    world.step(case_id, "pre_review_passed", by="wc_official")
    assert world.case(case_id).has("pre_review_passed")


def test_A_14_1_application_form_follows_the_pre_review(world: World) -> None:
    """A-14.1: the 入党志愿书 is completed only after the pre-review (step 13)."""
    case_id = world.case_before(13)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "application_form_completed")
    assert refused.value.first.rule.id == "A-14.1"
    world.step(case_id, "pre_review_passed")
    world.step(case_id, "application_form_completed")
    assert world.case(case_id).has("application_form_completed")


# the branch meeting on admission.


def test_A_15_1_branch_meeting_follows_the_application_form(world: World) -> None:
    """A-15.1: the branch meeting discusses admission only after step 14."""
    case_id = world.case_before(14)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "branch_meeting_admitted")
    assert refused.value.first.rule.id == "A-15.1"
    world.step(case_id, "application_form_completed")
    world.step(case_id, "branch_meeting_admitted")
    assert world.case(case_id).has("branch_meeting_admitted")


def test_A_15_2_quorum_needs_more_than_half_of_the_eligible_present(world: World) -> None:
    """A-15.2: 10 of 20 present is no quorum; 11 of 20 is."""
    case_id = world.case_before(15)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "branch_meeting_admitted", **vote(20, 10, 10))
    assert violated(refused) == {"A-15.2"}
    assert not world.case(case_id).has("branch_meeting_admitted")

    world.step(case_id, "branch_meeting_admitted", **vote(20, 11, 11))
    meeting = world.case(case_id).latest("branch_meeting_admitted")
    assert meeting is not None
    assert isinstance(meeting.details, MeetingVote)
    assert meeting.details.passed


def test_A_15_3_a_meeting_that_does_not_pass_is_recorded_and_blocks_the_interview(
    world: World,
) -> None:
    """A-15.3: in_favour must exceed eligible / 2 (10 of 20 fails) — recorded as not passed;
    the committee interview is refused with A-15.3; a second meeting that passes lets the case
    go on, and probation starts on that meeting's date (A-17.3)."""
    case_id = world.case_before(15)
    world.step(case_id, "branch_meeting_admitted", **vote(20, 15, 10, against=5))
    case = world.case(case_id)
    first = case.latest("branch_meeting_admitted")
    assert first is not None
    assert isinstance(first.details, MeetingVote)
    assert not first.details.passed

    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "committee_interview_held")
    assert violated(refused) == {"A-15.3"}

    second_on = date(2024, 8, 5)
    world.step(case_id, "branch_meeting_admitted", on=second_on, **vote(20, 15, 11, against=4))
    world.step(case_id, "committee_interview_held", on=date(2024, 8, 10))
    world.step(case_id, "admission_approved", on=date(2024, 8, 20))
    case = world.case(case_id)
    assert len(case.records_of("branch_meeting_admitted")) == 2
    assert (case.probation_start, case.probation_end) == (second_on, date(2025, 8, 5))
    assert member_of(world, case_id).joined_on == second_on


def test_A_15_3_the_base_is_the_eligible_members_not_those_present(world: World) -> None:
    """A-15.3: 10 in favour of 12 present is a majority of those present but not of 20
    eligible: the meeting does not pass."""
    case_id = world.case_before(15)
    world.step(case_id, "branch_meeting_admitted", **vote(20, 12, 10, against=2))
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "committee_interview_held")
    assert refused.value.first.rule.id == "A-15.3"


@pytest.mark.parametrize(
    "counts",
    [
        vote(20, 21, 21),
        vote(20, 15, 15, against=1),
        vote(20, 15, 14, against=1, abstained=2, written_opinions=1),
        vote(20, 15, 15, written_opinions=6),
    ],
    ids=[
        "present-over-eligible",
        "votes-over-present",
        "votes-over-present-plus-written",
        "written-over-absent",
    ],
)
def test_A_15_4_inconsistent_counts_are_refused(world: World, counts: dict[str, Any]) -> None:
    """A-15.4: present ≤ eligible; votes ≤ present + written opinions (written opinions come
    from absent members only)."""
    case_id = world.case_before(15)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "branch_meeting_admitted", **counts)
    assert violated(refused) == {"A-15.4"}
    assert not world.case(case_id).has("branch_meeting_admitted")


def test_A_15_4_votes_equal_to_present_plus_written_are_accepted(world: World) -> None:
    """A-15.4 boundary: 16 votes from 15 present and 1 written; all 20 eligible present."""
    case_id = world.case_before(15)
    world.step(
        case_id,
        "branch_meeting_admitted",
        **vote(20, 15, 14, against=1, abstained=1, written_opinions=1),
    )
    world.step(case_id, "branch_meeting_admitted", **vote(20, 20, 20))
    assert len(world.case(case_id).records_of("branch_meeting_admitted")) == 2


def test_A_15_5_a_combined_vote_is_refused(world: World) -> None:
    """A-15.5: one candidate per vote (逐个讨论和表决)."""
    case_id = world.case_before(15)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "branch_meeting_admitted", voted_individually=False)
    assert violated(refused) == {"A-15.5"}
    world.step(case_id, "branch_meeting_admitted", voted_individually=True)
    assert world.case(case_id).has("branch_meeting_admitted")


# A-16 … A-17: the committee interview and the approval.


def test_A_16_1_approval_before_the_committee_interview_is_refused(world: World) -> None:
    """A-16.1: step 17 needs the committee interview (step 16)."""
    case_id = world.case_before(16)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "admission_approved")
    assert refused.value.first.rule.id == "A-16.1"
    world.step(case_id, "committee_interview_held")
    world.step(case_id, "admission_approved")
    assert world.case(case_id).approval is not None


def test_A_16_1_committee_interview_needs_the_branch_meeting(world: World) -> None:
    """A-16.1: the committee interview comes after step 15."""
    case_id = world.case_before(15)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "committee_interview_held")
    assert refused.value.first.rule.id == "A-16.1"


def test_A_16_1_the_interview_is_held_once_before_the_approval(world: World) -> None:
    """A-16.1: the approval needs the interview before it (never waived, §0), and the interview
    is not held again once the committee has decided."""
    case_id = world.case_before(18)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "committee_interview_held", on=date(2024, 8, 21))
    assert violated(refused) == {"MF-STEP-REPEATED"}


@pytest.mark.parametrize("actor", NOT_APPROVING)
def test_A_17_1_approval_only_by_the_approving_committee(world: World, actor: str) -> None:
    """A-17.1: a secretary, another committee's official or the 工委 may not approve."""
    case_id = world.case_before(17)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "admission_approved", by=actor)
    assert violated(refused) == {"MF-ACCESS" if actor in ACCESS_REFUSED else "A-17.1"}
    assert world.case(case_id).approval is None
    world.step(case_id, "admission_approved", by="official")
    assert world.case(case_id).approval is not None


def test_A_17_2_approval_beyond_six_months_is_refused(world: World) -> None:
    """A-17.2: more than 6 months after the meeting is refused, even with a special reason;
    exactly 6 months with a recorded reason is accepted and raises no finding."""
    case_id = world.case_before(17)
    for reason in (None, "党委换届"):
        with pytest.raises(RulesBroken) as refused:
            world.step(case_id, "admission_approved", on=date(2025, 1, 21), special_reason=reason)
        assert violated(refused) == {"A-17.2"}

    world.step(case_id, "admission_approved", on=date(2025, 1, 20), special_reason="党委换届")
    assert world.case(case_id).approval is not None
    assert [f for f in findings(world, case_id) if f.rule == "A-17.2"] == []


def test_A_17_2_approval_after_three_months_without_reason_is_a_deadline_finding(
    world: World,
) -> None:
    """A-17.2: 3–6 months after the meeting without a special reason → F-DEADLINE."""
    case_id = world.case_before(17)
    world.step(case_id, "admission_approved", on=date(2024, 10, 21))
    found = [(f.kind, f.rule, f.step) for f in findings(world, case_id)]
    assert found == [("F-DEADLINE", "A-17.2", "admission_approved")]


def test_A_17_2_approval_on_the_three_month_day_raises_no_finding(world: World) -> None:
    """A-17.2 boundary: exactly 3 months after the meeting is in time."""
    case_id = world.case_before(17)
    world.step(case_id, "admission_approved", on=date(2024, 10, 20))
    assert findings(world, case_id) == []


def test_A_17_2_a_special_reason_covers_three_to_six_months(world: World) -> None:
    """A-17.2: 3–6 months with a recorded special reason → no finding."""
    case_id = world.case_before(17)
    world.step(case_id, "admission_approved", on=date(2024, 12, 1), special_reason="党委换届")
    assert findings(world, case_id) == []


def test_A_17_3_probation_starts_at_the_branch_meeting_and_lasts_a_year(world: World) -> None:
    """A-17.3: start = date of step 15 (not of the approval), end = start + 1 year."""
    case_id = world.case_before(17, name="孙七")
    case = world.case(case_id)
    assert case.probation_start is None
    world.step(case_id, "admission_approved", on=date(2024, 9, 30))
    case = world.case(case_id)
    assert (case.probation_start, case.probation_end) == (MEETING_ON, PROBATION_END)
    member = member_of(world, case_id)
    assert member.status is MemberStatus.PROBATIONARY
    assert member.joined_on == MEETING_ON


def test_A_17_admission_rejected_closes_the_case(world: World) -> None:
    """A-17: approved=false records the event slug admission_rejected; the case is rejected,
    no probation starts, no member is added, and no further step can be taken."""
    case_id = world.case_before(17, name="周八")
    world.step(case_id, "admission_approved", approved=False)
    case = world.case(case_id)
    assert case.status is CaseStatus.REJECTED
    assert case.records[-1].slug == "admission_rejected"
    assert case.records[-1].number == 17
    assert case.approval is None
    assert case.probation_start is None
    last_event = world.memberflow.membership.history(case_id)[-1]
    assert getattr(last_event, "slug", None) == "admission_rejected"
    assert world.memberflow.membership.find(Member, world.member_id_of(case_id)) is None
    for slug in ("admission_filed", "admission_approved"):
        with pytest.raises(RulesBroken) as refused:
            world.step(case_id, slug)
        assert refused.value.first.rule.id == "MF-CASE-CLOSED"


# A-18 … A-21: what follows the approval.


@pytest.mark.parametrize(
    ("slug", "rule"),
    [
        ("admission_filed", "A-18.1"),
        ("assigned_to_branch_group", "A-19.1"),
        ("oath_taken", "A-20.1"),
        ("probation_assessed", "A-21.1"),
    ],
)
def test_A_18_to_21_steps_after_the_approval_are_refused_before_it(
    world: World, slug: str, rule: str
) -> None:
    """A-18.1, A-19.1, A-20.1, A-21.1: filing, branch group, oath and probation assessment
    each follow the approval (step 17)."""
    case_id = world.case_before(17)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, slug, on=date(2024, 9, 1))
    assert violated(refused) == {rule}
    world.step(case_id, "admission_approved")
    world.step(case_id, slug, on=date(2024, 9, 1))
    assert world.case(case_id).has(slug)


# A-22 … A-24: conversion.


def test_A_22_1_conversion_request_not_before_the_last_month_of_probation(world: World) -> None:
    """A-22.1: probation ends 2025-07-20; a request on 2025-06-19 is refused, on 2025-06-20
    (exactly one month before the end) accepted."""
    case_id = world.case_before(22)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "conversion_requested", on=date(2025, 6, 19))
    assert violated(refused) == {"A-22.1"}
    world.step(case_id, "conversion_requested", on=date(2025, 6, 20))
    assert world.case(case_id).has("conversion_requested")


def test_A_23_1_conversion_meeting_quorum(world: World) -> None:
    """A-23.1: the quorum of step 15 — 10 of 21 present refused, 11 of 21 accepted."""
    case_id = world.case_before(23)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "branch_meeting_converted", **vote(21, 10, 10, outcome="convert"))
    assert violated(refused) == {"A-23.1"}
    world.step(case_id, "branch_meeting_converted", **vote(21, 11, 11, outcome="convert"))
    assert world.case(case_id).has("branch_meeting_converted")


def test_A_23_1_conversion_meeting_counts_must_be_consistent(world: World) -> None:
    """A-23.1: the count rules of step 15 — more votes than present + written is refused."""
    case_id = world.case_before(23)
    with pytest.raises(RulesBroken) as refused:
        world.step(
            case_id,
            "branch_meeting_converted",
            **vote(21, 18, 18, against=1, outcome="convert"),
        )
    assert violated(refused) == {"A-23.1"}


def test_A_23_1_conversion_meeting_that_does_not_pass_blocks_the_approval(world: World) -> None:
    """A-23.1: pass rule of step 15 — 10 in favour of 21 eligible does not pass; the
    conversion cannot be approved, and the meeting may be held again."""
    case_id = world.case_before(23)
    world.step(
        case_id, "branch_meeting_converted", **vote(21, 18, 10, against=8, outcome="convert")
    )
    with pytest.raises(RulesBroken):
        world.step(case_id, "conversion_approved")
    world.step(
        case_id,
        "branch_meeting_converted",
        on=date(2025, 7, 28),
        **vote(21, 18, 11, against=7, outcome="convert"),
    )
    world.step(case_id, "conversion_approved")
    assert world.case(case_id).has("conversion_approved")


def test_A_23_2_conversion_meeting_not_before_probation_ends(world: World) -> None:
    """A-23.2: probation ends 2025-07-20; a meeting on 2025-07-19 is refused, on the 20th
    accepted."""
    case_id = world.case_before(23)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "branch_meeting_converted", on=date(2025, 7, 19))
    assert violated(refused) == {"A-23.2"}
    world.step(case_id, "branch_meeting_converted", on=PROBATION_END)
    assert world.case(case_id).has("branch_meeting_converted")
    assert findings(world, case_id) == []


def test_A_23_2_conversion_meeting_over_three_months_late_is_a_deadline_finding(
    world: World,
) -> None:
    """A-23.2: more than 3 months after the end (2025-10-21) → F-DEADLINE; 2025-10-20 is not."""
    late = world.case_before(23)
    world.step(late, "branch_meeting_converted", on=date(2025, 10, 21))
    assert [(f.kind, f.rule, f.step) for f in findings(world, late)] == [
        ("F-DEADLINE", "A-23.2", "branch_meeting_converted")
    ]
    in_time = world.case_before(23)
    world.step(in_time, "branch_meeting_converted", on=date(2025, 10, 20))
    assert findings(world, in_time) == []


def test_A_23_2_late_meeting_after_an_extension_is_a_deadline_finding(world: World) -> None:
    """A-23.2: after a 6-month extension (end 2026-01-20), the meeting of the new round on
    2026-04-21 is more than 3 months late → F-DEADLINE."""
    case_id = world.case_before(23)
    world.step(case_id, "branch_meeting_converted", outcome="extend", extension_months=6)
    world.step(case_id, "conversion_approved")  # the extension takes effect now
    world.step(case_id, "conversion_requested", on=date(2025, 12, 20))
    world.step(case_id, "branch_meeting_converted", on=date(2026, 4, 21), outcome="convert")
    second = world.case(case_id).records_of("branch_meeting_converted")[-1]
    assert [(f.kind, f.rule, f.version) for f in findings(world, case_id)] == [
        ("F-DEADLINE", "A-23.2", second.version)
    ]


def test_A_23_2_a_late_meeting_that_extends_probation_stays_a_deadline_finding(
    world: World,
) -> None:
    """A-23.2: the meeting of 2025-10-21 was over 3 months after the end of 2025-07-20; its
    outcome (extend) does not make it timely."""
    case_id = world.case_before(23)
    world.step(
        case_id,
        "branch_meeting_converted",
        on=date(2025, 10, 21),
        outcome="extend",
        extension_months=6,
    )
    assert [(f.kind, f.rule, f.step) for f in findings(world, case_id)] == [
        ("F-DEADLINE", "A-23.2", "branch_meeting_converted")
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"outcome": "postpone"},
        {"outcome": "extend", "extension_months": 5},
        {"outcome": "extend", "extension_months": 13},
        {"outcome": "extend"},
    ],
    ids=["unknown-outcome", "extend-5", "extend-13", "extend-without-months"],
)
def test_A_23_3_invalid_outcomes_are_refused(world: World, fields: dict[str, Any]) -> None:
    """A-23.3: outcome convert, extend (6–12 months) or cancel."""
    case_id = world.case_before(23)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "branch_meeting_converted", **fields)
    assert violated(refused) == {"A-23.3"}
    assert not world.case(case_id).has("branch_meeting_converted")


def test_A_23_3_extension_of_twelve_months_is_accepted(world: World) -> None:
    """A-23.3 boundary: 12 months is the longest extension (effective once approved, A-24.4)."""
    case_id = world.case_before(23)
    world.step(case_id, "branch_meeting_converted", outcome="extend", extension_months=12)
    world.step(case_id, "conversion_approved")
    assert world.case(case_id).probation_end == date(2026, 7, 20)


def test_A_23_3_extension_once_then_a_new_conversion_round(world: World) -> None:
    """A-23.3, A-24.4 and A-24.3: a 6-month extension, approved, moves the end to 2026-01-20; a
    new request and meeting follow in a new round (A-22.1, A-23.2 against the new end); a second
    extension is refused; after conversion, party standing counts from the extended end."""
    case_id = world.case_before(23, name="吴九")
    world.step(case_id, "branch_meeting_converted", outcome="extend", extension_months=6)
    assert world.case(case_id).probation_end == PROBATION_END  # not before the approval
    world.step(case_id, "conversion_approved")
    new_end = date(2026, 1, 20)
    case = world.case(case_id)
    assert case.probation_end == new_end
    assert case.extensions[0][0] == 6
    assert case.status is CaseStatus.OPEN
    with pytest.raises(RulesBroken):  # the new round starts with a request
        world.step(case_id, "conversion_approved", on=date(2025, 8, 20))

    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "conversion_requested", on=date(2025, 12, 19))
    assert violated(refused) == {"A-22.1"}
    world.step(case_id, "conversion_requested", on=date(2025, 12, 20))

    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "branch_meeting_converted", on=date(2026, 1, 19))
    assert violated(refused) == {"A-23.2"}
    with pytest.raises(RulesBroken) as refused:
        world.step(
            case_id, "branch_meeting_converted", on=new_end, outcome="extend", extension_months=6
        )
    assert violated(refused) == {"A-23.3"}

    world.step(case_id, "branch_meeting_converted", on=new_end, outcome="convert")
    world.step(case_id, "conversion_approved", on=date(2026, 2, 1))
    case = world.case(case_id)
    assert case.party_standing_from == new_end
    member = member_of(world, case_id)
    assert member.status is MemberStatus.FULL
    assert member.full_since == new_end
    assert member.joined_on == MEETING_ON


def test_A_24_4_a_cancellation_takes_effect_when_the_committee_approves_it(world: World) -> None:
    """A-23.3 and A-24.4: the meeting resolves to cancel (取消预备党员资格); the case ends, and
    the registry record is cancelled, only with the committee's approval."""
    case_id = world.case_before(23, name="郑十")
    world.step(case_id, "branch_meeting_converted", outcome="cancel")
    assert world.case(case_id).is_open
    assert member_of(world, case_id).status is MemberStatus.PROBATIONARY
    world.step(case_id, "conversion_approved")
    assert world.case(case_id).status is CaseStatus.TERMINATED
    assert member_of(world, case_id).status is MemberStatus.CANCELLED
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "materials_archived", on=date(2025, 8, 20))
    assert refused.value.first.rule.id == "MF-CASE-CLOSED"
    new_case = world.submit(name="郑十", on=date(2025, 9, 1))  # A-X: the case ended
    assert world.case(new_case).is_open


@pytest.mark.parametrize(
    ("outcome", "months"), [("convert", None), ("extend", 6), ("cancel", None)]
)
def test_A_24_4_a_refused_resolution_takes_no_effect_and_the_branch_meets_again(
    world: World, outcome: str, months: int | None
) -> None:
    """A-24.4: the committee refuses the resolution: nothing takes effect, the decision is
    recorded (conversion_rejected), and the branch may hold the meeting again."""
    case_id = world.case_before(23)
    extension: dict[str, Any] = {"extension_months": months} if months else {}
    world.step(case_id, "branch_meeting_converted", outcome=outcome, **extension)
    world.step(case_id, "conversion_approved", approved=False)
    case = world.case(case_id)
    assert case.status is CaseStatus.OPEN
    assert case.records[-1].slug == "conversion_rejected"
    assert case.extensions == []
    assert case.probation_end == PROBATION_END
    assert member_of(world, case_id).status is MemberStatus.PROBATIONARY
    with pytest.raises(RulesBroken) as refused:  # nothing to decide until the branch meets
        world.step(case_id, "conversion_approved", on=date(2025, 8, 15))
    assert violated(refused) == {"MF-STEP-REPEATED"}

    world.step(case_id, "branch_meeting_converted", on=date(2025, 8, 20), outcome="convert")
    world.step(case_id, "conversion_approved", on=date(2025, 8, 25))
    assert world.case(case_id).converted
    assert member_of(world, case_id).status is MemberStatus.FULL


def test_A_24_4_conversion_approved_defaults_to_approval(world: World) -> None:
    """Existing clients send no body facts for step 24: it approves."""
    case_id = world.case_before(24)
    world.step(case_id, "conversion_approved")
    assert world.case(case_id).converted


@pytest.mark.parametrize("actor", NOT_APPROVING)
def test_A_24_1_conversion_approval_only_by_the_approving_committee(
    world: World, actor: str
) -> None:
    """A-24.1: a secretary, another committee's official or the 工委 may not approve."""
    case_id = world.case_before(24)
    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "conversion_approved", by=actor)
    assert violated(refused) == {"MF-ACCESS" if actor in ACCESS_REFUSED else "A-24.1"}
    world.step(case_id, "conversion_approved", by="official")
    assert world.case(case_id).has("conversion_approved")


def test_A_24_2_conversion_approval_over_three_months_late_is_a_deadline_finding(
    world: World,
) -> None:
    """A-24.2: meeting 2025-07-21; approval on 2025-10-22 → F-DEADLINE, on 2025-10-21 none."""
    late = world.case_before(24)
    world.step(late, "conversion_approved", on=date(2025, 10, 22))
    assert [(f.kind, f.rule, f.step) for f in findings(world, late)] == [
        ("F-DEADLINE", "A-24.2", "conversion_approved")
    ]
    in_time = world.case_before(24)
    world.step(in_time, "conversion_approved", on=date(2025, 10, 21))
    assert findings(world, in_time) == []


def test_A_24_3_party_standing_counts_from_probation_end_not_approval(world: World) -> None:
    """A-24.3: full_since = probation end (2025-07-20), whatever the approval's date."""
    case_id = world.case_before(24, name="冯十一")
    world.step(case_id, "conversion_approved", on=date(2025, 9, 30))
    member = member_of(world, case_id)
    assert member.status is MemberStatus.FULL
    assert member.full_since == PROBATION_END
    assert world.case(case_id).party_standing_from == PROBATION_END
    assert member.has_rights_on(PROBATION_END)
    assert not member.has_rights_on(date(2025, 7, 19))


# the archive.


def test_A_25_1_archive_needs_all_five_documents(world: World) -> None:
    """A-25.1: 入党志愿书, 入党申请书, 政治审查材料, 转正申请书, 培养教育考察材料 — each one
    missing is refused; all five archive the case."""
    case_id = world.case_before(25)
    for missing in ARCHIVE:
        documents: tuple[DocumentKind, ...] = tuple(k for k in ARCHIVE if k is not missing)
        with pytest.raises(RulesBroken) as refused:
            world.step(case_id, "materials_archived", documents=documents)
        assert violated(refused) == {"A-25.1"}, missing
        assert missing.value in refused.value.first.detail_en
    assert world.case(case_id).status is CaseStatus.OPEN

    world.step(case_id, "materials_archived", documents=ARCHIVE)
    assert world.case(case_id).status is CaseStatus.ARCHIVED

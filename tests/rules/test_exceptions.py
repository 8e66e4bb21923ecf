"""Exceptions (DOMAIN.md §0): the approving committee lets one named step through one named rule,
and only through the rules the 细则 itself allows special circumstances for — A-3.3, A-5.1, A-7.2,
A-7.3, A-11.1, A-17.2 (up to six months), A-22.1, A-23.2, A-25.1. Order rules, authority, the
activist's year, introducers, the political review, the meetings' votes and the committee's
interview hold without exception (issue 9, item 1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.admission.findings import case_findings
from domain.admission.steps import BY_SLUG, STEPS
from domain.commands import Entry, GrantException, WithdrawCase
from domain.errors import RulesBroken
from domain.rulebook import RULES, WAIVABLE
from tests.support.world import World

EARLY = date(2024, 4, 1)  # before the year of is up (activist since 2023-04-10)


def refused(call: Callable[[], object]) -> RulesBroken:
    with pytest.raises(RulesBroken) as excinfo:
        call()
    return excinfo.value


def rules(error: RulesBroken) -> set[str]:
    return {v.rule.id for v in error.violations}


def one_assessment(world: World) -> UUID:
    """A case ready for step 7 with a single assessment on file: A-7.2 is broken."""
    case_id = world.case_before(6)
    world.step(case_id, "activist_assessed")
    return case_id


# What may be waived.


def test_the_rule_book_lists_exactly_the_waivable_rules_of_DOMAIN_md() -> None:
    waivable = {r.id for r in RULES.values() if r.waivable}
    assert (
        waivable
        == set(WAIVABLE)
        == {
            "A-3.3",
            "A-5.1",
            "A-7.2",
            "A-7.3",
            "A-11.1",
            "A-17.2",
            "A-22.1",
            "A-23.2",
            "A-25.1",
        }
    )


def test_no_step_may_waive_its_order_rule() -> None:
    for step in STEPS:
        assert step.order_rule not in step.waivable_rules, step.slug
        assert set(step.waivable_rules) <= WAIVABLE


@pytest.mark.parametrize(
    ("step", "rule_id", "why"),
    [
        # The inputs that passed before issue 9: an order rule, the activist's year, introducers.
        ("development_target_designated", "A-7.1", "no special circumstances"),
        ("pre_review_passed", "A-13.1", "recorded in order"),
        ("branch_committee_reviewed", "A-12.1", "recorded in order"),
        ("contacts_assigned", "MF-STEP-ORDER", "recorded in order"),
        ("committee_interview_held", "A-16.1", "recorded in order"),
        ("introducers_assigned", "A-9.1", "no special circumstances"),
        ("branch_meeting_admitted", "A-15.2", "no special circumstances"),
        ("branch_meeting_admitted", "A-15.5", "no special circumstances"),
        ("branch_meeting_converted", "A-23.1", "no special circumstances"),
        ("political_review_concluded", "A-10.1", "no special circumstances"),
        ("admission_approved", "A-T.2", "no special circumstances"),
        ("committee_interview_held", "O-1", "no special circumstances"),
        ("admission_approved", "A-17.1", "no special circumstances"),
        ("contacts_assigned", "MF-STEP-REPEATED", "no special circumstances"),
        ("contacts_assigned", "MF-FUTURE-DATE", "no special circumstances"),
        ("activist_assessed", "A-6.1", "soft rule"),
        ("development_target_designated", "A-11.1", "does not check it"),
        ("training_completed", "A-7.2", "does not check it"),
        ("development_target_designated", "NO-SUCH-RULE", "no such rule"),
    ],
)
def test_MF_EXCEPTION_a_rule_the_regulation_allows_no_exception_for_refused(
    world: World, step: str, rule_id: str, why: str
) -> None:
    case_id = world.case_before(7)
    error = refused(lambda: world.except_(case_id, step, rule_id, on=EARLY))
    assert rules(error) == {"MF-EXCEPTION"}
    assert rule_id in error.first.detail_en
    assert why in error.first.detail_en
    assert rule_id in error.first.detail_zh
    assert world.case(case_id).exceptions == []


def test_an_exception_for_A_7_1_no_longer_lets_a_short_cultivation_through(world: World) -> None:
    """Item 1: before issue 9 an exception on A-7.1 designated a target after eight months."""
    case_id = world.case_before(7)
    assert rules(
        refused(lambda: world.except_(case_id, "development_target_designated", "A-7.1", on=EARLY))
    ) == {"MF-EXCEPTION"}
    assert rules(
        refused(lambda: world.step(case_id, "development_target_designated", on=EARLY))
    ) == {"A-7.1"}


def test_an_exception_for_an_order_rule_no_longer_skips_steps(world: World) -> None:
    """Item 1: an exception on A-12.1 let a case reach approval without introducers, review or
    training; the branch committee's review now always waits for them."""
    case_id = world.case_before(9)
    assert rules(
        refused(
            lambda: world.except_(
                case_id, "branch_committee_reviewed", "A-12.1", on=date(2024, 4, 30)
            )
        )
    ) == {"MF-EXCEPTION"}
    assert rules(
        refused(lambda: world.step(case_id, "branch_committee_reviewed", on=date(2024, 4, 30)))
    ) == {"A-12.1"}


def test_an_exception_for_A_9_1_no_longer_accepts_a_disciplined_introducer(world: World) -> None:
    case_id = world.case_before(9)
    assert rules(
        refused(
            lambda: world.except_(case_id, "introducers_assigned", "A-9.1", on=date(2024, 4, 30))
        )
    ) == {"MF-EXCEPTION"}
    assert rules(
        refused(
            lambda: world.step(case_id, "introducers_assigned", introducers=["m0", "disciplined"])
        )
    ) == {"A-9.1"}


def test_an_exception_for_A_16_1_no_longer_approves_without_the_interview(world: World) -> None:
    case_id = world.case_before(16)
    assert rules(
        refused(lambda: world.except_(case_id, "admission_approved", "A-16.1", on=date(2024, 8, 1)))
    ) == {"MF-EXCEPTION"}
    assert "A-16.1" in rules(refused(lambda: world.step(case_id, "admission_approved")))


# How a granted exception works.


def test_exception_by_official_lets_A_7_2_through_once(world: World) -> None:
    case_id = one_assessment(world)
    world.except_(case_id, "development_target_designated", "A-7.2", on=date(2024, 4, 15))
    world.step(case_id, "development_target_designated")

    case = world.case(case_id)
    record = case.latest("development_target_designated")
    assert record is not None
    assert record.waived == ("A-7.2",)
    assert [(e.step, e.rule, e.used) for e in case.exceptions] == [
        ("development_target_designated", "A-7.2", True)
    ]
    findings = case_findings(case, world.memberflow.settings.policy)
    assert [(f.kind, f.rule) for f in findings if f.kind == "F-EXC"] == [("F-EXC", "A-7.2")]

    other = one_assessment(world)
    assert rules(refused(lambda: world.step(other, "development_target_designated"))) == {"A-7.2"}


def test_exception_is_used_once_on_a_repeatable_step(world: World) -> None:
    """§0: one exception lets one step through; a conversion meeting held again before the end of
    probation is refused once more (A-23.2)."""
    case_id = world.case_before(23)  # probation ends 2025-07-20
    failing: dict[str, Any] = {"eligible": 21, "present": 18, "in_favour": 5, "outcome": "convert"}
    early = date(2025, 7, 10)
    assert rules(
        refused(lambda: world.step(case_id, "branch_meeting_converted", on=early, **failing))
    ) == {"A-23.2"}
    world.except_(case_id, "branch_meeting_converted", "A-23.2", on=early)
    world.step(case_id, "branch_meeting_converted", on=early, **failing)  # did not pass
    record = world.case(case_id).latest("branch_meeting_converted")
    assert record is not None
    assert record.waived == ("A-23.2",)

    again = date(2025, 7, 15)
    assert rules(
        refused(lambda: world.step(case_id, "branch_meeting_converted", on=again, **failing))
    ) == {"A-23.2"}


def test_exception_waives_only_the_named_rule(world: World) -> None:
    case_id = one_assessment(world)
    world.except_(case_id, "development_target_designated", "A-7.2", on=date(2024, 4, 15))
    assert rules(
        refused(lambda: world.step(case_id, "development_target_designated", opinions_heard=[]))
    ) == {"A-7.3"}
    case = world.case(case_id)
    assert not case.has("development_target_designated")
    assert [e.used for e in case.exceptions] == [False]  # still there for the corrected entry

    world.step(case_id, "development_target_designated")
    assert world.case(case_id).exceptions[0].used


def test_exception_for_one_step_does_not_waive_another(world: World) -> None:
    case_id = world.case_before(11)
    world.except_(case_id, "development_target_designated", "A-7.2", on=date(2024, 6, 1))
    assert rules(refused(lambda: world.step(case_id, "training_completed", days=1, hours=8))) == {
        "A-11.1"
    }
    world.except_(case_id, "training_completed", "A-11.1", on=date(2024, 6, 5))
    world.step(case_id, "training_completed", days=1, hours=8)
    record = world.case(case_id).latest("training_completed")
    assert record is not None
    assert record.waived == ("A-11.1",)


# The working committee above pc is refused by O-1; a secretary, and anyone outside pc's subtree,
# by the access policy (MF-ACCESS).
NOT_THE_COMMITTEE = {
    "secretary": "MF-ACCESS",
    "pc2_official": "MF-ACCESS",
    "wc_official": "O-1",
    "secretary2": "MF-ACCESS",
}


@pytest.mark.parametrize("by", sorted(NOT_THE_COMMITTEE))
def test_exception_from_anyone_but_the_approving_committee_refused(world: World, by: str) -> None:
    case_id = one_assessment(world)
    error = refused(
        lambda: world.except_(
            case_id, "development_target_designated", "A-7.2", on=date(2024, 4, 15), by=by
        )
    )
    assert rules(error) == {NOT_THE_COMMITTEE[by]}
    assert world.case(case_id).exceptions == []
    assert rules(refused(lambda: world.step(case_id, "development_target_designated"))) == {"A-7.2"}


def test_exception_for_branch2_case_comes_from_the_working_committee(world: World) -> None:
    case_id = world.case_before(5, branch="branch2", unit="市档案馆")
    assert rules(  # pc, outside branch2's line
        refused(lambda: world.except_(case_id, "contacts_assigned", "A-5.1", on=date(2023, 4, 15)))
    ) == {"MF-ACCESS"}
    assert rules(  # pc2, above branch2 but without the power to approve
        refused(
            lambda: world.except_(
                case_id, "contacts_assigned", "A-5.1", on=date(2023, 4, 15), by="pc2_official"
            )
        )
    ) == {"O-1"}
    world.except_(case_id, "contacts_assigned", "A-5.1", on=date(2023, 4, 15), by="wc_official")
    assert len(world.case(case_id).exceptions) == 1


def test_exception_for_an_unknown_step_refused_with_MF_EXCEPTION(world: World) -> None:
    case_id = world.case_before(7)
    assert rules(refused(lambda: world.except_(case_id, "no_such_step", "A-7.2", on=EARLY))) == {
        "MF-EXCEPTION"
    }


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_exception_with_empty_reason_refused_with_MF_EXCEPTION(world: World, reason: str) -> None:
    case_id = world.case_before(7)
    error = refused(
        lambda: world.except_(
            case_id, "development_target_designated", "A-7.2", on=EARLY, reason=reason
        )
    )
    assert rules(error) == {"MF-EXCEPTION"}
    assert world.case(case_id).exceptions == []


def test_exception_reason_is_stored_trimmed(world: World) -> None:
    case_id = world.case_before(7)
    world.except_(case_id, "development_target_designated", "A-7.2", on=EARLY, reason="  特殊  ")
    assert world.case(case_id).exceptions[0].reason == "特殊"


def test_exception_on_a_closed_case_refused(world: World) -> None:
    case_id = world.case_before(7)
    world.clock.set_day(date(2024, 3, 1))
    world.run(WithdrawCase(case_id, "本人撤回", Entry(date(2024, 3, 1))), "secretary")
    assert rules(
        refused(lambda: world.except_(case_id, "development_target_designated", "A-7.2", on=EARLY))
    ) == {"MF-CASE-CLOSED"}


def test_exception_dated_in_the_future_refused(world: World) -> None:
    case_id = world.case_before(7)
    world.clock.set_day(date(2024, 3, 31))
    command = GrantException(
        case_id, "development_target_designated", "A-7.2", "特殊", Entry(EARLY)
    )
    assert rules(refused(lambda: world.run(command, "official"))) == {"MF-FUTURE-DATE"}


def test_authority_is_never_waived(world: World) -> None:
    """A secretary cannot pre-review (the access policy; O-1 for other committees), and no
    exception is there to ask for."""
    case_id = world.case_before(13)
    assert BY_SLUG["pre_review_passed"].waivable_rules == ()
    assert rules(refused(lambda: world.step(case_id, "pre_review_passed", by="secretary"))) == {
        "MF-ACCESS"
    }
    assert not world.case(case_id).has("pre_review_passed")


# up to six months (§0).


def meeting_then_approval(world: World, on: date, **fields: Any) -> UUID:
    case_id = world.case_before(17)  # the branch meeting admitted on 2024-07-20
    world.step(case_id, "admission_approved", on=on, **fields)
    return case_id


def test_A_17_2_an_exception_is_the_special_reason_for_three_to_six_months(world: World) -> None:
    case_id = world.case_before(17)
    world.except_(case_id, "admission_approved", "A-17.2", on=date(2024, 11, 1), reason="换届")
    world.step(case_id, "admission_approved", on=date(2024, 12, 1))
    case = world.case(case_id)
    assert case.approval is not None
    assert case.approval.waived == ("A-17.2",)
    assert case.exceptions[0].used
    kinds = {(f.kind, f.rule) for f in case_findings(case, world.memberflow.settings.policy)}
    assert ("F-EXC", "A-17.2") in kinds
    assert ("F-DEADLINE", "A-17.2") not in kinds


def test_A_17_2_without_a_reason_three_to_six_months_is_a_deadline_finding(world: World) -> None:
    case_id = meeting_then_approval(world, date(2024, 12, 1))
    case = world.case(case_id)
    kinds = {(f.kind, f.rule) for f in case_findings(case, world.memberflow.settings.policy)}
    assert ("F-DEADLINE", "A-17.2") in kinds
    assert case.approval is not None
    assert case.approval.waived == ()


def test_A_17_2_beyond_six_months_no_exception_reaches(world: World) -> None:
    case_id = world.case_before(17)
    world.except_(case_id, "admission_approved", "A-17.2", on=date(2025, 1, 1), reason="换届")
    assert rules(
        refused(lambda: world.step(case_id, "admission_approved", on=date(2025, 2, 1)))
    ) == {"A-17.2"}
    assert not world.case(case_id).exceptions[0].used

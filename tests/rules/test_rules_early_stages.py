"""Hard rules of stages 1–3 (A-1 … A-11), through the command bus, each with its boundary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.admission.findings import case_findings
from domain.admission.values import CaseStatus
from domain.errors import RulesBroken
from tests.support.world import ALL_OPINIONS, APPLIED_ON, World


def refused_with(call: Callable[[], object]) -> set[str]:
    """The rule ids of the refusal ``call`` must raise."""
    with pytest.raises(RulesBroken) as excinfo:
        call()
    return {v.rule.id for v in excinfo.value.violations}


def numbers(world: World, case_id: UUID) -> list[int]:
    return [r.number for r in world.case(case_id).records]


# Stage 1.


def test_A_1_1_the_day_before_the_18th_birthday_is_refused(world: World) -> None:
    with pytest.raises(RulesBroken) as excinfo:
        world.submit(name="少年", birth_date=date(2005, 3, 1), on=date(2023, 2, 28))
    assert excinfo.value.first.rule.id == "A-1.1"
    assert {v.rule.id for v in excinfo.value.violations} == {"A-1.1"}
    assert "17" in excinfo.value.first.detail_en


def test_A_1_1_the_18th_birthday_is_accepted(world: World) -> None:
    case_id = world.submit(name="少年", birth_date=date(2005, 3, 1), on=date(2023, 3, 1))
    case = world.case(case_id)
    assert case.is_open
    assert numbers(world, case_id) == [1]


def test_A_1_1_refused_application_leaves_no_case_so_the_person_may_apply_later(
    world: World,
) -> None:
    """A-1.1: nothing is recorded on refusal; at 18 the same person applies (A-X not tripped)."""
    assert refused_with(
        lambda: world.submit(name="少年", birth_date=date(2005, 3, 1), on=date(2022, 9, 1))
    ) == {"A-1.1"}
    world.submit(name="少年", birth_date=date(2005, 3, 1), on=date(2023, 3, 1))


@pytest.mark.parametrize("basis", ["", "employer", "WORK_UNIT", "hometown"])
def test_A_1_2_invalid_basis_refused(world: World, basis: str) -> None:
    assert refused_with(lambda: world.submit(basis=basis)) == {"A-1.2"}


@pytest.mark.parametrize("basis", ["work_unit", "study_unit", "residence", "mobile"])
def test_A_1_2_each_valid_basis_accepted(world: World, basis: str) -> None:
    case_id = world.submit(basis=basis)
    assert world.case(case_id).basis == basis


def test_A_1_1_and_A_1_2_are_reported_together(world: World) -> None:
    assert refused_with(
        lambda: world.submit(birth_date=date(2010, 1, 1), on=date(2023, 3, 1), basis="x")
    ) == {"A-1.1", "A-1.2"}


def test_A_1_2_application_off_the_unit_is_recorded_with_F_OFFUNIT(world: World) -> None:
    """A-1.2 is hard on the basis only; a unit mismatch is a finding, not a refusal."""
    case_id = world.submit(unit="别的单位", basis="work_unit")
    kinds = {f.kind for f in case_findings(world.case(case_id), world.memberflow.settings.policy)}
    assert "F-OFFUNIT" in kinds
    clean = world.submit(unit="市财政局", basis="work_unit")
    kinds = {f.kind for f in case_findings(world.case(clean), world.memberflow.settings.policy)}
    assert "F-OFFUNIT" not in kinds


def test_A_2_1_the_interview_follows_the_application(world: World) -> None:
    """A-2.1: the case exists from the application, so the interview is taken after step 1."""
    case_id = world.submit()
    world.step(case_id, "applicant_interviewed")
    case = world.case(case_id)
    assert numbers(world, case_id) == [1, 2]
    assert case.records[1].version > case.records[0].version


def test_A_2_1_interview_dated_before_application_is_recorded_with_F_ORDER(world: World) -> None:
    """A-2.1 (DOMAIN §2): an earlier date is backfilled paperwork: recorded, and F-ORDER."""
    case_id = world.submit()
    world.step(case_id, "applicant_interviewed", on=APPLIED_ON.replace(day=1).replace(month=2))
    case = world.case(case_id)
    assert case.has("applicant_interviewed")
    findings = case_findings(case, world.memberflow.settings.policy)
    assert any(f.kind == "F-ORDER" and f.step == "application_submitted" for f in findings)


# Stage 2.


def test_A_3_1_activist_before_interview_refused(world: World) -> None:
    case_id = world.submit()
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "activist_designated")
    assert excinfo.value.first.rule.id == "A-3.1"
    assert {v.rule.id for v in excinfo.value.violations} == {"A-3.1"}
    assert not world.case(case_id).has("activist_designated")

    world.step(case_id, "applicant_interviewed")
    world.step(case_id, "activist_designated")
    assert world.case(case_id).has("activist_designated")


@pytest.mark.parametrize("source", ["", "self_recommendation", "leader_appointment"])
def test_A_3_2_invalid_activist_source_refused(world: World, source: str) -> None:
    case_id = world.case_before(3)
    assert refused_with(lambda: world.step(case_id, "activist_designated", source=source)) == {
        "A-3.2"
    }
    assert not world.case(case_id).has("activist_designated")


@pytest.mark.parametrize("source", ["member_recommendation", "mass_org_recommendation"])
def test_A_3_2_valid_activist_sources_accepted(world: World, source: str) -> None:
    case_id = world.case_before(3)
    world.step(case_id, "activist_designated", source=source)
    record = world.case(case_id).latest("activist_designated")
    assert record is not None
    assert record.details.model_dump()["source"] == source


def test_A_3_3_policy_is_off_by_default(world: World) -> None:
    """A-3.3: without the policy, an activist may be designated the day after applying."""
    assert world.memberflow.settings.policy.activist_min_months is None
    case_id = world.submit()
    world.step(case_id, "applicant_interviewed", on=date(2023, 3, 2))
    world.step(case_id, "activist_designated", on=date(2023, 3, 2))
    assert world.case(case_id).has("activist_designated")


# A deployment that sets to six months.
SIX_MONTHS_AN_APPLICANT = pytest.mark.settings(policy_activist_min_months=6)


@SIX_MONTHS_AN_APPLICANT
def test_A_3_3_with_six_months_policy_the_day_before_is_refused(world: World) -> None:
    assert world.memberflow.settings.policy.activist_min_months == 6
    case_id = world.case_before(3)  # applied 2023-03-01
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "activist_designated", on=date(2023, 8, 31))
    assert excinfo.value.first.rule.id == "A-3.3"
    assert {v.rule.id for v in excinfo.value.violations} == {"A-3.3"}
    assert "2023-09-01" in excinfo.value.first.detail_en

    world.step(case_id, "activist_designated", on=date(2023, 9, 1))
    assert world.case(case_id).has("activist_designated")


@SIX_MONTHS_AN_APPLICANT
def test_A_3_3_exception_lets_an_early_designation_through(world: World) -> None:
    """A-3.3 is a hard policy; the approving committee may except one case (DOMAIN §0)."""
    case_id = world.case_before(3)
    world.except_(case_id, "activist_designated", "A-3.3", on=date(2023, 4, 1))
    world.step(case_id, "activist_designated", on=date(2023, 4, 10))
    record = world.case(case_id).latest("activist_designated")
    assert record is not None
    assert record.waived == ("A-3.3",)


def test_A_4_1_filing_before_designation_refused(world: World) -> None:
    case_id = world.case_before(3)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "activist_filed")
    assert excinfo.value.first.rule.id == "A-4.1"
    assert not world.case(case_id).has("activist_filed")

    world.step(case_id, "activist_designated")
    world.step(case_id, "activist_filed")
    assert world.case(case_id).has("activist_filed")


@pytest.mark.parametrize(
    "contacts", [[], ["m0", "m1", "m2"], ["m0", "m0"], ["m0", "m1", "m0"]], ids=str
)
def test_A_5_1_zero_three_or_duplicate_contacts_refused(world: World, contacts: list[str]) -> None:
    case_id = world.case_before(5)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "contacts_assigned", contacts=contacts)
    assert excinfo.value.first.rule.id == "A-5.1"
    assert {v.rule.id for v in excinfo.value.violations} == {"A-5.1"}
    assert not world.case(case_id).has("contacts_assigned")


@pytest.mark.parametrize("contacts", [["m0"], ["m0", "m1"]], ids=str)
def test_A_5_1_one_or_two_contacts_accepted(world: World, contacts: list[str]) -> None:
    case_id = world.case_before(5)
    world.step(case_id, "contacts_assigned", contacts=contacts)
    record = world.case(case_id).latest("contacts_assigned")
    assert record is not None
    assert list(record.details.model_dump()["contacts"]) == [world.ids[c] for c in contacts]


def test_A_5_1_contacts_only_after_activist_designation(world: World) -> None:
    case_id = world.case_before(3)
    assert refused_with(lambda: world.step(case_id, "contacts_assigned")) == {"MF-STEP-ORDER"}


# Stage 3: A-7 … A-11.


def test_A_7_1_target_the_day_before_a_year_as_activist_refused(world: World) -> None:
    case_id = world.case_before(7)  # activist since 2023-04-10
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "development_target_designated", on=date(2024, 4, 9))
    assert excinfo.value.first.rule.id == "A-7.1"
    assert {v.rule.id for v in excinfo.value.violations} == {"A-7.1"}
    assert "2024-04-10" in excinfo.value.first.detail_en


def test_A_7_1_target_needs_a_year_as_activist_exactly_one_year_accepted(world: World) -> None:
    case_id = world.case_before(7)
    world.step(case_id, "development_target_designated", on=date(2024, 4, 10))
    assert world.case(case_id).has("development_target_designated")


def test_A_7_1_a_year_counts_from_the_activist_designation_not_the_application(
    world: World,
) -> None:
    """A-7.1: more than a year since applying is not enough; the clock starts at step 3."""
    case_id = world.submit()
    world.step(case_id, "applicant_interviewed")
    world.step(case_id, "activist_designated", on=date(2023, 9, 1))
    world.step(case_id, "contacts_assigned", on=date(2023, 9, 1))
    world.step(case_id, "activist_assessed", on=date(2023, 12, 1))
    world.step(case_id, "activist_assessed", on=date(2024, 6, 1))
    assert refused_with(
        lambda: world.step(case_id, "development_target_designated", on=date(2024, 8, 31))
    ) == {"A-7.1"}
    world.step(case_id, "development_target_designated", on=date(2024, 9, 1))


def _case_with_assessments(world: World, *days: date) -> UUID:
    case_id = world.case_before(6)
    for day in days:
        world.step(case_id, "activist_assessed", on=day)
    return case_id


@pytest.mark.parametrize("count", [0, 1])
def test_A_7_2_fewer_than_two_assessments_refused(world: World, count: int) -> None:
    days = [date(2023, 10, 1), date(2024, 3, 1)][:count]
    case_id = _case_with_assessments(world, *days)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "development_target_designated")
    assert {v.rule.id for v in excinfo.value.violations} == {"A-7.2"}
    assert f"Only {count} assessments" in excinfo.value.first.detail_en


def test_A_7_2_an_assessment_dated_after_the_designation_does_not_count(world: World) -> None:
    case_id = _case_with_assessments(world, date(2023, 10, 1), date(2024, 5, 1))
    assert refused_with(
        lambda: world.step(case_id, "development_target_designated", on=date(2024, 4, 20))
    ) == {"A-7.2"}
    world.step(case_id, "development_target_designated", on=date(2024, 5, 1))
    assert world.case(case_id).has("development_target_designated")


def test_A_7_2_two_assessments_accepted(world: World) -> None:
    case_id = _case_with_assessments(world, date(2023, 10, 1), date(2024, 3, 1))
    world.step(case_id, "development_target_designated")
    assert world.case(case_id).has("development_target_designated")


@pytest.mark.parametrize("missing", ["party_group", "contacts", "members", "non_members"])
def test_A_7_3_missing_opinion_group_refused(world: World, missing: str) -> None:
    case_id = world.case_before(7)
    opinions = [o for o in ALL_OPINIONS if o["group"] != missing]
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "development_target_designated", opinions_heard=opinions)
    assert {v.rule.id for v in excinfo.value.violations} == {"A-7.3"}
    assert missing in excinfo.value.first.detail_en


def test_A_7_3_no_opinions_recorded_refused_and_all_four_accepted(world: World) -> None:
    case_id = world.case_before(7)
    assert refused_with(
        lambda: world.step(case_id, "development_target_designated", opinions_heard=[])
    ) == {"A-7.3"}
    world.step(case_id, "development_target_designated", opinions_heard=ALL_OPINIONS)
    record = world.case(case_id).latest("development_target_designated")
    assert record is not None
    heard: list[dict[str, Any]] = record.details.model_dump(mode="json")["opinions_heard"]
    assert {o["group"] for o in heard} == {"party_group", "contacts", "members", "non_members"}


def test_A_7_all_three_rules_reported_together(world: World) -> None:
    case_id = _case_with_assessments(world, date(2023, 10, 1))
    assert refused_with(
        lambda: world.step(
            case_id, "development_target_designated", on=date(2024, 1, 1), opinions_heard=[]
        )
    ) == {"A-7.1", "A-7.2", "A-7.3"}


def test_A_8_1_target_filing_before_designation_refused(world: World) -> None:
    case_id = world.case_before(7)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "development_target_filed")
    assert excinfo.value.first.rule.id == "A-8.1"
    assert not world.case(case_id).has("development_target_filed")

    world.step(case_id, "development_target_designated")
    world.step(case_id, "development_target_filed")
    assert world.case(case_id).has("development_target_filed")


@pytest.mark.parametrize(
    "introducers",
    [
        ["m0"],
        [],
        ["m0", "m1", "m2"],
        ["m0", "m0"],
        ["m0", "probationary"],
        ["disciplined", "m1"],
        ["m0", "suspended"],
    ],
    ids=str,
)
def test_A_9_1_introducers_must_be_two_distinct_full_members_with_rights(
    world: World, introducers: list[str]
) -> None:
    case_id = world.case_before(9)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "introducers_assigned", introducers=introducers)
    assert excinfo.value.first.rule.id == "A-9.1"
    assert {v.rule.id for v in excinfo.value.violations} == {"A-9.1"}
    assert not world.case(case_id).has("introducers_assigned")


def test_A_9_1_two_full_members_with_rights_accepted(world: World) -> None:
    case_id = world.case_before(9)
    world.step(case_id, "introducers_assigned", introducers=["m2", "m3"])
    record = world.case(case_id).latest("introducers_assigned")
    assert record is not None
    assert list(record.details.model_dump()["introducers"]) == [world.ids["m2"], world.ids["m3"]]


def test_A_9_1_introducers_only_after_target_designation(world: World) -> None:
    case_id = world.case_before(7)
    assert refused_with(lambda: world.step(case_id, "introducers_assigned")) == {"MF-STEP-ORDER"}


@pytest.mark.parametrize("conclusion", ["", "ok", "PASSED", "pending"])
def test_A_10_1_invalid_review_conclusion_refused(world: World, conclusion: str) -> None:
    case_id = world.case_before(10)
    assert refused_with(
        lambda: world.step(case_id, "political_review_concluded", conclusion=conclusion)
    ) == {"A-10.1"}
    assert world.case(case_id).is_open
    world.step(case_id, "political_review_concluded", conclusion="passed")
    assert world.case(case_id).has("political_review_concluded")
    assert world.case(case_id).is_open


def test_A_10_2_failed_review_terminates_the_case(world: World) -> None:
    case_id = world.case_before(10)
    world.step(case_id, "political_review_concluded", conclusion="failed")
    case = world.case(case_id)
    assert case.status is CaseStatus.TERMINATED
    assert not case.is_open
    assert case.closing is not None
    events = [type(e).__name__ for e in world.memberflow.membership.history(case_id)]
    assert events[-2:] == ["StepRecorded", "Terminated"]

    for slug in ("training_completed", "introducers_assigned", "development_target_filed"):
        with pytest.raises(RulesBroken) as excinfo:
            world.step(case_id, slug)
        assert excinfo.value.first.rule.id == "MF-CASE-CLOSED"
    assert world.case(case_id).version == case.version


def test_A_10_2_no_branch_committee_review_without_a_passed_review(world: World) -> None:
    """A-10.2 / A-12.1: without a political review the case cannot go to the committee."""
    case_id = world.case_before(10)
    world.step(case_id, "training_completed")
    assert refused_with(lambda: world.step(case_id, "branch_committee_reviewed")) == {"A-12.1"}


@pytest.mark.parametrize(("days", "hours"), [(2, 23), (0, 0), (2, 0), (0, 23)])
def test_A_11_1_short_training_refused(world: World, days: int, hours: int) -> None:
    case_id = world.case_before(11)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "training_completed", days=days, hours=hours)
    assert excinfo.value.first.rule.id == "A-11.1"
    assert {v.rule.id for v in excinfo.value.violations} == {"A-11.1"}
    assert not world.case(case_id).has("training_completed")


@pytest.mark.parametrize(("days", "hours"), [(3, 0), (0, 24), (3, 24), (5, 10)])
def test_A_11_1_three_days_or_24_hours_accepted(world: World, days: int, hours: int) -> None:
    case_id = world.case_before(11)
    world.step(case_id, "training_completed", days=days, hours=hours)
    assert world.case(case_id).has("training_completed")

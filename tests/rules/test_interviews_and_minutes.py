"""What a committee interview, an opinion and a meeting must leave on record (issue 9, items 8 and
9): A-16.2 the interviewers, and F-CONFLICT judged on them rather than on who typed the step;
A-7.3 opinions heard between the activist designation and the target designation; F-DOCS for a
branch committee or branch meeting decision without minutes (the 潮州/高邮 pattern)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from domain.admission.findings import case_findings
from domain.context import Actor, DocumentKind, Role
from domain.errors import RulesBroken
from domain.findings import Finding
from tests.support.world import ALL_OPINIONS, CLEAN_PATH, World

D = DocumentKind


def violated(world: World, case_id: UUID, slug: str, **fields: Any) -> set[str]:
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, slug, **fields)
    return {v.rule.id for v in excinfo.value.violations}


def findings(world: World, case_id: UUID, kind: str) -> list[Finding]:
    found = case_findings(world.case(case_id), world.memberflow.settings.policy)
    return [f for f in found if f.kind == kind]


# the interviewers.


@pytest.mark.parametrize(
    "interviewers",
    [
        [],
        [{"name": "  ", "capacity": "organizer"}],
        [{"name": "李委员", "capacity": "secretary"}],
    ],
    ids=["none", "blank-name", "unknown-capacity"],
)
def test_A_16_2_the_interview_names_its_interviewers(
    world: World, interviewers: list[dict[str, str]]
) -> None:
    case_id = world.case_before(16)
    assert violated(world, case_id, "committee_interview_held", interviewers=interviewers) == {
        "A-16.2"
    }


def test_A_16_2_the_same_member_twice_is_refused(world: World) -> None:
    case_id = world.case_before(16)
    twice = [
        {"member_id": str(world.ids["m2"]), "name": "党员2", "capacity": "committee_member"},
        {"member_id": str(world.ids["m2"]), "name": "党员2", "capacity": "organizer"},
    ]
    assert violated(world, case_id, "committee_interview_held", interviewers=twice) == {"A-16.2"}


def test_A_16_2_committee_members_and_organizers_are_recorded(world: World) -> None:
    case_id = world.case_before(16)
    interviewers = [
        {"member_id": str(world.ids["m2"]), "name": "党员2", "capacity": "committee_member"},
        {"name": "王组织员", "capacity": "organizer"},
    ]
    world.step(case_id, "committee_interview_held", interviewers=interviewers)
    record = world.case(case_id).latest("committee_interview_held")
    assert record is not None
    assert [i.name for i in record.details.interviewers] == ["党员2", "王组织员"]  # type: ignore[attr-defined]


# F-CONFLICT on who held the interview.


def test_F_CONFLICT_an_introducer_who_held_the_interview(world: World) -> None:
    """The input that raised nothing before: an official with no member link typed the step,
    and the interview was held by m0, the case's introducer and contact."""
    case_id = world.case_before(16)
    held_by_m0 = [{"member_id": str(world.ids["m0"]), "name": "党员0", "capacity": "organizer"}]
    world.step(case_id, "committee_interview_held", interviewers=held_by_m0)
    conflicts = findings(world, case_id, "F-CONFLICT")
    assert [(f.step, f.rule) for f in conflicts] == [("committee_interview_held", "O-1")]
    assert str(world.ids["m0"]) in conflicts[0].detail_en


def test_F_CONFLICT_not_raised_by_the_typist_when_others_held_the_interview(world: World) -> None:
    """The official who enters the step is an introducer (m1) but did not hold the interview."""
    world.actors["typist"] = Actor(
        id="typist",
        role=Role.COMMITTEE_OFFICIAL,
        organization_id=world.ids["pc"],
        member_id=world.ids["m1"],
    )
    case_id = world.case_before(16)
    world.step(case_id, "committee_interview_held", by="typist")
    assert findings(world, case_id, "F-CONFLICT") == []


def test_F_CONFLICT_the_approving_official_is_still_judged(world: World) -> None:
    world.actors["introducer_official"] = Actor(
        id="introducer_official",
        role=Role.COMMITTEE_OFFICIAL,
        organization_id=world.ids["pc"],
        member_id=world.ids["m1"],
    )
    case_id = world.case_before(17)
    world.step(case_id, "admission_approved", by="introducer_official")
    assert [f.step for f in findings(world, case_id, "F-CONFLICT")] == ["admission_approved"]


# when the opinions were heard.


@pytest.mark.parametrize(
    "heard_on",
    ["2024-04-21", "2023-04-10", "2023-03-01"],
    ids=["after-the-designation", "on-the-activist-day", "before-the-activist"],
)
def test_A_7_3_an_opinion_heard_outside_the_cultivation_is_refused(
    world: World, heard_on: str
) -> None:
    """Step 7 on 2024-04-20, the activist designated on 2023-04-10."""
    case_id = world.case_before(7)
    opinions = [*ALL_OPINIONS[:3], {**ALL_OPINIONS[3], "heard_on": heard_on}]
    assert violated(world, case_id, "development_target_designated", opinions_heard=opinions) == {
        "A-7.3"
    }


def test_A_7_3_opinions_heard_on_the_designation_day_are_accepted(world: World) -> None:
    case_id = world.case_before(7)
    opinions = [{**o, "heard_on": "2024-04-20"} for o in ALL_OPINIONS]
    world.step(case_id, "development_target_designated", opinions_heard=opinions)
    assert world.case(case_id).has("development_target_designated")


# F-DOCS: decisions of a branch committee or meeting without minutes.


@pytest.mark.parametrize(
    "slug",
    ["activist_designated", "development_target_designated", "branch_committee_reviewed"],
)
def test_F_DOCS_a_decision_recorded_without_meeting_minutes(world: World, slug: str) -> None:
    """The 潮州/高邮 pattern: decided orally, no minutes."""
    number = next(i for i, p in enumerate(CLEAN_PATH) if p.slug == slug)
    case_id = world.submit()
    world.follow(case_id, CLEAN_PATH[:number])
    world.step(case_id, slug, documents=())
    docs = findings(world, case_id, "F-DOCS")
    assert [(f.step, f.detail_en) for f in docs] == [(slug, "No record attached: meeting_minutes.")]


def test_F_DOCS_the_clean_path_with_minutes_raises_none(world: World) -> None:
    case_id = world.case_before(13)
    assert findings(world, case_id, "F-DOCS") == []
    minutes = {p.slug: D.MEETING_MINUTES in p.documents for p in CLEAN_PATH}
    assert minutes["activist_designated"]
    assert minutes["branch_committee_reviewed"]

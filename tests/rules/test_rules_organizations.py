"""O-1, O-2, O-3 through the command bus: who approves, who may stand for a case, the registry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from uuid import UUID, uuid4

import pytest

from domain.commands import Entry, RegisterMember, RegisterOrganization
from domain.errors import RulesBroken
from domain.members import MemberStatus
from domain.organizations import OrgKind
from tests.support.world import World, path_between


def refused_with(call: Callable[[], object]) -> set[str]:
    """The rule ids of the refusal ``call`` must raise."""
    with pytest.raises(RulesBroken) as excinfo:
        call()
    return {v.rule.id for v in excinfo.value.violations}


def approving_committee_of(world: World, key: str) -> UUID:
    return world.memberflow.organizations.approving_committee(world.ids[key]).id


# O-1: which committee approves.


def test_O_1_branch_under_empowered_primary_committee_is_approved_by_it(world: World) -> None:
    assert approving_committee_of(world, "branch") == world.ids["pc"]
    assert approving_committee_of(world, "branch_b") == world.ids["pc"]


def test_O_1_branch_under_general_branch_under_powerless_committee_goes_to_working_committee(
    world: World,
) -> None:
    assert approving_committee_of(world, "branch2") == world.ids["wc"]


def test_O_1_the_nearest_empowered_ancestor_approves(world: World) -> None:
    """O-1: nearest empowered primary committee, skipping a general branch and a powerless one."""
    world.org("inner", "内设党委", OrgKind.PRIMARY_COMMITTEE, "pc", approves=True)
    world.org("inner_branch", "内设支部", OrgKind.BRANCH, "inner")
    world.org("weak", "无权党委", OrgKind.PRIMARY_COMMITTEE, "pc")
    world.org("weak_gb", "无权党委总支", OrgKind.GENERAL_BRANCH, "weak")
    world.org("weak_branch", "无权党委支部", OrgKind.BRANCH, "weak_gb")
    world.org("pc_gb", "党委下总支", OrgKind.GENERAL_BRANCH, "pc")
    world.org("pc_gb_branch", "党委下总支支部", OrgKind.BRANCH, "pc_gb")

    assert approving_committee_of(world, "inner_branch") == world.ids["inner"]
    assert approving_committee_of(world, "weak_branch") == world.ids["pc"]
    assert approving_committee_of(world, "pc_gb_branch") == world.ids["pc"]


@pytest.mark.parametrize("kind", [OrgKind.GENERAL_BRANCH, OrgKind.BRANCH])
def test_O_1_a_general_branch_or_branch_cannot_be_given_approval_power(
    world: World, kind: OrgKind
) -> None:
    def register(approves: bool) -> UUID:
        command = RegisterOrganization(
            f"{kind.value}-{approves}",
            kind,
            world.ids["pc"],
            approves,
            None,
            Entry(date(2020, 1, 1)),
        )
        return world.run(command, "admin").subject_id

    assert refused_with(lambda: register(True)) == {"O-1"}
    organization = world.memberflow.organizations.organization(register(False))
    assert organization.kind is kind
    assert not organization.approves_admissions


def test_O_1_power_of_primary_committee_follows_its_flag_and_working_committee_always_has_it(
    world: World,
) -> None:
    organizations = world.memberflow.organizations
    assert organizations.organization(world.ids["pc"]).approves_admissions
    assert not organizations.organization(world.ids["pc2"]).approves_admissions
    assert organizations.organization(world.ids["wc"]).approves_admissions
    assert not organizations.organization(world.ids["gb"]).approves_admissions


# O-1: decisions of steps 13, 16, 17 and 24 belong to the approving committee's officials.

# The rule each decision quotes when taken without authority: are the
# step rules that apply O-1; step 16 quotes O-1 itself.
AUTHORITY = [
    (13, "pre_review_passed", "A-13.1"),
    (16, "committee_interview_held", "O-1"),
    (17, "admission_approved", "A-17.1"),
    (24, "conversion_approved", "A-24.1"),
]


@pytest.mark.parametrize(("number", "slug", "rule_id"), AUTHORITY)
def test_O_1_decisions_only_by_official_of_approving_committee(
    world: World, number: int, slug: str, rule_id: str
) -> None:
    """O-1 (A-13.1, A-17.1, A-24.1): the working committee above is refused by O-1 itself; a
    secretary, and anyone outside pc's subtree, by the access policy (MF-ACCESS)."""
    case_id = world.case_before(number)
    version = world.case(case_id).version
    outsiders = {
        "secretary": "MF-ACCESS",
        "pc2_official": "MF-ACCESS",
        "wc_official": rule_id,
        "secretary2": "MF-ACCESS",
    }
    for outsider, refusal in outsiders.items():
        assert refused_with(partial(world.step, case_id, slug, by=outsider)) == {refusal}
    assert world.case(case_id).version == version  # nothing recorded

    world.step(case_id, slug, by="official")
    assert world.case(case_id).latest(slug) is not None


def branch2_case_before(world: World, number: int) -> UUID:
    """A case of branch2 on the clean path before step ``number``; the working committee's
    official takes the decisions, as O-1 requires there."""
    case_id = world.submit(branch="branch2", unit="市档案馆", by="secretary2")
    for p in path_between(2, number):
        by = "wc_official" if p.by == "official" else "secretary2"
        world.step(case_id, p.slug, on=p.on, by=by, documents=p.documents, **p.fields)
    return case_id


@pytest.mark.parametrize(("number", "slug", "rule_id"), AUTHORITY)
def test_O_1_branch2_cases_are_decided_by_the_working_committee(
    world: World, number: int, slug: str, rule_id: str
) -> None:
    """O-1: under a general branch of a powerless committee, only "wc_official" decides; pc2,
    above the branch but without the power, is refused by O-1 itself."""
    case_id = branch2_case_before(world, number)
    outsiders = {"secretary2": "MF-ACCESS", "official": "MF-ACCESS", "pc2_official": rule_id}
    for outsider, refusal in outsiders.items():
        assert refused_with(partial(world.step, case_id, slug, by=outsider)) == {refusal}

    world.step(case_id, slug, by="wc_official")
    assert world.case(case_id).latest(slug) is not None


# O-2: only full members with rights stand as contacts and introducers.


@pytest.mark.parametrize("member", ["probationary", "suspended", "disciplined", "recent"])
def test_O_2_member_without_rights_refused_as_contact(world: World, member: str) -> None:
    """O-2 via A-5.1: probationary, suspended, 留党察看, or full only after the date."""
    case_id = world.case_before(5)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "contacts_assigned", contacts=[member])
    assert [v.rule.id for v in excinfo.value.violations] == ["A-5.1"]
    assert "(O-2)" in excinfo.value.first.detail_en

    world.step(case_id, "contacts_assigned", contacts=["m1"])
    assert world.case(case_id).has("contacts_assigned")


@pytest.mark.parametrize("member", ["probationary", "suspended", "disciplined", "recent"])
def test_O_2_member_without_rights_refused_as_introducer(world: World, member: str) -> None:
    """O-2 via A-9.1: one bad introducer of two refuses the step."""
    case_id = world.case_before(9)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "introducers_assigned", introducers=["m0", member])
    assert [v.rule.id for v in excinfo.value.violations] == ["A-9.1"]
    assert "(O-2)" in excinfo.value.first.detail_en

    world.step(case_id, "introducers_assigned", introducers=["m0", "m1"])
    assert world.case(case_id).has("introducers_assigned")


def test_O_2_disciplined_introducer_is_refused_because_of_party_probation(world: World) -> None:
    case_id = world.case_before(9)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "introducers_assigned", introducers=["m0", "disciplined"])
    assert excinfo.value.first.rule.id == "A-9.1"
    assert "留党察看" in excinfo.value.first.detail_zh


def test_O_2_rights_are_judged_on_the_step_date_full_since_day_counts(world: World) -> None:
    """O-2: "recent" became full on 2025-01-01; refused the day before, accepted that day."""
    case_id = world.case_before(5)
    assert refused_with(
        lambda: world.step(case_id, "contacts_assigned", on=date(2024, 12, 31), contacts=["recent"])
    ) == {"A-5.1"}
    world.step(case_id, "contacts_assigned", on=date(2025, 1, 1), contacts=["recent"])
    assert world.case(case_id).latest("contacts_assigned") is not None


# O-3: the registry.


def test_O_3_unknown_member_refused_as_contact_and_introducer(world: World) -> None:
    stranger = uuid4()
    case_id = world.case_before(5)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "contacts_assigned", contacts=[stranger])
    assert excinfo.value.first.rule.id == "A-5.1"
    assert "(O-3)" in excinfo.value.first.detail_en
    assert not world.case(case_id).has("contacts_assigned")

    case_id = world.case_before(9)
    with pytest.raises(RulesBroken) as excinfo:
        world.step(case_id, "introducers_assigned", introducers=["m0", stranger])
    assert excinfo.value.first.rule.id == "A-9.1"
    assert "(O-3)" in excinfo.value.first.detail_en


@pytest.mark.parametrize("org", ["pc", "wc"])
def test_O_3_member_cannot_be_registered_into_a_committee(world: World, org: str) -> None:
    def register(where: str) -> UUID:
        command = RegisterMember(
            world.ids[where],
            "新党员",
            date(1980, 6, 1),
            MemberStatus.FULL,
            date(2010, 7, 1),
            None,
            False,
            False,
            Entry(date(2020, 1, 1)),
        )
        return world.run(command, "admin").subject_id

    assert refused_with(lambda: register(org)) == {"O-3"}
    member = world.memberflow.membership.member(register("branch"))
    assert member.branch_id == world.ids["branch"]
    assert member.status is MemberStatus.FULL
    assert member.full_since == date(2011, 7, 1)  # O-3: a year after joining (党章 Art. 7)


def test_O_3_registry_records_status_and_rights(world: World) -> None:
    membership = world.memberflow.membership
    assert membership.member(world.ids["probationary"]).status is MemberStatus.PROBATIONARY
    assert membership.member(world.ids["m0"]).has_rights_on(date(2023, 1, 1))
    assert not membership.member(world.ids["suspended"]).has_rights_on(date(2023, 1, 1))
    assert not membership.member(world.ids["disciplined"]).has_rights_on(date(2023, 1, 1))
    recent = membership.member(world.ids["recent"])
    assert not recent.has_rights_on(date(2024, 12, 31))
    assert recent.has_rights_on(date(2025, 1, 1))

"""O-4: a person is the citizen ID number (公民身份号码, GB 11643), and A-X holds across committees.

Two people with the same name and birth date are two people; one person applying in two
jurisdictions is one person, and the refusal names the open case only to those above it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import pytest
from pydantic import ValidationError

from domain import identity
from domain.admission.case import AdmissionCase
from domain.admission.values import Applicant
from domain.commands import Entry, RegisterMember, SubmitApplication, WithdrawCase
from domain.context import Actor, Context, Role
from domain.errors import RulesBroken
from domain.members import MemberStatus
from domain.persons import Person
from tests.support.identity import id_number, wrong_check_character
from tests.support.world import APPLIED_ON, World

BORN = date(1998, 5, 1)
GOOD = id_number(BORN, 7)


def refused(call: Callable[[], object]) -> RulesBroken:
    with pytest.raises(RulesBroken) as excinfo:
        call()
    return excinfo.value


# The number itself.


def test_O_4_known_numbers_pass_and_a_lower_case_x_is_written_as_X() -> None:
    assert identity.problem("11010519491231002X", date(1949, 12, 31)) is None
    assert identity.problem("440308199901101512", date(1999, 1, 10)) is None
    assert identity.validated(" 11010519491231002x ", date(1949, 12, 31)) == "11010519491231002X"
    assert identity.problem(GOOD, BORN) is None
    assert GOOD[6:14] == "19980501"


@pytest.mark.parametrize(
    ("number", "born", "why"),
    [
        (wrong_check_character(GOOD), BORN, "check character"),
        (id_number(date(1998, 5, 2)), BORN, "is not the birth date given"),
        (GOOD[:17], BORN, "has 17 characters"),
        (GOOD + "1", BORN, "has 19 characters"),
        ("11010519981301002X", None, "is no date"),  # month 13
        ("1101051998050100A1", BORN, "17 digits"),
    ],
)
def test_O_4_a_wrong_number_is_refused_with_its_reason(
    number: str, born: date | None, why: str
) -> None:
    found = identity.problem(identity.normalised(number), born)
    assert found is not None
    assert why in found[1]


def test_O_4_the_applicant_value_names_the_field_and_the_rule() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Applicant(name="张伟", birth_date=BORN, id_number=wrong_check_character(GOOD))
    error = excinfo.value.errors()[0]
    assert error["loc"] == ("id_number",)
    assert "O-4" in error["msg"]
    assert "校验码" in error["msg"]

    with pytest.raises(ValidationError) as excinfo:
        Applicant(name="张伟", birth_date=date(1998, 5, 2), id_number=GOOD)
    assert "O-4" in excinfo.value.errors()[0]["msg"]


def test_O_4_an_application_stored_before_O_4_loads_without_a_number(world: World) -> None:
    """Stored applicants are validated again when read: one without ``id_number`` is valid, and
    its person keeps the key of its time (name and birth date)."""
    old = Applicant.model_validate({"name": "旧案", "birth_date": "1990-01-01", "unit": None})
    assert old.id_number is None
    namesake = Applicant(name="旧案", birth_date=date(1990, 1, 1), unit="another unit")
    assert world.identities.person_id(old) == world.identities.person_id(namesake)
    assert world.identities.member_id(old) == world.identities.member_id(namesake)
    assert world.identities.person_id(old) != world.identities.member_id(old)


def test_O_4_an_old_case_and_person_written_without_a_number_reload(world: World) -> None:
    """Events as the domain wrote them before O-4: no ``id_number`` anywhere."""
    membership = world.memberflow.membership
    world.clock.set_day(APPLIED_ON)
    context = Context(
        occurred_on=APPLIED_ON,
        recorded_at=world.clock.now(),
        actor=Actor(id="secretary", role=Role.BRANCH_SECRETARY),
        request_id="old",
    )
    applicant = Applicant(name="旧案", birth_date=date(1990, 1, 1), unit="市财政局")
    person = Person(
        id=world.identities.person_id(applicant),
        name=applicant.name,
        birth_date=applicant.birth_date,
        context=context,
    )
    branch = world.memberflow.organizations.organization(world.ids["branch"])
    case = AdmissionCase.submit(
        person=person,
        applicant=applicant,
        branch=branch,
        basis="work_unit",
        context=context,
        today=APPLIED_ON,
    )
    person.open_case(case.id, context)
    membership.save(person, case)

    loaded = membership.case(case.id)
    assert loaded.applicant.id_number is None
    reloaded_person = membership.person(world.identities.person_id(applicant))
    assert reloaded_person is not None
    assert reloaded_person.id_number is None
    assert reloaded_person.case_ids == [case.id]


# A new application needs the number (O-4); RegisterMember checks it too.


def test_O_4_a_new_application_without_a_number_is_refused(world: World) -> None:
    world.clock.set_day(APPLIED_ON)
    applicant = Applicant(name="无号", birth_date=BORN, unit="市财政局")
    command = SubmitApplication(applicant, world.ids["branch"], "work_unit", Entry(APPLIED_ON))

    error = refused(lambda: world.run(command, "secretary"))

    assert [v.rule.id for v in error.violations] == ["O-4"]
    assert "applicant.id_number" in error.first.detail_en


@pytest.mark.parametrize(
    ("number", "why"),
    [
        (wrong_check_character(id_number(date(1980, 6, 1), 3)), "check character"),
        (id_number(date(1980, 6, 2), 3), "is not the birth date given"),
        ("123", "has 3 characters"),
    ],
)
def test_O_4_a_member_with_a_wrong_number_is_refused(world: World, number: str, why: str) -> None:
    command = RegisterMember(
        world.ids["branch"],
        "新党员",
        date(1980, 6, 1),
        MemberStatus.FULL,
        date(2010, 7, 1),
        None,
        False,
        False,
        Entry(date(2020, 1, 1)),
        number,
    )
    error = refused(lambda: world.run(command, "admin"))
    assert error.first.rule.id == "O-4"
    assert "id_number" in error.first.detail_en
    assert why in error.first.detail_en


def test_O_4_a_member_number_is_stored_normalised(world: World) -> None:
    number = id_number(date(1949, 12, 31), 2)
    lower = number.lower()
    member_id = world.member("x", "老党员", date(1949, 12, 31), id_number=lower)
    member = world.memberflow.membership.member(member_id)
    assert member.id_number == number.upper()
    same = Applicant(name="老党员", birth_date=date(1949, 12, 31), id_number=number.upper())
    assert member_id == world.identities.member_id(same)


# Two people with one name and birth date; one person in two jurisdictions.


def test_O_4_two_people_named_zhang_wei_born_the_same_day_both_apply(world: World) -> None:
    first = world.submit(name="张伟", birth_date=BORN, id_number=id_number(BORN, 101))
    second = world.submit(
        name="张伟", birth_date=BORN, id_number=id_number(BORN, 102), branch="branch_b"
    )

    cases = [world.case(first), world.case(second)]
    assert all(c.is_open for c in cases)
    assert cases[0].person_id != cases[1].person_id
    assert world.member_id_of(first) != world.member_id_of(second)


def test_O_4_a_member_named_zhang_wei_does_not_stop_another_zhang_wei(world: World) -> None:
    world.member("zw", "张伟", BORN, id_number=id_number(BORN, 201))
    assert (
        refused(lambda: world.submit(name="张伟", id_number=id_number(BORN, 201))).first.rule.id
        == "A-X"
    )
    case_id = world.submit(name="张伟", id_number=id_number(BORN, 202))
    assert world.case(case_id).is_open


def test_A_X_the_same_number_is_the_same_person_whatever_the_name(world: World) -> None:
    number = id_number(BORN, 301)
    world.submit(name="王芳", id_number=number)
    assert refused(lambda: world.submit(name="王 芳", id_number=number)).first.rule.id == "A-X"


def test_A_X_an_open_case_under_another_committee_refuses_without_saying_where(
    world: World,
) -> None:
    """异地违规入党: the person has an open case at 市财政局第一党支部 (under 市财政局机关党委) and
    applies again at 市档案馆第一党支部 (under another committee). The other jurisdiction learns that
    a case is open elsewhere, not which or where."""
    number = id_number(BORN, 401)
    first = world.submit(name="赵异地", id_number=number)
    for outsider in ("secretary2", "pc2_official"):
        error = refused(
            partial(
                world.submit,
                name="赵异地",
                id_number=number,
                branch="branch2",
                unit="市档案馆",
                on=date(2023, 9, 1),
                by=outsider,
            )
        )
        assert [v.rule.id for v in error.violations] == ["A-X"]
        for secret in (str(first), "市财政局", "赵异地"):
            assert secret not in error.first.detail_en
            assert secret not in error.first.detail_zh
        assert "under another organization" in error.first.detail_en
    after = world.memberflow.membership.person(world.case(first).person_id)
    assert after is not None
    assert after.case_ids == [first]


@pytest.mark.parametrize(
    ("insider", "branch"),
    [("secretary", "branch"), ("official", "branch_b"), ("wc_official", "branch_b")],
)
def test_A_X_the_case_is_named_to_its_branch_and_the_committees_above(
    world: World, insider: str, branch: str
) -> None:
    """Those who may apply there and have the first case's branch in their jurisdiction: its own
    secretary (again in its branch), and the committees above it (in another branch)."""
    number = id_number(BORN, 501)
    first = world.submit(name="钱本地", id_number=number)

    error = refused(
        lambda: world.submit(
            name="钱本地", id_number=number, branch=branch, on=date(2023, 9, 1), by=insider
        )
    )

    assert error.first.rule.id == "A-X"
    assert str(first) in error.first.detail_en
    assert "市财政局第一党支部" in error.first.detail_zh


def test_A_X_a_case_ended_elsewhere_lets_the_person_apply_anywhere(world: World) -> None:
    number = id_number(BORN, 601)
    first = world.submit(name="孙迁居", id_number=number)
    world.clock.set_day(date(2023, 4, 1))
    world.run(WithdrawCase(first, "迁居外地", Entry(date(2023, 4, 1))), "secretary")

    second = world.submit(
        name="孙迁居",
        id_number=number,
        branch="branch2",
        unit="市档案馆",
        on=date(2023, 9, 1),
        by="secretary2",
    )
    assert world.case(second).earlier_case_id == first


def test_A_X_a_member_with_that_number_anywhere_cannot_apply(world: World) -> None:
    number = id_number(BORN, 701)
    world.member("elsewhere", "周党员", BORN, branch="branch2", id_number=number)
    error = refused(lambda: world.submit(name="周党员", id_number=number))
    assert error.first.rule.id == "A-X"
    assert "already a party member" in error.first.detail_en


def test_O_4_an_approval_registers_the_member_under_the_number(world: World) -> None:
    number = id_number(BORN, 801)
    case_id = world.case_before(18, name="吴入党", id_number=number)
    registered = Applicant(name="吴入党", birth_date=BORN, id_number=number)
    member = world.memberflow.membership.member(world.identities.member_id(registered))
    assert member.admission_case_id == case_id
    assert member.id_number == number
    assert member.status is MemberStatus.PROBATIONARY

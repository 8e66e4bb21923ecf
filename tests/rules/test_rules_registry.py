"""O-2 and O-3 over time: a member's standing is a history of dated changes, and every check asks
about the business date of its step.

The world's members m0…m3 joined on 2005-07-01 and are full from 2006-07-01; "suspended" and
"disciplined" were imported on 2020-01-01 with the import's flags.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

import pytest

from domain.admission.values import Applicant
from domain.commands import ChangeStanding, Entry, RegisterMember
from domain.context import Context
from domain.errors import RulesBroken
from domain.members import Member, MemberStatus
from domain.standing import StandingChange
from tests.support.world import World, path_between

C = StandingChange
TODAY = date(2026, 11, 20)


def refused(call: Callable[[], object]) -> RulesBroken:
    with pytest.raises(RulesBroken) as excinfo:
        call()
    return excinfo.value


def change(world: World, key: str, what: StandingChange, on: date, *, today: date = TODAY) -> None:
    """Record a change of standing dated ``on``, entered ``today``."""
    world.clock.set_day(today)
    command = ChangeStanding(world.ids[key], what, f"{what.value} 决定", Entry(on))
    world.run(command, "department")


def member(world: World, key: str) -> Member:
    return world.memberflow.membership.member(world.ids[key])


# O-2 on the step's date.


def test_O_2_a_member_disciplined_after_a_step_still_counts_for_it(world: World) -> None:
    """Disciplined in 2026, m2 was a full member with rights on 2023-04-15: a contact assignment of
    that date, entered now, names m2."""
    change(world, "m2", C.DISCIPLINE_IMPOSED, date(2026, 3, 1))
    case_id = world.case_before(5)

    world.step(case_id, "contacts_assigned", contacts=["m2"], recorded_on=TODAY)

    assert world.case(case_id).has("contacts_assigned")
    assert not member(world, "m2").has_rights_on(TODAY)


def test_O_2_a_member_disciplined_before_the_step_is_refused_naming_the_dates(
    world: World,
) -> None:
    change(world, "m2", C.DISCIPLINE_IMPOSED, date(2023, 1, 10))
    case_id = world.case_before(5)

    error = refused(lambda: world.step(case_id, "contacts_assigned", contacts=["m2"]))

    assert [v.rule.id for v in error.violations] == ["A-5.1"]
    assert "(O-2)" in error.first.detail_en
    assert "2023-04-15" in error.first.detail_en  # the step's date
    assert "2023-01-10" in error.first.detail_en  # since when
    assert "留党察看" in error.first.detail_zh


def test_O_2_a_lifted_discipline_counts_again_from_the_day_it_was_lifted(world: World) -> None:
    """Disciplined 2023-01-10, restored 2024-01-10: refused as contact mid-2023, an introducer in
    2024, and a member with rights in 2025."""
    change(world, "m2", C.DISCIPLINE_IMPOSED, date(2023, 1, 10))
    change(world, "m2", C.DISCIPLINE_LIFTED, date(2024, 1, 10))
    m2 = member(world, "m2")
    assert not m2.has_rights_on(date(2023, 6, 30))
    assert not m2.has_rights_on(date(2024, 1, 9))
    assert m2.has_rights_on(date(2024, 1, 10))
    assert m2.has_rights_on(date(2025, 6, 30))

    case_id = world.case_before(5)
    error = refused(lambda: world.step(case_id, "contacts_assigned", contacts=["m2"]))
    assert error.first.rule.id == "A-5.1"
    world.step(case_id, "contacts_assigned", contacts=["m0"])
    world.follow(case_id, path_between(6, 9))
    world.step(case_id, "introducers_assigned", introducers=["m0", "m2"])  # 2024-05-01
    assert world.case(case_id).has("introducers_assigned")


def test_O_2_suspended_rights_count_from_suspension_to_restoration(world: World) -> None:
    """留置 from 2024-04-20 to 2024-06-01: m3 cannot introduce on 2024-05-01."""
    change(world, "m3", C.RIGHTS_SUSPENDED, date(2024, 4, 20))
    change(world, "m3", C.RIGHTS_RESTORED, date(2024, 6, 1))
    case_id = world.case_before(9)

    error = refused(lambda: world.step(case_id, "introducers_assigned", introducers=["m0", "m3"]))
    assert error.first.rule.id == "A-9.1"
    assert "suspended rights (since 2024-04-20)" in error.first.detail_en

    world.step(case_id, "introducers_assigned", introducers=["m0", "m3"], on=date(2024, 6, 1))
    assert world.case(case_id).has("introducers_assigned")


def test_O_2_the_import_flags_hold_from_the_import_date_and_can_be_lifted(world: World) -> None:
    """ "suspended" was imported on 2020-01-01 with the flag: rights before, none from that day, and
    the restoration recorded with its date counts from then on."""
    suspended = member(world, "suspended")
    assert suspended.has_rights_on(date(2019, 12, 31))
    assert not suspended.has_rights_on(date(2020, 1, 1))

    change(world, "suspended", C.RIGHTS_RESTORED, date(2023, 4, 1))
    case_id = world.case_before(5)
    world.step(case_id, "contacts_assigned", contacts=["suspended"])
    assert world.case(case_id).has("contacts_assigned")
    assert [(r.change, r.on) for r in member(world, "suspended").ordered_history] == [
        (C.JOINED, date(2005, 7, 1)),
        (C.PROBATION_ENDED, date(2006, 7, 1)),
        (C.RIGHTS_SUSPENDED, date(2020, 1, 1)),
        (C.RIGHTS_RESTORED, date(2023, 4, 1)),
    ]


def test_O_2_a_cancelled_membership_counts_before_its_end_only(world: World) -> None:
    change(world, "m2", C.CANCELLED, date(2025, 1, 1))
    m2 = member(world, "m2")
    assert m2.status is MemberStatus.CANCELLED
    assert m2.has_rights_on(date(2024, 12, 31))
    assert not m2.has_rights_on(date(2025, 1, 1))

    case_id = world.case_before(5)
    world.step(case_id, "contacts_assigned", contacts=["m2"])  # 2023: still a member
    assert world.case(case_id).has("contacts_assigned")


# O-3: full membership.


def test_O_3_a_full_member_imported_without_full_since_is_full_a_year_after_joining(
    world: World,
) -> None:
    """党龄 counts from the end of probation (党章 Art. 7): joined 2022-08-01, full 2023-08-01 — not
    yet a full member on 2023-04-15, when the clean path assigns its contact."""
    world.member("late", "党员戊", date(1990, 8, 1), joined_on=date(2022, 8, 1))
    late = member(world, "late")
    assert late.status is MemberStatus.FULL
    assert late.full_since == date(2023, 8, 1)
    assert not late.is_full_member_on(date(2023, 7, 31))
    assert late.is_full_member_on(date(2023, 8, 1))

    case_id = world.case_before(5)
    error = refused(lambda: world.step(case_id, "contacts_assigned", contacts=["late"]))
    assert error.first.rule.id == "A-5.1"
    assert "not a full member" in error.first.detail_en


def test_O_3_a_full_member_joined_less_than_a_year_ago_needs_full_since(world: World) -> None:
    error = refused(
        lambda: world.member("new", "党员己", date(1995, 1, 1), joined_on=date(2026, 3, 1))
    )
    assert error.first.rule.id == "O-3"
    assert "2027-03-01" in error.first.detail_en
    world.member(
        "new",
        "党员己",
        date(1995, 1, 1),
        status=MemberStatus.PROBATIONARY,
        joined_on=date(2026, 3, 1),
    )
    assert member(world, "new").status is MemberStatus.PROBATIONARY


def test_O_3_an_imported_probationary_member_becomes_full_by_probation_ended(
    world: World,
) -> None:
    """Joined 2023-03-01 (imported probationary), probation ended 2024-03-01: refused as an
    introducer before the change is recorded, counted once it is."""
    world.member(
        "p",
        "预备党员乙",
        date(1995, 6, 1),
        status=MemberStatus.PROBATIONARY,
        joined_on=date(2023, 3, 1),
    )
    case_id = world.case_before(9)
    error = refused(lambda: world.step(case_id, "introducers_assigned", introducers=["m0", "p"]))
    assert error.first.rule.id == "A-9.1"

    change(world, "p", C.PROBATION_ENDED, date(2024, 3, 1))
    p = member(world, "p")
    assert (p.status, p.full_since) == (MemberStatus.FULL, date(2024, 3, 1))
    assert not p.has_rights_on(date(2024, 2, 29))

    world.step(case_id, "introducers_assigned", introducers=["m0", "p"])
    assert world.case(case_id).has("introducers_assigned")


@pytest.mark.parametrize(
    ("on", "accepted"),
    [
        (date(2024, 2, 29), False),  # less than a year's probation
        (date(2024, 3, 1), True),
        (date(2025, 3, 1), True),  # extended by a year, the most there is
        (date(2025, 3, 2), False),
    ],
)
def test_O_3_probation_ends_between_one_and_two_years_after_joining(
    world: World, on: date, accepted: bool
) -> None:
    world.member(
        "p",
        "预备党员丙",
        date(1995, 6, 2),
        status=MemberStatus.PROBATIONARY,
        joined_on=date(2023, 3, 1),
    )
    if accepted:
        change(world, "p", C.PROBATION_ENDED, on)
        assert member(world, "p").full_since == on
    else:
        error = refused(lambda: change(world, "p", C.PROBATION_ENDED, on))
        assert [v.rule.id for v in error.violations] == ["O-3"]
        assert member(world, "p").status is MemberStatus.PROBATIONARY


# Impossible changes (MF-STANDING), each refused with its sentence in both languages.


@pytest.mark.parametrize(
    ("first", "then", "why"),
    [
        ((), (C.DISCIPLINE_LIFTED, date(2024, 1, 1)), "was not under 留党察看"),
        ((), (C.RIGHTS_RESTORED, date(2024, 1, 1)), "did not have rights suspended"),
        (
            ((C.DISCIPLINE_IMPOSED, date(2023, 1, 1)),),
            (C.DISCIPLINE_IMPOSED, date(2024, 1, 1)),
            "is under 留党察看 since 2023-01-01",
        ),
        (
            ((C.RIGHTS_SUSPENDED, date(2023, 1, 1)),),
            (C.RIGHTS_SUSPENDED, date(2023, 1, 1)),
            "has rights suspended since 2023-01-01",
        ),
        (
            ((C.DISCIPLINE_IMPOSED, date(2023, 1, 1)), (C.DISCIPLINE_LIFTED, date(2024, 1, 1))),
            (C.DISCIPLINE_LIFTED, date(2024, 6, 1)),
            "was not under 留党察看",
        ),
        ((), (C.DISCIPLINE_IMPOSED, date(2005, 6, 30)), "before the joining date 2005-07-01"),
        ((), (C.PROBATION_ENDED, date(2010, 1, 1)), "is a full member since 2006-07-01"),
        (
            ((C.CANCELLED, date(2024, 1, 1)),),
            (C.RIGHTS_RESTORED, date(2024, 6, 1)),
            "ceased to be a member on 2024-01-01",
        ),
        (
            ((C.CANCELLED, date(2024, 1, 1)),),
            (C.DISCIPLINE_IMPOSED, date(2023, 6, 1)),  # even dated before the end
            "ceased to be a member on 2024-01-01",
        ),
        (
            ((C.DISCIPLINE_IMPOSED, date(2024, 1, 1)),),
            (C.CANCELLED, date(2023, 1, 1)),  # the later record would follow an end
            "contradicts the record of 2024-01-01",
        ),
        ((), (C.JOINED, date(2024, 1, 1)), "joining comes from a case"),
    ],
)
def test_MF_STANDING_an_impossible_change_is_refused(
    world: World,
    first: tuple[tuple[StandingChange, date], ...],
    then: tuple[StandingChange, date],
    why: str,
) -> None:
    for what, on in first:
        change(world, "m2", what, on)
    before = member(world, "m2").version

    error = refused(lambda: change(world, "m2", *then))

    assert [v.rule.id for v in error.violations] == ["MF-STANDING"]
    assert why in error.first.detail_en
    assert error.first.detail_zh.startswith("党员身份和权利的变动")
    assert member(world, "m2").version == before


def test_MF_FUTURE_DATE_a_change_dated_after_today_is_refused(world: World) -> None:
    error = refused(
        lambda: change(world, "m2", C.DISCIPLINE_IMPOSED, date(2026, 11, 21), today=TODAY)
    )
    assert error.first.rule.id == "MF-FUTURE-DATE"
    change(world, "m2", C.DISCIPLINE_IMPOSED, TODAY, today=TODAY)
    assert not member(world, "m2").has_rights_on(TODAY)


def test_a_backfilled_change_fits_between_the_recorded_ones(world: World) -> None:
    """Entered out of order: suspended 2023-01-01 and restored 2023-06-01, then a discipline of
    2022 lifted in 2022 — the history reads in order of business date."""
    change(world, "m2", C.RIGHTS_SUSPENDED, date(2023, 1, 1))
    change(world, "m2", C.RIGHTS_RESTORED, date(2023, 6, 1))
    change(world, "m2", C.DISCIPLINE_IMPOSED, date(2022, 1, 1))
    change(world, "m2", C.DISCIPLINE_LIFTED, date(2022, 12, 1))

    m2 = member(world, "m2")
    assert [r.on for r in m2.ordered_history][2:] == [
        date(2022, 1, 1),
        date(2022, 12, 1),
        date(2023, 1, 1),
        date(2023, 6, 1),
    ]
    assert [m2.has_rights_on(d) for d in (date(2022, 6, 1), date(2022, 12, 15))] == [False, True]
    assert [m2.has_rights_on(d) for d in (date(2023, 3, 1), date(2023, 6, 1))] == [False, True]


def test_O_3_a_member_admitted_through_a_case_is_converted_by_the_case(world: World) -> None:
    case_id = world.case_before(19, name="案卷党员")
    member_id = world.member_id_of(case_id)
    world.ids["admitted"] = member_id

    error = refused(lambda: change(world, "admitted", C.PROBATION_ENDED, date(2025, 7, 20)))

    assert error.first.rule.id == "O-3"
    assert "A-24.4" in error.first.detail_en
    admitted = member(world, "admitted")
    assert admitted.status is MemberStatus.PROBATIONARY
    # Its standing still changes through the registry: rights suspended while probationary.
    change(world, "admitted", C.RIGHTS_SUSPENDED, date(2025, 1, 1))
    assert member(world, "admitted").standing_on(date(2025, 2, 1)).suspended_since


def test_cancel_membership_ends_it_on_the_context_date(world: World) -> None:
    """The method the admission flow uses when a case ends after its approval."""
    world.clock.set_day(TODAY)
    m1 = member(world, "m1")
    context = Context(
        occurred_on=date(2025, 5, 1),
        recorded_at=world.clock.now(),
        actor=world.actors["admin"],
        request_id="test",
    )
    m1.cancel_membership("开除党籍", context, TODAY)

    assert m1.status is MemberStatus.CANCELLED
    assert m1.cancelled_on == date(2025, 5, 1)
    assert m1.has_rights_on(date(2025, 4, 30))
    with pytest.raises(RulesBroken):
        m1.cancel_membership("again", context, TODAY)


def test_registering_again_the_same_member_is_a_conflict_and_ids_follow_identity(
    world: World,
) -> None:
    """O-4: a member with an ID number is found by it; one without it, by name, birth date and
    branch, so a namesake in another branch is someone else."""
    m0 = member(world, "m0")
    assert m0.id_number is not None
    renamed = Applicant(name="whatever name", birth_date=m0.birth_date, id_number=m0.id_number)
    assert m0.id == world.identities.member_id(renamed)

    def register(branch: str) -> UUID:
        command = RegisterMember(
            world.ids[branch],
            "无号党员",
            date(1960, 1, 1),
            MemberStatus.FULL,
            date(1990, 7, 1),
            None,
            False,
            False,
            Entry(date(2020, 1, 1)),
        )
        return world.run(command, "admin").subject_id

    first = register("branch")
    nameless = Applicant(name="无号党员", birth_date=date(1960, 1, 1))
    assert first == world.identities.member_id(nameless, world.ids["branch"])
    assert register("branch_b") != first

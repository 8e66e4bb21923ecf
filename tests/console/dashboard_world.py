"""The World the dashboard's tests count, under 市财政局机关党委 (pc), the clock on 2024-09-01:

- stages: two applicants (stage 1), 王五 a development target (stage 3), 张三 waiting for the
  pre-review and 李四 approved on 2024-08-20 (stage 4);
- admissions: that approval against pc's plan of 3 for 2024;
- overdue approvals: 张三's pre-review and filings, past their due dates;
- findings: F-OFFUNIT (an application off the unit) and F-DEADLINE (an interview after a month);
- elections: a branch whose term ended on 2024-06-01 without an election (overdue), one whose
  term ends on 2025-01-01 (due within six months), one whose term ends in 2026 (neither).
"""

from __future__ import annotations

from datetime import date

from domain.commands import Entry, RegisterOrganization, SetDevelopmentPlan
from domain.organizations import OrgKind
from tests.support.world import World

TODAY = date(2024, 9, 1)
AS_OF = "2024年9月1日"

STAGES = [
    ("入党申请人", 2),
    ("入党积极分子", 0),
    ("发展对象", 1),
    ("预备党员的接收", 2),
    ("预备党员的教育考察和转正", 0),
]
ADMISSIONS = [("2024", 1, 3)]
FINDINGS = [("超过时限（F-DEADLINE）", 1), ("非本单位申请（F-OFFUNIT）", 1)]
ELECTIONS = [("6个月内届满或正在换届", 1), ("逾期未换届（E-OVERDUE）", 1)]


def counted_world(world: World) -> str:
    """Build it; the ``?after=`` of its last writes (every log the dashboard reads)."""
    for key, started in (("lapsed", 2021), ("due", 2022), ("later", 2023)):
        _branch(world, key, date(started, 6 if key == "lapsed" else 1, 1))
    world.clock.set_day(date(2024, 1, 5))
    world.run(SetDevelopmentPlan(world.ids["pc"], 2024, 3, Entry(date(2024, 1, 5))), "department")
    world.submit(unit="市档案馆")  # F-OFFUNIT
    late = world.submit()
    world.step(late, "applicant_interviewed", on=date(2023, 4, 2))  # F-DEADLINE
    world.case_before(9, name="王五")
    world.case_before(13, name="张三")
    approved = world.case_before(17, name="李四")
    world.step(approved, "admission_approved", on=date(2024, 8, 20))
    world.clock.set_day(TODAY)
    memberflow = world.memberflow
    cases = memberflow.membership.recorder.max_notification_id()
    tree = memberflow.organizations.recorder.max_notification_id()
    return f"membership:{cases},organizations:{tree}"


def _branch(world: World, key: str, term_started_on: date) -> None:
    """A branch under pc with a three-year term from ``term_started_on``."""
    world.clock.set_day(date(2024, 1, 2))
    command = RegisterOrganization(
        f"{key}支部",
        OrgKind.BRANCH,
        world.ids["pc"],
        False,
        None,
        Entry(term_started_on),
        term_started_on=term_started_on,
    )
    world.ids[key] = world.run(command, "admin").subject_id

"""Findings across cases (DOMAIN.md §3): F-BATCH, F-TRANSFER, F-CONFLICT and F-OFFUNIT in the
findings read model, its filters over HTTP, and that a rebuild gives the rows the live model has.

Each finding is raised by a scenario built to trigger it, and is absent from a clean history.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.admission.findings import case_findings
from domain.commands import Entry, SetDevelopmentPlan, TransferCase
from domain.context import Actor, Role
from domain.policy import Policy
from projections.findings import FindingsModel
from projections.findings_query import FindingsQuery, query_findings
from projections.follower import Follower
from projections.model import Sources
from projections.organizations import OrganizationsModel
from projections.service import ReadModels
from services.bus import Outcome
from tests.support.client import client_for
from tests.support.world import World, path_between

APPROVED_ON = date(2024, 8, 20)  # admission_approved on the clean path
Summary = tuple[str, str | None, str, str]  # kind, rule, step, subject id


# A deployment that allows one admission per branch within 30 days.
ONE_ADMISSION_A_WINDOW = pytest.mark.settings(policy_batch_max_admissions=1)


def found(read_models: ReadModels, query: FindingsQuery | None = None) -> list[Summary]:
    """Catch up, then (kind, rule, step, subject) of every row that matches, in id order."""
    read_models.catch_up()
    model = read_models.model(FindingsModel.name)
    assert isinstance(model, FindingsModel)
    table = read_models.model(OrganizationsModel.name).names["ancestors"]
    with read_models.database.transaction() as tx:
        rows, count = query_findings(
            model, table, tx, query or FindingsQuery(), order_by="f.id", limit=500, offset=0
        )
    assert count == len(rows)
    return sorted((r[4], r[5], r[6], r[2]) for r in rows)


def approved_case(world: World, on: date = APPROVED_ON, **submit: Any) -> UUID:
    """A case on the clean path, approved on ``on``."""
    case_id = world.case_before(17, **submit)
    world.step(case_id, "admission_approved", on=on)
    return case_id


def set_plan(world: World, year: int, admissions: int, on: date = date(2024, 9, 1)) -> Outcome:
    world.clock.set_day(on)
    command = SetDevelopmentPlan(world.ids["pc"], year, admissions, Entry(on))
    return world.run(command, "official")


def transfer(world: World, case_id: UUID, to: str, on: date) -> Outcome:
    world.clock.set_day(on)
    return world.run(TransferCase(case_id, world.ids[to], Entry(on)), "secretary")


def moved_on(world: World, day: date, to: str, stop: int) -> UUID:
    """A case on the clean path up to step ``stop``, transferred on ``day`` in its place among
    the steps, as a branch records a move when it happens (a later entry is F-ORDER, A-T)."""
    case_id = world.submit()
    steps = path_between(2, stop)
    world.follow(case_id, tuple(p for p in steps if p.on <= day))
    transfer(world, case_id, to, day)
    world.follow(case_id, tuple(p for p in steps if p.on > day))
    return case_id


def interviewer(world: World, member: str) -> list[dict[str, str]]:
    """A-16.2: the interview held by a registered member of the committee."""
    return [{"member_id": str(world.ids[member]), "name": member, "capacity": "committee_member"}]


def add_official(world: World, key: str, member: str) -> None:
    """A committee official of the approving committee whose token links them to a member."""
    world.actors[key] = Actor(
        id=key,
        role=Role.COMMITTEE_OFFICIAL,
        organization_id=world.ids["pc"],
        member_id=world.ids[member],
    )


# A clean history.


def test_a_clean_history_raises_no_finding(world: World, read_models: ReadModels) -> None:
    """Two approvals within a plan of five, a transfer long before promotion, an official who is
    a member but neither contact nor introducer, applications to the applicant's own unit."""
    add_official(world, "official_m2", "m2")
    first = moved_on(world, date(2023, 10, 19), "branch_b", 7)  # 6 months + 1 day before step 7
    world.continue_from(first, 7)
    second = world.case_before(16)
    world.step(second, "committee_interview_held", interviewers=interviewer(world, "m2"))
    world.step(second, "admission_approved", on=date(2024, 8, 21), by="official_m2")
    set_plan(world, 2024, 5)
    assert case_findings(world.case(first), world.memberflow.settings.policy) == []
    assert found(read_models) == []


# F-BATCH (A-P)


def test_F_BATCH_approvals_beyond_the_annual_plan(world: World, read_models: ReadModels) -> None:
    """A plan of one for 2024 and two approvals on the same day: the second in (date, case id)
    order is beyond the plan. Raising the plan to two takes the finding away again."""
    set_plan(world, 2024, 1, on=date(2024, 1, 5))
    cases = sorted([approved_case(world), approved_case(world)], key=str)
    assert found(read_models) == [("F-BATCH", "A-P", "admission_approved", str(cases[1]))]

    set_plan(world, 2024, 2)
    assert found(read_models) == []


def test_F_BATCH_a_plan_of_another_year_does_not_count(
    world: World, read_models: ReadModels
) -> None:
    set_plan(world, 2025, 0, on=date(2024, 1, 5))
    approved_case(world)
    assert found(read_models) == []
    set_plan(world, 2024, 0)
    assert [f[0] for f in found(read_models)] == ["F-BATCH"]


@ONE_ADMISSION_A_WINDOW
def test_F_BATCH_more_approvals_in_one_branch_within_the_window_than_policy_allows(
    world: World, read_models: ReadModels
) -> None:
    """With at most one admission per branch in 30 days: 08-20 and 09-18 are in one window
    (the second is flagged); 10-18's window starts 09-19, so it holds one; another branch's
    approval on 09-18 is its branch's first."""
    assert world.memberflow.settings.policy.batch_max_admissions == 1
    approved_case(world, APPROVED_ON)
    crowded = approved_case(world, date(2024, 9, 18))
    approved_case(world, date(2024, 10, 18))
    approved_case(world, date(2024, 9, 18), branch="branch_b")
    rows = found(read_models, FindingsQuery(kind="F-BATCH"))
    assert rows == [("F-BATCH", "A-P", "admission_approved", str(crowded))]
    assert found(read_models) == rows  # nothing else in these histories


@ONE_ADMISSION_A_WINDOW
def test_F_BATCH_is_shown_for_the_branch_it_was_approved_in(
    world: World, read_models: ReadModels
) -> None:
    approved_case(world)
    crowded = approved_case(world, date(2024, 8, 21))
    query = FindingsQuery(organization_id=world.ids["branch"], kind="F-BATCH")
    assert [f[3] for f in found(read_models, query)] == [str(crowded)]
    query = FindingsQuery(organization_id=world.ids["branch_b"], kind="F-BATCH")
    assert found(read_models, query) == []


# F-TRANSFER (A-T)


def test_F_TRANSFER_a_transfer_shortly_before_designation_as_target(
    world: World, read_models: ReadModels
) -> None:
    """Transferred to branch_b on 2023-10-20, exactly six months before step 7 (2024-04-20)."""
    case_id = moved_on(world, date(2023, 10, 20), "branch_b", 7)
    world.step(case_id, "development_target_designated")
    summary = [(f.kind, f.rule, f.step) for f in case_findings(world.case(case_id), policy(world))]
    assert summary == [("F-TRANSFER", "A-T", "development_target_designated")]
    rows = found(read_models, FindingsQuery(organization_id=world.ids["branch_b"]))
    assert rows == [("F-TRANSFER", "A-T", "development_target_designated", str(case_id))]
    assert found(read_models, FindingsQuery(organization_id=world.ids["branch"])) == []


def test_F_TRANSFER_a_transfer_shortly_before_the_branch_meeting(world: World) -> None:
    case_id = world.case_before(15)
    transfer(world, case_id, "branch_b", date(2024, 7, 12))
    world.step(case_id, "branch_meeting_admitted")
    (finding,) = case_findings(world.case(case_id), policy(world))
    assert (finding.kind, finding.rule, finding.step) == (
        "F-TRANSFER",
        "A-T",
        "branch_meeting_admitted",
    )
    assert "8 days" in finding.detail_en
    assert str(world.ids["branch_b"]) in finding.detail_zh


def test_F_TRANSFER_not_for_a_transfer_after_the_step(world: World) -> None:
    case_id = world.case_before(8)  # step 7 taken on 2024-04-20
    transfer(world, case_id, "branch_b", date(2024, 4, 21))
    assert case_findings(world.case(case_id), policy(world)) == []


# F-CONFLICT (O-1)


def test_F_CONFLICT_the_interviewer_and_the_approver_are_introducers(
    world: World, read_models: ReadModels
) -> None:
    """m0 is contact and introducer, m1 introducer on the clean path; m0 holds the interview
    (16, A-16.2) and an official linked to m1 approves (17)."""
    add_official(world, "official_m1", "m1")
    case_id = world.case_before(16)
    world.step(case_id, "committee_interview_held", interviewers=interviewer(world, "m0"))
    world.step(case_id, "admission_approved", by="official_m1")
    findings = case_findings(world.case(case_id), policy(world))
    assert [(f.kind, f.rule, f.step) for f in findings] == [
        ("F-CONFLICT", "O-1", "committee_interview_held"),
        ("F-CONFLICT", "O-1", "admission_approved"),
    ]
    assert "cultivation contact and introducer" in findings[0].detail_en
    assert findings[1].detail_en.endswith("case's introducer.")
    assert [f[0] for f in found(read_models, FindingsQuery(case_id=case_id))] == [
        "F-CONFLICT",
        "F-CONFLICT",
    ]


# F-OFFUNIT


def test_F_OFFUNIT_in_the_read_model(world: World, read_models: ReadModels) -> None:
    off = world.submit(unit="市档案馆")
    world.submit()
    assert found(read_models) == [("F-OFFUNIT", "A-1.2", "application_submitted", str(off))]


# Filters over HTTP.


def test_findings_are_filtered_by_subtree_kind_period_and_case(
    world: World, read_models: ReadModels
) -> None:
    """a: F-OFFUNIT in 市财政局第一党支部 (under pc); b: F-OFFUNIT in 市档案馆第一党支部 (under
    pc2 → gb); c: F-DEADLINE (A-2.2) in the first branch, on 2023-04-02."""
    a = world.submit(unit="市档案馆")
    b = world.submit(unit="市财政局", branch="branch2", by="secretary2")
    c = world.submit()
    written = world.step(c, "applicant_interviewed", on=date(2023, 4, 2))
    client = client_for(world.memberflow, world.clock)
    client.login("admin", Role.ADMIN)
    ids = world.ids

    def subjects(query: str) -> list[str]:
        response = client.get(f"/findings?{query}")
        assert response.status_code == 200, response.text
        return [row["subject_id"] for row in response.json()["data"]]

    with client.http:  # the service's in-process runner follows the logs
        response = client.get(f"/findings?after=membership:{written.position}")
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["count"] == 3
        assert page["positions"]["membership"] >= written.position
        assert "organizations" in page["positions"]
        row = next(r for r in page["data"] if r["subject_id"] == str(c))
        assert row["kind"] == "F-DEADLINE"
        assert row["rule"] == "A-2.2"
        assert row["organization_id"] == str(ids["branch"])
        assert row["occurred_on"] == "2023-04-02"
        assert row["subject_type"] == "case"
        assert row["id"] == f"{c}:F-DEADLINE:A-2.2:2:0"

        assert sorted(subjects(f"org={ids['wc']}")) == sorted(map(str, (a, b, c)))
        assert sorted(subjects(f"org={ids['pc']}")) == sorted(map(str, (a, c)))
        assert subjects(f"org={ids['gb']}") == [str(b)]
        assert subjects(f"org={ids['branch_b']}") == []
        assert sorted(subjects("kind=F-OFFUNIT")) == sorted(map(str, (a, b)))
        assert subjects("from=2023-04-01") == [str(c)]
        assert sorted(subjects("to=2023-03-31")) == sorted(map(str, (a, b)))
        assert subjects(f"case={a}") == [str(a)]
        assert subjects(f"org={ids['pc']}&kind=F-OFFUNIT&to=2023-03-01") == [str(a)]

        by_kind = client.get("/findings?sort=kind&order=desc").json()["data"]
        assert [r["kind"] for r in by_kind] == ["F-OFFUNIT", "F-OFFUNIT", "F-DEADLINE"]
        second = client.get("/findings?sort=occurred_on&order=desc&per_page=1&page=1").json()
        assert second["count"] == 3
        assert [r["subject_id"] for r in second["data"]] == [str(c)]

        assert client.get("/findings?kind=batch").status_code == 422
        assert client.get("/findings?from=yesterday").status_code == 422


# Rebuilding.


class _OrganizationsFirst(FindingsModel):
    follows = ("organizations", "membership")


def rows_of(read_models: ReadModels, model: FindingsModel) -> dict[str, list[tuple[Any, ...]]]:
    with read_models.database.transaction() as tx:
        return {
            table: sorted(tx.fetchall(f"SELECT * FROM {name}"))
            for table, name in model.names.items()
        }


def rebuilt(read_models: ReadModels, model: FindingsModel) -> dict[str, list[tuple[Any, ...]]]:
    follower = Follower(
        model, read_models.database, read_models.applications, tracking_name=model.suffix
    )
    follower.create()
    follower.catch_up(limit=100_000)  # each log fully, one after the other
    return rows_of(read_models, model)


@ONE_ADMISSION_A_WINDOW
def test_a_rebuild_gives_the_rows_of_the_live_model(
    world: World, read_models: ReadModels, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Live: the model catches up after every command. The plan that the approvals exceed is set
    after them. A rebuild that reads the membership log first, and one that reads the
    organizations log first, give the same rows."""
    run = world.run

    def run_and_follow(command: Any, by: str) -> Outcome:
        outcome = run(command, by)
        read_models.catch_up()
        return outcome

    monkeypatch.setattr(world, "run", run_and_follow)
    first = approved_case(world)
    second = world.case_before(16)
    world.step(second, "committee_interview_held", interviewers=interviewer(world, "m0"))
    world.step(second, "admission_approved", on=date(2024, 8, 21))
    moved = moved_on(world, date(2024, 3, 1), "branch_b", 7)
    world.step(moved, "development_target_designated")
    off = world.submit(unit="市档案馆")
    set_plan(world, 2024, 1)

    live = read_models.model(FindingsModel.name)
    assert isinstance(live, FindingsModel)
    rows = rows_of(read_models, live)
    kinds = sorted((r[1], r[5], r[3]) for r in rows["findings"])  # origin, kind, subject
    assert kinds == sorted(
        [
            ("case", "F-CONFLICT", str(second)),
            ("case", "F-OFFUNIT", str(off)),
            ("case", "F-TRANSFER", str(moved)),
            ("plan", "F-BATCH", str(second)),
            ("window", "F-BATCH", str(second)),
        ]
    )
    assert str(first) not in {r[3] for r in rows["findings"]}
    sources = Sources(read_models.applications, world.memberflow.settings.policy)
    assert rebuilt(read_models, FindingsModel(sources, suffix="_rebuild")) == rows
    assert rebuilt(read_models, _OrganizationsFirst(sources, suffix="_rebuild2")) == rows


def policy(world: World) -> Policy:
    return world.memberflow.settings.policy

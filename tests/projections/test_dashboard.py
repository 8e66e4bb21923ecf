"""The pipeline dashboard: cases by stage and step, admissions against plan, time per step."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.commands import Entry, SetDevelopmentPlan, TransferCase, WithdrawCase
from domain.context import Role
from memberflow.bootstrap import Memberflow
from projections.follower import Follower
from projections.model import Sources
from projections.organizations import OrganizationsModel
from projections.pipeline import Pipeline, PipelineModel, pipeline
from projections.service import ReadModels
from services.bus import Outcome
from tests.support.client import client_for
from tests.support.world import World, path_between

TODAY = date(2026, 11, 20)


def walk(
    world: World,
    case_id: UUID,
    first: int,
    stop: int,
    *,
    secretary: str = "secretary",
    official: str = "official",
    interviewed_on: date | None = None,
) -> None:
    """The clean path's steps ``first`` up to ``stop``, by the given branch and committee."""
    for p in path_between(first, stop):
        on = interviewed_on if p.slug == "applicant_interviewed" and interviewed_on else p.on
        by = official if p.by == "official" else secretary
        world.step(case_id, p.slug, on=on, by=by, documents=p.documents, **p.fields)


def history(world: World) -> dict[str, UUID]:
    """Plans of pc and wc; five cases under pc (branch, branch_b), one under pc2 approved by wc.

    Step 2 (applied 2023-03-01) takes 19, 10, 28, 19, 19 days under pc and 30 under pc2.
    """
    for org, year, admissions in (("pc", 2024, 3), ("pc", 2025, 2), ("wc", 2024, 1)):
        world.clock.set_day(date(2024, 1, 5))
        world.run(
            SetDevelopmentPlan(world.ids[org], year, admissions, Entry(date(2024, 1, 5))),
            "department",
        )
    cases: dict[str, UUID] = {}

    cases["archived"] = world.submit()
    walk(world, cases["archived"], 2, 26)  # approved 2024-08-20, archived

    cases["approved"] = world.submit()
    walk(world, cases["approved"], 2, 18, interviewed_on=date(2023, 3, 11))  # stage 4, step 17

    # Applied in branch2 (under pc2), moved to branch_b (under pc) as an activist.
    cases["moved"] = world.submit(branch="branch2", unit="市档案馆", by="secretary2")
    walk(world, cases["moved"], 2, 5, secretary="secretary2", interviewed_on=date(2023, 3, 29))
    world.clock.set_day(date(2023, 5, 1))
    world.run(
        TransferCase(cases["moved"], world.ids["branch_b"], Entry(date(2023, 5, 1))), "secretary2"
    )
    walk(world, cases["moved"], 5, 7, secretary="secretary_b")  # stage 2, step 6

    cases["withdrawn"] = world.submit()
    walk(world, cases["withdrawn"], 2, 3)
    world.clock.set_day(date(2023, 4, 1))
    world.run(WithdrawCase(cases["withdrawn"], "本人撤回", Entry(date(2023, 4, 1))), "secretary")

    cases["applied"] = world.submit(on=date(2026, 10, 1))  # stage 1, step 1

    cases["elsewhere"] = world.submit(branch="branch2", unit="市档案馆", by="secretary2")
    walk(
        world,
        cases["elsewhere"],
        2,
        18,
        secretary="secretary2",
        official="wc_official",
        interviewed_on=date(2023, 3, 31),
    )  # approved 2024-08-20 by wc
    return cases


def dashboard(world: World, read_models: ReadModels, org: str) -> Pipeline:
    read_models.catch_up()
    model = read_models.model(PipelineModel.name)
    organizations = read_models.model(OrganizationsModel.name)
    assert isinstance(model, PipelineModel)
    inbox = read_models.models["inbox"].names if "inbox" in read_models.models else {}
    with read_models.database.transaction() as tx:
        return pipeline(
            model,
            tx,
            organization_id=str(world.ids[org]),
            today=TODAY.isoformat(),
            ancestors_table=organizations.names["ancestors"],
            plans_table=organizations.names["development_plans"],
            inbox_items_table=inbox.get("inbox_items"),
        )


def open_steps(figures: Pipeline) -> dict[int, int]:
    return {s.number: s.open for s in figures.steps if s.open}


def test_the_committee_counts_the_cases_under_it(world: World, read_models: ReadModels) -> None:
    history(world)
    pc = dashboard(world, read_models, "pc")
    assert pc.open_by_stage == {1: 1, 2: 1, 3: 0, 4: 1, 5: 0}
    assert open_steps(pc) == {1: 1, 6: 1, 17: 1}
    assert pc.closed == {"withdrawn": 1, "terminated": 0, "rejected": 0, "archived": 1}
    assert [(y.year, y.admitted, y.planned) for y in pc.admissions] == [(2024, 2, 3), (2025, 0, 2)]
    interview = pc.steps[1]
    assert (interview.number, interview.average_days, interview.slowest_days) == (2, 19.0, 28)
    assert pc.steps[0].average_days is None  # step 1 has no prerequisite
    assert pc.steps[24].average_days == 10.0  # archived 2025-08-20, ten days after step 24


def test_the_working_committee_sees_everything(world: World, read_models: ReadModels) -> None:
    history(world)
    wc = dashboard(world, read_models, "wc")
    assert wc.open_by_stage == {1: 1, 2: 1, 3: 0, 4: 2, 5: 0}
    assert open_steps(wc) == {1: 1, 6: 1, 17: 2}
    assert wc.closed == {"withdrawn": 1, "terminated": 0, "rejected": 0, "archived": 1}
    assert [(y.year, y.admitted, y.planned) for y in wc.admissions] == [(2024, 3, 4), (2025, 0, 2)]
    interview = wc.steps[1]
    assert (interview.average_days, interview.slowest_days) == (21.2, 30)  # (19+10+28+19+30)/5


def test_a_branch_and_a_committee_without_power_count_their_own(
    world: World, read_models: ReadModels
) -> None:
    history(world)
    branch_b = dashboard(world, read_models, "branch_b")
    assert open_steps(branch_b) == {6: 1}  # the moved case counts where it is now
    assert branch_b.admissions == []
    pc2 = dashboard(world, read_models, "pc2")
    assert open_steps(pc2) == {17: 1}
    # pc2 approves nothing: its case was admitted by wc, whose plan is not pc2's.
    assert pc2.admissions == []
    assert sum(pc2.closed.values()) == 0


SUBTREES = {
    "pc": ("pc", "branch", "branch_b"),
    "wc": ("wc", "pc", "branch", "branch_b", "pc2", "gb", "branch2"),
    "branch2": ("branch2",),
}


@pytest.mark.parametrize("org", list(SUBTREES))
def test_overdue_items_are_the_open_late_ones_to_or_from_the_subtree(
    world: World, read_models: ReadModels, org: str
) -> None:
    if "inbox" not in read_models.models:
        pytest.skip("the approval inbox read model is not registered")
    history(world)
    read_models.catch_up()
    inbox = read_models.models["inbox"].names
    with read_models.database.transaction() as tx:
        items = tx.fetchall(
            "SELECT i.organization_id, i.from_organization_id, i.status, i.due_on, "
            f"a.acknowledged FROM {inbox['inbox_items']} i "
            f"LEFT JOIN {inbox['inbox_actions']} a ON a.item_key = i.item_key"
        )
    subtree = {str(world.ids[key]) for key in SUBTREES[org]}
    expected = sum(
        1
        for to, sender, status, due_on, acknowledged in items
        if status == "open"
        and not acknowledged
        and due_on < TODAY.isoformat()
        and (to in subtree or sender in subtree)
    )
    assert dashboard(world, read_models, org).overdue_items == expected
    if org == "wc":
        assert expected > 0


def test_the_dashboard_over_http_reads_its_writes(
    world: World, memberflow: Memberflow, read_models: ReadModels
) -> None:
    history(world)
    client = client_for(memberflow, world.clock)
    client.ids.update({key: str(value) for key, value in world.ids.items()})
    client.login("admin", Role.ADMIN)
    client.login("secretary", Role.BRANCH_SECRETARY, "branch")
    client.login("viewer", Role.COMMITTEE_OFFICIAL, "pc")
    with client.http:  # the in-process runner follows the logs
        written = client.apply("新申请人", on=date(2026, 11, 2))
        assert written.status_code == 201, written.text
        position = written.json()["position"]
        world.clock.set_day(TODAY)
        plans = memberflow.organizations.recorder.max_notification_id()  # the tree and plans
        response = client.get(
            f"/dashboard/pipeline?org={world.ids['pc']}"
            f"&after=membership:{position},organizations:{plans}",
            by="viewer",
        )
        unknown = client.get(f"/dashboard/pipeline?org={UUID(int=7)}")
        anonymous = client.http.get(f"/dashboard/pipeline?org={world.ids['pc']}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["organization_id"] == str(world.ids["pc"])
    assert body["as_of"] == TODAY.isoformat()
    assert body["positions"]["membership"] >= position
    assert body["positions"]["organizations"] >= plans
    assert [(s["number"], s["slug"], s["open"]) for s in body["stages"]] == [
        (1, "applicant", 2),
        (2, "activist", 1),
        (3, "development_target", 0),
        (4, "admission", 1),
        (5, "probation", 0),
    ]
    assert body["stages"][0]["name_zh"] == "入党申请人"
    assert len(body["steps"]) == 25
    assert body["steps"][1] == {
        "number": 2,
        "slug": "applicant_interviewed",
        "open": 0,
        "average_days": 19.0,
        "slowest_days": 28,
    }
    assert body["closed"] == {"withdrawn": 1, "terminated": 0, "rejected": 0, "archived": 1}
    assert body["admissions"] == [
        {"year": 2024, "admitted": 2, "planned": 3},
        {"year": 2025, "admitted": 0, "planned": 2},
    ]
    if "inbox" in read_models.models:
        assert body["notes"] == []
    else:
        assert (body["overdue_items"], len(body["notes"])) == (0, 1)
    assert unknown.status_code == 404
    assert anonymous.status_code == 401


def rows(read_models: ReadModels, model: PipelineModel) -> dict[str, list[tuple[Any, ...]]]:
    with read_models.database.transaction() as tx:
        return {
            table: sorted(tx.fetchall(f"SELECT * FROM {name}"))
            for table, name in model.names.items()
        }


@pytest.mark.parametrize("forgetting", [False, True], ids=["remembering", "forgetting"])
def test_a_rebuild_from_the_start_gives_the_same_rows(
    world: World, read_models: ReadModels, monkeypatch: pytest.MonkeyPatch, forgetting: bool
) -> None:
    """The counters a case moves come out the same whether the live model remembers where each
    case stood or reads it back from its row (as after a restart)."""
    read_models.catch_up()
    run = world.run

    def run_and_follow(command: Any, by: str) -> Outcome:
        outcome = run(command, by)
        if forgetting:
            read_models.model(PipelineModel.name).forget()
        read_models.catch_up()  # the live model, one command at a time
        return outcome

    monkeypatch.setattr(world, "run", run_and_follow)
    history(world)
    live = read_models.model(PipelineModel.name)
    assert isinstance(live, PipelineModel)

    sources = Sources(read_models.applications, world.memberflow.settings.policy)
    rebuilt = PipelineModel(sources, suffix="_rebuild")
    follower = Follower(
        rebuilt, read_models.database, read_models.applications, tracking_name="pipeline_rebuild"
    )
    follower.create()
    assert follower.catch_up(limit=7) > 0
    assert rows(read_models, rebuilt) == rows(read_models, live)
    assert sum(len(found) for found in rows(read_models, live).values()) > 0

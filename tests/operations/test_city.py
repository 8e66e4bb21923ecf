"""A city at scale (``memberflow demo-data --scale city``), here at its smallest: every stage,
outcome and election state, counts in proportion to the scale, an intact hash chain, read models
that catch up, a refusal to write into a store that holds events, and the command line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.chain.recorders import chained
from adapters.chain.verification import verify
from cli.main import cli
from demo import city
from demo.city_run import fresh_rng
from demo.city_setting import CityPlan
from demo.city_tree import plan_tree, subtree_members
from domain.admission.findings import case_findings
from domain.admission.values import CaseStatus
from domain.organizations import OrgKind
from memberflow.bootstrap import Memberflow
from tests.support.elections import EVERY_STATE, election_state

TINY = 0.002


def test_a_tiny_city_shows_every_stage_outcome_and_election_state(memberflow: Memberflow) -> None:
    summary = city.generate(memberflow, scale=TINY, progress=False)

    cases = [memberflow.membership.case(i) for i in summary.case_ids]
    assert len(cases) == summary.cases == CityPlan.at(TINY).cases
    furthest_open = {max(r.number for r in c.records) for c in cases if c.is_open}
    assert furthest_open == set(range(1, 25))  # an open case at every step of the pipeline
    assert set(Counter(c.status for c in cases)) == set(CaseStatus)  # archived: all 25 steps
    assert any(c.transfers for c in cases)
    kinds = {f.kind for c in cases for f in case_findings(c, memberflow.settings.policy)}
    assert {"F-LATE", "F-DEADLINE", "F-ORDER", "F-EXC", "F-OFFUNIT", "F-TRANSFER"} <= kinds

    elections = [memberflow.organizations.election(i) for i in summary.election_ids]
    assert {election_state(e) for e in elections} == EVERY_STATE
    organizations = [memberflow.organizations.organization(i) for i in summary.department_ids]
    assert {o.kind for o in organizations} <= {OrgKind.PRIMARY_COMMITTEE, OrgKind.GENERAL_BRANCH}
    assert len(organizations) == summary.departments == CityPlan.at(TINY).departments

    # Every event as the command path records it: encrypted, chained, and in the access log
    # and the inbox's actions too.
    assert all(summary.events[name] > 0 for name in ("approvals", "audit"))
    recorders = chained(
        app.recorder
        for app in (
            memberflow.organizations,
            memberflow.membership,
            memberflow.approvals,
            memberflow.audit,
        )
    )
    report = verify(recorders)
    assert report.ok
    assert {a.app: a.events for a in report.apps} == summary.events

    memberflow.read_models.catch_up()
    assert all(lag.events == 0 for lag in memberflow.read_models.lag())

    with pytest.raises(city.StoreNotEmpty, match="already holds"):  # only into an empty store
        city.generate(memberflow, scale=TINY, progress=False)
    assert city.stored_events(memberflow) == summary.events


@pytest.mark.parametrize("scale", [0.05, 0.25, 1.0])
def test_a_city_is_as_large_as_its_scale(scale: float) -> None:
    plan = CityPlan.at(scale)
    assert (plan.departments, plan.organizations, plan.members, plan.cases) == (
        round(100 * scale),
        round(4_600 * scale),
        round(60_000 * scale),
        round(31_000 * scale),
    )
    specs = plan_tree(plan, fresh_rng(1, "tree"))
    assert len(specs) == plan.organizations
    assert subtree_members(specs)[0] == plan.members
    tops = [s for s in specs if s.parent == 0 and s.kind is not OrgKind.BRANCH]
    assert len(tops) == plan.departments
    assert all(s.plot for s in specs[1:])  # every organization below the root has a story


def test_the_same_seed_plans_the_same_city() -> None:
    plan = CityPlan.at(TINY)
    names = [s.name for s in plan_tree(plan, fresh_rng(7, "tree"))]
    assert names == [s.name for s in plan_tree(plan, fresh_rng(7, "tree"))]
    assert names != [s.name for s in plan_tree(plan, fresh_rng(8, "tree"))]


def test_a_city_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEMBERFLOW_DATA_DIR", str(tmp_path))
    first = CliRunner().invoke(cli, ["demo-data", "--scale", str(TINY), "--seed", "3"])
    again = CliRunner().invoke(cli, ["demo-data", "--scale", "city"])
    wrong = CliRunner().invoke(cli, ["demo-data", "--scale", "town"])
    sized = CliRunner().invoke(cli, ["demo-data", "--scale", "city", "--members", "5"])

    assert first.exit_code == 0, first.output
    assert f"city (scale {TINY:g}, seed 3)" in first.output
    assert again.exit_code == 1
    assert "already holds" in again.output
    assert wrong.exit_code == 2
    assert sized.exit_code == 2

"""Roles and jurisdiction in the stories of issue 10: the transfer that lent authority, a
discipline inspector who writes, an organization department that decides an election, auditors
who replay the whole city, and refusals that write nothing and are logged."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.context import Role
from memberflow.bootstrap import Memberflow
from tests.support.client import Client, client_for
from tests.support.world import World


def _events(memberflow: Memberflow) -> int:
    apps = (memberflow.organizations, memberflow.membership, memberflow.approvals, memberflow.audit)
    return sum(app.recorder.max_notification_id() or 0 for app in apps)


@pytest.fixture
def web(world: World, memberflow: Memberflow) -> Client:
    client = client_for(memberflow, world.clock)
    client.ids.update({key: str(value) for key, value in world.ids.items()})
    client.login("admin", Role.ADMIN)
    client.login("p_official", Role.COMMITTEE_OFFICIAL, "pc2")  # committee P
    client.login("q_official", Role.COMMITTEE_OFFICIAL, "pc")  # committee Q
    client.login("inspector", Role.DISCIPLINE_INSPECTOR, "pc")
    client.login("city_inspector", Role.DISCIPLINE_INSPECTOR, "wc")
    client.login("department", Role.ORG_DEPARTMENT, "pc")
    client.login("secretary", Role.BRANCH_SECRETARY, "branch")
    return client


def test_a_transfer_can_no_longer_lend_authority(world: World, web: Client) -> None:
    """O-1 bypass: P's official was refused Q's pre-review, moved the case into one of P's
    branches, and was then accepted. Now the move itself is refused: it needs jurisdiction over
    the case's current branch (403), nothing is written, and the pre-review stays refused."""
    case_id = world.case_before(13)
    world.clock.set_day(date(2024, 7, 1))
    before = _events(web.memberflow)
    pre_review = {"occurred_on": "2024-07-01"}
    refused = web.post(f"/admissions/{case_id}/steps/pre_review_passed", pre_review, "p_official")
    assert refused.status_code == 403, refused.text
    moved = web.post(
        f"/admissions/{case_id}/transfer",
        {"occurred_on": "2024-07-01", "to_branch_id": web.ids["branch2"]},
        "p_official",
    )
    assert (moved.status_code, moved.json()["rule"]) == (403, "MF-ACCESS")
    assert world.case(case_id).branch_id == world.ids["branch"]
    again = web.post(f"/admissions/{case_id}/steps/pre_review_passed", pre_review, "p_official")
    assert again.status_code == 403
    assert _events(web.memberflow) == before


def test_a_discipline_inspector_writes_nothing_but_the_access_log(
    world: World, web: Client
) -> None:
    case_id = world.case_before(7)
    world.clock.set_day(date(2024, 4, 20))
    before = _events(web.memberflow)
    attempts: list[tuple[str, dict[str, Any]]] = [
        (
            f"/admissions/{case_id}/steps/development_target_designated",
            {"occurred_on": "2024-04-20"},
        ),
        (f"/admissions/{case_id}/withdrawal", {"occurred_on": "2024-04-20", "reason": "x"}),
        (f"/organizations/{web.ids['pc']}/development-plans", {"year": 2025, "admissions": 3}),
    ]
    for path, body in attempts:
        response = web.post(path, body, "inspector")
        assert (response.status_code, response.json()["rule"]) == (403, "MF-ACCESS"), path
    assert _events(web.memberflow) == before
    timeline = web.get(f"/audit/cases/{case_id}/timeline", "inspector")
    assert timeline.status_code == 200, timeline.text
    assert _events(web.memberflow) == before + 1  # the access log is the one thing it writes


def test_an_organization_department_decides_no_election(world: World, web: Client) -> None:
    """Roles are compared by role and organization, not organization alone: pc's organization
    department is refused the parent's decision that pc's committee official may take."""
    world.clock.set_day(date(2024, 6, 25))
    election = world.request_election(date(2024, 6, 25), date(2024, 9, 1))
    path = f"/elections/{election}/steps/election_request_approved"
    body = {"occurred_on": "2024-06-25", "approved": True}
    refused = web.post(path, body, "department")
    assert (refused.status_code, refused.json()["rule"]) == (403, "MF-ACCESS")
    extension = web.post(
        f"/organizations/{web.ids['branch']}/term-extension",
        {"occurred_on": "2024-06-25", "months": 3, "reason": "调整"},
        "department",
    )
    assert extension.status_code == 403
    decided = web.post(path, body, "q_official")
    assert decided.status_code == 200, decided.text


def test_auditors_of_one_committee_do_not_replay_the_city(world: World, web: Client) -> None:
    world.case_before(3)
    city = web.get(f"/audit/replay?org={web.ids['wc']}", "inspector")
    assert (city.status_code, city.json()["rule"]) == (403, "MF-ACCESS")
    other = web.get(f"/audit/replay?org={web.ids['pc2']}", "inspector")
    assert other.status_code == 403
    own = web.get(f"/audit/replay?org={web.ids['pc']}", "inspector")
    assert own.status_code == 200, own.text
    assert web.get(f"/audit/replay?org={web.ids['wc']}", "city_inspector").status_code == 200


def test_the_access_log_shows_an_auditor_the_reads_of_their_own_subtree(
    world: World, web: Client, memberflow: Memberflow
) -> None:
    case_id = world.case_before(3)
    assert web.get(f"/audit/cases/{case_id}/timeline", "inspector").status_code == 200
    assert web.get(f"/audit/cases/{case_id}/timeline", "city_inspector").status_code == 200
    memberflow.read_models.catch_up()
    mine = web.get("/audit/log", "inspector").json()
    assert {a["actor"]["id"] for a in mine["data"]} == {"inspector"}
    everyone = web.get("/audit/log", "city_inspector").json()
    assert {a["actor"]["id"] for a in everyone["data"]} == {"inspector", "city_inspector"}


def test_reads_outside_the_jurisdiction_are_not_found_and_lists_forbidden(
    world: World, web: Client
) -> None:
    case_id = world.case_before(3)
    web.memberflow.read_models.catch_up()
    assert web.get(f"/admissions/{case_id}", "p_official").status_code == 404
    assert web.get(f"/admissions/{case_id}", "q_official").status_code == 200
    unknown = web.get("/admissions/00000000-0000-0000-0000-000000000007", "p_official")
    assert unknown.status_code == 404  # the same answer: existence is never confirmed
    assert web.get(f"/findings?org={web.ids['pc']}", "p_official").status_code == 403
    assert web.get(f"/approvals/inbox?org={web.ids['pc']}", "p_official").status_code == 403


def test_a_refused_command_is_logged_with_its_reason(
    world: World, web: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = world.case_before(13)
    world.clock.set_day(date(2024, 7, 1))
    web.post(
        f"/admissions/{case_id}/steps/pre_review_passed",
        {"occurred_on": "2024-07-01"},
        "p_official",
    )
    captured = capsys.readouterr()
    output = (captured.out + captured.err).splitlines()
    lines = [line for line in output if "command.forbidden" in line]
    assert lines, "the refusal was not logged"
    assert "p_official" in lines[-1]
    assert "outside the jurisdiction" in lines[-1]

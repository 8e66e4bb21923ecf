"""The access policy, endpoint by endpoint (issue 10): generated from the policy table.

Every endpoint of ``api/access.py`` is called by every role, once from inside the jurisdiction of
its subject (pc, the approving committee, and its branch) and once from outside it (pc2 and its
branch). What each call must answer follows from ``domain/access.py`` alone: a role the row does
not name is forbidden (403); a role that may act only in its subtree or on its own organization is
forbidden outside it (403), except that a read of one record is not found (404, never confirming
that it exists); the administrator acts everywhere. A refused call writes nothing. An allowed call
may still be refused by the rules themselves (422, 409): the matrix only says it is not refused by
the access policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from api.access import ENDPOINTS
from domain.access import POLICY, Action, Where
from domain.admission.steps import STEPS
from domain.context import Role
from domain.elections.steps import ELECTION_STEPS
from memberflow.bootstrap import Memberflow
from tests.support.client import Client, client_for, document_json
from tests.support.identity import id_number
from tests.support.world import CLEAN_PATH, World

pytestmark = pytest.mark.stores("sqlite")  # the policy is the same on every store

# Where each role's user sits, inside the subject's jurisdiction and outside it.
INSIDE = {
    Role.BRANCH_SECRETARY: "branch",
    Role.COMMITTEE_OFFICIAL: "pc",
    Role.ORG_DEPARTMENT: "pc",
    Role.DISCIPLINE_INSPECTOR: "pc",
    Role.ADMIN: None,
}
OUTSIDE = {
    Role.BRANCH_SECRETARY: "branch2",
    Role.COMMITTEE_OFFICIAL: "pc2",
    Role.ORG_DEPARTMENT: "pc2",
    Role.DISCIPLINE_INSPECTOR: "pc2",
}
# The tree of World: the lineage of each organization a subject may be.
LINEAGE = {"branch": ("branch", "pc", "wc"), "pc": ("pc", "wc")}


@dataclass(frozen=True)
class Call:
    """How to call an endpoint on the subjects of the setting, and what its subject is."""

    path: str
    subject: str | None  # the organization (a key of World.ids) the call acts on or reads
    kind: str  # "record": a read of one record; "list": a read of a list; "write"
    body: dict[str, Any] | None = None


def _setting(world: World) -> dict[str, str]:
    """A case waiting for the pre-review, an election of the branch, and their ids."""
    case_id = world.case_before(13)
    world.clock.set_day(date(2024, 6, 25))
    election = world.request_election(date(2024, 6, 25), date(2024, 9, 1))
    version = world.case(case_id).version
    return {
        "withdrawn": str(world.case_before(3, name="矩阵撤回")),
        "terminated": str(world.case_before(3, name="矩阵终止")),
        "case": str(case_id),
        "election": str(election),
        "item": f"{case_id}:pre_review_passed:{version}",
    }


def _calls(ids: dict[str, str], world: World) -> dict[tuple[str, str], Call]:
    case, election, item = ids["case"], ids["election"], ids["item"]
    entry = {"occurred_on": "2024-06-25"}
    calls: dict[tuple[str, str], Call] = {
        ("POST", "/organizations"): Call(
            "/organizations",
            "pc",
            "write",
            {"name": "新党支部", "kind": "branch", "parent_id": str(world.ids["pc"])},
        ),
        ("GET", "/organizations/{organization_id}"): Call(
            f"/organizations/{world.ids['branch']}", "branch", "record"
        ),
        ("POST", "/organizations/{organization_id}/development-plans"): Call(
            f"/organizations/{world.ids['pc']}/development-plans",
            "pc",
            "write",
            {"year": 2026, "admissions": 5},
        ),
        ("POST", "/organizations/{organization_id}/term-extension"): Call(
            f"/organizations/{world.ids['branch']}/term-extension",
            "branch",
            "write",
            {**entry, "months": 3, "reason": "机构调整"},
        ),
        ("POST", "/members"): Call(
            "/members",
            "branch",
            "write",
            {
                "name": "矩阵党员",
                "birth_date": "1980-01-01",
                "branch_id": str(world.ids["branch"]),
                "status": "full",
                "joined_on": "2005-07-01",
            },
        ),
        ("GET", "/members/{member_id}"): Call(f"/members/{world.ids['m0']}", "branch", "record"),
        ("POST", "/members/{member_id}/standing"): Call(
            f"/members/{world.ids['m3']}/standing",
            "branch",
            "write",
            {**entry, "change": "rights_suspended", "reason": "留置"},
        ),
        ("POST", "/admissions"): Call(
            "/admissions",
            "branch",
            "write",
            {
                **entry,
                "applicant": {
                    "name": "矩阵申请人",
                    "birth_date": "1998-05-01",
                    "id_number": id_number(date(1998, 5, 1), 999),
                    "unit": "市财政局",
                },
                "branch_id": str(world.ids["branch"]),
                "basis": "work_unit",
            },
        ),
        ("GET", "/admissions/{case_id}"): Call(f"/admissions/{case}", "branch", "record"),
        ("GET", "/admissions/{case_id}/history"): Call(
            f"/admissions/{case}/history", "branch", "record"
        ),
        ("POST", "/admissions/{case_id}/exceptions"): Call(
            f"/admissions/{case}/exceptions",
            "branch",
            "write",
            {**entry, "step": "materials_archived", "rule": "A-25.1", "reason": "档案遗失"},
        ),
        ("POST", "/admissions/{case_id}/withdrawal"): Call(
            f"/admissions/{ids['withdrawn']}/withdrawal",
            "branch",
            "write",
            {**entry, "reason": "本人撤回"},
        ),
        ("POST", "/admissions/{case_id}/termination"): Call(
            f"/admissions/{ids['terminated']}/termination",
            "branch",
            "write",
            {**entry, "reason": "不再符合条件"},
        ),
        ("POST", "/admissions/{case_id}/transfer"): Call(
            f"/admissions/{case}/transfer",
            "branch",
            "write",
            {**entry, "to_branch_id": str(world.ids["branch"])},  # the same branch: A-T
        ),
        ("POST", "/elections"): Call(
            "/elections",
            "branch",
            "write",
            {
                **entry,
                "organization_id": str(world.ids["branch"]),
                "seats": 3,
                "secretary_seats": 1,
                "deputy_seats": 1,
                "meeting_form": "member_meeting",
                "planned_date": "2024-09-01",
            },
        ),
        ("GET", "/elections/calendar"): Call(
            f"/elections/calendar?org={world.ids['pc']}", "pc", "list"
        ),
        ("GET", "/elections/{election_id}"): Call(f"/elections/{election}", "branch", "record"),
        ("GET", "/elections/{election_id}/history"): Call(
            f"/elections/{election}/history", "branch", "record"
        ),
        ("GET", "/findings"): Call(f"/findings?org={world.ids['pc']}", "pc", "list"),
        ("GET", "/dashboard/pipeline"): Call(
            f"/dashboard/pipeline?org={world.ids['pc']}", "pc", "list"
        ),
        ("GET", "/approvals/inbox"): Call(f"/approvals/inbox?org={world.ids['pc']}", "pc", "list"),
        ("POST", "/approvals/{item}/claim"): Call(
            f"/approvals/{item}/claim", "branch", "write", {}
        ),
        ("POST", "/approvals/{item}/assign"): Call(
            f"/approvals/{item}/assign", "branch", "write", {"to": "colleague"}
        ),
        ("POST", "/approvals/{item}/comment"): Call(
            f"/approvals/{item}/comment", "branch", "write", {"text": "请补充材料"}
        ),
        ("POST", "/approvals/{item}/acknowledge"): Call(
            f"/approvals/{item}/acknowledge", "branch", "write", {}
        ),
        ("GET", "/audit/cases/{case_id}/timeline"): Call(
            f"/audit/cases/{case}/timeline", "branch", "record"
        ),
        ("GET", "/audit/elections/{election_id}/timeline"): Call(
            f"/audit/elections/{election}/timeline", "branch", "record"
        ),
        ("GET", "/audit/log"): Call("/audit/log", None, "list"),
        ("GET", "/audit/replay"): Call(f"/audit/replay?org={world.ids['pc']}", "pc", "list"),
        ("GET", "/rules"): Call("/rules", None, "list"),
    }
    planned = {p.slug: p for p in CLEAN_PATH}
    for step in STEPS[1:]:
        fields = planned[step.slug].fields if step.slug in planned else {}
        body = {**entry, **_ids(fields, world), "documents": [document_json("other")]}
        calls[("POST", f"/admissions/{{case_id}}/steps/{step.slug}")] = Call(
            f"/admissions/{case}/steps/{step.slug}", "branch", "write", body
        )
    for election_step in ELECTION_STEPS:
        calls[("POST", f"/elections/{{election_id}}/steps/{election_step.slug}")] = Call(
            f"/elections/{election}/steps/{election_step.slug}",
            "branch",
            "write",
            {**entry, **_election_fields(election_step.slug, world)},
        )
    return calls


def _ids(fields: dict[str, Any], world: World) -> dict[str, Any]:
    return {
        name: [str(world.ids[v]) if isinstance(v, str) and v in world.ids else v for v in value]
        if isinstance(value, list)
        else value
        for name, value in fields.items()
    }


def _election_fields(slug: str, world: World) -> dict[str, Any]:
    m = [str(world.ids[f"m{i}"]) for i in range(4)]
    fields: dict[str, dict[str, Any]] = {
        "election_request_approved": {"approved": True},
        "candidates_nominated": {"candidates": m},
        "candidate_list_approved": {"approved": True},
        "election_held": {
            "round": 1,
            "due_voters": 4,
            "present": 4,
            "ballots": [{"candidate_id": m[0], "in_favour": 4}],
        },
        "officers_elected": {"secretary_id": m[0]},
        "results_reported": {},
        "officers_approved": {"approved": True},
    }
    return fields[slug]


def expected(action: Action, role: Role, place: str | None, call: Call) -> int | None:
    """The refusal the policy table asks for, or None when the policy lets the call through."""
    where = POLICY[action].get(role)
    if where is None:
        return 403
    if where is Where.EVERYWHERE or call.subject is None:
        return None
    lineage = LINEAGE[call.subject]
    allowed = place == call.subject if where is Where.OWN else place in lineage
    if allowed:
        return None
    return 404 if call.kind == "record" else 403


def _events(memberflow: Memberflow) -> int:
    apps = (memberflow.organizations, memberflow.membership, memberflow.approvals, memberflow.audit)
    return sum(app.recorder.max_notification_id() or 0 for app in apps)


@pytest.fixture
def matrix(world: World, memberflow: Memberflow) -> tuple[Client, dict[tuple[str, str], Call]]:
    ids = _setting(world)
    client = client_for(memberflow, world.clock)
    client.ids.update({key: str(value) for key, value in world.ids.items()})
    for role in Role:
        client.login(f"in-{role.value}", role, INSIDE[role])
        if role in OUTSIDE:
            client.login(f"out-{role.value}", role, OUTSIDE[role])
    world.clock.set_day(date(2024, 6, 25))
    memberflow.read_models.catch_up()
    return client, _calls(ids, world)


def test_every_endpoint_has_a_call_in_this_matrix(
    matrix: tuple[Client, dict[tuple[str, str], Call]],
) -> None:
    _, calls = matrix
    assert set(calls) == set(ENDPOINTS)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS), ids=lambda e: f"{e[0]} {e[1]}")
def test_every_role_inside_and_outside_gets_what_the_policy_says(
    matrix: tuple[Client, dict[tuple[str, str], Call]],
    memberflow: Memberflow,
    endpoint: tuple[str, str],
) -> None:
    client, calls = matrix
    call, action = calls[endpoint], ENDPOINTS[endpoint]
    method = endpoint[0]
    for role in Role:
        places = [("in", INSIDE[role])] + ([("out", OUTSIDE[role])] if role in OUTSIDE else [])
        for side, place in places:
            before = _events(memberflow)
            token = f"{side}-{role.value}"
            if method == "GET":
                response = client.get(call.path, token)
            else:
                response = client.post(call.path, call.body or {}, token)
            refusal = expected(action, role, place, call)
            where = f"{method} {call.path} as {role.value} {side}side: {response.text[:300]}"
            if refusal is not None:
                assert response.status_code == refusal, where
                assert response.headers["content-type"] == "application/problem+json"
                assert _events(memberflow) == before, "a refused call wrote: " + where
            else:
                assert response.status_code not in (401, 403, 404), where

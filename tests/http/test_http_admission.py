"""End to end over HTTP: the full 25-step admission, and the error contract of the API."""

from __future__ import annotations

import re
from datetime import date

from domain.admission.values import Applicant
from tests.support.client import Client
from tests.support.identity import person_id_number
from tests.support.world import CLEAN_PATH, path_between


def test_a_full_admission_from_application_to_archive(client: Client) -> None:
    applied = client.apply("王小明")
    assert applied.status_code == 201, applied.text
    case_id = applied.json()["id"]
    assert applied.json()["stage"]["slug"] == "applicant"

    for response in client.walk(case_id):
        assert response.status_code == 200, response.text

    case = client.get(f"/admissions/{case_id}").json()
    assert case["status"] == "archived"
    assert case["stage"] == {
        "number": 5,
        "slug": "probation",
        "name_zh": "预备党员的教育考察和转正",
    }
    assert [s["number"] for s in case["completed_steps"]] == [1, 2, 3, 4, 5, 6, 6, *range(7, 26)]
    # probation runs one year from the branch meeting that admitted (2024-07-20).
    assert case["probation"] == {"start": "2024-07-20", "end": "2025-07-20", "extended_months": 0}
    # party standing counts from the end of probation, not from the approval (2025-08-10).
    assert case["party_standing_from"] == "2025-07-20"
    assert case["findings"] == []
    assert case["next_steps"] == []

    born = date(1998, 5, 1)
    applicant = Applicant(
        name="王小明", birth_date=born, id_number=person_id_number("王小明", born)
    )
    member_id = client.memberflow.bus.identities.member_id(applicant)
    member = client.get(f"/members/{member_id}").json()
    assert (member["status"], member["joined_on"], member["full_since"]) == (
        "full",
        "2024-07-20",
        "2025-07-20",
    )
    assert member["admission_case_id"] == case_id


def test_history_lists_every_event_with_its_metadata(client: Client) -> None:
    case_id = client.apply("李明").json()["id"]
    client.clock.set_day(date(2023, 3, 20))
    response = client.post(
        f"/admissions/{case_id}/steps/applicant_interviewed",
        {
            "occurred_on": "2023-03-20",
            "comment": "谈话顺利",
            "documents": [
                {"kind": "interview_record", "file_name": "谈话记录.pdf", "sha256": "A" * 64}
            ],
        },
        "secretary",
        **{"X-Request-ID": "req-42"},
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "req-42"

    history = client.get(f"/admissions/{case_id}/history").json()
    assert [e["event"] for e in history] == ["application_submitted", "applicant_interviewed"]
    interview = history[1]
    assert interview["version"] == 2
    assert interview["occurred_on"] == "2023-03-20"
    assert interview["recorded_at"].startswith("2023-03-20T02:00:00")  # 10:00 in Shanghai, in UTC
    assert interview["actor"]["id"] == "secretary"
    assert interview["actor"]["role"] == "branch_secretary"
    assert interview["actor"]["organization_id"] == client.ids["branch"]
    assert interview["request_id"] == "req-42"
    assert interview["comment"] == "谈话顺利"
    assert interview["documents"] == [
        {"kind": "interview_record", "file_name": "谈话记录.pdf", "sha256": "a" * 64}
    ]


def test_a_broken_hard_rule_is_a_problem_with_rule_source_and_two_languages(client: Client) -> None:
    case_id = client.apply("周明").json()["id"]
    response = client.step(case_id, CLEAN_PATH[1])  # activist before the interview

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["rule"] == "A-3.1"
    assert problem["source"] == "细则 Art. 8 (inferred)"  # DOMAIN.md gives no article
    assert "谈话" in problem["detail_zh"]
    assert "interview" in problem["detail_en"]


def test_the_approving_committee_alone_takes_its_steps(client: Client) -> None:
    """O-1 over HTTP: a branch secretary may take no committee decision (403, MF-ACCESS); the
    working committee above the approving committee is refused by A-13.1 (422)."""
    case_id = client.apply("吴明").json()["id"]
    for response in client.walk(case_id, path_between(2, 13)):
        assert response.status_code == 200, response.text
    pre_review = next(p for p in CLEAN_PATH if p.slug == "pre_review_passed")
    response = client.step(case_id, type(pre_review)(**{**pre_review.__dict__, "by": "secretary"}))
    assert response.status_code == 403
    assert response.json()["rule"] == "MF-ACCESS"
    above = client.step(case_id, type(pre_review)(**{**pre_review.__dict__, "by": "wc_official"}))
    assert above.status_code == 422
    assert above.json()["rule"] == "A-13.1"
    assert client.step(case_id, pre_review).status_code == 200


def test_errors_are_problems_never_500(client: Client) -> None:
    unknown = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/admissions/{unknown}").status_code == 404
    assert client.get(f"/members/{unknown}").status_code == 404
    assert client.get(f"/admissions/{client.ids['wc']}").status_code == 404  # an id of another kind

    case_id = client.apply("郑明").json()["id"]
    invalid = client.post(
        f"/admissions/{case_id}/steps/training_completed",
        {"occurred_on": "2023-04-01", "days": -1},
        "secretary",
    )
    assert invalid.status_code == 422
    assert invalid.json()["field"] == "days"
    not_a_date = client.post(
        "/admissions", {"applicant": {"name": "x", "birth_date": "yesterday"}}, "secretary"
    )
    assert not_a_date.status_code == 422
    assert not_a_date.headers["content-type"] == "application/problem+json"
    unknown_step = client.post(
        f"/admissions/{case_id}/steps/jump_the_queue", {"occurred_on": "2023-04-01"}, "secretary"
    )
    assert unknown_step.status_code == 404
    future = client.post(
        f"/admissions/{case_id}/steps/applicant_interviewed",
        {"occurred_on": "2099-01-01"},
        "secretary",
    )
    assert future.json()["rule"] == "MF-FUTURE-DATE"


def test_a_stale_version_is_a_conflict(client: Client) -> None:
    case_id = client.apply("孙明").json()["id"]
    response = client.step(case_id, CLEAN_PATH[0])
    assert response.json()["version"] == 2

    stale = client.post(
        f"/admissions/{case_id}/steps/activist_designated",
        {"occurred_on": "2023-04-10", "source": "member_recommendation"},
        "secretary",
        **{"If-Match": "1"},
    )
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    assert len(client.get(f"/admissions/{case_id}/history").json()) == 2


def test_writes_need_a_token_and_reads_too_but_health_does_not(client: Client) -> None:
    assert client.http.post("/admissions", json={}).status_code == 401
    assert client.http.get(f"/organizations/{client.ids['wc']}").status_code == 401
    bad = client.http.get(
        f"/organizations/{client.ids['wc']}", headers={"Authorization": "Bearer nope"}
    )
    assert bad.status_code == 401
    health = client.http.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert health.json()["store"] == client.memberflow.settings.store_kind
    assert health.json()["version"] == "0.1.0"


def test_only_admins_and_the_organization_department_build_the_tree(client: Client) -> None:
    response = client.post(
        "/organizations", {"name": "x", "kind": "working_committee"}, "secretary"
    )
    assert response.status_code == 403


def test_organizations_show_their_approving_committee_and_plans(client: Client) -> None:
    branch = client.get(f"/organizations/{client.ids['branch']}").json()
    assert branch["approving_committee_id"] == client.ids["pc"]
    client.clock.set_day(date(2026, 1, 5))
    plan = client.post(
        f"/organizations/{client.ids['pc']}/development-plans",
        {"year": 2026, "admissions": 12},
        "official",
    )
    assert plan.status_code == 200, plan.text
    assert client.get(f"/organizations/{client.ids['pc']}").json()["development_plans"] == {
        "2026": 12
    }
    refused = client.post(
        f"/organizations/{client.ids['branch']}/development-plans",
        {"year": 2026, "admissions": 3},
        "department",
    )
    assert refused.json()["rule"] == "A-P"


def test_the_rule_book_lists_every_rule_with_its_article(client: Client) -> None:
    rules = {r["id"]: r for r in client.get("/rules").json()}
    assert rules["A-7.1"]["source"] == "细则 Art. 13"
    assert rules["A-7.1"]["severity"] == "hard"
    assert rules["A-2.2"]["severity"] == "soft"
    assert "一年以上" in rules["A-7.1"]["zh"]


def test_openapi_describes_every_step_body(client: Client) -> None:
    spec = client.http.get("/openapi.json").json()
    step_paths = [p for p in spec["paths"] if p.startswith("/admissions/") and "/steps/" in p]
    assert len(step_paths) == 24  # steps 2 … 25; step 1 is POST /admissions
    body = spec["paths"]["/admissions/{case_id}/steps/branch_meeting_converted"]["post"][
        "requestBody"
    ]
    schema_name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = spec["components"]["schemas"][schema_name]["properties"]
    assert {
        "occurred_on",
        "eligible",
        "present",
        "in_favour",
        "outcome",
        "extension_months",
    } <= set(fields)
    assert fields["outcome"]["enum"] == ["convert", "extend", "cancel"]


def test_the_docs_pages_load_nothing_from_a_cdn(client: Client) -> None:
    """Government intranets are offline: every asset the docs need is served by memberflow."""
    for page in ("/docs", "/redoc"):
        html = client.http.get(page).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
        assert assets, page
        for asset in assets:
            assert asset.startswith("/"), f"{page} loads {asset}"
            assert client.http.get(asset).status_code == 200, asset


def test_a_withdrawn_case_says_why_and_when(client: Client) -> None:
    case_id = client.apply("冯明").json()["id"]
    client.clock.set_day(date(2023, 5, 1))
    response = client.post(
        f"/admissions/{case_id}/withdrawal",
        {"occurred_on": "2023-04-30", "reason": "本人申请撤回"},
        "secretary",
    )
    assert response.status_code == 200, response.text
    case = response.json()
    assert case["status"] == "withdrawn"
    assert case["closing"] == {"reason": "本人申请撤回", "occurred_on": "2023-04-30"}
    assert case["next_steps"] == []
    assert client.step(case_id, CLEAN_PATH[0]).json()["rule"] == "MF-CASE-CLOSED"


def test_a_transfer_moves_the_case_and_shows_both_branches(client: Client) -> None:
    """A-T: the case moves with its history; the transfer is visible with both organizations."""
    other = client.created(
        "branch_b",
        "/organizations",
        {"name": "第二党支部", "kind": "branch", "parent_id": client.ids["pc"]},
    )
    case_id = client.apply("陈明").json()["id"]
    client.clock.set_day(date(2023, 3, 10))
    response = client.post(
        f"/admissions/{case_id}/transfer",
        {"occurred_on": "2023-03-10", "to_branch_id": other},
        "secretary",
    )
    case = response.json()
    assert case["branch_id"] == other
    assert case["transfers"] == [
        {"from_branch_id": client.ids["branch"], "to_branch_id": other, "occurred_on": "2023-03-10"}
    ]
    history = client.get(f"/admissions/{case_id}/history").json()
    assert history[-1]["event"] == "transferred"

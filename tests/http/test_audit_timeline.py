"""Issue 5: the timeline of a case or an election, states as of a time or a version, and the log
of who read history — over HTTP, on SQLite and PostgreSQL. (The rules each step names, which the
timeline shows: tests/rules/test_step_rules.py.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from domain.admission.guards import EXCEPTION_RULES
from domain.admission.steps import BY_SLUG
from domain.elections.steps import REQUEST_RULES
from projections.service import ReadModels
from tests.support.client import Client
from tests.support.clock import FixedClock
from tests.support.world import CLEAN_PATH, Planned, path_between


def _planned(slug: str) -> Planned:
    return next(p for p in CLEAN_PATH if p.slug == slug)


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


# As of a time, as of a version.


def _late_interview(client: Client) -> str:
    """Applied 2023-03-01; interviewed 2023-03-20 but entered only on 2023-05-10 (F-LATE)."""
    case_id: str = client.apply("晚录").json()["id"]
    late = client.step(case_id, _planned("applicant_interviewed"), recorded_on=date(2023, 5, 10))
    assert late.status_code == 200, late.text
    return case_id


def test_a_step_entered_late_is_absent_as_of_the_day_before_it_was_recorded(
    client: Client,
) -> None:
    case_id = _late_interview(client)

    before = _ok(
        client.get(f"/admissions/{case_id}?as_of=2023-05-09T23:59:59%2B08:00", "inspector")
    )
    assert before["version"] == 1
    assert [s["slug"] for s in before["completed_steps"]] == ["application_submitted"]
    assert not [f for f in before["findings"] if f["kind"] == "F-LATE"]

    after = _ok(client.get(f"/admissions/{case_id}?as_of=2023-05-10", "inspector"))  # end of day
    assert after["version"] == 2
    assert [s["slug"] for s in after["completed_steps"]][-1] == "applicant_interviewed"
    assert [f["step"] for f in after["findings"] if f["kind"] == "F-LATE"] == [
        "applicant_interviewed"
    ]
    # A timestamp without an offset is read in Asia/Shanghai: 09:59 is before the 10:00 entry.
    assert _ok(client.get(f"/admissions/{case_id}?as_of=2023-05-10T09:59:00"))["version"] == 1
    assert _ok(client.get(f"/admissions/{case_id}?as_of=2023-05-10T10:00:00"))["version"] == 2


def test_as_of_before_the_case_existed_and_a_version_beyond_the_last_are_not_found(
    client: Client,
) -> None:
    case_id = _late_interview(client)

    missing = client.get(f"/admissions/{case_id}?as_of=2023-02-28", "secretary")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    beyond = client.get(f"/admissions/{case_id}?version=3", "secretary")
    assert beyond.status_code == 404
    assert "version 3" in beyond.json()["detail"]
    both = client.get(f"/admissions/{case_id}?version=1&as_of=2023-05-10", "secretary")
    assert both.status_code == 422
    assert client.get(f"/admissions/{case_id}?version=0", "secretary").status_code == 422


def test_version_n_is_the_state_after_n_events(client: Client) -> None:
    case_id = client.apply("版本").json()["id"]
    for response in client.walk(case_id, path_between(2, 6)):
        assert response.status_code == 200, response.text

    third = _ok(client.get(f"/admissions/{case_id}?version=3", "secretary"))
    assert third["version"] == 3
    assert [s["slug"] for s in third["completed_steps"]] == [
        "application_submitted",
        "applicant_interviewed",
        "activist_designated",
    ]
    assert third["stage"]["slug"] == "activist"
    now = _ok(client.get(f"/admissions/{case_id}"))
    assert now["version"] == 5
    assert _ok(client.get(f"/admissions/{case_id}?version=5")) == now


# The timeline of a case.


def _chaozhou_with_an_exception(client: Client) -> str:
    """The 潮州 pattern (tests/test_chaozhou.py): the review filed after the meeting; and a
    training of two days let through A-11.1 by an exception."""
    case_id: str = client.apply("池某丙").json()["id"]
    backdated = {
        "training_completed": date(2024, 5, 10),
        "branch_committee_reviewed": date(2024, 5, 15),
        "pre_review_passed": date(2024, 5, 20),
        "application_form_completed": date(2024, 5, 25),
        "branch_meeting_admitted": date(2024, 5, 30),
    }
    for planned in path_between(2, 16):
        if planned.slug == "political_review_concluded":
            response = client.step(case_id, replace(planned, on=date(2024, 6, 20)))
        elif planned.slug in backdated:
            if planned.slug == "training_completed":
                client.clock.set_day(date(2024, 6, 21))
                granted = client.post(
                    f"/admissions/{case_id}/exceptions",
                    {
                        "occurred_on": "2024-06-21",
                        "step": "training_completed",
                        "rule": "A-11.1",
                        "reason": "因公出差，集中培训两天",
                    },
                    "official",
                )
                assert granted.status_code == 200, granted.text
                planned = replace(planned, fields={"days": 2, "hours": 16})
            response = client.step(
                case_id, replace(planned, on=backdated[planned.slug]), recorded_on=date(2024, 6, 21)
            )
        else:
            response = client.step(case_id, planned)
        assert response.status_code == 200, response.text
    return case_id


def _key(finding: dict[str, Any]) -> tuple[Any, ...]:
    return finding["kind"], finding["rule"], finding["version"], finding["detail_en"]


def test_the_timeline_lists_every_event_its_rules_and_the_findings_it_raised(
    client: Client,
) -> None:
    case_id = _chaozhou_with_an_exception(client)
    history = _ok(client.get(f"/admissions/{case_id}/history"))

    timeline = _ok(client.get(f"/audit/cases/{case_id}/timeline", "inspector"))

    assert timeline["subject_type"] == "case"
    assert timeline["id"] == case_id
    events = timeline["events"]
    assert [e["version"] for e in events] == list(range(1, len(history) + 1))
    for event, stored in zip(events, history, strict=True):
        for field in ("event", "occurred_on", "recorded_at", "actor", "request_id", "comment"):
            assert event[field] == stored[field]
        assert event["documents"] == stored["documents"]
    by_event = {e["event"]: e for e in events}
    assert by_event["application_submitted"]["rules_checked"] == [
        "MF-FUTURE-DATE",
        "A-1.1",
        "A-1.2",
    ]
    assert by_event["pre_review_passed"]["actor"]["role"] == "committee_official"
    assert by_event["pre_review_passed"]["actor"]["organization_id"] == client.ids["pc"]
    assert by_event["political_review_concluded"]["documents"][0]["kind"] == "political_review"

    # The exception: F-EXC at exception_granted; the rule it waived at the step it let through.
    granted = by_event["exception_granted"]
    assert granted["rules_checked"] == list(EXCEPTION_RULES)
    assert [f["kind"] for f in granted["findings"]] == ["F-EXC"]
    training = by_event["training_completed"]
    assert training["waived"] == ["A-11.1"]
    assert training["rules_checked"] == list(BY_SLUG["training_completed"].rules_checked)
    assert "A-11.1" in training["rules_checked"]
    assert {f["kind"] for f in training["findings"]} == {"F-LATE"}

    # F-ORDER names the review, but was raised by the first later step that depends on it.
    order = [(e["event"], f) for e in events for f in e["findings"] if f["kind"] == "F-ORDER"]
    assert [(event, f["step"]) for event, f in order] == [
        ("branch_committee_reviewed", "political_review_concluded")
    ]
    assert by_event["political_review_concluded"]["findings"] == []

    # What the events raised, less what they cleared, is what the case shows now.
    shown: dict[tuple[Any, ...], dict[str, Any]] = {}
    for event in events:
        for f in event["findings_cleared"]:
            shown.pop(_key(f)[:3])
        for f in event["findings"]:
            shown[_key(f)[:3]] = f
    current = _ok(client.get(f"/admissions/{case_id}"))["findings"]
    assert sorted(shown) == sorted(_key(f)[:3] for f in current)


def test_an_election_timeline(client: Client, clock: FixedClock) -> None:
    clock.set_day(date(2024, 7, 1))
    body = {
        "organization_id": client.ids["branch"],
        "occurred_on": "2024-07-01",
        "seats": 3,
        "secretary_seats": 1,
        "deputy_seats": 1,
        "meeting_form": "member_meeting",
        "planned_date": "2024-07-15",  # E-1.3: less than a month's notice
    }
    created = client.post("/elections", body, "secretary")
    assert created.status_code == 201, created.text
    election_id = created.json()["id"]
    clock.set_day(date(2024, 7, 3))
    approved = client.post(
        f"/elections/{election_id}/steps/election_request_approved",
        {"occurred_on": "2024-07-03", "approved": True},
        "official",
    )
    assert approved.status_code == 200, approved.text

    timeline = _ok(client.get(f"/audit/elections/{election_id}/timeline", "department"))

    assert timeline["subject_type"] == "election"
    first, second = timeline["events"]
    assert first["event"] == "election_requested"
    assert first["rules_checked"] == list(REQUEST_RULES)
    assert [(f["kind"], f["rule"]) for f in first["findings"]] == [("F-DEADLINE", "E-1.3")]
    assert second["event"] == "election_request_approved"
    assert second["rules_checked"] == [
        "MF-ELECTION-CLOSED",
        "MF-FUTURE-DATE",
        "E-2.1",
        "MF-STEP-ORDER",
    ]
    assert second["findings"] == []
    assert second["actor"]["organization_id"] == client.ids["pc"]

    as_of = _ok(client.get(f"/elections/{election_id}?version=1", "secretary"))
    assert as_of["next_steps"] == ["election_request_approved"]
    assert _ok(client.get(f"/elections/{election_id}?as_of=2024-07-02"))["version"] == 1


# The access log.


def test_the_access_log_records_timelines_and_as_of_views_and_can_be_filtered(
    client: Client, read_models: ReadModels
) -> None:
    case_id = _late_interview(client)
    client.clock.set_day(date(2026, 11, 20))
    _ok(client.get(f"/audit/cases/{case_id}/timeline", "inspector"))
    _ok(client.get(f"/admissions/{case_id}?as_of=2023-05-09", "secretary"))
    _ok(client.get(f"/admissions/{case_id}?version=1", "inspector"))
    _ok(client.get(f"/admissions/{case_id}", "secretary"))  # the present: a read, not a view
    client.memberflow.reads.flush()  # reads are written in batches, off the request path
    read_models.catch_up()

    log = _ok(client.get("/audit/log", "department"))
    assert [a["action"] for a in log["data"]] == ["read", "as_of", "as_of", "timeline"]
    assert log["data"][0]["actor"]["id"] == "secretary"
    view = log["data"][1]
    assert view["actor"]["id"] == "inspector"
    assert view["scope"] == {
        "kind": "case",
        "id": case_id,
        "as_of": None,
        "version": 1,
        "period_from": None,
        "period_to": None,
        "detail": None,
    }
    assert view["recorded_at"].startswith("2026-11-20T02:00:00")

    by_secretary = _ok(client.get("/audit/log?actor=secretary", "inspector"))
    assert [(a["action"], a["actor"]["role"]) for a in by_secretary["data"]] == [
        ("read", "branch_secretary"),
        ("as_of", "branch_secretary"),
    ]
    assert by_secretary["data"][1]["scope"]["as_of"].startswith("2023-05-09T23:59:59")
    timelines = _ok(client.get(f"/audit/log?action=timeline&subject={case_id}", "inspector"))
    assert [(a["action"], a["scope"]["kind"]) for a in timelines["data"]] == [("timeline", "case")]
    oldest_first = _ok(client.get("/audit/log?order=asc&per_page=2&page=2", "inspector"))
    assert oldest_first["count"] == 4
    assert [a["action"] for a in oldest_first["data"]] == ["as_of", "read"]
    assert _ok(client.get("/audit/log?from=2026-11-21", "inspector"))["count"] == 0
    assert _ok(client.get("/audit/log?to=2026-11-20", "inspector"))["count"] == 4
    assert client.get("/audit/log?action=peek", "inspector").status_code == 422


@pytest.mark.parametrize(
    "path", ["/audit/log", "/audit/cases/{id}/timeline", "/audit/elections/{id}/timeline"]
)
def test_only_auditors_may_read_audit_views(client: Client, path: str) -> None:
    case_id = client.apply("无权").json()["id"]
    url = path.format(id=case_id)
    for role in ("secretary", "official"):
        response = client.get(url, role)
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert client.http.get(url).status_code == 401
    if "cases" in path:
        assert client.get(url, "admin").status_code == 200


# The findings list as of a date.


def test_findings_as_of_show_what_was_known_then(client: Client, read_models: ReadModels) -> None:
    case_id = _chaozhou_with_an_exception(client)
    read_models.catch_up()

    def kinds(query: str) -> list[tuple[str, str]]:
        page = _ok(client.get(f"/findings?case={case_id}&per_page=500{query}", "inspector"))
        return sorted((row["kind"], row["step"]) for row in page["data"])

    now = kinds("")
    assert ("F-ORDER", "political_review_concluded") in now
    assert ("F-EXC", "exception_granted") in now
    assert kinds("&as_of=2024-06-20") == []  # the late entries and the exception came next day
    assert kinds("&as_of=2024-06-21") == now
    rows = _ok(client.get(f"/findings?case={case_id}&kind=F-ORDER", "inspector"))["data"]
    assert [row["raised_at"][:10] for row in rows] == ["2024-06-21"]  # raised by the late step,
    assert rows[0]["recorded_at"].startswith("2024-06-20")  # though it names the review of 06-20
    read_models.catch_up()
    recorded = _ok(client.get("/audit/log?action=as_of", "inspector"))["data"]
    assert [a["scope"]["kind"] for a in recorded] == ["findings", "findings"]

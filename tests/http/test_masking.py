"""Citizen ID numbers in responses (issue 10, docs/security.md): in full to those who need them,
masked (``3701**********1234``) for everyone else; and every read of a person's case or registry
record lands in the access log, written after the response, off the request path."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest

from memberflow.bootstrap import Memberflow
from projections.access_log import accesses
from services.access import AccessRecorder
from tests.support.client import Client
from tests.support.identity import person_id_number

NAME = "掩码申请人"
NUMBER = person_id_number(NAME, date(1998, 5, 1))
MASKED = NUMBER[:4] + "*" * 10 + NUMBER[-4:]
FULL = ("secretary", "official", "department")  # the case's branch, its committee, the department
MASKED_FOR = ("inspector", "admin")


@pytest.fixture
def case_id(client: Client) -> str:
    response = client.apply(NAME)
    assert response.status_code == 201, response.text
    assert response.json()["applicant"]["id_number"] == NUMBER  # the branch's own secretary
    return str(response.json()["id"])


def submitted_number(history: list[dict[str, Any]]) -> str:
    [submitted] = [e for e in history if e["event"] == "application_submitted"]
    number: str = submitted["facts"]["applicant"]["id_number"]
    return number


def test_a_case_shows_the_id_number_in_full_only_to_those_who_need_it(
    client: Client, case_id: str
) -> None:
    for who in (*FULL, *MASKED_FOR):
        response = client.get(f"/admissions/{case_id}", who)
        assert response.status_code == 200, (who, response.text)
        applicant = response.json()["applicant"]
        assert applicant["id_number"] == (NUMBER if who in FULL else MASKED), who
        assert applicant["name"] == NAME


def test_history_and_timeline_mask_the_id_number_in_the_facts(client: Client, case_id: str) -> None:
    for who in ("official", "inspector", "admin"):
        history = client.get(f"/admissions/{case_id}/history", who)
        assert history.status_code == 200, (who, history.text)
        expected = NUMBER if who == "official" else MASKED
        assert submitted_number(history.json()) == expected, who
        assert NUMBER not in history.text or who == "official"
    for who, expected in (("department", NUMBER), ("inspector", MASKED)):
        timeline = client.get(f"/audit/cases/{case_id}/timeline", who)
        assert timeline.status_code == 200, (who, timeline.text)
        assert submitted_number(timeline.json()["events"]) == expected, who


def test_a_member_shows_the_id_number_in_full_only_to_those_who_need_it(client: Client) -> None:
    member_id = client.ids["m0"]
    number = person_id_number("党员0", date(1975, 1, 1))
    for who, expected in (
        ("secretary", number),
        ("department", number),
        ("official", number),
        ("inspector", f"{number[:4]}{'*' * 10}{number[-4:]}"),
        ("admin", f"{number[:4]}{'*' * 10}{number[-4:]}"),
    ):
        response = client.get(f"/members/{member_id}", who)
        assert response.status_code == 200, (who, response.text)
        assert response.json()["id_number"] == expected, who


@pytest.fixture
def held(memberflow: Memberflow) -> AccessRecorder:
    """The service's recorder of reads, replaced by one that writes only when flushed."""
    memberflow.reads.close()
    memberflow.reads = AccessRecorder(memberflow.bus, interval=3600)
    return memberflow.reads


def reads(memberflow: Memberflow) -> list[tuple[str, str | None, str | None, str]]:
    return [
        (a.scope.kind, a.scope.id, a.scope.detail, a.actor.id)
        for a in accesses(memberflow.audit)
        if a.action == "read"
    ]


def test_reads_are_recorded_after_the_response(
    client: Client, case_id: str, memberflow: Memberflow, held: AccessRecorder
) -> None:
    member_id = client.ids["m0"]
    assert client.get(f"/admissions/{case_id}", "inspector").status_code == 200
    assert client.get(f"/admissions/{case_id}/history", "official").status_code == 200
    assert client.get(f"/members/{member_id}", "department").status_code == 200

    assert reads(memberflow) == []  # answered before anything was written
    assert held.pending == 3
    assert held.flush() == 3

    assert reads(memberflow) == [
        ("case", case_id, None, "inspector"),
        ("case", case_id, "history", "official"),
        ("member", member_id, None, "department"),
    ]
    [first] = [a for a in accesses(memberflow.audit) if a.actor.id == "inspector"]
    assert first.request_id  # the request's own id, as for every other event


def test_an_as_of_read_is_recorded_at_once_and_not_again(
    client: Client, case_id: str, memberflow: Memberflow, held: AccessRecorder
) -> None:
    response = client.get(f"/admissions/{case_id}?version=1", "official")
    assert response.status_code == 200
    assert [a.action for a in accesses(memberflow.audit)] == ["as_of"]
    assert held.pending == 0


def test_the_recorder_writes_on_its_own_and_when_closed(
    client: Client, case_id: str, memberflow: Memberflow
) -> None:
    memberflow.reads.close()
    memberflow.reads = AccessRecorder(memberflow.bus, interval=0.01)
    client.get(f"/admissions/{case_id}", "official")
    memberflow.reads.close()  # whatever the thread had not written yet, close writes
    assert reads(memberflow) == [("case", case_id, None, "official")]

    memberflow.reads = AccessRecorder(memberflow.bus, interval=3600, batch=2)
    client.get(f"/admissions/{case_id}", "admin")
    client.get(f"/admissions/{case_id}", "official")  # a full batch wakes the thread
    for _ in range(500):
        if memberflow.reads.pending == 0 and len(reads(memberflow)) == 3:
            break
        time.sleep(0.01)
    assert len(reads(memberflow)) == 3

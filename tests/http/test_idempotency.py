"""Idempotency-Key: a retry with the same key and body is answered from the first write and
records nothing; another body with the key is 422; keys are the actor's own and kept for a while;
duplicates sent at once record one command; a retry after the service died between recording and
answering is answered from the stored outcome. On both stores."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, NoReturn

import httpx2 as httpx
import pytest

from domain.context import Role
from memberflow.bootstrap import Memberflow
from services.idempotency import KeyReused
from services.tokens import issue
from tests.support.client import Client
from tests.support.clock import FixedClock
from tests.support.races import make_writers_meet
from tests.support.world import CLEAN_PATH

pytestmark = pytest.mark.settings(projections_in_process=False)

UNIT = {"name": "市财政局第二党支部", "kind": "branch", "unit": "市财政局"}


def _positions(memberflow: Memberflow) -> dict[str, int]:
    """How far every event log has come: a write anywhere moves one of these."""
    return {
        app.name: app.recorder.max_notification_id() or 0
        for app in (memberflow.organizations, memberflow.membership, memberflow.approvals)
    }


def _branch(client: Client, name: str = UNIT["name"]) -> dict[str, Any]:
    return {**UNIT, "name": name, "parent_id": client.ids["pc"]}


def test_a_retry_with_the_key_gets_the_first_answer_and_records_nothing(client: Client) -> None:
    first = client.post("/organizations", _branch(client), "admin", **{"Idempotency-Key": "k-1"})
    before = _positions(client.memberflow)

    again = client.post("/organizations", _branch(client), "admin", **{"Idempotency-Key": "k-1"})

    assert first.status_code == 201
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _positions(client.memberflow) == before


def test_without_a_key_the_same_request_is_a_second_write(client: Client) -> None:
    first = client.post("/organizations", _branch(client), "admin")
    second = client.post("/organizations", _branch(client), "admin")

    assert first.json()["id"] != second.json()["id"]
    assert "Idempotent-Replayed" not in second.headers


def test_the_key_with_another_body_is_refused_and_records_nothing(client: Client) -> None:
    client.post("/organizations", _branch(client), "admin", **{"Idempotency-Key": "k-2"})
    before = _positions(client.memberflow)

    other = client.post(
        "/organizations", _branch(client, "另一个支部"), "admin", **{"Idempotency-Key": "k-2"}
    )

    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert (other.json()["rule"], other.json()["field"]) == ("MF-IDEMPOTENCY", "idempotency-key")
    assert "另一请求" in other.json()["detail_zh"]
    assert _positions(client.memberflow) == before


def test_keys_are_each_actors_own(client: Client) -> None:
    client.login("admin2", Role.ADMIN)

    mine = client.post("/organizations", _branch(client), "admin", **{"Idempotency-Key": "same"})
    theirs = client.post("/organizations", _branch(client), "admin2", **{"Idempotency-Key": "same"})

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_key_is_forgotten_after_the_hours_it_is_kept(client: Client, clock: FixedClock) -> None:
    first = client.post("/organizations", _branch(client), "admin", **{"Idempotency-Key": "k-3"})
    clock.current += timedelta(hours=client.memberflow.settings.idempotency_hours, minutes=1)

    later = client.post("/organizations", _branch(client), "admin", **{"Idempotency-Key": "k-3"})

    assert later.status_code == 201
    assert later.json()["id"] != first.json()["id"]
    assert "Idempotent-Replayed" not in later.headers


def test_a_retry_after_the_answer_was_lost_is_answered_from_the_stored_outcome(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service recorded the command, with its key, and died before it kept the answer: the
    retry records nothing and answers the write as it was."""
    case_id = client.apply("张三").json()["id"]
    interview = next(p for p in CLEAN_PATH if p.slug == "applicant_interviewed")
    keys = client.memberflow.bus.keys
    monkeypatch.setattr(keys, "keep_answer", lambda *_: None)  # died before keeping it
    case = client.step(case_id, interview, headers={"Idempotency-Key": "k-4"})
    before = _positions(client.memberflow)

    retry = client.step(case_id, interview, headers={"Idempotency-Key": "k-4"})

    assert case.status_code == 200, case.text
    assert (retry.status_code, retry.json()) == (case.status_code, case.json())
    assert "Idempotent-Replayed" not in retry.headers  # made again, not replayed
    assert _positions(client.memberflow) == before


def test_the_kept_answer_is_encrypted_as_the_events_are(client: Client) -> None:
    client.post("/organizations", _branch(client), "admin", **{"Idempotency-Key": "k-5"})
    recorder: Any = client.memberflow.organizations.recorder
    kept = recorder.remembered(
        "admin", "k-5", (client.clock.now() - timedelta(hours=1)).timestamp()
    )

    assert kept.answer is not None
    assert UNIT["name"].encode() not in kept.answer


@pytest.mark.parametrize("key", ["", "x" * 201, "two words"])
def test_a_malformed_key_is_refused(client: Client, key: str) -> None:
    answer = client.post("/organizations", _branch(client), "admin", **{"Idempotency-Key": key})

    assert answer.status_code == 400
    assert answer.json()["field"] == "idempotency-key"


def test_duplicates_sent_at_once_record_one_command(
    memberflow: Memberflow, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both requests find no key, run the command and meet at the writer: one transaction
    stores the key, the other fails on it and answers the first one's outcome."""
    parties = 3
    make_writers_meet(memberflow, monkeypatch, parties, memberflow.organizations.name)
    token = issue(memberflow.settings, subject="admin", role=Role.ADMIN, organization_id=None)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "together"}
    body = {"name": "市直机关工委", "kind": "working_committee"}
    recorder = memberflow.organizations.recorder
    before = recorder.max_notification_id() or 0

    def post(_: int) -> httpx.Response:
        return httpx.post(f"{server}/organizations", json=body, headers=headers, timeout=30)

    with ThreadPoolExecutor(parties) as pool:
        answers = list(pool.map(post, range(parties)))

    assert [a.status_code for a in answers] == [201] * parties
    assert len({a.json()["id"] for a in answers}) == 1
    assert len({a.json()["position"] for a in answers}) == 1
    # PostgreSQL's ids may skip those of rolled-back transactions: count the events themselves.
    assert len(recorder.select_notifications(start=before + 1, limit=10)) == 1


def test_a_key_the_bus_finds_taken_by_another_request_is_refused(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests with one key and different bodies at once: the first is recorded; the second,
    failing on the stored key, finds it belongs to another request — 422, as when it is found
    before (the bus's side of the race, forced)."""
    bus = client.memberflow.bus

    def first_one_won(*_: Any, **__: Any) -> NoReturn:
        raise KeyReused("k-6")

    monkeypatch.setattr(bus, "handle", first_one_won)

    answer = client.post("/organizations", _branch(client), "admin", **{"Idempotency-Key": "k-6"})

    assert answer.status_code == 422
    assert answer.json()["rule"] == "MF-IDEMPOTENCY"

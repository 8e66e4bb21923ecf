"""Many users writing at once (issue 11): no answer is a 5xx, every write is stored once, and each
client gets its own position in the log — with the read models followed inside the service, as
by default.

Fifty clients on threads of their own, each on its own connection to a real uvicorn server, open
a case and record its interview at the same moment.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import httpx2 as httpx

from domain.context import Role
from services.tokens import issue
from tests.support.client import document_json
from tests.support.identity import person_id_number
from tests.support.world import APPLIED_ON, World

CLIENTS = 50


def _write(base: str, token: str, branch: str, n: int, start: threading.Barrier) -> list[Any]:
    """Open a case and record its interview: (request id, status, answer) of both requests."""
    name = f"同时{n}"
    born = APPLIED_ON.replace(year=1998)
    headers = {"Authorization": f"Bearer {token}"}
    answers: list[Any] = []
    with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
        start.wait()
        opened = http.post(
            "/admissions",
            json={
                "applicant": {
                    "name": name,
                    "birth_date": born.isoformat(),
                    "id_number": person_id_number(name, born),
                },
                "branch_id": branch,
                "basis": "work_unit",
                "occurred_on": APPLIED_ON.isoformat(),
                "documents": [document_json("application_letter")],
            },
            headers={"X-Request-ID": f"open-{n}"},
        )
        answers.append((f"open-{n}", opened.status_code, opened.json()))
        if opened.status_code == 201:
            step = http.post(
                f"/admissions/{opened.json()['id']}/steps/applicant_interviewed",
                json={
                    "occurred_on": APPLIED_ON.isoformat(),
                    "documents": [document_json("interview_record")],
                },
                headers={"X-Request-ID": f"step-{n}"},
            )
            answers.append((f"step-{n}", step.status_code, step.json()))
    return answers


def test_fifty_clients_writing_at_once_are_all_recorded_once_each_at_its_own_position(
    world: World, server: str
) -> None:
    world.clock.set_day(APPLIED_ON)
    token = issue(
        world.memberflow.settings,
        subject="secretary",
        role=Role.BRANCH_SECRETARY,
        organization_id=world.ids["branch"],
    )
    start = threading.Barrier(CLIENTS, timeout=30)
    branch = str(world.ids["branch"])
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(_write, server, token, branch, n, start) for n in range(CLIENTS)]
        answers = [answer for future in futures for answer in future.result(timeout=120)]

    statuses = {request_id: status for request_id, status, _ in answers}
    assert sorted(set(statuses.values())) == [200, 201], answers  # no 5xx, no refusal
    assert len(answers) == 2 * CLIENTS
    # Each client has its own position, and it is where its own write landed.
    positions = [body["position"] for _, _, body in answers]
    assert len(set(positions)) == len(positions)
    log = world.memberflow.membership.recorder.select_notifications(start=1, limit=10_000)
    mapper = world.memberflow.membership.mapper
    stored: dict[str, list[int]] = {}
    for notification in log:
        event: Any = mapper.to_domain_event(notification)
        stored.setdefault(event.context.request_id, []).append(notification.id)
    for request_id, _, body in answers:  # stored once: one write, its position its last event
        assert request_id in stored
        assert stored[request_id][-1] == body["position"]
    cases = {UUID(body["id"]) for _, _, body in answers}
    for case_id in cases:
        history: list[Any] = world.memberflow.membership.history(case_id)
        assert [e.context.request_id.split("-")[0] for e in history] == ["open", "step"]

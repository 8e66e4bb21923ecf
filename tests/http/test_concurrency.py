"""Two writers on one case: one wins, the other gets 409, and no event is lost.

The service runs in a real uvicorn server on a loopback port and the writers are real HTTP
clients on their own threads.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any
from uuid import UUID

import httpx2 as httpx
import pytest

from domain.context import Role
from domain.errors import Conflict, RulesBroken
from domain.members import Member, MemberStatus
from services.tokens import issue
from tests.support.clock import FixedClock
from tests.support.races import make_writers_meet
from tests.support.world import World

# These tests are about the command path: no follower competes for the store meanwhile.
pytestmark = pytest.mark.settings(projections_in_process=False)


def _headers(world: World) -> dict[str, str]:
    token = issue(
        world.memberflow.settings,
        subject="secretary",
        role=Role.BRANCH_SECRETARY,
        organization_id=world.ids["branch"],
    )
    return {"Authorization": f"Bearer {token}"}


def _post_assessment(base: str, world: World, case_id: UUID, request_id: str) -> int:
    response = httpx.post(
        f"{base}/admissions/{case_id}/steps/activist_assessed",
        json={"occurred_on": "2023-10-01"},
        headers={**_headers(world), "X-Request-ID": request_id},
        timeout=30,
    )
    return response.status_code


def test_two_writers_on_one_case_one_wins_one_gets_409(
    world: World, clock: FixedClock, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = world.case_before(6)
    clock.set_day(date(2023, 10, 1))
    before = world.case(case_id).version
    make_writers_meet(world.memberflow, monkeypatch, 2, world.memberflow.membership.name)

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(
            pool.map(lambda r: _post_assessment(server, world, case_id, r), ["a", "b"])
        )

    assert statuses == [200, 409]
    history = world.memberflow.membership.history(case_id)
    assert len(history) == before + 1
    winner: Any = history[-1]
    assert winner.context.request_id in {"a", "b"}


def test_many_writers_lose_nothing(world: World, clock: FixedClock, server: str) -> None:
    """Every 200 is one stored event and no 409 is; a 503 (the store too busy to answer in time)
    may or may not have been stored, and says so. Nothing is stored twice or without a request."""
    case_id = world.case_before(6)
    clock.set_day(date(2023, 10, 1))
    before = world.case(case_id).version

    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(lambda r: _post_assessment(server, world, case_id, f"r{r}"), range(16))
        )

    assert set(statuses) <= {200, 409, 503}
    answered = {f"r{r}": status for r, status in enumerate(statuses)}
    history: list[Any] = world.memberflow.membership.history(case_id)[before:]
    stored = [event.context.request_id for event in history]
    assert len(stored) == len(set(stored))
    assert {r for r, status in answered.items() if status == 200} <= set(stored)
    assert all(answered[r] in (200, 503) for r in stored)


def test_an_approval_saves_the_case_and_the_registry_together_or_not_at_all(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone registers the applicant between the approval's read and its write: the registry
    insert fails in the database, and the case's approval is not stored either."""
    case_id = world.case_before(17, name="韩梅")
    before = world.case(case_id).version
    world.member("same_person", "韩梅", date(1998, 5, 1))
    find = world.memberflow.membership.find

    def stale_find(cls: Any, aggregate_id: UUID, version: int | None = None) -> Any:
        return None if cls is Member else find(cls, aggregate_id, version)

    monkeypatch.setattr(world.memberflow.membership, "find", stale_find)

    with pytest.raises(Conflict):
        world.step(case_id, "admission_approved")
    monkeypatch.undo()

    assert world.case(case_id).version == before
    assert world.memberflow.membership.member(world.ids["same_person"]).status is MemberStatus.FULL


def test_an_approval_of_someone_already_in_the_registry_is_refused_with_A_X(world: World) -> None:
    case_id = world.case_before(17, name="韩雪")
    world.member("registered_meanwhile", "韩雪", date(1998, 5, 1))

    with pytest.raises(RulesBroken) as refused:
        world.step(case_id, "admission_approved")

    assert refused.value.first.rule.id == "A-X"
    assert not world.case(case_id).has("admission_approved")

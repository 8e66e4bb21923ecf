"""Upgrades with upcasting (issue 13): ``ExceptionGranted`` gained the committee that granted it
(``approving_committee_id``, class version 2). A store that release 1 wrote — its exceptions without
the committee — is opened by the current code: the case loads with the committee upcast from the
event's actor, the API answers with it, the read models rebuild and reconcile, and the hash chain
verifies, because the stored bytes were never rewritten (docs/OPERATIONS.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent

from adapters.chain.recorders import chained
from adapters.chain.verification import verify
from domain.admission.case import AdmissionCase
from domain.context import Role
from memberflow.bootstrap import Memberflow, build
from projections.rebuild import rebuild_all
from projections.reconcile import reconcile
from services.replay.jurisdiction import replay
from tests.support.client import Client, client_for
from tests.support.world import ALL_OPINIONS, World

Granted = AdmissionCase.ExceptionGranted
RULE, STEP = "A-7.3", "development_target_designated"  # the masses' opinion is not on file


@contextmanager
def release_1(mapper: Mapper[UUID]) -> Iterator[None]:
    """Exceptions are stored as release 1 stored them: the event class at version 1 (no
    ``class_version`` in the state) and without ``approving_committee_id``, through the same
    mapper (transcoder and cipher) and the same chained recorder."""
    current = mapper.to_stored_event

    def as_version_1(event: DomainEventProtocol[UUID]) -> StoredEvent:
        if not isinstance(event, Granted):
            return current(event)
        old = object.__new__(Granted)
        state = {k: v for k, v in vars(event).items() if k != "approving_committee_id"}
        object.__setattr__(old, "__dict__", state)
        return current(old)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Granted, "class_version", 1)
        patch.setattr(mapper, "to_stored_event", as_version_1)
        yield


def stored_exceptions(memberflow: Memberflow, case_id: UUID) -> list[StoredEvent]:
    recorder = memberflow.membership.recorder
    events = recorder.select_events(case_id)
    return [e for e in events if e.topic.endswith(".ExceptionGranted")]


def plain_state(memberflow: Memberflow, stored: StoredEvent) -> dict[str, Any]:
    """The stored state decrypted, as JSON: what the database holds, before any upcasting."""
    cipher = memberflow.membership.mapper.cipher
    assert cipher is not None  # every stored event is encrypted (docs/security.md)
    state: dict[str, Any] = json.loads(cipher.decrypt(stored.state))
    return state


def excepted_case(
    world: World, name: str, on: date, release: AbstractContextManager[None] | None = None
) -> UUID:
    """A case let through A-7.3 at step 7 by the approving committee (the exception stored by
    ``release``), then step 7 taken."""
    case_id = world.case_before(7, name=name)
    with release or nullcontext():
        world.except_(case_id, STEP, RULE, on=on)
    world.step(case_id, STEP, on=on, opinions_heard=ALL_OPINIONS[:3])
    return case_id


def test_exceptions_stored_by_release_1_load_answer_project_and_verify(
    world: World, memberflow: Memberflow
) -> None:
    old = excepted_case(world, "旧版甲", date(2024, 4, 11), release_1(memberflow.membership.mapper))
    new = excepted_case(world, "新版乙", date(2024, 4, 12))
    [old_stored] = stored_exceptions(memberflow, old)
    [new_stored] = stored_exceptions(memberflow, new)
    assert "approving_committee_id" not in plain_state(memberflow, old_stored)
    assert "class_version" not in plain_state(memberflow, old_stored)
    assert plain_state(memberflow, new_stored)["class_version"] == 2
    committee = world.ids["pc"]
    memberflow.close()

    upgraded = build(memberflow.settings, world.clock)
    try:
        # The application takes no snapshots: a case is always its events, upcast one by one.
        assert upgraded.membership.snapshots is None
        for case_id in (old, new):
            [granted] = upgraded.membership.case(case_id).exceptions
            assert (granted.approving_committee_id, granted.used) == (committee, True)
        client = client_for(upgraded, world.clock)
        client.ids.update({key: str(value) for key, value in world.ids.items()})
        client.login("admin", Role.ADMIN)
        client.login("inspector", Role.DISCIPLINE_INSPECTOR, "wc")
        _answers(client, old, committee)
        _replays(upgraded, committee, old)
        _projects(client, old)
        apps = (upgraded.organizations, upgraded.membership, upgraded.approvals, upgraded.audit)
        assert verify(chained(app.recorder for app in apps)).ok
        assert stored_exceptions(upgraded, old) == [old_stored]  # never rewritten
    finally:
        upgraded.close()


def _answers(client: Client, case_id: UUID, committee: UUID) -> None:
    """The case, its history and its audit timeline name the committee."""
    case = client.get(f"/admissions/{case_id}")
    assert case.status_code == 200, case.text
    assert case.json()["exceptions"][0]["approving_committee_id"] == str(committee)
    for path, by in (
        (f"/admissions/{case_id}/history", "admin"),
        (f"/audit/cases/{case_id}/timeline", "inspector"),
    ):
        response = client.get(path, by)
        assert response.status_code == 200, response.text
        body = response.json()
        events = body if isinstance(body, list) else body["events"]
        [granted] = [e for e in events if e["event"] == "exception_granted"]
        assert granted["facts"]["approving_committee_id"] == str(committee)


def _replays(upgraded: Memberflow, committee: UUID, case_id: UUID) -> None:
    """The committee's jurisdiction replays (``memberflow audit replay``) with the exception."""
    apps, policy = (upgraded.organizations, upgraded.membership), upgraded.settings.policy
    report = replay(*apps, policy, committee, None, None, None)
    [replayed] = [c for c in report.cases if c.id == case_id]
    assert [(e.rule, e.granted_by.id) for e in replayed.exceptions] == [(RULE, "official")]


def _projects(client: Client, case_id: UUID) -> None:
    """Every read model rebuilds from the mixed log and reconciles; the F-EXC finding is there."""
    read_models = client.memberflow.read_models
    rebuilt = rebuild_all(read_models, list(read_models.models))
    assert not rebuilt.failed
    assert reconcile(read_models).ok
    response = client.get(f"/findings?case={case_id}&kind=F-EXC")
    assert response.status_code == 200, response.text
    assert [row["rule"] for row in response.json()["data"]] == [RULE]

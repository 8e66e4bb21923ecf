"""Group commit (services/committer.py): the commands that arrive together are saved in one
transaction, each with its own answer and position; a conflict fails only its own command; the
hash chain links every event of a batch; closing saves what waits.

Each test holds the membership application's writer in its first transaction, lets commands
queue up behind it, then lets it go: what waited is saved as one batch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError

from adapters.chain.recorders import chained
from adapters.chain.verification import verify
from domain.admission.values import Applicant
from domain.commands import Entry, SubmitApplication
from domain.context import DocumentKind
from domain.errors import Conflict
from services.bus import Outcome
from services.committer import Committer
from tests.support.identity import person_id_number
from tests.support.world import APPLIED_ON, World, document

WAIT = 10.0  # seconds: how long a test waits for threads before it fails


@contextmanager
def writer_held(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], None]]:
    """The membership writer's next transaction waits; ``queued(n)`` returns once ``n`` commands
    wait behind it. The block's end lets the writer go."""
    application = world.memberflow.membership
    committer: Committer = world.memberflow.bus.writers[application.name]
    record = application._record
    entered, gate = threading.Event(), threading.Event()
    calls = iter(range(1))

    def held(processing: Any) -> Any:
        if next(calls, None) is not None:
            entered.set()
            gate.wait(WAIT)
        return record(processing)

    def queued(n: int) -> None:
        assert entered.wait(WAIT)
        deadline = time.monotonic() + WAIT
        while committer.waiting < n:
            assert time.monotonic() < deadline, f"{committer.waiting} of {n} commands queued"
            time.sleep(0.005)

    monkeypatch.setattr(application, "_record", held)
    try:
        yield queued
    finally:
        gate.set()


def _open(world: World) -> Outcome:
    """A new case, as ``World.submit`` opens one, with the bus's whole answer."""
    name = f"并发{next(world.names)}"
    born = date(1998, 5, 1)
    applicant = Applicant(name=name, birth_date=born, id_number=person_id_number(name, born))
    entry = Entry(APPLIED_ON, documents=(document(DocumentKind.APPLICATION_LETTER),))
    return world.run(
        SubmitApplication(applicant, world.ids["branch"], "work_unit", entry), "secretary"
    )


def _results(futures: list[Future[Outcome]]) -> list[Outcome | BaseException]:
    return [f.exception(WAIT) or f.result() for f in futures]


def test_commands_arriving_together_are_saved_in_one_transaction_each_with_its_own_answer(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    committer = world.memberflow.bus.writers["membership"]
    with ThreadPoolExecutor(9) as pool, writer_held(world, monkeypatch) as queued:
        first = pool.submit(world.submit)
        queued(0)
        together = [pool.submit(_open, world) for _ in range(8)]
        queued(8)
    first.result(WAIT)
    outcomes = [f.result(WAIT) for f in together]

    assert committer.batches == 1  # the eight that waited: one transaction
    positions = [o.position for o in outcomes]
    assert len(set(positions)) == 8
    for outcome in outcomes:  # each answer names its own case and the position of its last event
        history = world.memberflow.membership.history(outcome.subject_id)
        assert [e.originator_version for e in history] == [outcome.version]
        assert outcome.subject is not None
        assert outcome.subject.id == outcome.subject_id
    notifications = world.memberflow.membership.recorder.select_notifications(start=1, limit=1000)
    by_position = {n.id: n.originator_id for n in notifications}
    for outcome in outcomes:
        assert by_position[outcome.position] == outcome.subject_id


def test_the_hash_chain_links_every_event_of_a_batch(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ThreadPoolExecutor(6) as pool, writer_held(world, monkeypatch) as queued:
        pool.submit(world.submit)
        queued(0)
        together = [pool.submit(_open, world) for _ in range(5)]
        queued(5)
    assert all(not isinstance(r, BaseException) for r in _results(together))

    report = verify(chained([world.memberflow.membership.recorder]))
    assert report.ok, report.as_dict()
    assert report.apps[0].events == world.memberflow.membership.recorder.max_notification_id()


def test_a_conflict_in_a_batch_fails_only_its_own_command(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two steps on one case read the same version while the writer is busy: the batch they
    share fails in the database, each command is saved again alone, and only the second of the
    two gets Conflict (HTTP 409)."""
    cases = [world.case_before(6) for _ in range(4)]
    versions = {case_id: world.case(case_id).version for case_id in cases}
    world.clock.set_day(date(2023, 10, 1))

    def assess(case_id: Any) -> Outcome:
        return world.step(case_id, "activist_assessed", on=date(2023, 10, 1))

    with ThreadPoolExecutor(6) as pool, writer_held(world, monkeypatch) as queued:
        pool.submit(world.submit)
        queued(0)
        futures = [pool.submit(assess, case_id) for case_id in cases]
        queued(4)
        futures.append(pool.submit(assess, cases[0]))  # read before the first one is stored
        queued(5)
    results = _results(futures)

    assert [type(r) for r in results] == [Outcome] * 4 + [Conflict]
    for case_id in cases:
        assert world.case(case_id).version == versions[case_id] + 1
    positions = [r.position for r in results if isinstance(r, Outcome)]
    assert len(set(positions)) == 4


def test_closing_saves_every_command_that_waits(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    bus = world.memberflow.bus
    with ThreadPoolExecutor(5) as pool, writer_held(world, monkeypatch) as queued:
        pool.submit(world.submit)
        queued(0)
        waiting = [pool.submit(_open, world) for _ in range(3)]
        queued(3)
        closing = pool.submit(bus.close)
    closing.result(WAIT)

    assert all(isinstance(r, Outcome) for r in _results(waiting))
    # After closing, a command is saved at once in its own thread.
    late = _open(world)
    assert world.memberflow.membership.history(late.subject_id)


@pytest.mark.stores("sqlite")
def test_a_write_that_timed_out_on_the_sqlite_lock_is_tried_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process held the file past the busy time-out: the writer tries again, and the
    caller never hears of it (no 503 for waiting)."""
    application = world.memberflow.membership
    record = application._record
    failures = iter([OperationalError("database is locked")] * 2)

    def busy_then_free(processing: Any) -> Any:
        if (error := next(failures, None)) is not None:
            raise error
        return record(processing)

    monkeypatch.setattr(application, "_record", busy_then_free)
    outcome = _open(world)

    assert [e.originator_version for e in application.history(outcome.subject_id)] == [1]

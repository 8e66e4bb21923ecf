"""The read models of one memberflow, their followers, and how far behind the logs they are.

Each read model follows on its own: one that cannot apply an event stops there alone, waits out a
back-off and tries again (``projections.failures``); the others keep following.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import structlog

from adapters.store import CONNECT_TIMEOUT_SECONDS
from memberflow.settings import Settings
from projections import failures as kept
from projections.database import (
    PostgresDatabase,
    ReadDatabase,
    Transaction,
    open_database,
    open_replica,
    wait_for_replica,
)
from projections.failures import Failure, backoff, message, where
from projections.follower import EventFailed, Follower
from projections.model import ReadModel, Sources
from projections.pack import Pack
from projections.tracking import tracked_position
from services.applications import MemberflowApplication

log = structlog.get_logger("memberflow.projections")


@dataclass(frozen=True, slots=True)
class Lag:
    """How far a read model is behind one log: in events, and in seconds since the oldest event
    it has not applied yet was stored."""

    projection: str
    source: str
    position: int
    head: int
    seconds: float

    @property
    def events(self) -> int:
        return max(self.head - self.position, 0)


class ReadModels:
    def __init__(
        self,
        settings: Settings,
        applications: Mapping[str, MemberflowApplication],
        models: Sequence[type[ReadModel]],
    ) -> None:
        self.settings = settings
        self.database = open_database(settings)  # where the followers write
        self.replica = open_replica(settings)  # where queries are served from, if not there
        self.applications = dict(applications)
        sources = Sources(self.applications, settings.policy)
        self.models = {cls.name: cls(sources) for cls in models}
        self.followers = {
            name: Follower(model, self.database, self.applications)
            for name, model in self.models.items()
        }
        self.pack = Pack(list(self.followers.values()), self.database, self.applications)
        self.created = False
        self.creating = threading.Lock()
        self.monotonic: Callable[[], float] = time.monotonic  # when a retry is due (tests: a clock)
        self._failures: dict[str, Failure] | None = None  # this process's view, loaded once
        self._due: dict[str, float] = {}  # a failing model's next attempt, on ``monotonic``
        self._failing = threading.Lock()

    def ensure_created(self) -> None:
        """Create the read models' tables on first use (idempotent, one thread at a time)."""
        with self.creating:
            if not self.created:
                for follower in self.followers.values():
                    follower.create()
                if self.replica is not None:  # the tables, before the first query looks there
                    assert isinstance(self.database, PostgresDatabase)
                    wait_for_replica(self.database, self.replica, self.settings.read_wait_seconds)
                self.created = True

    @contextmanager
    def query(self) -> Iterator[Transaction]:
        """A read-only transaction on the database queries are served from: the replica if one
        is configured (``MEMBERFLOW_READ_REPLICA_URL``), else the read models' own."""
        with (self.replica or self.database).transaction(write=False) as tx:
            yield tx

    def served_positions(self, name: str) -> dict[str, int]:
        """How far read model ``name`` has reached in each log, as its queries see it (on the
        replica, the positions it has replayed)."""
        self.ensure_created()
        follower = self.followers[name]
        with self.query() as tx:
            return {
                source: tracked_position(tx, follower.tracking_name, source)
                for source in follower.sources
            }

    def model(self, name: str) -> ReadModel:
        return self.models[name]

    def catch_up(self, stop: threading.Event | None = None) -> int:
        """One pass: every read model not waiting out a back-off applies what the logs hold
        beyond its position; how many events were applied (summed over the models). The models
        read each log together (``projections.pack``); a model that fails stops alone. ``stop``
        set ends the pass after the batch in hand (SIGTERM: a long backlog is not waited for)."""
        self.ensure_created()
        known = self._known_failures()
        now = self.monotonic()
        following = [
            name for name in self.followers if name not in known or now >= self._due.get(name, 0.0)
        ]
        done = 0
        while following and not (stop and stop.is_set()):
            outcome = self.pack.process_batch(self.settings.projections_batch_size, following)
            done += outcome.applied
            for name, error in outcome.failed.items():
                self._failed(name, error)
            stopped = outcome.failed.keys() | outcome.moved  # moved: the next pass goes on
            following = [name for name in following if name not in stopped]
            if not outcome.applied:
                break
        for name in following:
            if name in self._known_failures():
                self._recovered(name)
        return done

    def _known_failures(self) -> dict[str, Failure]:
        """The failures this process knows of: on the first pass, those another process recorded
        (a new leader tries their events at once, and carries on counting)."""
        if self._failures is None:
            with self.database.transaction(write=False) as tx:
                recorded = {failure.projection: failure for failure in kept.failures(tx)}
            with self._failing:
                if self._failures is None:
                    self._failures = recorded
        return self._failures

    def _failed(self, name: str, error: Exception) -> None:
        """Record a failed attempt, log it once, and set when the next one is due."""
        settings = self.settings
        cause = error.error if isinstance(error, EventFailed) else error
        now = datetime.now(tz=UTC)
        known = self._known_failures()
        with self._failing:
            failure = Failure(
                projection=name,
                log=error.source if isinstance(error, EventFailed) else None,
                position=error.position if isinstance(error, EventFailed) else None,
                error_type=type(cause).__name__,
                error=message(cause),
                since=now,
                attempts=1,
                retry_at=now,
            )
            earlier = known.get(name)
            if earlier is not None and earlier.same_event(failure):
                failure = dataclasses.replace(
                    failure, since=earlier.since, attempts=earlier.attempts + 1
                )
            delay = backoff(
                failure.attempts,
                settings.projections_retry_initial_seconds,
                settings.projections_retry_max_seconds,
            )
            failure = dataclasses.replace(failure, retry_at=now + timedelta(seconds=delay))
            known[name] = failure
            self._due[name] = self.monotonic() + delay
        log.error(
            "projections.event_failed" if failure.position else "projections.batch_failed",
            projection=name,
            log=failure.log,
            position=failure.position,
            error_type=failure.error_type,
            error=failure.error,
            where=where(cause),
            attempt=failure.attempts,
            retry_in_seconds=delay,
        )
        try:
            with self.database.transaction() as tx:
                kept.record(tx, failure)
        except Exception as unrecorded:  # the database itself may be why the batch failed
            log.warning(
                "projections.failure_unrecorded", projection=name, error=message(unrecorded)
            )

    def _recovered(self, name: str) -> None:
        with self.database.transaction() as tx:
            kept.clear(tx, name)
        self.forgive(name, log_it=True)

    def forgive(self, name: str, *, log_it: bool = False) -> None:
        """Forget that ``name`` was failing: it got past the event, or a rebuild replaced it."""
        with self._failing:
            failure = (self._failures or {}).pop(name, None)
            self._due.pop(name, None)
        if failure is not None and log_it:
            log.info(
                "projections.recovered",
                projection=name,
                log=failure.log,
                position=failure.position,
                attempts=failure.attempts,
            )

    def failing(self, names: Sequence[str] | None = None) -> list[Failure]:
        """The read models (of ``names``, default all) that cannot apply an event, as recorded by
        whichever process follows the logs."""
        self.ensure_created()
        with self.database.transaction(write=False) as tx:
            found = kept.failures(tx)
        wanted = self.models if names is None else names
        return [failure for failure in found if failure.projection in wanted]

    def lag(self) -> list[Lag]:
        self.ensure_created()
        return [
            self._lag(name, source, position)
            for name, follower in self.followers.items()
            for source, position in follower.positions().items()
        ]

    def _lag(self, name: str, source: str, position: int) -> Lag:
        application = self.applications[source]
        head = application.recorder.max_notification_id() or 0
        waiting = application.recorder.select_notifications(start=position + 1, limit=1)
        seconds = 0.0
        if waiting:
            event: Any = application.mapper.to_domain_event(waiting[0])
            stored_at: datetime = event.timestamp
            seconds = max((datetime.now(tz=UTC) - stored_at).total_seconds(), 0.0)
        return Lag(name, source, position, head, seconds)

    def reached(self, log_name: str, position: int, names: Sequence[str]) -> bool:
        return all(
            self.served_positions(name).get(log_name, position) >= position for name in names
        )

    def wait_for(self, log_name: str, position: int, names: Sequence[str], timeout: float) -> bool:
        """Read-your-writes: wait, boundedly, until the read models have reached a position."""
        deadline = time.monotonic() + timeout
        while not self.reached(log_name, position, names):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def close(self) -> None:
        if self.replica is not None:
            self.replica.close()
        self.database.close()


@contextmanager
def leadership(database: ReadDatabase, stop: threading.Event) -> Iterator[Callable[[], bool]]:
    """On PostgreSQL, one process at a time follows the logs: a session advisory lock elects it.
    Yields whether this process still leads: not once ``stop`` is set, nor once the lock's session
    is lost (the database restarted: the lock went with it, and another process may hold it now).
    """
    if not isinstance(database, PostgresDatabase):
        yield lambda: not stop.is_set()
        return
    with psycopg.connect(
        database.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
    ) as connection:
        key = f"memberflow-projections:{database.schema}"
        while not stop.is_set():
            row = connection.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()
            if row and row[0]:
                log.info("projections.leader", schema=database.schema)
                yield lambda: not stop.is_set() and _holds(connection)
                return
            stop.wait(1.0)
        yield lambda: False


def _holds(session: psycopg.Connection[Any]) -> bool:
    """Whether the session of the lock is still there (one round trip)."""
    try:
        session.execute("SELECT 1")
    except psycopg.Error:
        log.warning("projections.leadership_lost")
        return False
    return True


def run(
    read_models: ReadModels,
    stop: threading.Event,
    poll_seconds: float = 0.2,
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """Follow the logs until ``stop`` is set: while elected, standing again when the lock is lost
    (the database restarted) or could not be asked for (it is away)."""
    settings = read_models.settings
    applied = 0
    unelected = 0  # elections in a row that could not reach the database
    while not stop.is_set():
        try:
            with leadership(read_models.database, stop) as leading:
                unelected = 0
                applied += _follow(read_models, stop, leading, poll_seconds, on_batch)
        except psycopg.OperationalError as error:  # away: stand again after a back-off
            unelected += 1
            log.error("projections.election_failed", error=message(error), attempt=unelected)
            initial, maximum = (
                settings.projections_retry_initial_seconds,
                settings.projections_retry_max_seconds,
            )
            stop.wait(backoff(unelected, initial, maximum))
    log.info("projections.stopped", applied=applied)


def _follow(
    read_models: ReadModels,
    stop: threading.Event,
    leading: Callable[[], bool],
    poll_seconds: float,
    on_batch: Callable[[int], None] | None,
) -> int:
    """Passes over the logs while this process leads; how many events were applied."""
    settings = read_models.settings
    unreachable = 0  # passes in a row that could not reach the read models' database
    applied = 0
    while leading():
        try:
            processed = read_models.catch_up(stop)  # a failing model is recorded, not raised
            applied += processed
            unreachable = 0
        except Exception as error:  # the read models' own tables could not be reached
            unreachable += 1
            log.error("projections.pass_failed", error=message(error), attempt=unreachable)
            processed = 0
        if on_batch and processed:
            on_batch(processed)
        if not processed:
            initial, maximum = (
                settings.projections_retry_initial_seconds,
                settings.projections_retry_max_seconds,
            )
            wait = backoff(unreachable, initial, maximum) if unreachable else poll_seconds
            stop.wait(max(wait, poll_seconds))
    return applied


class InProcessRunner:
    """The embedded default: the service follows its own logs on a background thread."""

    def __init__(self, read_models: ReadModels) -> None:
        self.read_models = read_models
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=run, args=(read_models, self.stop), daemon=True, name="memberflow-projections"
        )

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)

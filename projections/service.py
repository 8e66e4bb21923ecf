"""The read models of one memberflow, their followers, and how far behind the logs they are."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
import structlog

from memberflow.settings import Settings
from projections.database import PostgresDatabase, ReadDatabase, open_database
from projections.follower import Follower
from projections.model import ReadModel, Sources
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
        self.database = open_database(settings)
        self.applications = dict(applications)
        sources = Sources(self.applications, settings.policy)
        self.models = {cls.name: cls(sources) for cls in models}
        self.followers = {
            name: Follower(model, self.database, self.applications)
            for name, model in self.models.items()
        }
        self.created = False
        self.creating = threading.Lock()

    def ensure_created(self) -> None:
        """Create the read models' tables on first use (idempotent, one thread at a time)."""
        with self.creating:
            if not self.created:
                for follower in self.followers.values():
                    follower.create()
                self.created = True

    def model(self, name: str) -> ReadModel:
        return self.models[name]

    def catch_up(self) -> int:
        self.ensure_created()
        limit = self.settings.projections_batch_size
        return sum(follower.catch_up(limit) for follower in self.followers.values())

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
        self.ensure_created()
        return all(
            self.followers[name].positions().get(log_name, position) >= position for name in names
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
        self.database.close()


@contextmanager
def leadership(database: ReadDatabase, stop: threading.Event) -> Iterator[bool]:
    """On PostgreSQL, one process at a time follows the logs: a session advisory lock elects it."""
    if not isinstance(database, PostgresDatabase):
        yield True
        return
    with psycopg.connect(database.url, autocommit=True) as connection:
        key = f"memberflow-projections:{database.schema}"
        while not stop.is_set():
            row = connection.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()
            if row and row[0]:
                log.info("projections.leader", schema=database.schema)
                yield True
                return
            stop.wait(1.0)
        yield False


def run(
    read_models: ReadModels,
    stop: threading.Event,
    poll_seconds: float = 0.2,
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """Follow the logs until ``stop`` is set."""
    with leadership(read_models.database, stop) as leader:
        while leader and not stop.is_set():
            try:
                processed = read_models.catch_up()
            except Exception:  # keep following: the failed batch was rolled back
                log.exception("projections.batch_failed")
                processed = 0
            if on_batch and processed:
                on_batch(processed)
            if not processed:
                stop.wait(poll_seconds)


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
